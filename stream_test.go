package storyclust

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/cluster"
)

func mustIndex(t testing.TB, cfg IndexConfig) *Index {
	t.Helper()
	ix, err := NewIndex(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { ix.Close() })
	return ix
}

// shuffled returns a seeded random permutation of arts and gold.
func shuffledArts(arts []Article, gold []string, seed uint64) ([]Article, []string) {
	a := slices.Clone(arts)
	g := slices.Clone(gold)
	rng := rand.New(rand.NewPCG(seed, 7))
	rng.Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i]; g[i], g[j] = g[j], g[i] })
	return a, g
}

func ixAddAll(t testing.TB, ix *Index, arts []Article) []Placement {
	t.Helper()
	out := make([]Placement, len(arts))
	for i := range arts {
		p, err := ix.Add(context.Background(), arts[i])
		require.NoError(t, err, "article %s", arts[i].ID)
		out[i] = p
	}
	return out
}

func storiesOf(t testing.TB, ix *Index, arts []Article) []string {
	t.Helper()
	out := make([]string, len(arts))
	for i := range arts {
		p, ok := ix.Get(arts[i].ID)
		require.True(t, ok, "article %s indexed", arts[i].ID)
		out[i] = p.Story
	}
	return out
}

// TestStreamECBPlusVsBatch feeds ECB+ to an Index in random orders and
// requires the B-cubed F1 of the final stories to stay within 0.02 of the
// batch pipeline's.
func TestStreamECBPlusVsBatch(t *testing.T) {
	arts, gold := loadLabeled(t, "ecbplus.jsonl.gz")
	res, err := mustNew(t, Config{}).Run(context.Background(), arts)
	require.NoError(t, err)
	pred := make([]string, len(arts))
	for i, a := range res.Assignments {
		pred[i] = a.Story
	}
	batch, err := cluster.BCubed(pred, gold)
	require.NoError(t, err)
	for _, seed := range []uint64{1, 2, 3} {
		sa, sg := shuffledArts(arts, gold, seed)
		ix := mustIndex(t, IndexConfig{})
		moved := 0
		for _, p := range ixAddAll(t, ix, sa) {
			moved += len(p.Moved)
		}
		online, err := cluster.BCubed(storiesOf(t, ix, sa), sg)
		require.NoError(t, err)
		t.Logf("order %d: batch B-cubed F1 %.4f (P %.4f R %.4f), online %.4f (P %.4f R %.4f), %d stories, %d moves",
			seed, batch.F1, batch.Precision, batch.Recall, online.F1, online.Precision, online.Recall, len(ix.Stories()), moved)
		assert.GreaterOrEqual(t, online.F1, batch.F1-0.02, "order %d", seed)
		checkIxInvariants(t, ix)
	}
}

// TestStreamPlacementReports checks, after every Add, that the placement
// reports exactly what changed: the moved articles, the stories that ceased
// to exist, and a new story when the article founded one.
func TestStreamPlacementReports(t *testing.T) {
	arts, gold := loadLabeled(t, "ecbplus.jsonl.gz")
	arts, _ = shuffledArts(arts, gold, 11)
	arts = arts[:400]
	ix := mustIndex(t, IndexConfig{})
	prev := map[string]Placement{}
	regrouped := 0
	for i, a := range arts {
		p, err := ix.Add(context.Background(), a)
		require.NoError(t, err)
		cur := ixPlacements(ix)
		require.Equal(t, cur[a.ID].Story, p.Story)
		require.Equal(t, cur[a.ID].DuplicateOf, p.DuplicateOf)
		var moved []string
		before, after := map[string]bool{}, map[string]bool{}
		for id, q := range prev {
			before[q.Story] = true
			if cur[id].Story != q.Story {
				moved = append(moved, id)
			}
		}
		for _, q := range cur {
			after[q.Story] = true
		}
		var gone []string
		for s := range before {
			if !after[s] {
				gone = append(gone, s)
			}
		}
		slices.Sort(moved)
		slices.Sort(gone)
		require.Equal(t, moved, p.Moved, "Moved after %s", a.ID)
		require.Equal(t, gone, p.Merged, "Merged after %s", a.ID)
		if p.New {
			require.False(t, before[p.Story], "a new story id was in use")
			require.Equal(t, cluster.StableID([]string{a.ID}), p.Story)
		}
		if p.DuplicateOf != "" {
			require.GreaterOrEqual(t, p.Similarity, 0.5)
		}
		if len(p.Moved) > 0 {
			regrouped++
		}
		prev = cur
		if i%100 == 99 {
			checkIxInvariants(t, ix)
		}
	}
	t.Logf("%d of %d adds moved earlier articles", regrouped, len(arts))
	require.Equal(t, len(arts), ix.Len())
	stories := ix.Stories()
	n := 0
	for _, s := range stories {
		n += len(s.Members)
		for _, m := range s.Members {
			p, _ := ix.Get(m)
			require.Equal(t, s.ID, p.Story)
		}
	}
	require.Equal(t, len(arts), n)
}

