package extract_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/extract"
)

func TestStrip(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"nothing to drop", `<p class="a>b">x &lt; y</p>`, `<p class="a>b">x &lt; y</p>`},
		{"script and tail", `<p>a<script>if (a<b) x()</script> b</p>`, `<p>a b</p>`},
		{"script case and attrs", `<SCRIPT src="x.js" async></SCRIPT >x`, `x`},
		{"script end needs a boundary", `<script>"</scripts>"</script>x`, `x`},
		{"json-ld kept", `<script type="application/ld+json">{"a":"<b>"}</script>x`, `<script type="application/ld+json">{"a":"<b>"}</script>x`},
		{"json type case", `<script TYPE='Application/LD+JSON'>{}</script>`, `<script TYPE='Application/LD+JSON'>{}</script>`},
		{"escaped script", `<script><!--<script>x</script>y</script>z`, `z`},
		{"escaped script closed", `<script><!-- a --></script>z`, `z`},
		{"style iframe", `<style>p{}</style><iframe src=x>no</iframe>t`, `t`},
		{"noscript kept", `<noscript><p>a</p><!-- c --></noscript>`, `<noscript><p>a</p><!-- c --></noscript>`},
		{"comments", `a<!-- c -->b<!---->c<!-->d<!--->e<!-- x --!>f`, `abcdef`},
		{"comment dashes", `a<!-- -- - --->b`, `ab`},
		{"svg", `<a><svg viewBox="0 0 1 1"><title>Share</title><g><path d="M0"/></g></svg> Share</a>`, `<a> Share</a>`},
		{"self-closing svg", `a<svg/>b`, `ab`},
		{"nested svg", `<svg><svg><circle></circle></svg><rect></svg>x`, `x`},
		{"svg with html breakout kept", `<svg><p>text</p></svg><script>s</script>`, `<svg><p>text</p></svg><script>s</script>`},
		{"svg with style kept", `<svg><style/></svg><p>text</p><style>x</style>`, `<svg><style/></svg><p>text</p><style>x</style>`},
		{"title is RCDATA", `<title>a <!-- b --> <script>c</script></title>d`, `<title>a <!-- b --> <script>c</script></title>d`},
		{"textarea is RCDATA", `<textarea><!-- x --></textarea><!-- y -->`, `<textarea><!-- x --></textarea>`},
		{"select keeps raw tags", `<select><style>x</style></select><style>y</style>`, `<select><style>x</style></select>`},
		{"math stops", `<math><style></style></math><!-- c -->`, `<math><style></style></math><!-- c -->`},
		{"plaintext stops", `<plaintext><!-- c --><script>`, `<plaintext><!-- c --><script>`},
		{"unterminated comment", `a<!-- b <script>x</script>`, `a<!-- b <script>x</script>`},
		{"unterminated script", `a<!-- c --><script>x`, `a<script>x`},
		{"unterminated tag", `a<!-- c --><p class="x>`, `a<p class="x>`},
		{"unterminated end tag", `a<script>x</script`, `a<script>x</script`},
		{"bogus comments kept", `<!DOCTYPE html><?xml x?><!x>a</ >b</>c<`, `<!DOCTYPE html><?xml x?><!x>a</ >b</>c<`},
		{"lone angle", `a < b <- c <!-- d -->`, `a < b <- c `},
		{"quoted gt in tag", `<div title="<script>">x</div><!--c-->`, `<div title="<script>">x</div>`},
		{"no drop after a lone angle", `<<svg></svg>A<<!-- c -->b<<script>x</script>c`, `<<svg></svg>A<<!-- c -->b<<script>x</script>c`},
		{"unquoted attr", `<a href=x>y</a><style a=b>p</style>`, `<a href=x>y</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := extract.Strip(nil, []byte(tt.in))
			assert.Equal(t, tt.want, string(got))
			// The parser sees the same text outside the dropped elements.
			assert.Equal(t, visibleText(t, []byte(tt.in)), visibleText(t, got))
		})
	}
}

// droppedByStrip are the elements strip may drop, with all their content.
var droppedByStrip = map[string]bool{"script": true, "style": true, "iframe": true,
	"noembed": true, "noframes": true, "svg": true}

// visibleText parses page and returns its text outside comments and the
// elements strip may drop (JSON scripts included), whitespace collapsed.
func visibleText(tb testing.TB, page []byte) string {
	tb.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	require.NoError(tb, err)
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && droppedByStrip[n.Data] {
			return
		}
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return strings.Join(strings.Fields(sb.String()), " ")
}

func FuzzStrip(f *testing.F) {
	for _, s := range []string{
		`<p>a<script>x</script>b<!-- c --></p>`,
		`<script><!--<script>x</script>y</script>z`,
		`<svg><title>t</title><g><path/></g></svg>tail`,
		`<select><style>x</style></select>`,
		`<div title="<script>">x</div><iframe>y</iframe>`,
		`<table><tr><td>a<svg></svg>b</td></tr></table>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		if bytes.Contains(bytes.ToLower(page), []byte("frameset")) {
			// An <iframe> or <svg> stops a later <frameset> from replacing
			// the body: dropping them changes which wins.
			return
		}
		got := extract.Strip(nil, page)
		if len(got) > len(page) {
			t.Fatalf("output longer than input")
		}
		if a, b := visibleText(t, page), visibleText(t, got); a != b {
			t.Fatalf("visible text changed:\n%q\n%q", a, b)
		}
	})
}

