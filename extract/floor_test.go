package extract_test

import (
	"bytes"
	"testing"

	"golang.org/x/net/html"

	"github.com/storyclust/storyclust/extract"
)

// BenchmarkHTMLParseFloor measures what an extractor that reads the whole
// page pays before it decides anything, on the pages of BenchmarkExtractHTML
// (MB/s in bytes of the original HTML): tokenizing the HTML (tokenize) and
// building its tree (parse) with golang.org/x/net/html, which go-trafilatura
// uses, and the same after Fill's pre-pass, which drops scripts, styles and
// the like first (strip+tokenize, strip+parse). Compare its ns/page with
// BenchmarkHTMLInBatch's ms/article to see how much of a page's cost no
// extractor built on that parser can avoid.
func BenchmarkHTMLParseFloor(b *testing.B) {
	pages := loadNewsPages(b)
	var total int64
	for _, pg := range pages {
		total += int64(len(pg.html))
	}
	tokenize := func(b *testing.B, page []byte) {
		z := html.NewTokenizer(bytes.NewReader(page))
		for z.Next() != html.ErrorToken {
		}
	}
	parse := func(b *testing.B, page []byte) {
		if _, err := html.Parse(bytes.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		strip bool
		work  func(*testing.B, []byte)
	}{
		{"tokenize", false, tokenize},
		{"parse", false, parse},
		{"strip+tokenize", true, tokenize},
		{"strip+parse", true, parse},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			var buf []byte
			for b.Loop() {
				for _, pg := range pages {
					page := pg.html
					if tc.strip {
						buf = extract.Strip(buf[:0], pg.html)
						page = buf
					}
					tc.work(b, page)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pages)), "ns/page")
		})
	}
}
