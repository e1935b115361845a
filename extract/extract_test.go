package extract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/extract"
)

// The real pages come from the go-trafilatura module itself: its module zip
// ships a few hundred scraped web pages under test-files/. They are read
// from the module cache at test time and never copied into this repository.
const trafilaturaModule = "github.com/markusmobius/go-trafilatura"

// newsPages are English news articles from test-files/comparison, each a
// different story (two from ticotimes.net share a page template).
var newsPages = []string{
	"abc7news.com-Napa.html",
	"bbc.com.52241221.html",
	"bostonherald.com-Brothel-catering.html",
	"cbsnews.com.carolina.html",
	"edition.cnn.com-royal.html",
	"gothamist.com-plagues.html",
	"guardian.co.tt-massy.html",
	"haitiantimes.com-family.html",
	"japantimes.co.jp.surgical.html",
	"latimes.com.bloomberg.html",
	"medicalnewstoday.com.318674.html",
	"nationnews.com-schools.html",
	"nationnews.com-tridents.html",
	"newsday.co.tt-forex.html",
	"nytimes.com.blackouts.html",
	"thenassauguardian.com-hikes.html",
	"ticotimes.net-migration.html",
	"ticotimes.net-worldbank.html",
	"timesofisrael.com.washington.html",
	"tribune242.com-gunned.html",
}

var (
	modDirOnce sync.Once
	modDir     string
	modDirErr  error
)

// trafilaturaTestFiles returns the test-files directory of the go-trafilatura
// module in the module cache, or skips the test.
func trafilaturaTestFiles(tb testing.TB) string {
	tb.Helper()
	modDirOnce.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			modDirErr = fmt.Errorf("no go command in PATH: %w", err)
			return
		}
		cmd := exec.Command(goCmd, "list", "-m", "-json", trafilaturaModule)
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			modDirErr = fmt.Errorf("go list -m -json %s: %w: %s", trafilaturaModule, err, stderr.String())
			return
		}
		var m struct{ Dir string }
		if err := json.Unmarshal(out, &m); err != nil {
			modDirErr = fmt.Errorf("go list output: %w", err)
			return
		}
		if m.Dir == "" {
			modDirErr = errors.New("the module is not in the module cache")
			return
		}
		modDir = filepath.Join(m.Dir, "test-files")
		if _, err := os.Stat(modDir); err != nil {
			modDirErr = err
		}
	})
	if modDirErr != nil {
		tb.Skipf("real HTML pages unavailable (%v); run `go mod download %s` to fetch them", modDirErr, trafilaturaModule)
	}
	return modDir
}

type page struct {
	id   string
	html []byte
}

func loadNewsPages(tb testing.TB) []page {
	tb.Helper()
	dir := filepath.Join(trafilaturaTestFiles(tb), "comparison")
	pages := make([]page, 0, len(newsPages))
	for _, name := range newsPages {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(tb, err)
		pages = append(pages, page{id: strings.TrimSuffix(name, ".html"), html: b})
	}
	return pages
}

func extractAll(tb testing.TB, pages []page) []storyclust.Article {
	tb.Helper()
	arts := make([]storyclust.Article, len(pages))
	for i, pg := range pages {
		a, err := extract.FromHTML(pg.id, bytes.NewReader(pg.html), "")
		require.NoError(tb, err, pg.id)
		arts[i] = a
	}
	return arts
}

