package similarity_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/similarity"
)

type textPair struct {
	kind string
	a, b []uint64 // sorted unique word 3-gram shingles
}

// ecbPairs draws n pairs of real ECB+ texts with a seeded generator: half are
// a document against a copy of itself with a random fraction (0-60%) of its
// words replaced by words drawn from the whole corpus, a quarter are two
// documents of the same topic and a quarter are two random documents. The
// perturbed pairs spread the exact Jaccard over [0, 1] instead of leaving it
// near 0.
func ecbPairs(t *testing.T, n int) []textPair {
	docs := loadECB(t)
	var words [][]string
	var vocab []string
	byTopic := map[int][]int{}
	for _, d := range docs {
		w := strings.Fields(strings.ToLower(d.Title + "\n" + d.Text))
		if len(w) < 10 {
			continue
		}
		byTopic[d.Topic] = append(byTopic[d.Topic], len(words))
		words = append(words, w)
		vocab = append(vocab, w...)
	}
	require.Greater(t, len(words), 100)
	rng := rand.New(rand.NewPCG(2024, 1))
	pairs := make([]textPair, 0, n)
	for i := range n {
		x := rng.IntN(len(words))
		switch i % 4 {
		case 0, 2:
			frac := 0.6 * rng.Float64()
			w := append([]string(nil), words[x]...)
			for j := range w {
				if rng.Float64() < frac {
					w[j] = vocab[rng.IntN(len(vocab))]
				}
			}
			pairs = append(pairs, textPair{"perturbed", wordsShingles(words[x], 3), wordsShingles(w, 3)})
		case 1:
			same := byTopic[0]
			for len(same) < 2 {
				same = byTopic[rng.IntN(50)]
			}
			a, b := same[rng.IntN(len(same))], same[rng.IntN(len(same))]
			pairs = append(pairs, textPair{"same-topic", wordsShingles(words[a], 3), wordsShingles(words[b], 3)})
		default:
			y := rng.IntN(len(words))
			pairs = append(pairs, textPair{"random", wordsShingles(words[x], 3), wordsShingles(words[y], 3)})
		}
	}
	return pairs
}

type estStats struct {
	maxErr, sumAbs, sumSq, bias, theoryVar float64
	worst                                  string
}

func estimateStats(t *testing.T, s similarity.Signer, k int, pairs []textPair) estStats {
	var st estStats
	var sa, sb similarity.Signature
	for i, p := range pairs {
		exact := similarity.Jaccard(p.a, p.b)
		sa, sb = s.Sign(sa, p.a), s.Sign(sb, p.b)
		est := similarity.Estimate(sa, sb)
		d := est - exact
		if math.Abs(d) > st.maxErr {
			st.maxErr = math.Abs(d)
			st.worst = fmt.Sprintf("pair %d (%s, |a|=%d |b|=%d): exact %.4f estimate %.4f", i, p.kind, len(p.a), len(p.b), exact, est)
		}
		st.sumAbs += math.Abs(d)
		st.sumSq += d * d
		st.bias += d
		st.theoryVar += exact * (1 - exact) / float64(k)
	}
	n := float64(len(pairs))
	st.sumAbs /= n
	st.bias /= n
	st.sumSq = math.Sqrt(st.sumSq / n)         // now the RMSE
	st.theoryVar = math.Sqrt(st.theoryVar / n) // now the theoretical RMSE
	return st
}

// TestEstimateVsExactECB compares MinHash estimates with exact Jaccard on
// 1,000 pairs of real news text (word 3-gram shingles).
//
// Tolerances: for an ideal MinHash the estimate is Binomial(k, J)/k, with
// standard deviation sqrt(J(1-J)/k) ≤ 0.5/sqrt(k), so the per-pair bound
// 3/sqrt(k) is at least 6 standard deviations (a failure means a broken
// signer, not bad luck). In aggregate, the RMSE over the 1,000 pairs must be
// within 15% of the theoretical RMSE sqrt(mean J(1-J)/k) (its sampling
// fluctuation is a few percent), and the mean signed error (bias) within
// 0.01 (about 10 standard errors).
func TestEstimateVsExactECB(t *testing.T) {
	pairs := ecbPairs(t, 1000)
	var meanJ float64
	for _, p := range pairs {
		meanJ += similarity.Jaccard(p.a, p.b)
	}
	meanJ /= float64(len(pairs))
	require.Greater(t, meanJ, 0.15, "pairs must not all be dissimilar")

	for _, k := range []int{64, 128} {
		for _, s := range newSigners(t, k, 77) {
			t.Run(fmt.Sprintf("%s/k=%d", s.name, k), func(t *testing.T) {
				st := estimateStats(t, s.signer, k, pairs)
				t.Logf("mean exact J %.3f; max |err| %.4f; MAE %.4f; RMSE %.4f (theory %.4f); bias %+.4f; worst %s",
					meanJ, st.maxErr, st.sumAbs, st.sumSq, st.theoryVar, st.bias, st.worst)
				assert.LessOrEqual(t, st.maxErr, 3/math.Sqrt(float64(k)), "worst: %s", st.worst)
				assert.LessOrEqual(t, st.sumSq, 1.15*st.theoryVar, "RMSE vs theory")
				assert.InDelta(t, 0, st.bias, 0.01, "bias")
			})
		}
	}
}

// TestOPHNoWorseThanMinWise checks that the faster OPH signer estimates real
// text as accurately as MinWise: its RMSE over the same 1,000 ECB+ pairs may
// exceed MinWise's by at most 10% (each RMSE fluctuates by a few percent
// between seeds, so a strict comparison would test the seed, not the method).
func TestOPHNoWorseThanMinWise(t *testing.T) {
	pairs := ecbPairs(t, 1000)
	const k = 128
	for _, seed := range []uint64{1, 2, 3} {
		s := newSigners(t, k, seed)
		mw := estimateStats(t, s[0].signer, k, pairs)
		oph := estimateStats(t, s[1].signer, k, pairs)
		t.Logf("seed %d: RMSE minwise %.4f oph %.4f; MAE minwise %.4f oph %.4f", seed, mw.sumSq, oph.sumSq, mw.sumAbs, oph.sumAbs)
		assert.LessOrEqual(t, oph.sumSq, 1.10*mw.sumSq, "seed %d", seed)
	}
}
