package similarity_test

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/similarity"
)

func TestNewLSHConfig(t *testing.T) {
	l, err := similarity.NewLSH(similarity.LSHConfig{})
	require.NoError(t, err)
	b, r, err := similarity.OptimalParams(0.5, 128, 0.5, 0.5)
	require.NoError(t, err)
	assert.Equal(t, [2]int{b, r}, [2]int{l.Bands(), l.Rows()}, "zero config = OptimalParams(0.5, 128, 0.5, 0.5)")

	l, err = similarity.NewLSH(similarity.LSHConfig{K: 64, Threshold: 0.8, FPWeight: 0.3, FNWeight: 0.7})
	require.NoError(t, err)
	b, r, err = similarity.OptimalParams(0.8, 64, 0.3, 0.7)
	require.NoError(t, err)
	assert.Equal(t, [2]int{b, r}, [2]int{l.Bands(), l.Rows()})

	l, err = similarity.NewLSH(similarity.LSHConfig{Bands: 20, Rows: 6})
	require.NoError(t, err)
	assert.Equal(t, [2]int{20, 6}, [2]int{l.Bands(), l.Rows()})

	bad := []similarity.LSHConfig{
		{K: -1},
		{Threshold: 1},
		{Threshold: -0.2},
		{Threshold: math.NaN()},
		{Bands: 8},
		{Rows: 8},
		{Bands: -1, Rows: 4},
		{Bands: 17, Rows: 8},          // 136 > 128
		{K: 10, Bands: 11, Rows: 1},   // 11 > 10
		{FPWeight: -1, FNWeight: 1},   // negative weight
		{FPWeight: math.Inf(1)},       // infinite weight
		{Bands: math.MaxInt, Rows: 2}, // overflow must not wrap
	}
	for i, cfg := range bad {
		_, err := similarity.NewLSH(cfg)
		assert.ErrorIs(t, err, similarity.ErrInvalidConfig, "case %d: %+v", i, cfg)
	}
}

func TestLSHInsertQueryRemove(t *testing.T) {
	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{Seed: 1})
	require.NoError(t, err)
	l, err := similarity.NewLSH(similarity.LSHConfig{})
	require.NoError(t, err)

	rng := rand.New(rand.NewPCG(5, 6))
	base := randSet(rng, 400)
	near := append(slices.Clone(base[:390]), randSet(rng, 10)...) // J ≈ 0.95
	slices.Sort(near)
	far := randSet(rng, 400)

	sBase, sNear, sFar := mw.Sign(nil, base), mw.Sign(nil, near), mw.Sign(nil, far)
	require.NoError(t, l.Insert(10, sBase))
	require.NoError(t, l.Insert(-3, sNear)) // any int is a valid id
	require.NoError(t, l.Insert(7, sFar))
	assert.Equal(t, 3, l.Len())

	err = l.Insert(10, sFar)
	require.ErrorIs(t, err, similarity.ErrDuplicateID)
	err = l.Insert(11, sFar[:100])
	require.ErrorIs(t, err, similarity.ErrSignatureLength)
	assert.Equal(t, 3, l.Len())

	assert.Equal(t, []int{-3, 10}, l.Query(nil, sBase))
	assert.Equal(t, []int{7}, l.Query(nil, sFar))
	assert.Empty(t, l.Query(nil, sFar[:5]), "wrong length")
	assert.Equal(t, []similarity.Pair{{-3, 10}}, l.Pairs(nil))

	// dst reuse: old contents are dropped.
	dst := []int{99, 98, 97}
	dst = l.Query(dst, sNear)
	assert.Equal(t, []int{-3, 10}, dst)

	assert.True(t, l.Remove(10))
	assert.False(t, l.Remove(10))
	assert.False(t, l.Remove(12345))
	assert.Equal(t, 2, l.Len())
	assert.Equal(t, []int{-3}, l.Query(nil, sBase))
	assert.Empty(t, l.Pairs(nil))

	// The id can be reused after Remove, and a freed slot is recycled.
	require.NoError(t, l.Insert(10, sBase))
	require.NoError(t, l.Insert(11, sBase))
	assert.Equal(t, []int{-3, 10, 11}, l.Query(nil, sBase))
	assert.Equal(t, []similarity.Pair{{-3, 10}, {-3, 11}, {10, 11}}, l.Pairs(nil))
}

