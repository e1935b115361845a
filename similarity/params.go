package similarity

import (
	"fmt"
	"math"
)

// OptimalParams returns the number of bands and rows per band (bands·rows ≤ k)
// that minimise
//
//	fpWeight·∫₀ᵗ P(s) ds + fnWeight·∫ₜ¹ (1-P(s)) ds,  P(s) = 1-(1-s^rows)^bands,
//
// for the similarity threshold t, the method of datasketch's MinHashLSH (see
// the package documentation). The weights must be finite, non-negative and not
// both zero; only their ratio matters (datasketch's defaults are 0.5 and 0.5).
// threshold must lie in (0, 1) and k must be at least 1. Invalid arguments
// return an error wrapping ErrInvalidConfig.
//
// The search evaluates about k·ln k candidate pairs, each with two numerical
// integrals; for k = 128 it takes a few milliseconds, so call it once per
// configuration, not per document.
func OptimalParams(threshold float64, k int, fpWeight, fnWeight float64) (bands, rows int, err error) {
	switch {
	case !(threshold > 0 && threshold < 1):
		return 0, 0, fmt.Errorf("similarity: threshold %v, want 0 < threshold < 1: %w", threshold, ErrInvalidConfig)
	case k < 1:
		return 0, 0, fmt.Errorf("similarity: k = %d, want k >= 1: %w", k, ErrInvalidConfig)
	case !validWeight(fpWeight) || !validWeight(fnWeight) || fpWeight+fnWeight == 0:
		return 0, 0, fmt.Errorf("similarity: weights fp=%v fn=%v, want finite, >= 0 and not both 0: %w",
			fpWeight, fnWeight, ErrInvalidConfig)
	}
	best := math.Inf(1)
	for b := 1; b <= k; b++ {
		for r := 1; r <= k/b; r++ {
			c := paramCost(threshold, b, r, fpWeight, fnWeight)
			if c < best {
				best, bands, rows = c, b, r
			}
		}
	}
	return bands, rows, nil
}

func validWeight(w float64) bool { return w >= 0 && !math.IsInf(w, 1) }

// paramCost is the weighted false-positive plus false-negative area of the
// S-curve with b bands of r rows at threshold t.
func paramCost(t float64, b, r int, fpWeight, fnWeight float64) float64 {
	// miss(s) = 1-P(s) = (1-s^r)^b, computed directly to avoid cancellation.
	miss := func(s float64) float64 { return powi(1-powi(s, r), b) }
	hit := func(s float64) float64 { return 1 - miss(s) }
	var fp, fn float64
	if fpWeight != 0 {
		fp = integrate(hit, 0, t)
	}
	if fnWeight != 0 {
		fn = integrate(miss, t, 1)
	}
	return fpWeight*fp + fnWeight*fn
}

// integrate returns ∫ₐᵇ f by adaptive Simpson quadrature over 16 equal
// panels. A sub-interval of width w is accepted when its Richardson error
// estimate is at most 1e-10·w, so the total error is about 1e-10·(b-a); the
// tolerance scales with the width (rather than halving per level) so that
// rounding error can never force a runaway recursion.
func integrate(f func(float64) float64, a, b float64) float64 {
	const panels = 16
	h := (b - a) / panels
	sum := 0.0
	x0, f0 := a, f(a)
	for i := 1; i <= panels; i++ {
		x1 := a + float64(i)*h
		if i == panels {
			x1 = b
		}
		f1 := f(x1)
		xm := (x0 + x1) / 2
		fm := f(xm)
		whole := (x1 - x0) / 6 * (f0 + 4*fm + f1)
		sum += simpson(f, x0, x1, f0, fm, f1, whole, 30)
		x0, f0 = x1, f1
	}
	return sum
}

func simpson(f func(float64) float64, a, b, fa, fm, fb, whole float64, depth int) float64 {
	const eps = 1e-10 // per unit of interval width
	m := (a + b) / 2
	lm, rm := (a+m)/2, (m+b)/2
	flm, frm := f(lm), f(rm)
	left := (m - a) / 6 * (fa + 4*flm + fm)
	right := (b - m) / 6 * (fm + 4*frm + fb)
	delta := left + right - whole
	if depth <= 0 || math.Abs(delta) <= 15*eps*(b-a) {
		return left + right + delta/15
	}
	return simpson(f, a, m, fa, flm, fm, left, depth-1) +
		simpson(f, m, b, fm, frm, fb, right, depth-1)
}

// powi returns x**n for n >= 0 by binary exponentiation (much faster than
// math.Pow, and exact enough here: about log2(n) roundings).
func powi(x float64, n int) float64 {
	p := 1.0
	for n > 0 {
		if n&1 != 0 {
			p *= x
		}
		x *= x
		n >>= 1
	}
	return p
}
