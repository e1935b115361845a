package extract

import (
	"strings"
	"testing"

	"github.com/markusmobius/go-trafilatura"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// TestSkipUnusedMetadata checks that go-trafilatura takes the author, tags
// and categories skipUnusedMetadata adds instead of searching the page for
// them (if an upgrade stops doing so, extraction gets slower, not wrong),
// and that it finds the same title, date, URL and site name.
func TestSkipUnusedMetadata(t *testing.T) {
	const page = `<html><head><title>Floods force 3,000 from homes | Example Times</title>
<meta property="article:published_time" content="2024-05-06T09:30:00Z">
<link rel="canonical" href="https://www.example.com/world/floods"></head>
<body><div class="post-meta"><a href="/category/world">World</a> <a href="/category/sport">Sport</a></div>
<article><h1>Floods force 3,000 from homes</h1>
<div class="byline">By <span class="author">Jane Doe</span></div>
<p>Heavy rain pushed the Guaiba river above its banks in Porto Alegre on Monday, forcing some 3,000 residents to leave their homes, the civil defence agency said.</p>
<p>Governor Eduardo Leite opened shelters in schools and asked people living near the river to leave while roads were still open.</p>
<div class="tags"><a href="/tag/floods">Floods</a> <a href="/tag/brazil">Brazil</a></div>
</article></body></html>`
	extract := func(skip bool) trafilatura.Metadata {
		doc, err := html.Parse(strings.NewReader(page))
		require.NoError(t, err)
		if skip {
			skipUnusedMetadata(doc)
		}
		res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{ExcludeComments: true})
		require.NoError(t, err)
		return res.Metadata
	}
	all, skipped := extract(false), extract(true)

	// The page has an author, tags and categories to find...
	assert.Equal(t, "Jane Doe", all.Author)
	assert.Equal(t, []string{"Floods", "Brazil"}, all.Tags)
	assert.Equal(t, []string{"World", "Sport"}, all.Categories)
	// ...which go-trafilatura does not look for once it has placeholders.
	for _, got := range []string{skipped.Author, strings.Join(skipped.Tags, ","), strings.Join(skipped.Categories, ",")} {
		assert.True(t, strings.EqualFold(placeholder, got), "got %q, want the placeholder", got)
	}
	assert.Equal(t, all.Title, skipped.Title)
	assert.True(t, all.Date.Equal(skipped.Date), "date %v, want %v", skipped.Date, all.Date)
	assert.Equal(t, all.URL, skipped.URL)
	assert.Equal(t, all.Sitename, skipped.Sitename)
	assert.Equal(t, all.Language, skipped.Language)
}

func TestSkipUnusedMetadataNoHead(t *testing.T) {
	doc := &html.Node{Type: html.DocumentNode}
	skipUnusedMetadata(doc) // no <html><head>: nothing to do, no panic
	assert.Nil(t, doc.FirstChild)
}