// otherSiteTemplate wraps an article's paragraphs in the page template of a
// made-up outlet: cookie banner, header navigation, breadcrumbs, share
// buttons, an advertisement and a "read more" box inside the body, tags,
// reader comments, a sidebar of teasers for other stories, a newsletter box
// and a footer.
func otherSiteTemplate(title string, published time.Time, paragraphs, teasers []string) string {
	var b strings.Builder
	esc := html.EscapeString
	slug := strings.ToLower(strings.Join(strings.Fields(title), "-"))
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>%s | The Daily Courier</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:site_name" content="The Daily Courier">
<meta property="og:title" content="%s">
<meta property="og:type" content="article">
<meta property="article:published_time" content="%s">
<link rel="canonical" href="https://www.dailycourier.example/world/%s">
<link rel="stylesheet" href="/static/site.css"><script src="/static/app.js"></script>
</head><body>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience on our site and to show you personalised advertising. By continuing to browse you agree to our use of cookies.</p><button>Accept all</button> <button>Manage settings</button></div>
<header class="site-header"><a class="logo" href="/">The Daily Courier</a>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li><li><a href="/business">Business</a></li><li><a href="/health">Health</a></li><li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li></ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search the Courier"><button>Search</button></form>
<a class="subscribe" href="/subscribe">Subscribe from $1 a week</a></header>
<div class="container"><main id="main">
<article class="story">
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/world">World</a></div>
<h1 class="headline">%s</h1>
<div class="byline">By Courier staff and wire reports · <time datetime="%s">%s</time></div>
<div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a> <a href="#">Email this story</a></div>
<figure class="lead-image"><img src="/img/lead.jpg" alt="Lead image"><figcaption>Photo: Courier wire services</figcaption></figure>
<div class="story-body">
`, esc(title), esc(title), published.Format(time.RFC3339), esc(slug), esc(title),
		published.Format(time.RFC3339), published.Format("January 2, 2006 3:04 PM"))
	for i, p := range paragraphs {
		fmt.Fprintf(&b, "<p>%s</p>\n", esc(p))
		if i == 2 {
			b.WriteString(`<div class="ad-slot"><span>Advertisement</span><iframe src="/ads/300x250"></iframe></div>` + "\n")
		}
		if i == len(paragraphs)/2 && len(teasers) > 0 {
			fmt.Fprintf(&b, `<aside class="read-more"><strong>Read more:</strong> <a href="/world/other">%s</a></aside>`+"\n", esc(teasers[0]))
		}
	}
	b.WriteString(`</div>
<div class="tags">Tags: <a href="/tag/world">World</a> <a href="/tag/news">News</a></div>
</article>
<section class="comments" id="comments"><h3>Comments (2)</h3>
<div class="comment"><span class="author">reader42</span><p>Thanks for reporting this, I had no idea it was this bad.</p></div>
<div class="comment"><span class="author">jdoe</span><p>The Courier should look into who is responsible. First time commenting here!</p></div>
<form class="comment-form"><textarea placeholder="Your comment"></textarea><button>Post comment</button></form></section>
</main>
<aside class="sidebar"><h3>Most read</h3><ol>
`)
	for _, t := range teasers {
		fmt.Fprintf(&b, `<li><a href="/world/other">%s</a></li>`+"\n", esc(t))
	}
	b.WriteString(`</ol>
<div class="newsletter"><h3>Newsletter</h3><p>Sign up for the Morning Briefing and get the day's top stories in your inbox.</p><input placeholder="Email address"><button>Sign up</button></div>
</aside></div>
<footer class="site-footer"><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li><li><a href="/advertise">Advertise with us</a></li></ul>
<p>© 2020 The Daily Courier Media Group. All rights reserved.</p></footer>
</body></html>
`)
	return b.String()
}

// teaser returns the first sentence-ish of an article, cut with an ellipsis
// the way sidebars show them.
func teaser(a storyclust.Article) string {
	t := a.Title
	if first, _, ok := strings.Cut(a.Text, "\n"); ok && len(first) > 40 {
		t += ": " + first
	}
	if r := []rune(t); len(r) > 140 {
		t = string(r[:140]) + "…"
	}
	return t
}

func TestFromHTMLRealPages(t *testing.T) {
	pages := loadNewsPages(t)
	arts := extractAll(t, pages)
	for i, a := range arts {
		raw := string(pages[i].html)
		assert.NotEmpty(t, a.Title, a.ID)
		assert.False(t, a.Published.IsZero(), "%s: no publication date found", a.ID)
		assert.NotEmpty(t, a.Source, a.ID)
		words := len(strings.Fields(a.Text))
		assert.Greater(t, words, 150, "%s: extracted text is too short", a.ID)
		// Extraction keeps a fraction of the page: markup, scripts and
		// furniture go.
		assert.Less(t, len(a.Text)*4, len(raw), "%s: extracted text is not much smaller than the page", a.ID)
		assert.NotContains(t, a.Text, "<script", a.ID)
		assert.NotContains(t, a.Text, "</p>", a.ID)
	}

	// Different real pages are not duplicates of each other, even the two
	// ticotimes.net articles that share a template.
	p, err := storyclust.New(storyclust.Config{})
	require.NoError(t, err)
	res, err := p.Dedup(context.Background(), arts)
	require.NoError(t, err)
	for _, as := range res.Assignments {
		assert.Empty(t, as.DuplicateOf, "%s marked as a duplicate", as.ID)
	}
}

// TestHTMLSameArticleTwoTemplates serves each real article a second time in
// a different outlet's page template and checks that, after extraction, the
// duplicate tier finds the copy, and only the copy.
func TestHTMLSameArticleTwoTemplates(t *testing.T) {
	pages := loadNewsPages(t)
	arts := extractAll(t, pages)
	p, err := storyclust.New(storyclust.Config{})
	require.NoError(t, err)

	for i, orig := range arts {
		t.Run(orig.ID, func(t *testing.T) {
			require.False(t, orig.Published.IsZero(), "the original needs a date to be the representative")
			var teasers []string
			for k := 1; k <= 5; k++ {
				teasers = append(teasers, teaser(arts[(i+k)%len(arts)]))
			}
			published := orig.Published.Add(6 * time.Hour).UTC().Truncate(time.Minute)
			paras := strings.Split(orig.Text, "\n")
			page := otherSiteTemplate(orig.Title, published, paras, teasers)
			copyID := "courier-" + orig.ID
			cp, err := extract.FromHTML(copyID, strings.NewReader(page), "https://www.dailycourier.example/world/story")
			require.NoError(t, err)

			// The extractor found the article in the new template...
			assert.Equal(t, orig.Title, cp.Title)
			assert.True(t, published.Equal(cp.Published), "published %v, want %v", cp.Published, published)
			assert.Equal(t, "dailycourier.example", cp.Source)
			for _, furniture := range []string{"cookies", "Most read", "Subscribe from", "Share on Facebook",
				"All rights reserved", "Sign up for the Morning Briefing", "reader42", "Post comment"} {
				assert.NotContains(t, cp.Text, furniture)
			}
			for _, tz := range teasers[1:] {
				assert.NotContains(t, cp.Text, strings.TrimSuffix(tz, "…"))
			}

			// ...and the duplicate tier marks the copy, and nothing else.
			batch := append(append([]storyclust.Article(nil), arts...), cp)
			res, err := p.Dedup(context.Background(), batch)
			require.NoError(t, err)
			for _, as := range res.Assignments {
				if as.ID == copyID {
					assert.Equal(t, orig.ID, as.DuplicateOf, "the re-templated copy is not a duplicate of its original")
				} else {
					assert.Empty(t, as.DuplicateOf, "%s marked as a duplicate of %s", as.ID, as.DuplicateOf)
				}
			}
		})
	}
}

func TestFillPrecedence(t *testing.T) {
	page := otherSiteTemplate("Extracted headline", time.Date(2024, 5, 6, 7, 8, 0, 0, time.UTC),
		[]string{strings.Repeat("The river rose above its banks and thousands of residents left their homes. ", 6),
			strings.Repeat("Shelters opened in schools across the city as the rain went on. ", 6)}, nil)
	given := time.Date(2024, 5, 7, 0, 0, 0, 0, time.UTC)

	tests := []struct {
		name string
		in   storyclust.Article
		want storyclust.Article // only the fields checked below
	}{
		{"all extracted",
			storyclust.Article{ID: "a"},
			storyclust.Article{Title: "Extracted headline", Published: time.Date(2024, 5, 6, 7, 8, 0, 0, time.UTC),
				URL: "https://www.dailycourier.example/world/extracted-headline", Source: "dailycourier.example", Lang: "en"}},
		{"given fields win",
			storyclust.Article{ID: "a", Title: "Given title", Text: "Given text.", Published: given,
				URL: "https://news.example.org/x", Source: "Example News", Lang: "de"},
			storyclust.Article{Title: "Given title", Text: "Given text.", Published: given,
				URL: "https://news.example.org/x", Source: "Example News", Lang: "de"}},
		{"source from the given URL",
			storyclust.Article{ID: "a", URL: "https://WWW.Other.example:8080/y"},
			storyclust.Article{Title: "Extracted headline", Published: time.Date(2024, 5, 6, 7, 8, 0, 0, time.UTC),
				URL: "https://WWW.Other.example:8080/y", Source: "other.example", Lang: "en"}},
		{"unparsable URL kept, source from the page",
			storyclust.Article{ID: "a", URL: "not a url"},
			storyclust.Article{Title: "Extracted headline", Published: time.Date(2024, 5, 6, 7, 8, 0, 0, time.UTC),
				URL: "not a url", Source: "dailycourier.example", Lang: "en"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extract.Fill(tt.in, strings.NewReader(page))
			require.NoError(t, err)
			assert.Equal(t, tt.in.ID, got.ID)
			assert.Equal(t, tt.want.Title, got.Title)
			assert.True(t, tt.want.Published.Equal(got.Published), "published %v, want %v", got.Published, tt.want.Published)
			assert.Equal(t, tt.want.URL, got.URL)
			assert.Equal(t, tt.want.Source, got.Source)
			assert.Equal(t, tt.want.Lang, got.Lang)
			if tt.want.Text != "" {
				assert.Equal(t, tt.want.Text, got.Text)
			} else {
				lines := strings.Split(got.Text, "\n")
				require.Len(t, lines, 2, "one line per paragraph: %q", got.Text)
				assert.True(t, strings.HasPrefix(lines[0], "The river rose above its banks"))
				assert.True(t, strings.HasPrefix(lines[1], "Shelters opened in schools"))
			}
		})
	}
}

func TestFillLang(t *testing.T) {
	for _, tt := range []struct{ name, para, want string }{
		{"spanish is stemmed", "El río creció por encima de sus orillas y miles de vecinos abandonaron sus casas durante la noche. ", "es"},
		{"german has no stemmer", "Der Fluss trat über die Ufer und tausende Bewohner verließen in der Nacht ihre Häuser. ", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page := otherSiteTemplate("Headline", time.Date(2024, 5, 6, 7, 8, 0, 0, time.UTC),
				[]string{strings.Repeat(tt.para, 6), strings.Repeat(tt.para, 5)}, nil)
			a, err := extract.FromHTML("a", strings.NewReader(page), "")
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.Lang)
		})
	}
}

func TestFromHTMLNoContent(t *testing.T) {
	for name, page := range map[string]string{
		"empty":       "",
		"script only": `<html><head><script>window.app = {}</script></head><body><div id="root"></div><script src="/app.js"></script></body></html>`,
		"whitespace":  "<html><body>  \n\t </body></html>",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := extract.FromHTML("p1", strings.NewReader(page), "")
			require.ErrorIs(t, err, extract.ErrNoContent)
			assert.Contains(t, err.Error(), `"p1"`)
		})
	}
	// Given text makes a page without content acceptable.
	a, err := extract.Fill(storyclust.Article{ID: "p2", Text: "Text from the feed."}, strings.NewReader(""))
	require.NoError(t, err)
	assert.Equal(t, "Text from the feed.", a.Text)
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestFromHTMLReadError(t *testing.T) {
	_, err := extract.FromHTML("p1", failingReader{}, "")
	require.Error(t, err)
	assert.NotErrorIs(t, err, extract.ErrNoContent)
	assert.Contains(t, err.Error(), "connection reset")
}

func TestFromHTMLCharset(t *testing.T) {
	// A windows-1252 page: "café" and curly quotes are single bytes, which
	// are not valid UTF-8; the <meta charset> says how to decode them.
	body := strings.Repeat("The caf\xe9 on the corner reopened on Monday, its owner said in a statement. ", 8)
	page := "<html><head><meta charset=\"windows-1252\"><title>\x93Caf\xe9\x94 reopens</title></head><body><article><p>" +
		body + "</p></article></body></html>"
	a, err := extract.FromHTML("cafe", strings.NewReader(page), "")
	require.NoError(t, err)
	assert.Equal(t, "“Café” reopens", a.Title)
	assert.Contains(t, a.Text, "The café on the corner")
}

func ExampleFromHTML() {
	page := `<html><head><title>Floods force 3,000 from homes | Example Times</title>
<meta property="article:published_time" content="2024-05-06T09:30:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Floods force 3,000 from homes</h1>
<p>Heavy rain pushed the Guaiba river above its banks in Porto Alegre on Monday, forcing some 3,000 residents to leave their homes, the civil defence agency said.</p>
<p>Governor Eduardo Leite opened shelters in schools and asked people living near the river to leave while roads were still open.</p>
</article>
<footer>© Example Times. All rights reserved. <a href="/privacy">Privacy</a></footer></body></html>`
	a, err := extract.FromHTML("a1", strings.NewReader(page), "https://www.example.com/world/floods")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("title:    ", a.Title)
	fmt.Println("published:", a.Published.Format(time.RFC3339))
	fmt.Println("source:   ", a.Source)
	fmt.Println(a.Text)
	// Output:
	// title:     Floods force 3,000 from homes
	// published: 2024-05-06T09:30:00Z
	// source:    example.com
	// Heavy rain pushed the Guaiba river above its banks in Porto Alegre on Monday, forcing some 3,000 residents to leave their homes, the civil defence agency said.
	// Governor Eduardo Leite opened shelters in schools and asked people living near the river to leave while roads were still open.
}

// fillers are the extraction variants the benchmarks compare: Fill as
// shipped, and Fill without the pre-pass that strips scripts, styles, SVG
// and comments before parsing.
var fillers = []struct {
	name string
	fill func(storyclust.Article, io.Reader) (storyclust.Article, error)
}{
	{"prepass=on", extract.Fill},
	{"prepass=off", extract.FillWithoutPrepass},
}

// BenchmarkExtractHTML measures extraction over real news pages; MB/s is in
// bytes of HTML.
func BenchmarkExtractHTML(b *testing.B) {
	pages := loadNewsPages(b)
	var total int64
	for _, pg := range pages {
		total += int64(len(pg.html))
	}
	for _, f := range fillers {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				for _, pg := range pages {
					if _, err := f.fill(storyclust.Article{ID: pg.id}, bytes.NewReader(pg.html)); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pages)), "ns/page")
		})
	}
}

// BenchmarkHTMLToStories extracts the same pages and runs the full pipeline
// on them, and reports which share of the time extraction takes.
func BenchmarkHTMLToStories(b *testing.B) {
	pages := loadNewsPages(b)
	var total int64
	for _, pg := range pages {
		total += int64(len(pg.html))
	}
	p, err := storyclust.New(storyclust.Config{})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range fillers {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			var extracting, run time.Duration
			arts := make([]storyclust.Article, len(pages))
			for b.Loop() {
				t0 := time.Now()
				for i, pg := range pages {
					if arts[i], err = f.fill(storyclust.Article{ID: pg.id}, bytes.NewReader(pg.html)); err != nil {
						b.Fatal(err)
					}
				}
				t1 := time.Now()
				if _, err := p.Run(context.Background(), arts); err != nil {
					b.Fatal(err)
				}
				extracting += t1.Sub(t0)
				run += time.Since(t1)
			}
			b.ReportMetric(100*extracting.Seconds()/(extracting+run).Seconds(), "extract-%")
		})
	}
}

func FuzzFromHTML(f *testing.F) {
	f.Add([]byte(`<html><head><title>T</title></head><body><article><p>Some text.</p></article></body></html>`))
	f.Add([]byte(`<p>unclosed <div><table><tr><td>cell<script>x</script>`))
	f.Add([]byte("<meta charset=\"windows-1252\"><p>caf\xe9 \x93quoted\x94</p>"))
	f.Add([]byte(`<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-13-45T99:99"}</script><p>x</p>`))
	f.Fuzz(func(t *testing.T, page []byte) {
		a, err := extract.FromHTML("f", bytes.NewReader(page), "https://example.com/a")
		if err != nil {
			if !errors.Is(err, extract.ErrNoContent) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if strings.TrimSpace(a.Text) == "" {
			t.Fatal("no error but no text")
		}
		if a.ID != "f" || a.URL != "https://example.com/a" || a.Source != "example.com" {
			t.Fatalf("fields changed: %+v", a)
		}
	})
}