func TestLSHEmptySignature(t *testing.T) {
	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{})
	require.NoError(t, err)
	l, err := similarity.NewLSH(similarity.LSHConfig{})
	require.NoError(t, err)
	empty := mw.Sign(nil, nil)
	require.NoError(t, l.Insert(1, empty))
	require.NoError(t, l.Insert(2, empty))
	assert.Equal(t, 2, l.Len())
	assert.Empty(t, l.Query(nil, empty), "empty documents are never candidates")
	assert.Empty(t, l.Pairs(nil))
	assert.True(t, l.Remove(1))
}

// TestLSHPairsMatchesQuery builds clusters of near-duplicates and checks that
// Pairs equals the pairs derived from querying every document, before and
// after removals, and that it is sorted and duplicate-free.
func TestLSHPairsMatchesQuery(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{K: 64, Seed: 2})
	require.NoError(t, err)
	l, err := similarity.NewLSH(similarity.LSHConfig{K: 64, Bands: 16, Rows: 4})
	require.NoError(t, err)
	sigs := map[int]similarity.Signature{}
	id := 0
	for range 30 {
		base := randSet(rng, 100)
		for range 1 + rng.IntN(6) {
			doc := slices.Clone(base)
			for i := range doc {
				if rng.Float64() < 0.3 {
					doc[i] = rng.Uint64()
				}
			}
			id += 1 + rng.IntN(3)
			sigs[id] = mw.Sign(nil, doc)
			require.NoError(t, l.Insert(id, sigs[id]))
		}
	}
	// Several identical documents: every pair among them must appear once.
	same := randSet(rng, 50)
	for range 5 {
		id++
		sigs[id] = mw.Sign(nil, same)
		require.NoError(t, l.Insert(id, sigs[id]))
	}

	check := func(minPairs int) {
		var want []similarity.Pair
		var cand []int
		for a, sig := range sigs {
			cand = l.Query(cand, sig)
			require.Contains(t, cand, a)
			for _, b := range cand {
				if a < b {
					want = append(want, similarity.Pair{A: a, B: b})
				}
			}
		}
		slices.SortFunc(want, func(x, y similarity.Pair) int {
			if x.A != y.A {
				return x.A - y.A
			}
			return x.B - y.B
		})
		got := l.Pairs(nil)
		require.Equal(t, want, got)
		require.Greater(t, len(got), minPairs, "test must produce pairs")
	}
	check(20)
	removed := 0
	// In id order: ranging over the map would remove a different third on
	// every run, and the pair count checked below would vary with it.
	for _, id := range slices.Sorted(maps.Keys(sigs)) {
		if removed%3 == 0 {
			require.True(t, l.Remove(id))
			delete(sigs, id)
		}
		removed++
	}
	assert.Equal(t, len(sigs), l.Len())
	check(10)
}

