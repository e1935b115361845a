package cluster

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// mustNew returns a Clusterer or fails the test.
func mustNew(t testing.TB, cfg Config) *Clusterer {
	t.Helper()
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

// mustCluster clusters or fails the test.
func mustCluster(t testing.TB, c *Clusterer, n int, edges []Edge) []int {
	t.Helper()
	labels, err := c.Cluster(nil, n, edges)
	require.NoError(t, err)
	require.Len(t, labels, n)
	return labels
}

// randomGraph returns n nodes in blocks of 2..maxBlock nodes; inside a block
// each pair is an edge with probability pIn, across neighbouring blocks with
// probability pOut. sim draws the similarity of an in-block (true) or
// cross-block (false) edge.
func randomGraph(r *rand.Rand, n, maxBlock int, pIn, pOut float64, sim func(in bool) float64) []Edge {
	var edges []Edge
	start := 0
	prev := -1
	for start < n {
		size := min(2+r.IntN(maxBlock-1), n-start)
		for i := start; i < start+size; i++ {
			for j := i + 1; j < start+size; j++ {
				if r.Float64() < pIn {
					edges = append(edges, Edge{i, j, sim(true)})
				}
			}
			if prev >= 0 && r.Float64() < pOut {
				edges = append(edges, Edge{i, prev + r.IntN(start-prev), sim(false)})
			}
		}
		prev = start
		start += size
	}
	return edges
}

// continuousSim draws similarities with no ties in practice.
func continuousSim(r *rand.Rand) func(bool) float64 {
	return func(in bool) float64 {
		if in {
			return 0.3 + 0.7*r.Float64()
		}
		return 0.6 * r.Float64()
	}
}

// discreteSim draws similarities k/8, which makes ties common.
func discreteSim(r *rand.Rand) func(bool) float64 {
	return func(in bool) float64 {
		if in {
			return float64(2+r.IntN(7)) / 8
		}
		return float64(r.IntN(5)) / 8
	}
}

// scramble returns a copy of edges in random order with random endpoint
// order and, for some edges, an extra lower-similarity duplicate.
func scramble(r *rand.Rand, edges []Edge) []Edge {
	out := slices.Clone(edges)
	for i, e := range edges {
		if r.IntN(4) == 0 {
			out = append(out, Edge{e.B, e.A, e.Sim * r.Float64()})
		}
		if r.IntN(2) == 0 {
			out[i].A, out[i].B = e.B, e.A
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// simMatrix returns the n×n similarity matrix of edges (max over
// duplicates, 0 for missing pairs).
func simMatrix(n int, edges []Edge) [][]float64 {
	s := make([][]float64, n)
	for i := range s {
		s[i] = make([]float64, n)
	}
	for _, e := range edges {
		v := max(s[e.A][e.B], e.Sim)
		s[e.A][e.B], s[e.B][e.A] = v, v
	}
	return s
}

// naiveCluster is the textbook agglomeration, written independently of the
// package: repeatedly merge the two clusters at the smallest linkage
// distance, computed from scratch over all member pairs, while it is <= cut
// (< 1); ties go to the lexicographically smallest pair of labels. It
// agrees with the nearest-neighbour chain whenever distances do not tie.
func naiveCluster(n int, edges []Edge, l Linkage, cut float64) []int {
	return naiveClusterCohesion(n, edges, l, cut, 0)
}

// naiveClusterCohesion is naiveCluster with Config.Cohesion under average
// linkage: when the nearest pair of clusters, both of at least
// MinCohesionGroup nodes, has a mean similarity below cohesion times the
// smaller of their mean inner similarities (recomputed from scratch), every
// member pair across them is forbidden, and clusters holding a forbidden
// pair never merge.
func naiveClusterCohesion(n int, edges []Edge, l Linkage, cut, cohesion float64) []int {
	s := simMatrix(n, edges)
	forbidden := map[[2]int]bool{}
	inner := func(a []int) float64 {
		sum := 0.0
		for i, x := range a {
			for _, y := range a[i+1:] {
				sum += s[x][y]
			}
		}
		return sum / float64(len(a)*(len(a)-1)/2)
	}
	apart := func(a, b []int, d float64) bool {
		if l != Average || cohesion == 0 || len(a) < MinCohesionGroup || len(b) < MinCohesionGroup {
			return false
		}
		return 1-d < cohesion*min(inner(a), inner(b))
	}
	linked := func(a, b []int) bool {
		for _, x := range a {
			for _, y := range b {
				if forbidden[[2]int{min(x, y), max(x, y)}] {
					return false
				}
			}
		}
		return true
	}
	clusters := make([][]int, n)
	for i := range clusters {
		clusters[i] = []int{i}
	}
	link := func(a, b []int) float64 {
		switch l {
		case Single:
			best := 0.0
			for _, x := range a {
				for _, y := range b {
					best = max(best, s[x][y])
				}
			}
			return 1 - best
		case Complete:
			worst := 1.0
			for _, x := range a {
				for _, y := range b {
					worst = min(worst, s[x][y])
				}
			}
			return 1 - worst
		}
		sum := 0.0
		for _, x := range a {
			for _, y := range b {
				sum += s[x][y]
			}
		}
		return 1 - sum/float64(len(a)*len(b))
	}
	for {
		bi, bj, bd := -1, -1, 2.0
		// clusters stay sorted by label (their first member).
		for i := range clusters {
			for j := i + 1; j < len(clusters); j++ {
				if d := link(clusters[i], clusters[j]); d <= cut && d < bd && linked(clusters[i], clusters[j]) {
					bi, bj, bd = i, j, d
				}
			}
		}
		if bi < 0 {
			break
		}
		if apart(clusters[bi], clusters[bj], bd) {
			for _, x := range clusters[bi] {
				for _, y := range clusters[bj] {
					forbidden[[2]int{min(x, y), max(x, y)}] = true
				}
			}
			continue
		}
		clusters[bi] = append(clusters[bi], clusters[bj]...)
		slices.Sort(clusters[bi])
		clusters = slices.Delete(clusters, bj, bj+1)
	}
	labels := make([]int, n)
	for _, c := range clusters {
		for _, x := range c {
			labels[x] = c[0]
		}
	}
	return labels
}

// checkLabels asserts the label invariants: labels[i] is the smallest node
// of i's cluster.
func checkLabels(t testing.TB, labels []int) {
	t.Helper()
	for i, l := range labels {
		require.True(t, l >= 0 && l <= i, "labels[%d] = %d", i, l)
		require.Equal(t, l, labels[l], "label %d of node %d is not its own label", l, i)
	}
}

// components returns the connected-component labels (smallest node) of the
// edges accepted by keep, by union-find.
func components(n int, edges []Edge, keep func(Edge) bool) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for p[x] != x {
			x = p[x]
		}
		return x
	}
	for _, e := range edges {
		if keep(e) {
			a, b := find(e.A), find(e.B)
			p[max(a, b)] = min(a, b)
		}
	}
	out := make([]int, n)
	for i := range out {
		out[i] = find(i)
	}
	return out
}
