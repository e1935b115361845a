package cluster

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const eps = 1e-12

// The running hand example: 5 items,
//
//	pred = [0 0 0 0 1]  -> clusters P0 = {0,1,2,3}, P1 = {4}
//	gold = [a a b b b]  -> classes  Ga = {0,1},     Gb = {2,3,4}
//	       (a = 10, b = 20)
//
// Contingency n_ij: (P0,Ga) = 2, (P0,Gb) = 2, (P1,Gb) = 1.
var (
	handPred = []int{0, 0, 0, 0, 1}
	handGold = []int{10, 10, 20, 20, 20}
)

func TestBCubedHand(t *testing.T) {
	// Per item (precision = |P(x) ∩ G(x)| / |P(x)|, recall = ... / |G(x)|):
	//   0: P0∩Ga = {0,1}: 2/4, 2/2
	//   1: same:          2/4, 2/2
	//   2: P0∩Gb = {2,3}: 2/4, 2/3
	//   3: same:          2/4, 2/3
	//   4: P1∩Gb = {4}:   1/1, 1/3
	// P = (1/2·4 + 1)/5 = 3/5
	// R = (1 + 1 + 2/3 + 2/3 + 1/3)/5 = (11/3)/5 = 11/15
	// F1 = 2·(3/5)(11/15) / (3/5 + 11/15) = (66/75) / (20/15) = 0.66
	s, err := BCubed(handPred, handGold)
	require.NoError(t, err)
	assert.InDelta(t, 3.0/5, s.Precision, eps)
	assert.InDelta(t, 11.0/15, s.Recall, eps)
	assert.InDelta(t, 0.66, s.F1, eps)

	// Swapping the roles swaps precision and recall.
	s2, err := BCubed(handGold, handPred)
	require.NoError(t, err)
	assert.InDelta(t, s.Precision, s2.Recall, eps)
	assert.InDelta(t, s.Recall, s2.Precision, eps)
}

func TestPairwiseHand(t *testing.T) {
	// Pairs together in pred: C(4,2) + C(1,2) = 6 + 0 = 6
	// Pairs together in gold: C(2,2) + C(3,2) = 1 + 3 = 4
	// Together in both: C(2,2) + C(2,2) + C(1,2) = 1 + 1 + 0 = 2
	// P = 2/6 = 1/3, R = 2/4 = 1/2, F1 = 2·(1/3)(1/2)/(5/6) = 2/5
	s, err := Pairwise(handPred, handGold)
	require.NoError(t, err)
	assert.InDelta(t, 1.0/3, s.Precision, eps)
	assert.InDelta(t, 0.5, s.Recall, eps)
	assert.InDelta(t, 0.4, s.F1, eps)
}

func TestARIHand(t *testing.T) {
	// N = 5, C(5,2) = 10 pairs. TP = 2 (together in both),
	// FP = 6 - 2 = 4 (pred only), FN = 4 - 2 = 2 (gold only),
	// TN = 10 - 2 - 4 - 2 = 2.
	// ARI = 2(TP·TN - FN·FP) / ((TP+FN)(FN+TN) + (TP+FP)(FP+TN))
	//     = 2(4 - 8) / (4·4 + 6·6) = -8/52 = -2/13.
	// Check with Hubert & Arabie's form: index 2, expected 6·4/10 = 2.4,
	// max (6+4)/2 = 5: (2 - 2.4)/(5 - 2.4) = -0.4/2.6 = -2/13.
	ari, err := ARI(handPred, handGold)
	require.NoError(t, err)
	assert.InDelta(t, -2.0/13, ari, eps)
}

