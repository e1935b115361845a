package extract

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// placeholder is the value skipUnusedMetadata gives the metadata that
// storyclust does not use. It has two words (go-trafilatura drops a
// one-word author) and no digit, so that no date parser takes it for a
// date.
const placeholder = "storyclust placeholder"

// skipUnusedMetadata adds to the <head> of doc an author, a tag and a
// category, so that go-trafilatura (v1.12) skips its search for them
// elsewhere in the page: storyclust uses none of the three, and that
// search costs a fifth of the extraction (the author search alone copies
// the whole tree once more and runs a hundred selectors over it). It has
// no option to skip them, but it looks in the page's markup only when
// the <meta> tags and JSON-LD give none:
//
//   - <meta name="author"> sets the author (read in the scan of the
//     <meta> tags, which it skips only when OpenGraph already gives one);
//   - <meta property="og:article:tag"> sets the tags;
//   - a JSON-LD Article with nothing but an articleSection sets the
//     categories. It has no name, headline, publisher, date or body, so the
//     title, site name, date and text go-trafilatura finds stay the same.
//
// None of these is text that the extractor's content search sees (<head>
// is not part of the body), and none is a date the date search reads.
// TestSkipUnusedMetadata checks that the shortcut still works, and
// TestSkipUnusedMetadataKeepsExtraction that it changes no field Fill sets.
func skipUnusedMetadata(doc *html.Node) {
	head := child(child(doc, atom.Html), atom.Head)
	if head == nil {
		return // html.Parse always makes one; another caller's tree may not
	}
	head.AppendChild(&html.Node{Type: html.ElementNode, Data: "meta", DataAtom: atom.Meta,
		Attr: []html.Attribute{{Key: "name", Val: "author"}, {Key: "content", Val: placeholder}}})
	head.AppendChild(&html.Node{Type: html.ElementNode, Data: "meta", DataAtom: atom.Meta,
		Attr: []html.Attribute{{Key: "property", Val: "og:article:tag"}, {Key: "content", Val: placeholder}}})
	script := &html.Node{Type: html.ElementNode, Data: "script", DataAtom: atom.Script,
		Attr: []html.Attribute{{Key: "type", Val: "application/ld+json"}}}
	script.AppendChild(&html.Node{Type: html.TextNode,
		Data: `{"@context":"https://schema.org","@type":"Article","articleSection":"` + placeholder + `"}`})
	head.AppendChild(script)
}

// child returns the first element child of n with the given tag, or nil.
func child(n *html.Node, tag atom.Atom) *html.Node {
	if n == nil {
		return nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == tag {
			return c
		}
	}
	return nil
}
