//go:build !nohtml

package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var floodParas = []string{
	"Heavy rain pushed the Guaiba river above its banks in Porto Alegre on Monday, forcing some 3,000 residents to leave their homes, the civil defence agency said.",
	"Governor Eduardo Leite opened shelters in schools and sports halls and asked people living near the river to leave while the roads were still open.",
	"Forecasters expect more rain until Thursday. The river peaked at 5.3 metres in 1941, a record the agency said could be broken this week.",
}

var rateParas = []string{
	"The European Central Bank kept its main interest rate unchanged on Thursday, saying inflation in the euro area was falling faster than it had expected.",
	"President Christine Lagarde told reporters that the governing council had not discussed cutting rates and that it was too early to lower its guard.",
	"Markets still expect the first cut in the spring, after data this week showed prices rising by 2.4 percent in November from a year earlier.",
}

// courierPage and gazettePage serve an article in two different site
// templates: navigation, teasers, cookie banner and footer differ.
func courierPage(title, date string, paras []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s | The Daily Courier</title>
<meta property="article:published_time" content="%s"></head><body>
<div class="cookie-consent"><p>We use cookies to personalise content and ads. By continuing you accept our cookie policy.</p><button>Accept</button></div>
<header><a href="/">The Daily Courier</a><nav><a href="/world">World</a> <a href="/business">Business</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>%s</h1><div class="share"><a href="#">Share on Facebook</a></div>
`, html.EscapeString(title), date, html.EscapeString(title))
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	b.WriteString(`</article></main>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Mayor opens new bridge after three years of works…</a></li><li><a href="/b">Local team wins the regional cup in extra time…</a></li></ul></aside>
<footer><a href="/about">About us</a> <a href="/privacy">Privacy policy</a> © The Daily Courier</footer></body></html>`)
	return b.String()
}

func gazettePage(title, date string, paras []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<html><head><title>%s - Evening Gazette</title>
<script type="application/ld+json">{"@type":"NewsArticle","headline":%q,"datePublished":"%s"}</script></head>
<body><div id="top"><ul class="menu"><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/opinion">Opinion</a></li></ul>
<a class="subscribe" href="/subscribe">Subscribe now for $1</a></div>
<div class="layout"><div class="content"><div class="story"><h2 class="headline">%s</h2><span class="byline">By Gazette staff</span>
<div class="entry-content">
`, html.EscapeString(title), title, date, html.EscapeString(title))
	for i, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
		if i == 0 {
			b.WriteString(`<div class="ad">Advertisement</div>` + "\n")
		}
	}
	b.WriteString(`</div></div></div>
<div class="rail"><h4>Latest news</h4><p><a href="/x">Council approves budget for next year…</a></p><p><a href="/y">Weather: sunny spells and showers…</a></p></div></div>
<div id="footer"><p>Evening Gazette · Contact · Terms · Newsletter sign-up</p></div></body></html>`)
	return b.String()
}

func jsonLine(t *testing.T, fields map[string]any) string {
	t.Helper()
	b, err := json.Marshal(fields)
	require.NoError(t, err)
	return string(b) + "\n"
}

func decodeLines[T any](t *testing.T, out string) []T {
	t.Helper()
	var res []T
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var v T
		require.NoError(t, json.Unmarshal([]byte(l), &v), l)
		res = append(res, v)
	}
	return res
}

func TestHTMLFieldDedup(t *testing.T) {
	in := jsonLine(t, map[string]any{"id": "courier", "html": courierPage("Floods force 3,000 from homes in Porto Alegre", "2024-05-06T09:30:00Z", floodParas)}) +
		jsonLine(t, map[string]any{"id": "gazette", "html": gazettePage("Floods force 3,000 from homes in Porto Alegre", "2024-05-06T15:00:00Z", floodParas)}) +
		jsonLine(t, map[string]any{"id": "ecb", "html": courierPage("ECB holds rates", "2023-12-14T13:15:00Z", rateParas)})
	code, out, errs := runCLI(t, in, "dedup")
	require.Equal(t, exitOK, code, errs)
	got := decodeLines[dedupLine](t, out)
	assert.Equal(t, []dedupLine{{"courier", ""}, {"gazette", "courier"}, {"ecb", ""}}, got)
}

