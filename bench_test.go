package storyclust

// Benchmarks of the pipeline stages and of Dedup and Run end to end, on the
// first n real articles of ../shared/data/allsides-20k.jsonl.gz (English
// news, about 620 words each). They skip when the file is absent, as in a
// hosted CI without the shared data.
//
// Every benchmark reports MB/s of input: the bytes of the articles' titles
// and texts (not of the JSON around them). The stage benchmarks run on one
// goroutine, so their MB/s is per core; Dedup and Run use GOMAXPROCS
// workers for analysis (run with -cpu 1,2 to compare).
//
// Each iteration takes at most a few seconds at the largest size, so that
// "go test -run '^$' -bench . -benchtime 1x" (.ci/run) stays short.
//
//	go test -run '^$' -bench 'Stage|EndToEnd' -benchmem -cpu 1 .

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/storyclust/storyclust/shingle"
)

// benchSizes are the batch sizes of every benchmark.
var benchSizes = []int{1000, 5000}

// benchArticles returns the first n articles of allsides-20k.jsonl.gz
// (cached across benchmarks; the file is read only as far as needed) and
// the bytes of their titles and texts. It skips when the file is absent.
func benchArticles(b *testing.B, n int) ([]Article, int64) {
	b.Helper()
	arts := loadAllSidesArticles(b, n)
	var bytes int64
	for i := range arts {
		bytes += int64(len(arts[i].Title) + len(arts[i].Text))
	}
	return arts, bytes
}

// benchState is a batch prepared the way run prepares it: sorted by id,
// cleaned, and (when analyzed) turned into docs.
type benchState struct {
	p      *Pipeline
	sorted []Article
	order  []int
	texts  []string
	docs   []doc
	keys   []uint64 // the docs' band keys
}

func newBenchState(b *testing.B, arts []Article) *benchState {
	b.Helper()
	p, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	s := &benchState{p: p, order: make([]int, len(arts))}
	for i := range s.order {
		s.order[i] = i
	}
	slices.SortFunc(s.order, func(a, c int) int { return strings.Compare(arts[a].ID, arts[c].ID) })
	s.sorted = make([]Article, len(arts))
	for k, i := range s.order {
		s.sorted[k] = arts[i]
	}
	s.texts = cleanBatch(context.Background(), s.sorted, p.cfg.MinRepeat)
	return s
}

// analyzeAll runs analyzeOne over every doc on one goroutine.
func (s *benchState) analyzeAll(stories bool) {
	s.docs = make([]doc, len(s.sorted))
	s.keys = make([]uint64, len(s.sorted)*s.p.dupLSH.Bands)
	opt := analyzeOpt{stories: stories, keys: s.keys}
	var toks []shingle.HashedToken
	for k := range s.docs {
		toks = s.p.analyzeOne(&s.docs[k], &s.sorted[k], s.order[k], s.texts[k], toks, opt.forDoc(k, s.p.dupLSH.Bands))
	}
}

func benchSizesRun(b *testing.B, f func(b *testing.B, arts []Article, bytes int64)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			arts, bytes := benchArticles(b, n)
			b.SetBytes(bytes)
			b.ReportAllocs()
			f(b, arts, bytes)
		})
	}
}

// BenchmarkStageClean measures page furniture removal (cleanBatch).
func BenchmarkStageClean(b *testing.B) {
	benchSizesRun(b, func(b *testing.B, arts []Article, _ int64) {
		s := newBenchState(b, arts)
		for b.Loop() {
			cleanBatch(context.Background(), s.sorted, s.p.cfg.MinRepeat)
		}
	})
}

// BenchmarkStageAnalyze measures tokenizing, stemming, hashing and signing
// every article (analyzeOne on one goroutine): "dedup" computes the
// duplicate tier's shingles and band keys alone, "run" also the story tier's
// term weights.
func BenchmarkStageAnalyze(b *testing.B) {
	for _, mode := range []string{"dedup", "run"} {
		b.Run(mode, func(b *testing.B) {
			benchSizesRun(b, func(b *testing.B, arts []Article, _ int64) {
				s := newBenchState(b, arts)
				for b.Loop() {
					s.analyzeAll(mode == "run")
				}
			})
		})
	}
}

// BenchmarkStageDuplicates measures the duplicate tier after analysis: LSH
// candidates, containment checks and grouping (Pipeline.duplicates).
func BenchmarkStageDuplicates(b *testing.B) {
	benchSizesRun(b, func(b *testing.B, arts []Article, _ int64) {
		s := newBenchState(b, arts)
		s.analyzeAll(false)
		for b.Loop() {
			if _, err := s.p.duplicates(s.docs, s.keys); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStageStories measures the story tier: TF-IDF weighting, the
// exact all-pairs search for the pairs above the story floor (storyEdges)
// and agglomerative clustering (Pipeline.stories).
func BenchmarkStageStories(b *testing.B) {
	benchSizesRun(b, func(b *testing.B, arts []Article, _ int64) {
		s := newBenchState(b, arts)
		s.analyzeAll(true)
		rep, err := s.p.duplicates(s.docs, s.keys)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := s.p.stories(s.docs, rep); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEndToEnd measures Pipeline.Dedup and Pipeline.Run on articles
// already in memory (reading and writing JSON excluded).
func BenchmarkEndToEnd(b *testing.B) {
	for _, mode := range []string{"Dedup", "Run"} {
		b.Run(mode, func(b *testing.B) {
			benchSizesRun(b, func(b *testing.B, arts []Article, _ int64) {
				p, err := New(Config{})
				if err != nil {
					b.Fatal(err)
				}
				ctx := context.Background()
				for b.Loop() {
					if mode == "Dedup" {
						_, err = p.Dedup(ctx, arts)
					} else {
						_, err = p.Run(ctx, arts)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
