package extract_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/extract"
)

// allSidesPath is the shared data set of real news articles (gzip JSON
// Lines), beside the repository; it is never copied into it.
var allSidesPath = filepath.Join("..", "..", "shared", "data", "allsides-20k.jsonl.gz")

// batchArticles is how many allsides articles BenchmarkHTMLInBatch mixes
// the extracted pages into.
const batchArticles = 1000

// loadAllSides returns the first n articles of allsides-20k.jsonl.gz, or
// skips when the file is absent.
func loadAllSides(tb testing.TB, n int) []storyclust.Article {
	tb.Helper()
	f, err := os.Open(allSidesPath)
	if os.IsNotExist(err) {
		tb.Skipf("%s not found: the batch the pages are mixed into lives in ../shared/data beside the repository", allSidesPath)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	arts := make([]storyclust.Article, 0, n)
	for len(arts) < n && sc.Scan() {
		var row struct {
			ID     string `json:"doc_id"`
			Title  string `json:"title"`
			Text   string `json:"text"`
			Source string `json:"source"`
			URL    string `json:"url"`
			Date   string `json:"date"`
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			tb.Fatal(err)
		}
		a := storyclust.Article{ID: row.ID, Title: row.Title, Text: row.Text, Source: row.Source, URL: row.URL}
		a.Published, _ = time.Parse(time.DateOnly, row.Date)
		arts = append(arts, a)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(arts) < n {
		tb.Fatalf("%s has %d articles, want at least %d", allSidesPath, len(arts), n)
	}
	return arts
}

// BenchmarkHTMLInBatch is the realistic setting for the share of
// extraction: the 20 real pages arrive as HTML inside a batch of 1,000
// plain-text articles (the first of allsides-20k). Each iteration extracts
// the pages the way the CLI does (Fill on GOMAXPROCS goroutines) and then
// runs Pipeline.Run on the 1,020 articles. It reports wall time per page
// of extraction (ms/page) and of Run per article of the batch
// (ms/article); extract-% is the share of extraction in the cost of the
// pages, extraction / (extraction + Run × 20/1,020), that is
// ms/page / (ms/page + ms/article).
func BenchmarkHTMLInBatch(b *testing.B) {
	pages := loadNewsPages(b)
	base := loadAllSides(b, batchArticles)
	p, err := storyclust.New(storyclust.Config{})
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]storyclust.Article, len(base)+len(pages))
	step := len(batch) / len(pages) // a page every step articles
	workers := min(runtime.GOMAXPROCS(0), len(pages))
	b.ReportAllocs()
	var extracting, running time.Duration
	for b.Loop() {
		t0 := time.Now()
		extracted := make([]storyclust.Article, len(pages))
		var next atomic.Int64
		var wg sync.WaitGroup
		var failed atomic.Pointer[error]
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1) - 1); i < len(pages); i = int(next.Add(1) - 1) {
					a, err := extract.Fill(storyclust.Article{ID: pages[i].id}, bytes.NewReader(pages[i].html))
					if err != nil {
						failed.Store(&err)
					}
					extracted[i] = a
				}
			}()
		}
		wg.Wait()
		if e := failed.Load(); e != nil {
			b.Fatal(*e)
		}
		t1 := time.Now()
		for i, k := 0, 0; i < len(batch); i++ {
			if i%step == step-1 && k < len(extracted) {
				batch[i] = extracted[k]
				k++
			} else {
				batch[i] = base[i-k]
			}
		}
		t2 := time.Now()
		if _, err := p.Run(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		extracting += t1.Sub(t0)
		running += time.Since(t2)
	}
	n := float64(b.N)
	pageMs := extracting.Seconds() * 1e3 / (n * float64(len(pages)))
	articleMs := running.Seconds() * 1e3 / (n * float64(len(batch)))
	b.ReportMetric(pageMs, "ms/page")
	b.ReportMetric(articleMs, "ms/article")
	b.ReportMetric(100*pageMs/(pageMs+articleMs), "extract-%")
}
