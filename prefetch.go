package storyclust

import (
	"context"
	"runtime"
	"strings"
	"sync"
)

// Prefetcher does per-article work of Dedup and Run (splitting the text
// into lines and hashing them for furniture removal) on background
// goroutines while the caller is still gathering the batch, so that reading
// input overlaps with analysis. The batch-wide steps (which lines repeat,
// candidates, verification, stories) wait for Prefetcher.Dedup or
// Prefetcher.Run. `storyclust dedup` uses one: on the 20,000 AllSides
// articles (bench/cmd/peers, same run, 2 cores) it took the 2-core speed-up
// over one core from 1.51x to 1.70x, one core unchanged (3.42 s and 3.45 s).
// `storyclust cluster` and `eval` use one too: on 2 cores, cluster took
// 3.96-4.14 s against 4.13-4.36 s without (alternating runs).
//
// Results do not depend on it: Dedup and Run reuse the work done for an
// article only if the article they are given has the same ID, Text, Source
// and Lang, and do the rest themselves. Add and Dedup or Run must not be
// called concurrently with each other; after Dedup or Run the Prefetcher is
// empty and can be reused.
type Prefetcher struct {
	p       *Pipeline
	pending []Article     // added, not yet handed to a goroutine
	sem     chan struct{} // bounds the goroutines at work
	wg      sync.WaitGroup
	mu      sync.Mutex
	done    map[string]*prefetched // by article ID
}

// prefetchBatch is the number of articles one goroutine takes at a time.
const prefetchBatch = 64

// prefetched is the batch-independent work for one article: its lines,
// split and hashed for furniture removal. (Tokenizing them ahead too was
// measured: it held 160 MB more for the 20,000 AllSides articles and cost
// 10% more CPU time, more than it saved.)
type prefetched struct {
	text, source, lang string
	hl                 hashedLines
}

type prefetchKey struct{}

// NewPrefetcher returns a Prefetcher for p.
func (p *Pipeline) NewPrefetcher() *Prefetcher {
	return &Prefetcher{p: p, done: map[string]*prefetched{}, sem: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// Add queues the work for a copy of a. Every prefetchBatch articles it
// starts a goroutine on them, waiting while GOMAXPROCS are at work. The
// goroutines end when their articles are done, so a Prefetcher that is
// dropped without Dedup leaks nothing. If GOMAXPROCS was 1 when the
// Prefetcher was made, there is nothing to overlap, and Add does nothing:
// in `storyclust cluster` on one core the work ahead cost ~2% (alternating
// runs).
func (f *Prefetcher) Add(a *Article) {
	if cap(f.sem) == 1 {
		return
	}
	f.pending = append(f.pending, *a)
	if len(f.pending) < prefetchBatch {
		return
	}
	batch := f.pending
	f.pending = nil
	f.sem <- struct{}{}
	f.wg.Add(1)
	go func() {
		defer func() { <-f.sem; f.wg.Done() }()
		var sc splitScratch
		out := make([]*prefetched, len(batch))
		for i := range batch {
			out[i] = f.p.prefetch(&batch[i], &sc)
		}
		f.mu.Lock()
		for i := range batch {
			f.done[batch[i].ID] = out[i]
		}
		f.mu.Unlock()
	}()
}

// Dedup waits for the work in flight and returns p.Dedup(ctx, arts). The
// articles still queued are left to Dedup.
func (f *Prefetcher) Dedup(ctx context.Context, arts []Article) (*Result, error) {
	return f.p.Dedup(f.take(ctx), arts)
}

// Run waits for the work in flight and returns p.Run(ctx, arts). The
// articles still queued are left to Run.
func (f *Prefetcher) Run(ctx context.Context, arts []Article) (*Result, error) {
	return f.p.Run(f.take(ctx), arts)
}

// take waits for the work in flight, empties f, and returns ctx carrying
// the work done.
func (f *Prefetcher) take(ctx context.Context) context.Context {
	f.wg.Wait()
	done := f.done
	f.done, f.pending = map[string]*prefetched{}, nil
	return context.WithValue(ctx, prefetchKey{}, done)
}

// prefetch does the batch-independent work for a.
func (p *Pipeline) prefetch(a *Article, sc *splitScratch) *prefetched {
	e := &prefetched{text: a.Text, source: a.Source, lang: a.Lang}
	e.hl.split(a, sc)
	return e
}

// prefetchedFor returns the prefetched work for a, if any was done for the
// same content.
func prefetchedFor(ctx context.Context, a *Article) *prefetched {
	m, _ := ctx.Value(prefetchKey{}).(map[string]*prefetched)
	e := m[a.ID]
	if e == nil || e.text != a.Text || e.source != a.Source || e.lang != a.Lang {
		return nil
	}
	return e
}

// releasePrefetched drops the work in ctx once its lines have been taken,
// so that the batch's later steps do not keep it alive.
func releasePrefetched(ctx context.Context) {
	if m, _ := ctx.Value(prefetchKey{}).(map[string]*prefetched); m != nil {
		clear(m)
	}
}

// hasMarkup reports whether a kept line of text (which hl was split from)
// holds a '<' (see analyzeLines).
func (hl *hashedLines) hasMarkup(text string, rep []bool) bool {
	if strings.IndexByte(text, '<') < 0 {
		return false
	}
	for line := range hl.keptLines(text, rep) {
		if strings.IndexByte(line, '<') >= 0 {
			return true
		}
	}
	return false
}
