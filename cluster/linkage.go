package cluster

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// This file holds the agglomeration of one connected component: a
// nearest-neighbour chain (Murtagh 1983; Müllner 2011, "Modern hierarchical,
// agglomerative clustering algorithms", §3.2) driving one of two stores of
// cluster-pair values, a dense one (mat.SymDense) and a sparse one (a map per
// cluster holding only pairs joined by at least one edge).
//
// Both stores keep a similarity aggregate v per cluster pair instead of a
// distance: the sum of member-pair similarities for average linkage, the
// minimum for complete linkage (missing pairs are similarity 0). The linkage
// distance is computed from v by the single function agglo.dist, and all
// merge and tie-breaking decisions are taken by the shared driver, so the two
// stores reach bit-identical values and identical partitions: adding a
// missing pair's 0 to a sum is exact, min is exact, and float addition is
// commutative.

// store is the cluster-pair storage behind the chain.
type store interface {
	// nearest returns the alive cluster b != a with the smallest linkage
	// distance to a among those with distance <= cut, ties going to prev,
	// then to the smallest label; ok is false when there is none.
	nearest(a, prev int32) (b int32, ok bool)
	// merge combines the values of clusters a and b and returns the slot
	// that now holds the union; the other slot is dead.
	merge(a, b int32) int32
	// value returns the aggregate of clusters a and b (0 when missing).
	value(a, b int32) float64
	// unlink makes clusters a and b, and every later union holding them,
	// unlinked: their average-linkage sum becomes -Inf, which stays -Inf
	// through merges and is never a candidate.
	unlink(a, b int32)
}

// agglo is the state of the agglomeration of one component of n nodes.
// Clusters live in slots 0..n-1 (initially slot i = {node i}); a cluster's
// label is the smallest local node index in it.
type agglo struct {
	n        int
	linkage  Linkage
	cut      float64
	cohesion float64 // Config.Cohesion; 0 unless average linkage

	within []float64 // slot -> sum of the similarities inside the cluster (cohesion > 0)

	size       []int
	label      []int32 // slot -> label
	slotOf     []int32 // label -> slot
	alive      []bool  // slot holds a cluster that may still merge
	labelAlive []bool  // label -> its cluster is alive
	parent     []int32 // union-find over labels; roots are cluster labels
	chain      []int32

	dense denseStore
}

func (a *agglo) reset(n int, l Linkage, cut, cohesion float64) {
	a.n, a.linkage, a.cut, a.cohesion = n, l, cut, cohesion
	a.size = grow(a.size, n)
	if cohesion > 0 {
		a.within = grow(a.within, n)
		clear(a.within)
	}
	a.label = grow(a.label, n)
	a.slotOf = grow(a.slotOf, n)
	a.alive = grow(a.alive, n)
	a.labelAlive = grow(a.labelAlive, n)
	a.parent = grow(a.parent, n)
	for i := range n {
		a.size[i] = 1
		a.label[i] = int32(i)
		a.slotOf[i] = int32(i)
		a.alive[i] = true
		a.labelAlive[i] = true
		a.parent[i] = int32(i)
	}
	a.chain = a.chain[:0]
}

// dist is the linkage distance of clusters a and b whose aggregate is v.
func (a *agglo) dist(v float64, x, y int32) float64 {
	if a.linkage == Average {
		return 1 - v/(float64(a.size[x])*float64(a.size[y]))
	}
	return 1 - v
}

// better reports whether candidate b at distance d beats the current best.
func (a *agglo) better(d float64, b int32, bestD float64, best, prev int32) bool {
	switch {
	case best < 0:
		return true
	case d != bestD:
		return d < bestD
	case b == prev:
		return true
	case best == prev:
		return false
	}
	return a.label[b] < a.label[best]
}

// combine is the aggregate of the union of two clusters.
func (a *agglo) combine(x, y float64) float64 {
	if a.linkage == Complete {
		return min(x, y)
	}
	return x + y
}

