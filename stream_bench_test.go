package storyclust

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// synthesize returns total articles made from base: the originals first,
// then variants in which each word is replaced, with probability 0.35, by a
// word drawn from the base texts (so that a variant shares most story
// terms with its original but few word 3-grams: a new report of the same
// event, not a duplicate), published up to 3 days later.
func synthArticles(base []Article, total int, seed uint64) []Article {
	rng := rand.New(rand.NewPCG(seed, 99))
	var vocab []string
	for _, a := range base[:min(len(base), 500)] {
		vocab = append(vocab, strings.Fields(a.Text)...)
	}
	perturb := func(s string) string {
		var sb strings.Builder
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				sb.WriteByte('\n')
			}
			for j, w := range strings.Fields(line) {
				if j > 0 {
					sb.WriteByte(' ')
				}
				if rng.Float64() < 0.35 {
					w = vocab[rng.IntN(len(vocab))]
				}
				sb.WriteString(w)
			}
		}
		return sb.String()
	}
	out := make([]Article, 0, total)
	for i := 0; len(out) < total; i++ {
		a := base[i%len(base)]
		if k := i / len(base); k > 0 {
			a.ID = a.ID + "~" + strconv.Itoa(k)
			a.Title = perturb(a.Title)
			a.Text = perturb(a.Text)
			if !a.Published.IsZero() {
				a.Published = a.Published.Add(time.Duration(rng.IntN(72)) * time.Hour)
			}
		}
		out = append(out, a)
	}
	return out
}

// benchSizes are the index sizes of the Index benchmarks: 1000 by default,
// or the comma-separated list in STORYCLUST_BENCH_ARTICLES (the README's
// figures use 100000).
func streamBenchSizes() []int {
	s := os.Getenv("STORYCLUST_BENCH_ARTICLES")
	if s == "" {
		return []int{1000}
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

var streamBenchIndexes = map[int]*streamBenchIndex{}

type streamBenchIndex struct {
	ix    *Index
	fresh []Article // not yet added
	next  int
	seed  uint64
	base  []Article
}

// builtIndex returns an index of n synthesized articles, built once per
// process and shared by the benchmarks.
func streamBuiltIndex(b *testing.B, n int) *streamBenchIndex {
	b.Helper()
	if bi := streamBenchIndexes[n]; bi != nil {
		return bi
	}
	base := loadAllSidesArticles(b, 20000)
	arts := synthArticles(base, n, 1)
	ix, err := NewIndex(IndexConfig{})
	require.NoError(b, err)
	start := time.Now()
	for i := 0; i < len(arts); i += 10000 {
		_, err := ix.AddBatch(context.Background(), arts[i:min(i+10000, len(arts))])
		require.NoError(b, err)
	}
	b.Logf("built an index of %d articles in %v", n, time.Since(start).Round(time.Second))
	bi := &streamBenchIndex{ix: ix, base: base, seed: 2}
	streamBenchIndexes[n] = bi
	return bi
}

// article returns an article not yet in the index: a new variant of one of
// the base articles.
func (bi *streamBenchIndex) article(b *testing.B) Article {
	if bi.next == len(bi.fresh) {
		b.StopTimer()
		bi.seed++
		vs := synthArticles(bi.base, 2*len(bi.base), bi.seed)[len(bi.base):]
		for i := range vs {
			vs[i].ID = fmt.Sprintf("%s.%d", vs[i].ID, bi.seed)
		}
		bi.fresh, bi.next = vs, 0
		b.StartTimer()
	}
	a := bi.fresh[bi.next]
	bi.next++
	return a
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Nanoseconds()), "p99-ns")
}

// BenchmarkIndexAdd measures one Add (analysis and assignment) into an
// index of n articles, reporting the median and 99th percentile too.
func BenchmarkIndexAdd(b *testing.B) {
	for _, n := range streamBenchSizes() {
		b.Run(fmt.Sprintf("indexed=%d", n), func(b *testing.B) {
			bi := streamBuiltIndex(b, n)
			ctx := context.Background()
			var lat []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				a := bi.article(b)
				t0 := time.Now()
				if _, err := bi.ix.Add(ctx, a); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			reportLatency(b, lat)
		})
	}
}

// BenchmarkIndexSave measures a snapshot of an index of n articles.
func BenchmarkIndexSave(b *testing.B) {
	for _, n := range streamBenchSizes() {
		b.Run(fmt.Sprintf("indexed=%d", n), func(b *testing.B) {
			bi := streamBuiltIndex(b, n)
			var buf bytes.Buffer
			require.NoError(b, bi.ix.Save(&buf))
			b.SetBytes(int64(buf.Len()))
			b.ReportMetric(float64(buf.Len())/float64(bi.ix.Len()), "bytes/article")
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := bi.ix.Save(&buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIndexLoad measures loading a snapshot of n articles.
func BenchmarkIndexLoad(b *testing.B) {
	for _, n := range streamBenchSizes() {
		b.Run(fmt.Sprintf("indexed=%d", n), func(b *testing.B) {
			bi := streamBuiltIndex(b, n)
			var buf bytes.Buffer
			require.NoError(b, bi.ix.Save(&buf))
			data := buf.Bytes()
			ix, err := NewIndex(IndexConfig{})
			require.NoError(b, err)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := ix.Load(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRedisAdd measures an Add through the shared index on a local
// redis-server (one round trip when no other process writes), into an index
// of 1000 articles.
func BenchmarkRedisAdd(b *testing.B) {
	srv := startRedis(b)
	base := loadAllSidesArticles(b, 1000)
	ix, err := NewIndex(IndexConfig{Redis: sharedConfig(srv)})
	require.NoError(b, err)
	defer ix.Close()
	ctx := context.Background()
	_, err = ix.AddBatch(ctx, base)
	require.NoError(b, err)
	bi := &streamBenchIndex{ix: ix, base: base, seed: 2}
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		a := bi.article(b)
		t0 := time.Now()
		if _, err := ix.Add(ctx, a); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	reportLatency(b, lat)
}