func TestHTMLFieldMappingAndPrecedence(t *testing.T) {
	page := courierPage("Extracted headline about the floods", "2024-05-06T09:30:00Z", floodParas)
	in := jsonLine(t, map[string]any{"doc_id": "given", "title": "Given headline", "content": page}) +
		jsonLine(t, map[string]any{"doc_id": "extracted", "content": page, "date": "2024-05-07"})
	code, out, errs := runCLI(t, in, "cluster", "-stories", "-fields", "id=doc_id,html=content,published=date")
	require.Equal(t, exitOK, code, errs)
	stories := decodeLines[storyLine](t, out)
	require.Len(t, stories, 1, "the same page twice is one story")
	assert.Equal(t, []string{"extracted", "given"}, stories[0].IDs)
	// The representative is the earliest published: the given date of
	// "extracted" (2024-05-07) is later than the date "given" extracts from
	// the page, so "given" represents, with its given title.
	assert.Equal(t, "given", stories[0].Representative)
	assert.Equal(t, "Given headline", stories[0].Title)

	code, out, errs = runCLI(t, in, "dedup", "-fields", "id=doc_id,html=content,published=date")
	require.Equal(t, exitOK, code, errs)
	assert.Equal(t, []dedupLine{{"given", ""}, {"extracted", "given"}}, decodeLines[dedupLine](t, out))

	// Without the mapping, the page is not read: no text, a warning.
	code, _, errs = runCLI(t, in, "cluster", "-fields", "id=doc_id")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, `article "extracted" has no title and no text`)
}

func TestHTMLInputErrors(t *testing.T) {
	good := jsonLine(t, map[string]any{"id": "ok", "html": courierPage("Floods", "2024-05-06", floodParas)})
	empty := jsonLine(t, map[string]any{"id": "shell", "html": `<html><body><div id="app"></div><script src="/app.js"></script></body></html>`})
	tests := []struct {
		name, in string
		args     []string
		code     int
		stderr   string
		ids      []string
	}{
		{"no text in page", good + empty, nil, exitInput, `<stdin>:2: article "shell": extract: no extractable text in HTML page`, nil},
		{"no text skipped", empty + good, []string{"-skip-bad"}, exitOK, "skipped 1 bad input line", []string{"ok"}},
		{"html not a string", `{"id":"n","html":42}` + "\n", nil, exitInput, `field "html": want a string`, nil},
		{"html null", `{"id":"n","text":"Some text here.","html":null}` + "\n", nil, exitOK, "", []string{"n"}},
		{"given text, empty page", jsonLine(t, map[string]any{"id": "t", "text": "Text from the feed.", "html": "<html></html>"}), nil, exitOK, "", []string{"t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.in, append([]string{"dedup"}, tt.args...)...)
			require.Equal(t, tt.code, code, errs)
			assert.Contains(t, errs, tt.stderr)
			if tt.ids != nil {
				var ids []string
				for _, l := range decodeLines[dedupLine](t, out) {
					ids = append(ids, l.ID)
				}
				assert.Equal(t, tt.ids, ids)
			}
		})
	}
	// With -skip-bad every page without text is reported, in input order.
	_, _, errs := runCLI(t, empty+good+strings.Replace(empty, "shell", "shell2", 1), "dedup", "-skip-bad")
	assert.Regexp(t, `(?s)<stdin>:1: .*"shell".*\(skipped\).*<stdin>:3: .*"shell2".*\(skipped\)`, errs)
	assert.Contains(t, errs, "skipped 2 bad input line(s)")
}