func streamWireArticles() []Article {
	lines := strings.Split(wireBody, "\n")
	t0 := time.Date(2023, 12, 14, 13, 0, 0, 0, time.UTC)
	return []Article{
		{ID: "orig", Title: "ECB holds rates", Text: wireBody, Published: t0},
		{ID: "furniture", Title: "Lagarde: no cuts yet", Text: "Home | Markets\n" + wireBody +
			"\nRelated posts\nOil slides below $70 as demand…\nYour comment", Published: t0.Add(time.Hour)},
		{ID: "truncated", Title: "Euro zone bank stands pat", Text: strings.Join(lines[:3], "\n")},
		{ID: "edited", Title: "ECB holds", Text: strings.NewReplacer("reporters", "journalists", "Thursday", "Wednesday").Replace(wireBody)},
		{ID: "other", Title: "Bank of England holds", Text: "The Bank of England held interest rates at a 15-year high of 5.25 percent on Thursday and pushed back against market bets on early cuts. Governor Andrew Bailey said there was still some way to go in the fight against inflation."},
	}
}

func TestStreamDuplicatesAndPromotion(t *testing.T) {
	ix := mustIndex(t, IndexConfig{})
	ps := ixAddAll(t, ix, streamWireArticles())
	want := map[string]string{"orig": "", "furniture": "orig", "truncated": "orig", "edited": "orig", "other": ""}
	for _, p := range ps {
		assert.Equal(t, want[p.ID], p.DuplicateOf, p.ID)
		if p.DuplicateOf != "" {
			assert.GreaterOrEqual(t, p.Similarity, 0.5, p.ID)
			assert.Equal(t, ps[0].Story, p.Story, "%s joins its original's story", p.ID)
		}
	}
	assert.True(t, ps[0].New)
	checkIxInvariants(t, ix)

	// The original leaves: its earliest duplicate takes its place.
	ok, err := ix.Remove(context.Background(), "orig")
	require.NoError(t, err)
	require.True(t, ok)
	checkIxInvariants(t, ix)
	p, _ := ix.Get("furniture")
	assert.Empty(t, p.DuplicateOf)
	for _, id := range []string{"truncated", "edited"} {
		p, _ := ix.Get(id)
		assert.Equal(t, "furniture", p.DuplicateOf, id)
	}
	// A new copy now duplicates the promoted article.
	cp := streamWireArticles()[0]
	cp.ID = "copy"
	p, err = ix.Add(context.Background(), cp)
	require.NoError(t, err)
	assert.Equal(t, "furniture", p.DuplicateOf)
	ok, err = ix.Remove(context.Background(), "nope")
	require.NoError(t, err)
	assert.False(t, ok)
	for _, id := range []string{"furniture", "truncated", "edited", "copy", "other"} {
		ok, err := ix.Remove(context.Background(), id)
		require.NoError(t, err)
		require.True(t, ok)
		checkIxInvariants(t, ix)
	}
	assert.Zero(t, ix.Len())
	assert.Empty(t, ix.Stories())
}

func TestStreamValidation(t *testing.T) {
	ix := mustIndex(t, IndexConfig{Config: Config{MaxArticleBytes: 100}})
	ctx := context.Background()
	_, err := ix.Add(ctx, Article{Text: "x"})
	require.ErrorIs(t, err, ErrMissingID)
	_, err = ix.Add(ctx, Article{ID: "big", Text: strings.Repeat("x", 101)})
	require.ErrorIs(t, err, ErrArticleTooLarge)
	_, err = ix.Add(ctx, Article{ID: "a", Text: "one line"})
	require.NoError(t, err)
	_, err = ix.Add(ctx, Article{ID: "a", Text: "again"})
	require.ErrorIs(t, err, ErrDuplicateID)
	_, err = ix.AddBatch(ctx, []Article{{ID: "b", Text: "x"}, {ID: "c", Text: "y"}, {ID: "b", Text: "z"}})
	require.ErrorIs(t, err, ErrDuplicateID)
	_, err = ix.AddBatch(ctx, []Article{{ID: "d", Text: "x"}, {ID: "a", Text: "y"}})
	require.ErrorIs(t, err, ErrDuplicateID)
	assert.Equal(t, 1, ix.Len(), "a failed batch adds nothing")
	_, err = ix.Evict(ctx, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, ErrInvalidConfig)

	strict := mustIndex(t, IndexConfig{Config: Config{StrictLang: true}})
	_, err = strict.Add(ctx, Article{ID: "fa", Lang: "fa", Text: "هیئت روسی"})
	require.ErrorIs(t, err, ErrUnknownLanguage)

	for _, cfg := range []IndexConfig{
		{MaxCandidates: -1},
		{Window: -time.Hour},
		{Config: Config{K: 3}},
		{Redis: &RedisConfig{}},
		{Redis: &RedisConfig{Addr: "x:1", Prefix: "a{b}"}},
	} {
		_, err := NewIndex(cfg)
		require.ErrorIs(t, err, ErrInvalidConfig, "%+v", cfg)
	}
}

