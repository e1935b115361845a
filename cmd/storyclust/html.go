//go:build !nohtml

package main

import (
	"io"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/extract"
)

// HTML input goes through package extract (go-trafilatura). Building with
// -tags nohtml leaves it out (see html_off.go).

// htmlUsage is what the usage says about this build's HTML input.
const htmlUsage = ""

// extractPage extracts the article of a whole page (a .html file).
func extractPage(id string, page io.Reader) (storyclust.Article, error) {
	return extract.FromHTML(id, page, "")
}

// fillPage extracts page into a copy of art; fields art has win.
func fillPage(art storyclust.Article, page io.Reader) (storyclust.Article, error) {
	return extract.Fill(art, page)
}