// TestLSHSCurve checks that the probability that Query finds a document's
// partner follows the S-curve P(s) = 1-(1-s^r)^b. For each Jaccard s it
// builds n = 300 pairs of random sets with exact Jaccard s (union 200) and
// counts how often querying one set returns the other.
//
// Tolerance: the count is Binomial(n, P(s)) for an ideal MinHash, so we allow
// 4 standard deviations sqrt(P(1-P)/n) plus a slack of 0.03 for the residual
// dependence between signature positions (go-minhash's h1+i·h2 hash family;
// OPH's densification copies values between bins). Both signers are tested.
// Unrelated sets (different pairs, Jaccard 0) must never be candidates.
func TestLSHSCurve(t *testing.T) {
	const n = 300
	configs := []similarity.LSHConfig{
		{},                           // defaults: 25 bands x 5 rows
		{K: 128, Bands: 20, Rows: 5}, // uses the first 100 values
		{K: 128, Bands: 8, Rows: 16}, // steep, threshold ~0.88
	}
	for ci, cfg := range configs {
		for si, s := range []float64{0.2, 0.4, 0.5, 0.6, 0.8, 0.9} {
			for _, signer := range newSigners(t, 128, uint64(100*ci+si)) {
				l, err := similarity.NewLSH(cfg)
				require.NoError(t, err)
				t.Run(fmt.Sprintf("%s/b=%d,r=%d/s=%.1f", signer.name, l.Bands(), l.Rows(), s), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(uint64(ci), uint64(si)))
					mw := signer.signer
					const u = 200
					queries := make([]similarity.Signature, n)
					for i := range n {
						a, b := pairWithJaccard(rng, u, int(math.Round(s*u)))
						require.Equal(t, s, similarity.Jaccard(a, b))
						require.NoError(t, l.Insert(i, mw.Sign(nil, b)))
						queries[i] = mw.Sign(nil, a)
					}
					found, unrelated := 0, 0
					var cand []int
					for i, q := range queries {
						cand = l.Query(cand, q)
						for _, c := range cand {
							if c == i {
								found++
							} else {
								unrelated++
							}
						}
					}
					bf, rf := float64(l.Bands()), float64(l.Rows())
					p := 1 - math.Pow(1-math.Pow(s, rf), bf)
					got := float64(found) / n
					tol := 4*math.Sqrt(p*(1-p)/n) + 0.03
					t.Logf("P(s)=%.3f observed %.3f tolerance %.3f", p, got, tol)
					assert.InDelta(t, p, got, tol)
					assert.Zero(t, unrelated, "unrelated sets became candidates")
				})
			}
		}
	}
}

// TestLSHConcurrent runs Query, Pairs and Len from 4 goroutines while 2
// insert and 2 remove (run with -race), then checks the final state.
func TestLSHConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{K: 64})
	require.NoError(t, err)
	l, err := similarity.NewLSH(similarity.LSHConfig{K: 64, Bands: 16, Rows: 4})
	require.NoError(t, err)
	const docs = 400
	sigs := make([]similarity.Signature, docs)
	for i := range sigs {
		sigs[i] = mw.Sign(nil, randSet(rng, 30))
	}
	for i := range docs / 2 {
		require.NoError(t, l.Insert(i, sigs[i]))
	}
	var wg sync.WaitGroup
	for g := range 4 { // readers
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cand []int
			var pairs []similarity.Pair
			for i := range 300 {
				cand = l.Query(cand, sigs[(g*31+i)%docs])
				if !slices.IsSorted(cand) {
					t.Error("Query result not sorted")
					return
				}
				if i%50 == 0 {
					pairs = l.Pairs(pairs)
					_ = l.Len()
				}
			}
		}()
	}
	for g := range 2 { // writers: insert the second half
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := docs/2 + g; i < docs; i += 2 {
				if err := l.Insert(i, sigs[i]); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for g := range 2 { // removers: remove the even ids of the first half
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 2 * g; i < docs/2; i += 4 {
				if !l.Remove(i) {
					t.Errorf("Remove(%d) = false", i)
					return
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, docs-docs/4, l.Len())
	for i := range docs {
		cand := l.Query(nil, sigs[i])
		if i < docs/2 && i%2 == 0 {
			assert.NotContains(t, cand, i)
		} else {
			assert.Contains(t, cand, i)
		}
	}
}

func TestLSHQueryAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("skipping allocation test under the race detector")
	}
	rng := rand.New(rand.NewPCG(3, 3))
	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{})
	require.NoError(t, err)
	l, err := similarity.NewLSH(similarity.LSHConfig{})
	require.NoError(t, err)
	base := randSet(rng, 200)
	var q similarity.Signature
	for i := range 50 {
		doc := slices.Clone(base)
		doc[i] = rng.Uint64()
		q = mw.Sign(q, doc)
		require.NoError(t, l.Insert(i, q))
	}
	dst := make([]int, 0, 50*l.Bands())
	dst = l.Query(dst, q)
	require.NotEmpty(t, dst)
	assert.Zero(t, testing.AllocsPerRun(100, func() { dst = l.Query(dst, q) }))
	pairs := l.Pairs(nil)
	require.NotEmpty(t, pairs)
	assert.Zero(t, testing.AllocsPerRun(20, func() { pairs = l.Pairs(pairs) }))
}
