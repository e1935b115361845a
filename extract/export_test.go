package extract

import (
	"io"

	"github.com/storyclust/storyclust"
)

// Strip, FillWithoutPrepass and FillAllMetadata let the external tests
// compare extraction with and without each shortcut Fill takes.
var Strip = strip

func FillWithoutPrepass(a storyclust.Article, page io.Reader) (storyclust.Article, error) {
	return fill(a, page, variant{noPrepass: true})
}

func FillAllMetadata(a storyclust.Article, page io.Reader) (storyclust.Article, error) {
	return fill(a, page, variant{allMetadata: true})
}