// run agglomerates with a nearest-neighbour chain until no two clusters are
// within the cut. A chain starts at the alive cluster with the smallest
// label; it grows by nearest neighbours until the top two are reciprocal
// nearest neighbours, which merge. A cluster with no neighbour within the
// cut can never merge again (all three linkages are reducible:
// d(A∪B, C) >= min(d(A, C), d(B, C))) and is retired.
func (a *agglo) run(st store) {
	chain := a.chain[:0]
	p := 0
	for {
		if len(chain) == 0 {
			for p < a.n && !a.labelAlive[p] {
				p++
			}
			if p == a.n {
				break
			}
			chain = append(chain, a.slotOf[p])
		}
		top := len(chain) - 1
		x := chain[top]
		prev := int32(-1)
		if top > 0 {
			prev = chain[top-1]
		}
		y, ok := st.nearest(x, prev)
		switch {
		case !ok:
			a.alive[x] = false
			a.labelAlive[a.label[x]] = false
			chain = chain[:top]
		case y == prev:
			chain = chain[:top-1]
			if a.apart(st, x, y) {
				st.unlink(x, y)
			} else {
				a.merge(st, x, y)
			}
		default:
			chain = append(chain, y)
		}
	}
	a.chain = chain
}

// apart reports whether the cohesion test keeps clusters x and y apart:
// both have at least MinCohesionGroup nodes and their mean pair similarity
// is below cohesion times the smaller of their mean inner similarities.
func (a *agglo) apart(st store, x, y int32) bool {
	nx, ny := float64(a.size[x]), float64(a.size[y])
	if a.cohesion <= 0 || nx < MinCohesionGroup || ny < MinCohesionGroup {
		return false
	}
	link := st.value(x, y) / (nx * ny)
	cx := a.within[x] / (nx * (nx - 1) / 2)
	cy := a.within[y] / (ny * (ny - 1) / 2)
	return link < a.cohesion*min(cx, cy)
}

func (a *agglo) merge(st store, x, y int32) {
	lx, ly := a.label[x], a.label[y]
	lo, hi := min(lx, ly), max(lx, ly)
	var within float64
	if a.cohesion > 0 {
		within = a.within[x] + a.within[y] + st.value(x, y)
	}
	surv := st.merge(x, y)
	if a.cohesion > 0 {
		a.within[surv] = within
	}
	gone := x + y - surv
	a.size[surv] += a.size[gone]
	a.label[surv] = lo
	a.slotOf[lo] = surv
	a.alive[gone] = false
	a.labelAlive[hi] = false
	a.parent[hi] = lo
}

// find returns the label of the cluster holding local node i.
func (a *agglo) find(i int32) int32 {
	for a.parent[i] != i {
		a.parent[i] = a.parent[a.parent[i]]
		i = a.parent[i]
	}
	return i
}

// denseStore keeps the aggregates of all cluster pairs in an n×n
// mat.SymDense whose two triangles are kept equal, so row x is contiguous.
// nearest costs O(n) and merge O(n): O(n²) time for the component.
type denseStore struct {
	a      *agglo
	m      *mat.SymDense
	data   []float64
	stride int
}

func (s *denseStore) nearest(x, prev int32) (int32, bool) {
	a := s.a
	row := s.data[int(x)*s.stride : int(x)*s.stride+a.n]
	best, bestD := int32(-1), 0.0
	for j, v := range row {
		y := int32(j)
		// v <= 0 means distance 1 > cut: never a candidate.
		if v <= 0 || y == x || !a.alive[y] {
			continue
		}
		d := a.dist(v, x, y)
		if d <= a.cut && a.better(d, y, bestD, best, prev) {
			best, bestD = y, d
		}
	}
	return best, best >= 0
}

