package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/markusmobius/go-htmldate"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/shingle"
)

// ErrNoContent reports an HTML page from which no article text could be
// extracted (an empty page, a script-only shell, an error page).
var ErrNoContent = errors.New("extract: no extractable text in HTML page")

// FromHTML turns a web page into an Article with the given id: it extracts
// the page's main text (the article body without navigation, teasers,
// comments and footer), its title and its publication date with
// go-trafilatura (https://github.com/markusmobius/go-trafilatura), and fills
// Title, Text, Published, URL and Source. It is Fill applied to
// Article{ID: id, URL: pageURL}.
func FromHTML(id string, page io.Reader, pageURL string) (storyclust.Article, error) {
	return Fill(storyclust.Article{ID: id, URL: pageURL}, page)
}

// Fill fills the empty fields of a from the web page page and returns
// the result; fields a already has take precedence over extracted ones:
//
//   - Text: the main text of the page, one line per paragraph, heading or
//     list item, without a first line that repeats the title.
//   - Title: the page's headline (from its metadata or <title>).
//   - Published: the publication date (and time, when the page gives one)
//     from the page's metadata, JSON-LD or date markup. Where the page
//     declares a publication time on the day the extractor found (JSON-LD
//     datePublished, else <meta property="article:published_time">, else
//     itemprop="datePublished"), that time is taken: the extractor picks
//     among several timestamps of one day at random. The result is the same
//     on every run.
//   - URL: the page's canonical URL, if the page states one.
//   - Source: the host of a.URL (lower case, without "www."), else the host
//     of the page's canonical URL, else the site name the page declares.
//
// a.URL, when it is an absolute URL, is also passed to the extractor; a URL
// that does not parse is kept as it is but otherwise ignored. ID is never
// changed. An empty Lang is set to the language the extractor detects in the
// text (an ISO 639-1 code) when package shingle has a stemmer for it, so
// that such a page is stemmed in its own language; otherwise it stays empty
// (Config.Lang applies).
//
// The page is read to the end. Bytes that are valid UTF-8 are taken as
// UTF-8; anything else is decoded by the HTML5 encoding rules (byte order
// mark, <meta charset>, then windows-1252). Errors name the article id: an
// error reading page is wrapped as it is; a page that yields no text while
// a.Text is empty gives ErrNoContent, and the returned Article is then a
// with the other fields filled, so a caller can still use the title.
//
// Extraction costs far more than clustering (milliseconds per page, see the
// README); Fill is safe for concurrent use, so a caller with many
// pages can run it on several goroutines.
func Fill(a storyclust.Article, page io.Reader) (storyclust.Article, error) {
	return fill(a, page, variant{})
}

// variant selects the shortcuts fill takes; the zero value is Fill. Tests
// and benchmarks compare the results with and without each.
type variant struct {
	noPrepass   bool // parse the page as it is, without strip
	allMetadata bool // let go-trafilatura look for author, categories and tags
}

// fill is Fill, with the shortcuts v selects.
func fill(a storyclust.Article, page io.Reader, v variant) (storyclust.Article, error) {
	b, err := io.ReadAll(page)
	if err != nil {
		return a, fmt.Errorf("article %q: reading HTML: %w", a.ID, err)
	}
	b, err = decodeHTML(b)
	if err == nil && !v.noPrepass {
		// Scripts, styles, inline SVG and comments are most of a typical
		// news page and the extractor drops them anyway: parsing them costs
		// tree nodes that every later step walks or clones.
		b = strip(make([]byte, 0, len(b)), b)
	}
	var doc *html.Node
	if err == nil {
		doc, err = html.Parse(bytes.NewReader(b))
	}
	if err != nil {
		return a, fmt.Errorf("article %q: parsing HTML: %w", a.ID, err)
	}
	if !v.allMetadata {
		skipUnusedMetadata(doc)
	}
	opts := trafilatura.Options{
		// Reader comments are not part of the article and would make two
		// copies of one story differ.
		ExcludeComments: true,
		// The default date search keeps only the day and prefers a date in
		// the URL; ask for the time too, from the page's metadata first.
		HtmlDateOptions: &htmldate.Options{UseOriginalDate: true, SkipExtensiveSearch: true,
			ExtractTime: true, DeferUrlExtractor: true},
	}
	// Read before the extractor gets the tree; see publishedDate.
	var declared []declaredDate
	if a.Published.IsZero() {
		declared = declaredDates(doc)
	}
	given, _ := url.Parse(strings.TrimSpace(a.URL))
	if given != nil && (given.Host == "" || given.Scheme == "") {
		given = nil
	}
	opts.OriginalURL = given

	// ExtractDocument fails only when no text at all was found (it falls
	// back to the page's whole body text when its main-content heuristics
	// find too little), so any error here means no content.
	res, err := trafilatura.ExtractDocument(doc, opts)
	var md trafilatura.Metadata
	var text string
	if err == nil && res != nil {
		md, text = res.Metadata, nodeText(res.ContentNode)
		if text == "" {
			text = strings.TrimSpace(res.ContentText)
		}
	}
	if a.Title == "" {
		a.Title = strings.TrimSpace(strings.ReplaceAll(md.Title, "\u00AD", ""))
	}
	if a.Published.IsZero() {
		a.Published = publishedDate(md.Date, declared)
	}
	if a.URL == "" {
		a.URL = md.URL
	}
	if a.Source == "" {
		switch {
		case given != nil:
			a.Source = hostOf(given)
		case md.URL != "":
			if u, err := url.Parse(md.URL); err == nil {
				a.Source = hostOf(u)
			}
		}
		if a.Source == "" {
			a.Source = strings.TrimSpace(md.Sitename)
		}
	}
	if a.Text == "" {
		a.Text = dropTitleLine(text, a.Title, md.Title)
	}
	if a.Lang == "" {
		a.Lang = supportedLang(md.Language)
	}
	if strings.TrimSpace(a.Text) == "" {
		return a, fmt.Errorf("article %q: %w", a.ID, ErrNoContent)
	}
	return a, nil
}