func TestNMIHand(t *testing.T) {
	// Cluster sizes a = (4, 1), class sizes b = (2, 3), N = 5.
	// MI = Σ n_ij/N · ln(N·n_ij / (a_i·b_j))
	//    = 2/5 ln(10/8) + 2/5 ln(10/12) + 1/5 ln(5/3)
	//    = 0.0892574 - 0.0729286 + 0.1021651 = 0.1184939
	// H(pred) = -(4/5 ln 4/5 + 1/5 ln 1/5) = 0.5004024
	// H(gold) = -(2/5 ln 2/5 + 3/5 ln 3/5) = 0.6730117
	// NMI = 0.1184939 / ((0.5004024 + 0.6730117)/2) = 0.2019644
	nmi, err := NMI(handPred, handGold)
	require.NoError(t, err)
	assert.InDelta(t, 0.20196437645642742, nmi, eps)
}

// TestSklearnCrossCheck compares with values printed by scikit-learn:
//
//	adjusted_rand_score([0,0,1,1], [0,0,1,2])          == 0.5714285714285715
//	normalized_mutual_info_score([0,0,1,1], [0,0,1,2]) == 0.8
//
// By hand: N = 4, 6 pairs. Pairs together in the first: {0,1}, {2,3} (2);
// in the second: {0,1} (1); in both: {0,1} (1). So TP = 1, FN = 1, FP = 0,
// TN = 4, and ARI = 2(1·4 - 0)/((1+1)(1+4) + (1+0)(0+4)) = 8/14 = 4/7.
// MI = 2/4 ln(4·2/(2·2)) + 1/4 ln(4/(2·1)) + 1/4 ln(4/(2·1)) = ln 2;
// H1 = ln 2; H2 = -(1/2 ln 1/2 + 2·1/4 ln 1/4) = 1.5 ln 2;
// NMI = ln 2 / (2.5 ln 2 / 2) = 0.8.
func TestSklearnCrossCheck(t *testing.T) {
	a, b := []int{0, 0, 1, 1}, []int{0, 0, 1, 2}
	ari, err := ARI(b, a)
	require.NoError(t, err)
	assert.InDelta(t, 0.5714285714285715, ari, eps)
	nmi, err := NMI(b, a)
	require.NoError(t, err)
	assert.InDelta(t, 0.8, nmi, eps)
	// Both are symmetric.
	ari2, _ := ARI(a, b)
	nmi2, _ := NMI(a, b)
	assert.InDelta(t, ari, ari2, eps)
	assert.InDelta(t, nmi, nmi2, eps)
}

func TestMetricsTrivialPartitions(t *testing.T) {
	singles := []int{0, 1, 2, 3}
	one := []int{7, 7, 7, 7}
	tests := []struct {
		name       string
		pred, gold []int
		bc, pw     Scores
		ari, nmi   float64
	}{
		// Identical partitions score 1 everywhere, including the
		// 0/0 cases of ARI (no pairs together) and NMI (zero entropy).
		{"singletons vs singletons", singles, singles, Scores{1, 1, 1}, Scores{1, 1, 1}, 1, 1},
		{"one vs one", one, one, Scores{1, 1, 1}, Scores{1, 1, 1}, 1, 1},
		// Singletons against one cluster: B³ P = 1, R = 1/4,
		// F1 = 2·(1/4)/(5/4) = 0.4. Pairwise: no predicted pair so P = 1,
		// none of the 6 gold pairs found so R = 0. ARI: TP = 0, FN = 6,
		// FP = TN = 0 -> 2(0 - 0)/(6·6 + 0) = 0. NMI: MI = 0 -> 0.
		{"singletons vs one", singles, one, Scores{1, 0.25, 0.4}, Scores{1, 0, 0}, 0, 0},
		// One cluster against singletons: the mirror image.
		{"one vs singletons", one, singles, Scores{0.25, 1, 0.4}, Scores{0, 1, 0}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bc, err := BCubed(tt.pred, tt.gold)
			require.NoError(t, err)
			assert.InDelta(t, tt.bc.Precision, bc.Precision, eps)
			assert.InDelta(t, tt.bc.Recall, bc.Recall, eps)
			assert.InDelta(t, tt.bc.F1, bc.F1, eps)
			pw, err := Pairwise(tt.pred, tt.gold)
			require.NoError(t, err)
			assert.InDelta(t, tt.pw.Precision, pw.Precision, eps)
			assert.InDelta(t, tt.pw.Recall, pw.Recall, eps)
			assert.InDelta(t, tt.pw.F1, pw.F1, eps)
			ari, err := ARI(tt.pred, tt.gold)
			require.NoError(t, err)
			assert.InDelta(t, tt.ari, ari, eps)
			nmi, err := NMI(tt.pred, tt.gold)
			require.NoError(t, err)
			assert.InDelta(t, tt.nmi, nmi, eps)
		})
	}
	// A single item: one cluster each.
	ari, err := ARI([]string{"x"}, []string{"y"})
	require.NoError(t, err)
	assert.Equal(t, 1.0, ari)
	nmi, err := NMI([]string{"x"}, []string{"y"})
	require.NoError(t, err)
	assert.Equal(t, 1.0, nmi)
}