// dated gives ECB+ articles publication times an hour apart, in order.
func datedArts(arts []Article) []Article {
	out := slices.Clone(arts)
	t0 := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		out[i].Published = t0.Add(time.Duration(i) * time.Hour)
	}
	return out
}

func TestStreamEvictAndWindow(t *testing.T) {
	arts, gold := loadLabeled(t, "ecbplus.jsonl.gz")
	arts, _ = shuffledArts(arts, gold, 5)
	arts = datedArts(arts[:300])
	ctx := context.Background()

	ix := mustIndex(t, IndexConfig{})
	ixAddAll(t, ix, arts)
	n, err := ix.Evict(ctx, arts[100].Published)
	require.NoError(t, err)
	require.Equal(t, 100, n)
	require.Equal(t, 200, ix.Len())
	for i, a := range arts {
		_, ok := ix.Get(a.ID)
		require.Equal(t, i >= 100, ok, a.ID)
	}
	checkIxInvariants(t, ix)

	const window = 48 * time.Hour
	w := mustIndex(t, IndexConfig{Window: window})
	for i, a := range arts {
		_, err := w.Add(ctx, a)
		require.NoError(t, err)
		if i%25 == 0 {
			checkIxInvariants(t, w)
		}
	}
	latest := arts[len(arts)-1].Published
	oldest := latest
	for _, a := range arts {
		if _, ok := w.Get(a.ID); ok && a.Published.Before(oldest) {
			oldest = a.Published
		}
	}
	assert.False(t, oldest.Before(latest.Add(-window-window/64)), "oldest indexed %v, latest %v", oldest, latest)
	assert.False(t, oldest.After(latest.Add(-window)), "nothing younger than the window is evicted")
	checkIxInvariants(t, w)
}

