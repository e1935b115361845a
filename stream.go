package storyclust

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Errors of the streaming Index, in addition to the package's sentinels.
var (
	// ErrCorruptSnapshot reports a snapshot that is truncated, fails its
	// checksum or does not decode into a consistent index.
	ErrCorruptSnapshot = errors.New("storyclust: corrupt snapshot")
	// ErrSnapshotVersion reports a snapshot written in a format version this
	// build cannot read.
	ErrSnapshotVersion = errors.New("storyclust: unsupported snapshot version")
	// ErrConfigMismatch reports a snapshot or shared index built with an
	// analysis configuration (language, K, seed, shingle size, thresholds
	// that shape the LSH bands, TopTerms, boosts) other than the Index's.
	ErrConfigMismatch = errors.New("storyclust: index built with another configuration")
	// ErrUnavailable reports that the shared backend (Redis) could not be
	// reached or did not answer in time. The operation was not applied
	// locally; see Index.Add for retries.
	ErrUnavailable = errors.New("storyclust: shared index unavailable")
)

// IndexConfig configures a streaming Index: the pipeline's Config (same
// analysis, duplicate threshold, and StoryCut as the join threshold) and the
// settings that only a stream has. The zero value of every field selects the
// documented default.
type IndexConfig struct {
	Config

	// Window, if positive, is the longest an article stays indexed,
	// measured by publication time: Add evicts the articles published
	// more than Window before the stream's reference time, the latest
	// publication time seen but never later than Clock(). An article
	// without a publication time counts as published when it was added.
	// Zero keeps articles until Remove or Evict.
	Window time.Duration
	// MaxCandidates bounds how many story candidates one article is scored
	// against: the candidates sharing the most LSH bands with it, ties to
	// the earlier added. Default 128: on ECB+, 32 costs 0.004 B-cubed F1,
	// 512 gains 0.0015, and the work per article is proportional to it.
	MaxCandidates int
	// Clock returns the current time. Default time.Now.
	Clock func() time.Time
	// Redis, if non-nil, shares the index through a Redis server: see
	// RedisConfig. By default the index lives in this process only.
	Redis *RedisConfig
}

// DefaultMaxCandidates is the default IndexConfig.MaxCandidates.
const DefaultMaxCandidates = 128

// Placement is the Index's answer for one article.
type Placement struct {
	ID string
	// Story is the id of the article's story. It is the surviving story's
	// id when this article merged stories.
	Story string
	// DuplicateOf is the id of the article this one re-publishes (its
	// duplicate group's representative), or "".
	DuplicateOf string
	// Similarity is the figure that decided the answer: for a duplicate,
	// the containment of the shorter article's shingles in the longer
	// one's; for an article that joined a story, its average similarity to
	// the story's other non-duplicate members (a pair that is not an LSH
	// candidate counting 0); for an article that founded a story, the best
	// average it had to any story (below the threshold), or 0.
	Similarity float64
	// New reports that the article founded a new story.
	New bool
	// Merged lists, sorted, the stories that ceased to exist because this
	// article regrouped them: their members all went to other stories
	// (they are in Moved).
	Merged []string
	// Moved lists, sorted, the previously indexed articles whose story
	// changed because of this article (members of merged stories
	// included). Get tells their new story.
	Moved []string
}