func (s *denseStore) merge(x, y int32) int32 {
	surv, gone := min(x, y), max(x, y)
	rs := s.data[int(surv)*s.stride : int(surv)*s.stride+s.a.n]
	rg := s.data[int(gone)*s.stride : int(gone)*s.stride+s.a.n]
	for j := range rs {
		v := s.a.combine(rs[j], rg[j])
		rs[j] = v
		s.data[j*s.stride+int(surv)] = v
	}
	return surv
}

func (s *denseStore) value(x, y int32) float64 { return s.data[int(x)*s.stride+int(y)] }

func (s *denseStore) unlink(x, y int32) {
	s.data[int(x)*s.stride+int(y)] = math.Inf(-1)
	s.data[int(y)*s.stride+int(x)] = math.Inf(-1)
}

// sentry is the sparse aggregate of a cluster pair: v as in the dense store
// and, for complete linkage, cnt, the number of member pairs joined by an
// edge; the entry counts only when cnt equals the product of the sizes
// (otherwise a missing pair makes the minimum 0).
type sentry struct {
	v   float64
	cnt int64
}

// sparseStore keeps one map per cluster from neighbour slot to aggregate,
// for pairs joined by at least one edge: memory O(nodes + edges) since
// merges only shrink the set of pairs. merge folds the smaller map into the
// larger one (each entry moves O(log n) times); entries of the larger map
// whose partner is not in the smaller one need no update (adding 0 to a sum),
// and under complete linkage they become stale through their count and are
// dropped lazily by nearest, which costs O(degree) of the scanned cluster.
type sparseStore struct {
	a   *agglo
	adj []map[int32]sentry
}

func (s *sparseStore) init(a *agglo, ce []wedge) {
	s.a = a
	s.adj = grow(s.adj, a.n)
	cnt := make([]int32, a.n)
	for _, e := range ce {
		cnt[e.u]++
		cnt[e.v]++
	}
	for i := range s.adj {
		s.adj[i] = make(map[int32]sentry, cnt[i])
	}
	for _, e := range ce {
		s.adj[e.u][e.v] = sentry{e.s, 1}
		s.adj[e.v][e.u] = sentry{e.s, 1}
	}
}

func (s *sparseStore) release() {
	clear(s.adj)
	s.a = nil
}

func (s *sparseStore) nearest(x, prev int32) (int32, bool) {
	a := s.a
	m := s.adj[x]
	best, bestD := int32(-1), 0.0
	for y, e := range m {
		if !a.alive[y] {
			delete(m, y)
			continue
		}
		if a.linkage == Complete && e.cnt != int64(a.size[x])*int64(a.size[y]) {
			delete(m, y)
			delete(s.adj[y], x)
			continue
		}
		if e.v <= 0 {
			continue
		}
		d := a.dist(e.v, x, y)
		if d <= a.cut && a.better(d, y, bestD, best, prev) {
			best, bestD = y, d
		}
	}
	return best, best >= 0
}

func (s *sparseStore) value(x, y int32) float64 { return s.adj[x][y].v }

func (s *sparseStore) unlink(x, y int32) {
	e := sentry{v: math.Inf(-1)}
	s.adj[x][y] = e
	s.adj[y][x] = e
}

func (s *sparseStore) merge(x, y int32) int32 {
	surv, gone := x, y
	if lg, ls := len(s.adj[gone]), len(s.adj[surv]); lg > ls || (lg == ls && gone < surv) {
		surv, gone = gone, surv
	}
	ms, mg := s.adj[surv], s.adj[gone]
	delete(ms, gone)
	for z, e := range mg {
		if z == surv {
			continue
		}
		if !s.a.alive[z] {
			continue // retired: its entries are never read again
		}
		mz := s.adj[z]
		delete(mz, gone)
		if o, ok := ms[z]; ok {
			e = sentry{s.a.combine(o.v, e.v), o.cnt + e.cnt}
		}
		ms[z] = e
		mz[surv] = e
	}
	s.adj[gone] = nil
	return surv
}
