package storyclust

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/cluster"
)

// TestStoryEdgesExact checks the all-pairs search against brute force: the
// same edges, with the same similarities, for dated, undated and mixed
// articles, several floors and time settings.
func TestStoryEdgesExact(t *testing.T) {
	arts := loadAllSidesArticles(t, 400)
	// Undate every seventh article; squeeze the dates of the rest into a
	// few weeks so that time blocks and their borders are exercised.
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range arts {
		if i%7 == 0 {
			arts[i].Published = time.Time{}
		} else {
			arts[i].Published = base.Add(time.Duration(i%61) * 11 * time.Hour)
		}
	}
	for _, tc := range []Config{
		{},
		{StoryFloor: 0.05},
		{StoryFloor: 0.3, NameWeight: -1},
		{TimeScale: -1},
		{TimeScale: time.Hour, TimeGrace: time.Hour},
	} {
		t.Run(fmt.Sprintf("floor=%g,scale=%v,nw=%g", tc.StoryFloor, tc.TimeScale, tc.NameWeight), func(t *testing.T) {
			p := mustNew(t, tc)
			b, err := p.process(context.Background(), arts, true, false)
			require.NoError(t, err)
			var reps []int
			for k := range b.docs {
				if b.rep[k] == k {
					reps = append(reps, k)
				}
			}
			got := p.storyEdges(b.docs, reps)
			var want []cluster.Edge
			for j := range reps {
				for i := 0; i < j; i++ {
					if s := p.storySim(&b.docs[reps[i]], &b.docs[reps[j]]); s >= p.edgeFloor() {
						want = append(want, cluster.Edge{A: i, B: j, Sim: s})
					}
				}
			}
			require.NotEmpty(t, want)
			require.Equal(t, len(want), len(got), "edge count")
			for k := range want {
				require.Equal(t, want[k].A, got[k].A)
				require.Equal(t, want[k].B, got[k].B)
				require.InDelta(t, want[k].Sim, got[k].Sim, 1e-12)
			}
		})
	}
}

// TestStoryEdgesRestBound checks the search against brute force on vectors
// built so that the unindexed terms matter: "light" docs (undated, so
// indexed first) put a rest just under the limit on 20 shared terms, and
// "heavy" docs put most of their weight on those same terms. Their cosine
// is then the indexed dot product plus up to the whole rest, and the test
// requires pairs that are edges only because the bound adds all of it
// (half would miss them).
func TestStoryEdgesRestBound(t *testing.T) {
	p := mustNew(t, Config{})
	floor := p.edgeFloor()
	rng := rand.New(rand.NewPCG(3, 4))
	hash := map[int]uint64{}
	h := func(id int) uint64 {
		if _, ok := hash[id]; !ok {
			hash[id] = rng.Uint64() &^ nameBit
		}
		return hash[id]
	}
	vector := func(ws map[int]float64) []term {
		var ts []term
		norm := 0.0
		for id, w := range ws {
			ts = append(ts, term{h(id), w})
			norm += w * w
		}
		for i := range ts {
			ts[i].w /= math.Sqrt(norm)
		}
		slices.SortFunc(ts, func(a, b term) int { return cmp.Compare(a.h, b.h) })
		return ts
	}
	const pool, light = 30, 20 // shared heavy terms; light terms 1000...
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	var docs []doc
	for range 60 { // light docs: 5 heavy terms, a rest of norm ~0.05
		ws := map[int]float64{}
		for range 5 {
			ws[rng.IntN(pool)] = 0.5 + rng.Float64()
		}
		sq := 0.0
		for _, w := range ws {
			sq += w * w
		}
		r := 0.98 * restShare * floor // the rest's share of the norm
		for l := range light {
			ws[1000+l] = math.Sqrt(sq*r*r/(1-r*r)/light) * (0.9 + 0.2*rng.Float64())
		}
		docs = append(docs, doc{terms: vector(ws)})
	}
	for i := range 60 { // heavy docs: most weight on the light terms
		ws := map[int]float64{}
		for l := range light {
			ws[1000+l] = 0.2 * (0.9 + 0.2*rng.Float64())
		}
		for range 1 + rng.IntN(3) {
			ws[rng.IntN(pool)] = 0.05 + 0.3*rng.Float64()
		}
		docs = append(docs, doc{terms: vector(ws), published: base.Add(time.Duration(i) * time.Hour)})
	}
	idx := make([]int, len(docs))
	for i := range idx {
		idx[i] = i
	}
	got := p.storyEdges(docs, idx)
	var want []cluster.Edge
	critical := 0
	for j := range docs {
		for i := 0; i < j; i++ {
			s := p.storySim(&docs[i], &docs[j])
			if s < floor {
				continue
			}
			want = append(want, cluster.Edge{A: i, B: j, Sim: s})
			if j < 60 || i >= 60 {
				continue
			}
			// i is light, indexed before j: is the pair an edge only by
			// the whole rest?
			prefix, rest, _ := indexedTerms(docs[i].terms, floor*restShare, nil)
			var ix []term
			for _, k := range prefix {
				ix = append(ix, docs[i].terms[k])
			}
			if cosine(ix, docs[j].terms)+rest/2 < floor {
				critical++
			}
		}
	}
	t.Logf("critical %d of %d edges", critical, len(want))
	require.Positive(t, critical, "pairs that need the whole rest")
	require.Equal(t, len(want), len(got), "edge count")
	for k := range want {
		require.Equal(t, want[k].A, got[k].A)
		require.Equal(t, want[k].B, got[k].B)
		require.InDelta(t, want[k].Sim, got[k].Sim, 1e-12)
	}
}