// Index is a streaming story index. It takes articles one at a time (or in
// batches), answers for each at once whether it duplicates an indexed
// article and which story it belongs to, and keeps them for the articles
// that follow. The work per article is proportional to its LSH candidates,
// not to the size of the index.
//
// # Assignment
//
// The duplicate tier is the batch pipeline's: LSH over the word shingles,
// verified by containment. A duplicate joins the story of its group's
// representative, which is the group's first article to arrive (the batch
// pipeline prefers the earliest published instead; an online answer cannot
// be revised), and it is not compared with stories.
//
// Any other article is compared with the story candidates proposed by LSH
// over its top terms (at most MaxCandidates of them). Its TF-IDF weights use
// the document frequencies of the indexed non-duplicate articles, counted
// as they come and go, itself included. Its similarity to a story is the
// average linkage of the batch pipeline: the mean, over the story's
// non-duplicate members, of cosine × time decay, a member that is not a
// candidate counting 0. When no story is within the cut (1 - average >
// StoryCut), the article founds a new story.
//
// Otherwise the article regroups the stories within the cut: their
// non-duplicate members and the article are clustered again exactly as
// the batch pipeline clusters a batch (average linkage with the StoryCut
// cut over the LSH-candidate pairs, scored with the current document
// frequencies). Usually that adds the article to the best story; it can
// also merge stories the article bridges, or move members between them
// when the new evidence says an earlier greedy decision was wrong. Each
// resulting group keeps the id of the old story it holds most members of
// (ties to the older story), so a story id, derived from the id of the
// article that founded it (cluster.StableID), lives as long as the bulk
// of its story; stories that lose all members are reported in
// Placement.Merged, articles that change story in Placement.Moved. On ECB+
// fed in random orders, a greedy join-or-found (no regrouping) loses
// 0.02-0.03 B-cubed F1 against the batch pipeline; with regrouping the
// loss is 0.004-0.010. Regrouping stops at 128 non-duplicate
// members in all (the cost is quadratic in them): past that, the article
// joins the best story, and the other qualifying stories are left alone.
//
// For speed, an indexed article's vector norm is cached and recomputed when
// the document frequencies have changed by more than 1/16 of the index
// since; its LSH entry keeps the top terms it had when it was added.
//
// Page furniture is removed as in the batch pipeline, line by line, except
// that "repeated in MinRepeat articles of the source" counts the indexed
// articles: the first MinRepeat-1 articles of a source keep a footer that
// later ones lose.
//
// Answers depend only on the order of the Adds (and Removes and Evicts):
// the same sequence gives the same answers and story ids on any machine,
// after a Save and Load, and on every process sharing an index.
//
// # Removal and eviction
//
// Remove and Evict (and Window) take articles out with their LSH entries,
// document frequencies and line counts. When a duplicate group's
// representative leaves, its earliest remaining duplicate takes its place
// in the story tier. A story lives while it has members. After removals
// the index rebuilds its tables once fewer than half of the articles of its
// peak are left, so memory returns to that of an index built from the
// remaining articles.
//
// # Persistence and sharing
//
// Save, SaveFile, Load and LoadFile write and read snapshots; a loaded index
// gives the same answers as the one saved. With IndexConfig.Redis, several
// processes share one index: see RedisConfig.
//
// # Goroutine safety
//
// An Index is safe for concurrent use. Analysis runs in the calling
// goroutine; the assignment itself is serialized, so the answers are those
// of some sequential order of the concurrent calls.
type Index struct {
	p      *Pipeline
	cfg    IndexConfig
	clock  func() time.Time
	shared *sharedIndex // nil: process-local

	mu sync.RWMutex
	st *state
}

// NewIndex validates cfg and returns an empty Index (with cfg.Redis, one
// attached to the shared index, which it reads on first use).
func NewIndex(cfg IndexConfig) (*Index, error) {
	p, err := New(cfg.Config)
	if err != nil {
		return nil, err
	}
	c := cfg
	c.Config = p.cfg
	c.Config.Progress = nil
	if c.MaxCandidates == 0 {
		c.MaxCandidates = DefaultMaxCandidates
	}
	switch {
	case c.MaxCandidates < 1:
		return nil, fmt.Errorf("%w: MaxCandidates = %d (want >= 1)", ErrInvalidConfig, c.MaxCandidates)
	case c.Window < 0:
		return nil, fmt.Errorf("%w: Window = %v (want >= 0)", ErrInvalidConfig, c.Window)
	}
	ix := &Index{p: p, cfg: c, clock: c.Clock}
	if ix.clock == nil {
		ix.clock = time.Now
	}
	ix.st = ix.newState(0)
	if c.Redis != nil {
		if ix.shared, err = newSharedIndex(ix, *c.Redis); err != nil {
			return nil, err
		}
	}
	return ix, nil
}

// Config returns the configuration in force, defaults filled in.
func (ix *Index) Config() IndexConfig { return ix.cfg }