// decodeHTML returns b as UTF-8: b itself if it is valid UTF-8, else b
// decoded by the HTML5 sniffing rules (byte order mark, <meta charset>,
// then windows-1252). Unicode normalization is left to the analyzer
// (package shingle normalizes every text).
func decodeHTML(b []byte) ([]byte, error) {
	if utf8.Valid(b) {
		return b, nil
	}
	enc, _, _ := charset.DetermineEncoding(b, "text/html")
	out, _, err := transform.Bytes(enc.NewDecoder(), b)
	return out, err
}

// supportedLang returns the ISO 639-1 code lang if the storyclust analyzer
// has stopwords and a stemmer for it, else "".
func supportedLang(lang string) string {
	if lang == "" {
		return ""
	}
	if ok, found := langCache.Load(lang); found {
		if ok.(bool) {
			return lang
		}
		return ""
	}
	_, err := shingle.New(shingle.Config{Lang: lang})
	langCache.Store(lang, err == nil)
	if err != nil {
		return ""
	}
	return lang
}

// langCache maps language codes to whether package shingle supports them.
var langCache sync.Map

// nodeText returns the text of an extracted content tree with one line per
// block (paragraph, heading, list item, quote, table row...), whitespace
// inside a line collapsed and empty lines dropped. Lines matter downstream:
// furniture removal works on them.
func nodeText(n *html.Node) string {
	if n == nil {
		return ""
	}
	var sb, line strings.Builder
	flush := func() {
		l := strings.Join(strings.Fields(line.String()), " ")
		line.Reset()
		if l == "" {
			return
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(l)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			line.WriteString(n.Data)
			return
		case html.ElementNode:
			if inlineTags[n.Data] {
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				return
			}
			flush()
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			flush()
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	flush()
	// Soft hyphens are invisible break hints that some sites put inside
	// words; they would split one word into two tokens.
	return strings.ReplaceAll(sb.String(), "\u00AD", "")
}

// dropTitleLine drops the first line of text when it repeats one of the
// titles: the pipeline weighs the title on its own, and pages differ in
// whether the extracted body starts with the headline.
func dropTitleLine(text string, titles ...string) string {
	first, rest, _ := strings.Cut(text, "\n")
	for _, t := range titles {
		if t != "" && strings.EqualFold(strings.Join(strings.Fields(t), " "), first) {
			return rest
		}
	}
	return text
}

// inlineTags are the elements that do not break a line; every other element
// (p, h1, li, blockquote, td, br, div and the extractor's own tags) does.
var inlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true,
	"data": true, "del": true, "dfn": true, "em": true, "font": true, "hi": true, "i": true,
	"ins": true, "kbd": true, "mark": true, "q": true, "ref": true, "s": true, "samp": true,
	"small": true, "span": true, "strike": true, "strong": true, "sub": true, "sup": true,
	"time": true, "tt": true, "u": true, "var": true, "wbr": true,
}

// hostOf returns u's host name in lower case without a leading "www.".
func hostOf(u *url.URL) string {
	h := strings.ToLower(u.Hostname())
	return strings.TrimPrefix(h, "www.")
}
