//go:build nohtml

package main

import (
	"errors"
	"io"

	"github.com/storyclust/storyclust"
)

// Built with -tags nohtml: no HTML extraction, so none of its dependencies
// (go-trafilatura, go-htmldate, go-dateparser) are linked in. Their package
// initialization costs every process ~0.13 s and ~58 MB of RSS before it
// reads a byte (a one-line dedup: 0.14 s against 0.01 s), which matters to
// callers that run the CLI many times on small inputs. HTML input is then
// bad input: a .html file, or a line with an html field.

// errNoHTML is the error for HTML input to a nohtml build.
var errNoHTML = errors.New("HTML input is not supported by this storyclust, built with -tags nohtml (build it without the tag)")

const htmlUsage = `This build has no HTML input (built with -tags nohtml).
`

func extractPage(string, io.Reader) (storyclust.Article, error) {
	return storyclust.Article{}, errNoHTML
}

func fillPage(storyclust.Article, io.Reader) (storyclust.Article, error) {
	return storyclust.Article{}, errNoHTML
}