// Close releases the connections of a shared index. The Index must not be
// used afterwards. It is a no-op for a process-local index.
func (ix *Index) Close() error {
	if ix.shared != nil {
		return ix.shared.close()
	}
	return nil
}

// Len returns the number of indexed articles.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.st.live
}

// Get returns the current placement of an indexed article: its story and
// duplicate group now (after later merges and removals), with the
// Similarity and New of its own Add. Merged is nil.
func (ix *Index) Get(id string) (Placement, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s, ok := ix.st.byID[id]
	if !ok {
		return Placement{}, false
	}
	return ix.st.placement(s), true
}

// Stories lists the index's stories, largest first, then by id, like
// Result.Stories. It costs O(articles).
func (ix *Index) Stories() []Story {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.st.storyList()
}

// Add indexes one article and returns its placement. The article is
// validated like a batch article (ErrMissingID, ErrArticleTooLarge, and
// ErrDuplicateID when the id is already indexed; ErrUnknownLanguage with
// StrictLang) and then always indexed.
//
// With a shared index, an error wrapping ErrUnavailable means the article
// was not applied to this process's view; it may still have reached the
// shared log if the connection failed after sending. Retrying is safe: a
// retry of an article that did reach the log fails with ErrDuplicateID, and
// Get tells its placement.
func (ix *Index) Add(ctx context.Context, a Article) (Placement, error) {
	if err := ctx.Err(); err != nil {
		return Placement{}, err
	}
	if err := ix.validate(&a); err != nil {
		return Placement{}, err
	}
	f := ix.prepare(&a)
	ix.mu.RLock()
	f.rep = f.sl.repeated(ix.st.lineCount, ix.cfg.MinRepeat)
	ix.mu.RUnlock()
	ix.analyze(&a, f)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.addLocked(ctx, &a, f)
}

// AddBatch adds articles in slice order and returns their placements, each
// as of its own Add (a later article of the batch may merge an earlier
// one's story: Get tells the final state). The batch is validated first
// (ids present, unique in the batch and not yet indexed, sizes) and nothing
// is added if that fails. Analysis runs on all CPUs. If adding fails part
// way (a shared backend error, or ctx), the placements of the articles
// added so far are returned with the error.
func (ix *Index) AddBatch(ctx context.Context, arts []Article) ([]Placement, error) {
	seen := make(map[string]int, len(arts))
	for i := range arts {
		a := &arts[i]
		if err := ix.validate(a); err != nil {
			return nil, fmt.Errorf("article %d: %w", i+1, err)
		}
		if j, ok := seen[a.ID]; ok {
			return nil, fmt.Errorf("articles %d and %d: %w %q", j+1, i+1, ErrDuplicateID, a.ID)
		}
		seen[a.ID] = i
	}
	ix.mu.RLock()
	for i := range arts {
		if _, ok := ix.st.byID[arts[i].ID]; ok {
			ix.mu.RUnlock()
			return nil, fmt.Errorf("article %d: %w %q: already indexed", i+1, ErrDuplicateID, arts[i].ID)
		}
	}
	ix.mu.RUnlock()
	feats := make([]*features, len(arts))
	for i := range arts {
		feats[i] = ix.prepare(&arts[i])
	}
	// Predict each article's repeated lines: the index's counts plus the
	// batch articles before it. Add checks the prediction again and
	// re-analyzes the rare article it got wrong (after an eviction).
	ix.mu.RLock()
	pending := map[uint64]int32{}
	for _, f := range feats {
		f.rep = f.sl.repeated(func(h uint64) int32 { return ix.st.lineCount(h) + pending[h] }, ix.cfg.MinRepeat)
		for _, h := range f.sl.uniq {
			pending[h]++
		}
	}
	ix.mu.RUnlock()
	if err := parallel(ctx, len(arts), func(i int) { ix.analyze(&arts[i], feats[i]) }); err != nil {
		return nil, err
	}
	out := make([]Placement, 0, len(arts))
	for i := range arts {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		ix.mu.Lock()
		pl, err := ix.addLocked(ctx, &arts[i], feats[i])
		ix.mu.Unlock()
		if err != nil {
			return out, fmt.Errorf("article %q: %w", arts[i].ID, err)
		}
		out = append(out, pl)
	}
	return out, nil
}

