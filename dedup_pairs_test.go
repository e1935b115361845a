package storyclust

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/shingle"
	"github.com/storyclust/storyclust/similarity"
)

// TestBandPairsMatchesLSH checks the sort-based candidate generation of the
// duplicate tier against similarity.LSH on signatures with planted shared
// bands, empty bands and docs without a signature.
func TestBandPairsMatchesLSH(t *testing.T) {
	const n, k, bands, rows = 300, 32, 8, 4
	rng := rand.New(rand.NewPCG(1, 2))
	sigs := make([]similarity.Signature, n)
	for i := range sigs {
		if i%17 == 5 {
			continue // no signature
		}
		s := make(similarity.Signature, k)
		for j := range s {
			s[j] = rng.Uint64N(4) // few values: many shared bands
		}
		if i%11 == 0 {
			for j := 0; j < rows; j++ {
				s[j] = ^uint64(0) // an empty band
			}
		}
		sigs[i] = s
	}
	lsh, err := similarity.NewLSH(similarity.LSHConfig{K: k, Threshold: 0.5, Bands: bands, Rows: rows})
	require.NoError(t, err)
	keys := make([]uint64, n*bands)
	for i, s := range sigs {
		if s == nil {
			continue
		}
		require.NoError(t, lsh.Insert(i, s))
		bandKeysAt(keys[i*bands:(i+1)*bands], s, rows)
	}
	want := lsh.Pairs(nil)
	require.NotEmpty(t, want)
	require.Equal(t, want, bandPairs(keys, n, bands))
}

func TestSortedSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var sc setScratch
	for _, n := range []int{0, 1, 5, 63, 64, 65, 200, 1000, 5000} {
		for _, gen := range bucketSortInputs(rng) {
			s := make([]uint64, n)
			for i := range s {
				s[i] = gen()
			}
			want := append([]uint64(nil), s...)
			want = shingleSortUnique(want)
			got := sortedSet(s, &sc)
			require.Equal(t, len(want), len(got), "n=%d", n)
			if len(want) > 0 {
				require.Equal(t, want, got, "n=%d", n)
			}
			// What doc.dup keeps: the top bits, still sorted, none lost.
			nw := narrow(got)
			require.Len(t, nw, len(got))
			require.Equal(t, len(nw), cap(nw))
			require.True(t, slices.IsSorted(nw), "n=%d", n)
			for i, x := range got {
				require.Equal(t, uint32(x>>32), nw[i])
			}
		}
	}
}

func shingleSortUnique(s []uint64) []uint64 { return shingle.SortUnique(s) }

// bucketSortInputs returns generators of keys for the bucket sorts: uniform,
// with many repeats all in bucket 0, and with few distinct top bits.
func bucketSortInputs(rng *rand.Rand) []func() uint64 {
	return []func() uint64{
		rng.Uint64,
		func() uint64 { return rng.Uint64N(50) },
		func() uint64 { return rng.Uint64() >> 40 << 40 },
	}
}

// TestSortTermsStable checks the bucket sort of term contributions against
// slices.SortStableFunc: same hashes in the same order, equal ones in their
// input order (their weights tell them apart).
func TestSortTermsStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var sc setScratch
	for _, n := range []int{0, 1, 5, 63, 64, 65, 200, 1000, 5000} {
		for _, gen := range bucketSortInputs(rng) {
			ts := make([]term, n)
			for i := range ts {
				ts[i] = term{h: gen(), w: float64(i)}
			}
			want := slices.Clone(ts)
			slices.SortStableFunc(want, func(a, b term) int { return cmp.Compare(a.h, b.h) })
			got := sortTermsStable(slices.Clone(ts), &sc)
			require.Equal(t, want, got, "n=%d", n)
		}
	}
}

