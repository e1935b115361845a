package cluster

import (
	"fmt"
	"math"
)

// Scores holds precision, recall and their harmonic mean F1.
type Scores struct {
	Precision, Recall, F1 float64
}

func newScores(p, r float64) Scores {
	f := 0.0
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return Scores{Precision: p, Recall: r, F1: f}
}

// contingency is the contingency table of two labelings of n items: cells
// holds n_ij (items in predicted cluster i and gold class j), a the sizes
// of the predicted clusters, b the sizes of the gold classes.
type contingency struct {
	n     int
	cells []cell
	a, b  []int
}

type cell struct {
	i, j, n int
}

func newContingency[L comparable](pred, gold []L) (*contingency, error) {
	if len(pred) != len(gold) {
		return nil, fmt.Errorf("cluster: %d predicted labels, %d gold labels: %w", len(pred), len(gold), ErrLengthMismatch)
	}
	if len(pred) == 0 {
		return nil, fmt.Errorf("cluster: no labels: %w", ErrEmpty)
	}
	pi := make(map[L]int)
	gi := make(map[L]int)
	ci := make(map[[2]int]int)
	t := &contingency{n: len(pred)}
	for k := range pred {
		i, ok := pi[pred[k]]
		if !ok {
			i = len(t.a)
			pi[pred[k]] = i
			t.a = append(t.a, 0)
		}
		j, ok := gi[gold[k]]
		if !ok {
			j = len(t.b)
			gi[gold[k]] = j
			t.b = append(t.b, 0)
		}
		t.a[i]++
		t.b[j]++
		c, ok := ci[[2]int{i, j}]
		if !ok {
			c = len(t.cells)
			ci[[2]int{i, j}] = c
			t.cells = append(t.cells, cell{i: i, j: j})
		}
		t.cells[c].n++
	}
	return t, nil
}

func pairs(k int) float64 { return float64(k) * float64(k-1) / 2 }

// BCubed returns the B-cubed precision, recall and F1 of the predicted
// labeling pred against the gold labeling gold (Bagga & Baldwin 1998): for
// each item x, precision(x) is the fraction of x's predicted cluster that
// shares x's gold class and recall(x) the fraction of x's gold class that
// shares x's predicted cluster (x itself included); both are averaged over
// items, and F1 is the harmonic mean of the two averages. In closed form
// P = Σ_ij n_ij²/a_i / N and R = Σ_ij n_ij²/b_j / N. Errors wrap
// [ErrLengthMismatch] or [ErrEmpty].
func BCubed[L comparable](pred, gold []L) (Scores, error) {
	t, err := newContingency(pred, gold)
	if err != nil {
		return Scores{}, err
	}
	var p, r float64
	for _, c := range t.cells {
		nn := float64(c.n) * float64(c.n)
		p += nn / float64(t.a[c.i])
		r += nn / float64(t.b[c.j])
	}
	return newScores(p/float64(t.n), r/float64(t.n)), nil
}

// Pairwise returns precision, recall and F1 over item pairs: a pair is a
// true positive when both labelings put its items together. Precision is
// TP / (pairs together in pred), recall TP / (pairs together in gold). When
// pred puts no pair together precision is 1 (it makes no false claim), and
// when gold puts no pair together recall is 1; so two all-singleton
// labelings score 1, and all-singleton pred against a gold with pairs has
// P = 1, R = 0, F1 = 0. Errors wrap [ErrLengthMismatch] or [ErrEmpty].
func Pairwise[L comparable](pred, gold []L) (Scores, error) {
	t, err := newContingency(pred, gold)
	if err != nil {
		return Scores{}, err
	}
	var tp, pp, gp float64
	for _, c := range t.cells {
		tp += pairs(c.n)
	}
	for _, a := range t.a {
		pp += pairs(a)
	}
	for _, b := range t.b {
		gp += pairs(b)
	}
	p, r := 1.0, 1.0
	if pp > 0 {
		p = tp / pp
	}
	if gp > 0 {
		r = tp / gp
	}
	return newScores(p, r), nil
}

// ARI returns the adjusted Rand index of Hubert & Arabie (1985) between two
// labelings; it is symmetric in its arguments. It is computed like
// scikit-learn's adjusted_rand_score, from the pair confusion counts:
// ARI = 2(TP·TN − FN·FP) / ((TP+FN)(FN+TN) + (TP+FP)(FP+TN)), and 1 when the
// labelings agree on every pair (FN = FP = 0), which covers identical
// partitions, including the trivial ones (one cluster, or all singletons)
// where the formula is 0/0. Errors wrap [ErrLengthMismatch] or [ErrEmpty].
func ARI[L comparable](pred, gold []L) (float64, error) {
	t, err := newContingency(pred, gold)
	if err != nil {
		return 0, err
	}
	var tp, pp, gp float64
	for _, c := range t.cells {
		tp += pairs(c.n)
	}
	for _, a := range t.a {
		pp += pairs(a)
	}
	for _, b := range t.b {
		gp += pairs(b)
	}
	fp := pp - tp // together in pred only
	fn := gp - tp // together in gold only
	tn := pairs(t.n) - tp - fp - fn
	if fp == 0 && fn == 0 {
		return 1, nil
	}
	return 2 * (tp*tn - fn*fp) / ((tp+fn)*(fn+tn) + (tp+fp)*(fp+tn)), nil
}

// NMI returns the normalized mutual information between two labelings with
// arithmetic-mean normalisation, NMI = I(P; G) / ((H(P) + H(G)) / 2), as
// scikit-learn's normalized_mutual_info_score does by default (natural
// logarithms; the base cancels). Following scikit-learn, NMI is 1 when both
// labelings have a single cluster (0/0), and 0 whenever the mutual
// information is 0 otherwise (e.g. one big cluster against any other
// partition). It is symmetric in its arguments. Errors wrap
// [ErrLengthMismatch] or [ErrEmpty].
func NMI[L comparable](pred, gold []L) (float64, error) {
	t, err := newContingency(pred, gold)
	if err != nil {
		return 0, err
	}
	if len(t.a) == 1 && len(t.b) == 1 {
		return 1, nil
	}
	n := float64(t.n)
	mi := 0.0
	for _, c := range t.cells {
		nij := float64(c.n)
		mi += nij / n * math.Log(n*nij/(float64(t.a[c.i])*float64(t.b[c.j])))
	}
	mi = max(mi, 0)
	if mi == 0 {
		return 0, nil
	}
	return mi / ((entropy(t.a, n) + entropy(t.b, n)) / 2), nil
}

func entropy(sizes []int, n float64) float64 {
	h := 0.0
	for _, s := range sizes {
		p := float64(s) / n
		h -= p * math.Log(p)
	}
	return h
}