// parallel runs fn(0..n-1) on GOMAXPROCS goroutines.
func parallel(ctx context.Context, n int, fn func(int)) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// Remove takes an article out of the index and reports whether it was
// there.
func (ix *Index) Remove(ctx context.Context, id string) (bool, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.shared == nil {
		s, ok := ix.st.byID[id]
		if ok {
			ix.st.remove(s)
			ix.st.maybeCompact()
		}
		return ok, nil
	}
	return ix.shared.remove(ctx, id)
}

// Evict removes the articles published before the given time (those
// without a publication time: added before it) and returns how many.
func (ix *Index) Evict(ctx context.Context, before time.Time) (int, error) {
	cut, ok := toNanos(before)
	if !ok {
		return 0, fmt.Errorf("%w: Evict: time %v out of range", ErrInvalidConfig, before)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.shared == nil {
		return ix.st.evict(cut), nil
	}
	return ix.shared.evict(ctx, cut)
}

// Sync brings a shared index's view up to date with the shared log. Add,
// Remove and Evict do so themselves; Get, Len, Stories and Save answer from
// the view as of the last call that reached the backend. It is a no-op for
// a process-local index.
func (ix *Index) Sync(ctx context.Context) error {
	if ix.shared == nil {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.shared.sync(ctx)
}

func (ix *Index) validate(a *Article) error {
	if a.ID == "" {
		return ErrMissingID
	}
	if max := ix.cfg.MaxArticleBytes; max > 0 && len(a.Title)+len(a.Text) > max {
		return fmt.Errorf("article %q: %w: %d bytes (limit %d)", a.ID, ErrArticleTooLarge, len(a.Title)+len(a.Text), max)
	}
	if _, err := ix.p.shingler(a.Lang); err != nil && ix.cfg.StrictLang {
		return fmt.Errorf("article %q: %w", a.ID, err)
	}
	return nil
}

// addLocked finishes an Add under the write lock: it checks the id and the
// line-repeat prediction, applies due evictions and assigns the article.
func (ix *Index) addLocked(ctx context.Context, a *Article, f *features) (Placement, error) {
	if _, ok := ix.st.byID[a.ID]; ok && ix.shared == nil {
		return Placement{}, fmt.Errorf("%w %q: already indexed", ErrDuplicateID, a.ID)
	}
	if f.expires == 0 {
		f.expires, _ = toNanos(ix.clock())
	}
	if ix.shared != nil {
		return ix.shared.add(ctx, a, f)
	}
	if cut, due := ix.st.evictionDue(ix.cfg.Window, f, ix.clock()); due {
		ix.st.evict(cut)
	}
	ix.recheck(a, f)
	pl := ix.st.plan(f)
	s := ix.st.apply(f, pl)
	out := ix.st.placementOf(s, pl)
	ix.st.maybeCompact()
	return out, nil
}

// recheck re-analyzes the article if the index's line counts no longer
// give the repeated lines its analysis assumed.
func (ix *Index) recheck(a *Article, f *features) {
	rep := f.sl.repeated(ix.st.lineCount, ix.cfg.MinRepeat)
	if !equalMask(rep, f.rep) {
		f.rep = rep
		ix.analyze(a, f)
	}
}

func equalMask(a, b []bool) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Time as int64 nanoseconds since 1970, 0 meaning unknown.
var (
	minNanosTime = time.Unix(0, -1<<63+1)
	maxNanosTime = time.Unix(0, 1<<63-1)
)

// toNanos converts t to Unix nanoseconds; the zero time gives 0, a time
// outside the int64 range gives ok = false.
func toNanos(t time.Time) (int64, bool) {
	if t.IsZero() {
		return 0, true
	}
	if t.Before(minNanosTime) || t.After(maxNanosTime) {
		return 0, false
	}
	return t.UnixNano(), true
}

func fromNanos(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}