func streamHeapAfterGC() uint64 {
	var m runtime.MemStats
	for range 3 {
		runtime.GC()
	}
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestStreamMemoryAfterEviction evicts two thirds of an index and compares
// its heap with a fresh index of the remaining articles.
func TestStreamMemoryAfterEviction(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	arts := slices.DeleteFunc(loadAllSidesArticles(t, 3300), func(a Article) bool { return a.Published.IsZero() })
	slices.SortStableFunc(arts, func(a, b Article) int { return a.Published.Compare(b.Published) })
	cut := arts[2*len(arts)/3].Published
	var rest []Article
	for _, a := range arts {
		if !a.Published.Before(cut) {
			rest = append(rest, a)
		}
	}
	ctx := context.Background()
	// Fill the process-wide stem cache first, so that neither measurement
	// counts it.
	_, err := mustNew(t, Config{}).Run(ctx, arts)
	require.NoError(t, err)
	base := streamHeapAfterGC()
	ix, err := NewIndex(IndexConfig{})
	require.NoError(t, err)
	_, err = ix.AddBatch(ctx, arts)
	require.NoError(t, err)
	full := streamHeapAfterGC() - base
	n, err := ix.Evict(ctx, cut)
	require.NoError(t, err)
	require.Equal(t, len(arts)-len(rest), n)
	evicted := streamHeapAfterGC() - base
	checkIxInvariants(t, ix)
	runtime.KeepAlive(ix)
	ix = nil

	base = streamHeapAfterGC()
	fresh, err := NewIndex(IndexConfig{})
	require.NoError(t, err)
	_, err = fresh.AddBatch(ctx, rest)
	require.NoError(t, err)
	want := streamHeapAfterGC() - base
	runtime.KeepAlive(fresh)
	runtime.KeepAlive(arts)
	ratio := float64(evicted) / float64(want)
	t.Logf("%d articles: %.1f MB; after evicting %d: %.1f MB; fresh index of the %d left: %.1f MB (ratio %.2f)",
		len(arts), float64(full)/1e6, n, float64(evicted)/1e6, len(rest), float64(want)/1e6, ratio)
	assert.Less(t, ratio, 1.25, "memory after eviction should be within 25%% of a fresh index")
}

// TestStreamConcurrent adds and queries from 8 goroutines (run with -race).
func TestStreamConcurrent(t *testing.T) {
	arts, _ := loadLabeled(t, "ecbplus.jsonl.gz")
	arts = datedArts(arts[:320])
	ix := mustIndex(t, IndexConfig{Window: 30 * 24 * time.Hour})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := arts[g*40 : (g+1)*40]
			for i := 0; i < len(mine); i += 4 {
				var err error
				if g%2 == 0 {
					for _, a := range mine[i : i+4] {
						if _, err = ix.Add(ctx, a); err != nil {
							break
						}
					}
				} else {
					_, err = ix.AddBatch(ctx, mine[i:i+4])
				}
				if err != nil {
					errs <- err
					return
				}
				for _, a := range mine[:i+4] {
					if _, ok := ix.Get(a.ID); !ok {
						errs <- fmt.Errorf("%s not found after its Add", a.ID)
						return
					}
				}
				_ = ix.Len()
				_ = ix.Stories()
			}
			if g == 0 {
				if _, err := ix.Remove(ctx, mine[0].ID); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, len(arts)-1, ix.Len())
	checkIxInvariants(t, ix)
}

// TestStreamAddBatchMatchesAdd checks that AddBatch answers as Adds one by
// one do, and that the answers depend only on the order.
func TestStreamAddBatchMatchesAdd(t *testing.T) {
	arts, gold := loadLabeled(t, "ecbplus.jsonl.gz")
	arts, _ = shuffledArts(arts, gold, 3)
	arts = arts[:250]
	one := mustIndex(t, IndexConfig{})
	want := ixAddAll(t, one, arts)
	batch := mustIndex(t, IndexConfig{})
	var got []Placement
	for i := 0; i < len(arts); i += 60 {
		ps, err := batch.AddBatch(context.Background(), arts[i:min(i+60, len(arts))])
		require.NoError(t, err)
		got = append(got, ps...)
	}
	require.Equal(t, want, got)
	require.Equal(t, ixPlacements(one), ixPlacements(batch))
	require.Equal(t, one.Stories(), batch.Stories())
}

// TestStreamRepeatedLines checks the online furniture rule: a line that
// MinRepeat indexed articles of one source share is dropped, and counts go
// down when articles leave.
func TestStreamRepeatedLines(t *testing.T) {
	ix := mustIndex(t, IndexConfig{})
	const footer = "Sign up for the Morning Brief, our daily digest of the news that matters"
	bodies := []string{
		"The city council approved the new budget on Monday after a long debate about transport spending.",
		"Firefighters contained a blaze at a warehouse near the port late on Tuesday, officials said.",
		"The national football team named three new players for the qualifiers next month.",
		"Shares of the carmaker rose after it reported higher deliveries in the third quarter.",
	}
	art := func(i int, src string) Article {
		// The body outweighs the footer: repetition never drops more than
		// half of an article's words.
		return Article{ID: fmt.Sprintf("%s-%d", src, i), Source: src, Text: bodies[i] + "\n" + bodies[(i+1)%4] + "\n" + footer}
	}
	repeated := func(a Article) bool {
		f := ix.prepare(&a)
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		rep := f.sl.repeated(ix.st.lineCount, ix.cfg.MinRepeat)
		return rep != nil && rep[len(rep)-1]
	}
	ctx := context.Background()
	require.False(t, repeated(art(0, "a")))
	ixAddAll(t, ix, []Article{art(0, "a"), art(1, "a"), art(0, "b")})
	require.True(t, repeated(art(2, "a")), "the third article of source a drops the footer")
	require.False(t, repeated(art(2, "b")), "counts are per source")
	ixAddAll(t, ix, []Article{art(2, "a")})
	_, err := ix.Remove(ctx, "a-0")
	require.NoError(t, err)
	require.True(t, repeated(art(3, "a")), "two indexed articles of a still share it")
	_, err = ix.Remove(ctx, "a-1")
	require.NoError(t, err)
	require.False(t, repeated(art(3, "a")), "one left: the footer stays")
	checkIxInvariants(t, ix)
}
