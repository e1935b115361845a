package similarity_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/similarity"
)

// midpointCost is an independent implementation of the OptimalParams cost:
// plain midpoint rule with 10,000 steps per integral and math.Pow, instead of
// the package's adaptive Simpson with integer powers.
func midpointCost(t float64, b, r int, fpw, fnw float64) float64 {
	const steps = 10000
	p := func(s float64) float64 { return 1 - math.Pow(1-math.Pow(s, float64(r)), float64(b)) }
	var fp, fn float64
	h := t / steps
	for i := range steps {
		fp += p((float64(i) + 0.5) * h)
	}
	fp *= h
	h = (1 - t) / steps
	for i := range steps {
		fn += 1 - p(t+(float64(i)+0.5)*h)
	}
	fn *= h
	return fpw*fp + fnw*fn
}

func TestOptimalParamsKnownValues(t *testing.T) {
	tests := []struct {
		t          float64
		k          int
		fpw, fnw   float64
		bands, row int
		source     string
	}{
		// Cross-checked with datasketch's own search in pure Python (its
		// no-scipy midpoint integration, step 0.001): best (25, 5), cost
		// 0.04374, runner-up (24, 5) at 0.04390.
		{0.5, 128, 0.5, 0.5, 25, 5, "datasketch algorithm"},
		// Doctest values of text-dedup's copy of datasketch's optimal_param.
		{0.75, 256, 0.5, 0.5, 21, 12, "text-dedup doctest"},
		{0.75, 256, 0.1, 0.9, 28, 9, "text-dedup doctest"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("t=%v,k=%d,w=%v/%v", tc.t, tc.k, tc.fpw, tc.fnw), func(t *testing.T) {
			b, r, err := similarity.OptimalParams(tc.t, tc.k, tc.fpw, tc.fnw)
			require.NoError(t, err)
			assert.Equal(t, [2]int{tc.bands, tc.row}, [2]int{b, r}, tc.source)
		})
	}
}

// TestOptimalParamsIsOptimal checks the answer against an independent
// brute-force search: no (b, r) with b·r ≤ k may cost noticeably less
// (1e-6 allows for the two integrators' differences), and every neighbour
// (b±1, r±1) costs at least as much (local optimum).
func TestOptimalParamsIsOptimal(t *testing.T) {
	for _, tc := range []struct {
		t, fpw, fnw float64
		k           int
	}{{0.5, 0.5, 0.5, 128}, {0.8, 0.5, 0.5, 64}, {0.3, 0.2, 0.8, 100}} {
		t.Run(fmt.Sprintf("t=%v,k=%d", tc.t, tc.k), func(t *testing.T) {
			b, r, err := similarity.OptimalParams(tc.t, tc.k, tc.fpw, tc.fnw)
			require.NoError(t, err)
			require.LessOrEqual(t, b*r, tc.k)
			got := midpointCost(tc.t, b, r, tc.fpw, tc.fnw)
			for db := -1; db <= 1; db++ {
				for dr := -1; dr <= 1; dr++ {
					nb, nr := b+db, r+dr
					if (db == 0 && dr == 0) || nb < 1 || nr < 1 || nb*nr > tc.k {
						continue
					}
					assert.GreaterOrEqual(t, midpointCost(tc.t, nb, nr, tc.fpw, tc.fnw), got-1e-9,
						"neighbour (%d,%d) of (%d,%d)", nb, nr, b, r)
				}
			}
			best := math.Inf(1)
			var bb, br int
			for b2 := 1; b2 <= tc.k; b2++ {
				for r2 := 1; b2*r2 <= tc.k; r2++ {
					if c := midpointCost(tc.t, b2, r2, tc.fpw, tc.fnw); c < best {
						best, bb, br = c, b2, r2
					}
				}
			}
			assert.InDelta(t, best, got, 1e-6, "brute force found (%d,%d)", bb, br)
		})
	}
}

// TestOptimalParamsMonotone: a higher threshold needs a steeper, later
// S-curve, so rows per band never decrease as the threshold grows, and the
// curve's midpoint (1/b)^(1/r) follows the threshold.
func TestOptimalParamsMonotone(t *testing.T) {
	for _, k := range []int{16, 64, 128, 200} {
		prevRows := 0
		for th := 0.1; th < 0.95; th += 0.05 {
			b, r, err := similarity.OptimalParams(th, k, 0.5, 0.5)
			require.NoError(t, err)
			require.LessOrEqual(t, b*r, k)
			require.GreaterOrEqual(t, r, prevRows, "k=%d t=%.2f: rows fell from %d to %d", k, th, prevRows, r)
			prevRows = r
			if k >= 64 && th >= 0.2 {
				mid := math.Pow(1/float64(b), 1/float64(r))
				assert.InDelta(t, th, mid, 0.15, "k=%d t=%.2f (b=%d r=%d)", k, th, b, r)
			}
		}
	}
	// Weighting false negatives more moves the curve to lower similarity
	// (more recall); weighting false positives more moves it up.
	mid := func(fpw, fnw float64) float64 {
		b, r, err := similarity.OptimalParams(0.6, 128, fpw, fnw)
		require.NoError(t, err)
		return math.Pow(1/float64(b), 1/float64(r))
	}
	assert.Less(t, mid(0.1, 0.9), mid(0.5, 0.5))
	assert.Less(t, mid(0.5, 0.5), mid(0.9, 0.1))
}

func TestOptimalParamsErrors(t *testing.T) {
	tests := []struct {
		name     string
		t        float64
		k        int
		fpw, fnw float64
	}{
		{"threshold 0", 0, 128, 0.5, 0.5},
		{"threshold 1", 1, 128, 0.5, 0.5},
		{"threshold NaN", math.NaN(), 128, 0.5, 0.5},
		{"k 0", 0.5, 0, 0.5, 0.5},
		{"negative weight", 0.5, 128, -0.1, 0.5},
		{"NaN weight", 0.5, 128, 0.5, math.NaN()},
		{"Inf weight", 0.5, 128, math.Inf(1), 0.5},
		{"both weights 0", 0.5, 128, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := similarity.OptimalParams(tc.t, tc.k, tc.fpw, tc.fnw)
			require.ErrorIs(t, err, similarity.ErrInvalidConfig)
		})
	}
	// k = 1 has a single choice.
	b, r, err := similarity.OptimalParams(0.5, 1, 1, 0)
	require.NoError(t, err)
	assert.Equal(t, [2]int{1, 1}, [2]int{b, r})
}