func TestMetricsErrors(t *testing.T) {
	_, err := BCubed([]int{1}, []int{1, 2})
	assert.ErrorIs(t, err, ErrLengthMismatch)
	_, err = Pairwise([]int{1, 2}, []int{1})
	assert.ErrorIs(t, err, ErrLengthMismatch)
	_, err = ARI([]int{}, []int{1})
	assert.ErrorIs(t, err, ErrLengthMismatch)
	_, err = NMI([]int{1}, nil)
	assert.ErrorIs(t, err, ErrLengthMismatch)
	_, err = BCubed[int](nil, nil)
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = Pairwise([]string{}, []string{})
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = ARI[int](nil, nil)
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = NMI[int](nil, nil)
	assert.ErrorIs(t, err, ErrEmpty)
}

// TestMetricsProperties: identical labelings (under renaming) score 1;
// every score lies in its range; label renaming does not matter.
func TestMetricsProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for range 200 {
		n := 1 + r.IntN(60)
		k := 1 + r.IntN(n)
		pred := make([]int, n)
		gold := make([]int, n)
		renamed := make([]int, n)
		spred := make([]string, n)
		sren := make([]string, n)
		for i := range pred {
			pred[i] = r.IntN(k)
			gold[i] = r.IntN(1 + r.IntN(n))
			renamed[i] = 1000 - 7*pred[i]
			spred[i] = string(rune('a' + pred[i]))
			sren[i] = string(rune('A' + pred[i]))
		}
		for _, s := range []func() (Scores, error){
			func() (Scores, error) { return BCubed(pred, renamed) },
			func() (Scores, error) { return Pairwise(renamed, pred) },
			func() (Scores, error) { return BCubed(spred, sren) },
			func() (Scores, error) { return Pairwise(sren, spred) },
		} {
			got, err := s()
			require.NoError(t, err)
			assert.InDelta(t, 1, got.F1, eps)
		}
		ari, err := ARI(pred, renamed)
		require.NoError(t, err)
		assert.InDelta(t, 1, ari, eps)
		nmi, err := NMI(renamed, pred)
		require.NoError(t, err)
		assert.InDelta(t, 1, nmi, 1e-9)
		ari, err = ARI(spred, sren)
		require.NoError(t, err)
		assert.InDelta(t, 1, ari, eps)
		nmi, err = NMI(sren, spred)
		require.NoError(t, err)
		assert.InDelta(t, 1, nmi, 1e-9)

		bc, _ := BCubed(pred, gold)
		pw, _ := Pairwise(pred, gold)
		for _, v := range []float64{bc.Precision, bc.Recall, bc.F1, pw.Precision, pw.Recall, pw.F1} {
			assert.True(t, v >= 0 && v <= 1+eps, "score %v", v)
		}
		ari, _ = ARI(pred, gold)
		nmi, _ = NMI(pred, gold)
		assert.True(t, ari >= -1-eps && ari <= 1+eps, "ARI %v", ari)
		assert.True(t, nmi >= 0 && nmi <= 1+1e-9, "NMI %v", nmi)
		assert.False(t, math.IsNaN(ari) || math.IsNaN(nmi))
	}
}