func TestPartScales(t *testing.T) {
	for _, tc := range []struct {
		sq   [2]float64
		nw   float64
		want [2]float64 // resulting norms of the parts
	}{
		{[2]float64{4, 9}, 0.3, [2]float64{0.83666, 0.54772}}, // sqrt(0.7), sqrt(0.3)
		{[2]float64{4, 0}, 0.3, [2]float64{1, 0}},             // no names: content alone
		{[2]float64{0, 9}, 0.3, [2]float64{0, 1}},
		{[2]float64{0, 0}, 0.3, [2]float64{0, 0}},
		{[2]float64{4, 9}, 0, [2]float64{1, 0}},
	} {
		sc := partScales(tc.sq, tc.nw)
		for k := range sc {
			require.InDelta(t, tc.want[k], sc[k]*sqrtOr0(tc.sq[k]), 1e-5, "%v part %d", tc, k)
		}
	}
}

func sqrtOr0(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return math.Sqrt(x)
}

// BenchmarkCosine times the dot product of two TF-IDF vectors of 300 terms
// sharing about a third of them, over many pairs so that branch predictors
// cannot learn one.
func BenchmarkCosine(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	vec := func(common []uint64) []term {
		t := make([]term, 0, 300)
		for i := range 300 {
			h := rng.Uint64()
			if i%3 == 0 {
				h = common[rng.IntN(len(common))]
			}
			t = append(t, term{h: h, w: rng.Float64() / 17})
		}
		slices.SortFunc(t, func(x, y term) int { return cmp.Compare(x.h, y.h) })
		return slices.CompactFunc(t, func(x, y term) bool { return x.h == y.h })
	}
	var as, bs [][]term
	for range 512 {
		common := make([]uint64, 100)
		for i := range common {
			common[i] = rng.Uint64()
		}
		as, bs = append(as, vec(common)), append(bs, vec(common))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		cosine(as[i], bs[i])
		i = (i + 1) % len(as)
	}
}

// BenchmarkHeavyPrefix times choosing the indexed terms of a story vector
// of 400 terms (weights with ties, as TF-IDF weights of rare words have).
func BenchmarkHeavyPrefix(b *testing.B) {
	vecs := heavyPrefixInputs()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		heavyPrefix(vecs[i], 0.18*restShare)
		i = (i + 1) % len(vecs)
	}
}

// BenchmarkIndexedTerms is BenchmarkHeavyPrefix for indexedTerms, which
// storyEdges uses.
func BenchmarkIndexedTerms(b *testing.B) {
	vecs := heavyPrefixInputs()
	b.ReportAllocs()
	var buf []int32
	i := 0
	for b.Loop() {
		_, _, buf = indexedTerms(vecs[i], 0.18*restShare, buf)
		i = (i + 1) % len(vecs)
	}
}

// unitTerms scales ts to norm 1 and sorts it by hash.
func unitTerms(ts []term) []term {
	norm := 0.0
	for _, t := range ts {
		norm += t.w * t.w
	}
	for i := range ts {
		ts[i].w /= math.Sqrt(norm)
	}
	slices.SortFunc(ts, func(x, y term) int { return cmp.Compare(x.h, y.h) })
	return ts
}