// TestPrefetcherSameResult: Dedup and Run through a Prefetcher give the
// results of Pipeline.Dedup and Pipeline.Run, whether an article was
// prefetched, prefetched with other content (then ignored), or not
// prefetched at all.
func TestPrefetcherSameResult(t *testing.T) {
	// A Prefetcher does nothing on one CPU.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	arts := loadAllSidesArticles(t, 600)
	// Plant duplicates so that the result is not trivial.
	for i := 0; i < 100; i += 2 {
		arts[i+300].Text = arts[i].Text + "\nA line added by the copier."
		arts[i+300].Source = arts[i].Source
	}
	p, err := New(Config{})
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		run  func(*Pipeline, context.Context, []Article) (*Result, error)
		via  func(*Prefetcher, context.Context, []Article) (*Result, error)
	}{
		{"Dedup", (*Pipeline).Dedup, (*Prefetcher).Dedup},
		{"Run", (*Pipeline).Run, (*Prefetcher).Run},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := tc.run(p, context.Background(), arts)
			require.NoError(t, err)
			dups := 0
			for _, a := range want.Assignments {
				if a.DuplicateOf != "" {
					dups++
				}
			}
			require.GreaterOrEqual(t, dups, 50)

			pf := p.NewPrefetcher()
			for i := range arts {
				switch {
				case i%7 == 0: // not prefetched
				case i%11 == 0: // prefetched with other content
					a := arts[i]
					a.Text = arts[(i+1)%len(arts)].Text
					pf.Add(&a)
				default:
					pf.Add(&arts[i])
				}
			}
			pf.wg.Wait()
			require.Greater(t, len(pf.done), len(arts)/2, "articles prefetched")
			got, err := tc.via(pf, context.Background(), arts)
			require.NoError(t, err)
			require.Equal(t, want, got)
			got, err = tc.via(p.NewPrefetcher(), context.Background(), arts)
			require.NoError(t, err)
			require.Equal(t, want, got, "a Prefetcher without Add")
		})
	}
}

// TestDupSigners runs the duplicate benchmark's target batch with each
// signer: MinWise, the reference, and OPH, the default, must both reach
// its target.
func TestDupSigners(t *testing.T) {
	n := 1000
	if testing.Short() || raceEnabled {
		n = 300
	}
	bench := newDupBench(loadAllSides(t, dupPoolSize), 1)
	rng := rand.New(rand.NewPCG(12, 13))
	b := bench.batch(rng, n, func(i int) (float64, float64) {
		if i%4 == 0 {
			return 0.10, 0.30
		}
		return 0.01 + 0.09*rng.Float64(), 0.10 + 0.20*rng.Float64()
	})
	for _, sg := range []Signer{SignerMinWise, SignerOPH} {
		s := runDupBatch(t, mustNew(t, Config{DupSigner: sg}), b)
		t.Logf("%v: precision %.4f (%d false pairs), recall %.4f (%d of %d)", sg, s.precision(), s.fp, s.recall(), s.recalled, s.copies)
		assert.GreaterOrEqual(t, s.precision(), 0.99, "%v precision", sg)
		assert.GreaterOrEqual(t, s.recall(), 0.99, "%v recall", sg)
	}
	_, err := New(Config{DupSigner: Signer(7)})
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Equal(t, "oph minwise Signer(7)", fmt.Sprint(SignerOPH, " ", SignerMinWise, " ", Signer(7)))
}

// TestDedupMatchesRun: Dedup analyzes the cleaned text line by line, Run
// joined; both must mark the same duplicates. Some texts carry markup that
// spans lines (analyzed joined by both) and entities.
func TestDedupMatchesRun(t *testing.T) {
	arts := append(loadAllSidesArticles(t, 400), loadSeeds(t)...)
	for i := 0; i < 60; i += 2 {
		arts[i+200].Text = "Breaking &amp; more:\n" + arts[i].Text + "\nA line added by the copier."
		arts[i+200].Source = arts[i].Source
	}
	arts[10].Text += "\n<a\nhref='x'>link</a> and more words to make a line"
	arts[210].Text += "\n<a\nhref='x'>link</a> and more words to make a line"
	p := mustNew(t, Config{})
	d, err := p.Dedup(context.Background(), arts)
	require.NoError(t, err)
	r, err := p.Run(context.Background(), arts)
	require.NoError(t, err)
	n := 0
	for i := range arts {
		require.Equal(t, r.Assignments[i].DuplicateOf, d.Assignments[i].DuplicateOf, "article %s", arts[i].ID)
		if d.Assignments[i].DuplicateOf != "" {
			n++
		}
	}
	require.GreaterOrEqual(t, n, 25)
}