func TestHTMLManyLinesKeepInputOrder(t *testing.T) {
	var in strings.Builder
	var want []string
	for i := range 24 {
		id := fmt.Sprintf("p%02d", 23-i) // not sorted, to see the order kept
		want = append(want, id)
		paras := []string{fmt.Sprintf("Report number %d on the state of bridge %d in the northern district, which inspectors closed on Monday.", i, i*7), floodParas[i%3], rateParas[i%3]}
		in.WriteString(jsonLine(t, map[string]any{"id": id, "html": gazettePage(fmt.Sprintf("Bridge %d closed", i), "2024-05-06", paras)}))
	}
	code, out, errs := runCLI(t, in.String(), "dedup")
	require.Equal(t, exitOK, code, errs)
	var ids []string
	for _, l := range decodeLines[dedupLine](t, out) {
		ids = append(ids, l.ID)
	}
	assert.Equal(t, want, ids)
}

func TestHTMLFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write([]byte(gazettePage("Floods force 3,000 from homes", "2024-05-06T15:00:00Z", floodParas)))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	// A windows-1252 page: the é of "café" is the single byte 0xE9.
	latin1 := strings.ReplaceAll(courierPage("ECB holds rates", "2023-12-14T13:15:00Z", rateParas), `charset="utf-8"`, `charset="windows-1252"`)
	latin1 = strings.Replace(latin1, "<p>", "<p>Over coffee at a caf\xe9 near the bank, traders shrugged. ", 1)
	files := []string{
		write("courier-floods.html", []byte(courierPage("Floods force 3,000 from homes", "2024-05-06T09:30:00Z", floodParas))),
		write("gazette-floods.HTM.gz", gz.Bytes()),
		write("ecb.htm", []byte(latin1)),
	}
	code, out, errs := runCLI(t, "", append([]string{"dedup"}, files...)...)
	require.Equal(t, exitOK, code, errs)
	assert.Equal(t, []dedupLine{{"courier-floods", ""}, {"gazette-floods", "courier-floods"}, {"ecb", ""}},
		decodeLines[dedupLine](t, out))
	assert.NotContains(t, errs, "invalid UTF-8", "an HTML page is decoded by its charset, not patched")

	empty := write("empty.html", []byte("<html><body></body></html>"))
	code, _, errs = runCLI(t, "", "dedup", files[0], empty)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, "empty.html: article \"empty\": extract: no extractable text")
	code, _, errs = runCLI(t, "", "dedup", "-skip-bad", files[0], empty)
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "(skipped)")

	big := write("big.html", []byte(strings.Repeat("<p>word</p>", 200)))
	code, _, errs = runCLI(t, "", "dedup", "-max-bytes", "1000", big)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, "-max-bytes")
}

// TestRealHTMLFiles runs the CLI on real news pages shipped with the
// go-trafilatura module (read from the module cache, never copied here).
func TestRealHTMLFiles(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH to locate the go-trafilatura module's test pages")
	}
	cmd := exec.Command(goCmd, "list", "-m", "-json", "github.com/markusmobius/go-trafilatura")
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod")
	outb, err := cmd.Output()
	var m struct{ Dir string }
	if err == nil {
		err = json.Unmarshal(outb, &m)
	}
	if err != nil || m.Dir == "" {
		t.Skipf("go-trafilatura module not in the module cache (%v); run go mod download github.com/markusmobius/go-trafilatura", err)
	}
	dir := filepath.Join(m.Dir, "test-files", "comparison")
	names := []string{"bbc.com.52241221.html", "nytimes.com.blackouts.html", "ticotimes.net-migration.html", "ticotimes.net-worldbank.html"}
	var files []string
	for _, n := range names {
		files = append(files, filepath.Join(dir, n))
	}
	code, out, errs := runCLI(t, "", append([]string{"cluster"}, files...)...)
	require.Equal(t, exitOK, code, errs)
	got := decodeLines[assignmentLine](t, out)
	require.Len(t, got, len(names))
	stories := map[string]bool{}
	for i, a := range got {
		assert.Equal(t, strings.TrimSuffix(names[i], ".html"), a.ID)
		assert.Empty(t, a.DuplicateOf, a.ID)
		stories[a.Story] = true
	}
	assert.Len(t, stories, len(names), "four different news stories")
}