// heavyPrefixInputs returns unit vectors of 400 terms with weights spread
// over 1 to 40 before normalizing, sorted by hash.
func heavyPrefixInputs() [][]term {
	rng := rand.New(rand.NewPCG(9, 10))
	var vecs [][]term
	for range 256 {
		ts := make([]term, 400)
		for i := range ts {
			ts[i] = term{h: rng.Uint64(), w: float64(1 + rng.IntN(40))}
		}
		vecs = append(vecs, unitTerms(ts))
	}
	return vecs
}

// TestSortByWeight checks the order of heavyPrefix against a plain sort:
// heavier first, ties by hash.
func TestSortByWeight(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{0, 1, 2, 10, 400} {
		ts := make([]term, n)
		for i := range ts {
			ts[i] = term{h: rng.Uint64(), w: float64(rng.IntN(5))}
		}
		order := make([]int32, n)
		for i := range order {
			order[i] = int32(i)
		}
		sortByWeight(ts, order)
		for k := 1; k < n; k++ {
			a, b := ts[order[k-1]], ts[order[k]]
			require.True(t, a.w > b.w || (a.w == b.w && a.h < b.h), "n=%d at %d: %v then %v", n, k, a, b)
		}
	}
}

// TestIndexedTerms checks that indexedTerms leaves out the terms heavyPrefix
// leaves out, with the same rest, on real vectors and on ties.
func TestIndexedTerms(t *testing.T) {
	arts := loadAllSidesArticles(t, 300)
	p := mustNew(t, Config{})
	b, err := p.process(context.Background(), arts, true, false)
	require.NoError(t, err)
	vecs := [][]term{
		{{1, 0.5}, {2, 0.5}, {3, 0.5}, {4, 0.5}}, // all tied
		{{5, 0.02}, {6, 0.02}, {7, 0.02}, {9, 0.999}},
		nil,
	}
	// Many ties among the light terms, so that which of them are left out
	// depends on the hashes.
	tied := make([]term, 300)
	for i := range tied {
		tied[i] = term{h: uint64(i) * 0x9e3779b97f4a7c15, w: float64(1 + i%3)}
	}
	vecs = append(vecs, unitTerms(tied))
	for k := range b.docs {
		vecs = append(vecs, b.docs[k].terms)
	}
	var buf []int32
	for _, ts := range vecs {
		for _, floor := range []float64{0.01, 0.054, 0.09, 0.12, 0.5} {
			want, wantRest := heavyPrefix(ts, floor)
			want = slices.Clone(want)
			slices.Sort(want)
			var got []int32
			var rest float64
			got, rest, buf = indexedTerms(ts, floor, buf)
			require.Equal(t, len(want), len(got))
			if len(want) > 0 {
				require.Equal(t, want, got)
			}
			require.InDelta(t, wantRest, rest, 1e-12)
		}
	}
}

// TestQueryTableDot checks queryTable.dot against a plain map, on queries
// with terms of weight 0 (an idf of 0: a term in every article) and rests
// that share some terms with the query and not others, the table reused
// from one query to the next.
func TestQueryTableDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	var q queryTable
	for _, n := range []int{0, 1, 7, 8, 9, 300} {
		for range 20 {
			ts := make([]term, n)
			w := map[uint64]float64{}
			for i := range ts {
				ts[i] = term{h: rng.Uint64() % 512, w: rng.Float64()}
				if rng.IntN(3) == 0 {
					ts[i].w = 0
				}
				if _, dup := w[ts[i].h]; dup {
					ts[i].w = 0 // a hash once in a vector; keep the first
					ts[i].h = 1<<20 + uint64(i)
				}
				w[ts[i].h] = ts[i].w
			}
			rest := make([]term, 40)
			want := 0.25
			for i := range rest {
				rest[i] = term{h: rng.Uint64() % 512, w: rng.Float64()}
				want += rest[i].w * w[rest[i].h]
			}
			q.reset()
			require.InDelta(t, want, q.dot(ts, 0.25, rest), 1e-12, "n=%d", n)
			require.InDelta(t, want, q.dot(ts, 0.25, rest), 1e-12, "n=%d, built", n)
		}
	}
}