var allPages = flag.Bool("allpages", false, "TestPrepassKeepsExtraction: compare on every page of go-trafilatura's test-files/comparison, not every tenth")

// TestPrepassKeepsExtraction extracts real pages with and without the
// pre-pass (strip) and requires the same title, source, URL and language,
// a publication date on the same day (htmldate's last resort, a regular
// expression over the raw HTML, can meet a different timestamp once the
// scripts are gone), and nearly the same text: at most 1% of the words lost,
// and any word gained must be text a reader sees (the extractor drops the
// text after a <script>; the pre-pass keeps it).
func TestPrepassKeepsExtraction(t *testing.T) {
	dir := filepath.Join(trafilaturaTestFiles(t), "comparison")
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := append([]string(nil), newsPages...)
	for i, e := range ents {
		if *allPages || i%10 == 0 {
			names = append(names, e.Name())
		}
	}
	var pages, sameText, sameDate, gained, junk, lostDate int
	var rawBytes, strippedBytes int
	minJ, minName := 1.0, ""
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		rawBytes += len(b)
		strippedBytes += len(extract.Strip(nil, b))
		want, errWant := extract.FillWithoutPrepass(storyclust.Article{ID: name}, bytes.NewReader(b))
		got, errGot := extract.Fill(storyclust.Article{ID: name}, bytes.NewReader(b))
		pages++
		visible := words(visibleText(t, b))
		if errWant == nil && errors.Is(errGot, extract.ErrNoContent) {
			// Only text a reader never sees (inside an <iframe>) was found
			// without the pre-pass.
			w := words(want.Text)
			assert.Less(t, 2*len(intersect(w, visible)), len(w), "%s: no content with the pre-pass", name)
			junk++
			continue
		}
		if errWant != nil || errGot != nil {
			assert.Equal(t, errWant, errGot, name)
			continue
		}
		assert.Equal(t, want.Title, got.Title, name)
		assert.Equal(t, want.Source, got.Source, name)
		assert.Equal(t, want.URL, got.URL, name)
		assert.Equal(t, want.Lang, got.Lang, name)
		if got.Published.IsZero() && !want.Published.IsZero() {
			// Allowed only when the date came from dropped markup (a
			// version-control comment, say), not from the page's content.
			day := want.Published.UTC().Format("2006-01-02")
			assert.NotContains(t, string(extract.Strip(nil, b)), day, "%s: date lost", name)
			lostDate++
			continue
		}
		assert.Equal(t, want.Published.IsZero(), got.Published.IsZero(), name)
		y1, m1, d1 := want.Published.UTC().Date()
		y2, m2, d2 := got.Published.UTC().Date()
		assert.True(t, y1 == y2 && m1 == m2 && d1 == d2, "%s: published %v, want %v", name, got.Published, want.Published)
		if want.Published.Equal(got.Published) {
			sameDate++
		}
		ww, wg := words(want.Text), words(got.Text)
		lost := len(ww) - len(intersect(ww, wg))
		assert.LessOrEqual(t, 100*lost, len(ww), "%s: %d of %d words lost", name, lost, len(ww))
		var extra []string
		for w := range wg {
			if !ww[w] && !visible[w] {
				extra = append(extra, w)
			}
		}
		assert.Empty(t, extra, "%s: words gained that a reader does not see", name)
		if len(wg) > len(intersect(ww, wg)) {
			gained++
		}
		if want.Text == got.Text {
			sameText++
		}
		if j := wordJaccard(want.Text, got.Text); j < minJ {
			minJ, minName = j, name
		}
	}
	t.Logf("%d pages, %.1f MB of HTML -> %.1f MB after the pre-pass; identical text on %d, more text on %d, "+
		"lowest word Jaccard %.4f (%s); identical date on %d, no date (found only in dropped markup) on %d; "+
		"%d found no content but text a reader does not see",
		pages, float64(rawBytes)/1e6, float64(strippedBytes)/1e6, sameText, gained, minJ, minName, sameDate, lostDate, junk)
}

// words returns the set of lower-cased words (runs of letters and digits)
// in s.
func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		m[w] = true
	}
	return m
}

func intersect(a, b map[string]bool) map[string]bool {
	m := map[string]bool{}
	for w := range a {
		if b[w] {
			m[w] = true
		}
	}
	return m
}

// wordJaccard is the Jaccard similarity of the word sets of a and b.
func wordJaccard(a, b string) float64 {
	sa, sb := words(a), words(b)
	if len(sa) == 0 && len(sb) == 0 {
		return 1
	}
	inter := len(intersect(sa, sb))
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}
