package cluster

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/gonum/graph/topo"
	"gonum.org/v1/gonum/mat"
)

// Sentinel errors. Errors returned by this package wrap one of them; test
// with errors.Is.
var (
	// ErrInvalidConfig reports an invalid [Config] or linkage name.
	ErrInvalidConfig = errors.New("invalid config")
	// ErrInvalidEdge reports an edge with an endpoint outside [0, n), a self
	// loop, a similarity that is NaN or outside [0, 1], or an invalid node
	// count n.
	ErrInvalidEdge = errors.New("invalid edge")
	// ErrLengthMismatch reports two labelings of different lengths.
	ErrLengthMismatch = errors.New("length mismatch")
	// ErrEmpty reports empty labelings.
	ErrEmpty = errors.New("empty labeling")
)

// Edge is a candidate pair of nodes A and B with similarity Sim in [0, 1].
// Its distance is 1 - Sim. A pair without an edge has similarity 0.
type Edge struct {
	A, B int
	Sim  float64
}

// Linkage selects how the distance between two clusters is derived from the
// distances between their members.
type Linkage int

const (
	// Average linkage (UPGMA): the mean distance over all member pairs, a
	// missing pair counting as distance 1. The zero value.
	Average Linkage = iota
	// Single linkage: the smallest distance over all member pairs.
	Single
	// Complete linkage: the largest distance over all member pairs, a
	// missing pair counting as distance 1.
	Complete
)

var linkageNames = [...]string{Average: "average", Single: "single", Complete: "complete"}

// String returns "average", "single" or "complete", or "Linkage(N)" for
// an unknown value.
func (l Linkage) String() string {
	if l >= 0 && int(l) < len(linkageNames) {
		return linkageNames[l]
	}
	return fmt.Sprintf("Linkage(%d)", int(l))
}

// ParseLinkage parses a linkage name as returned by [Linkage.String]
// (case-insensitive, surrounding space ignored). The error wraps
// [ErrInvalidConfig].
func ParseLinkage(s string) (Linkage, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for i, name := range linkageNames {
		if t == name {
			return Linkage(i), nil
		}
	}
	return 0, fmt.Errorf("cluster: unknown linkage %q, want average, single or complete: %w", s, ErrInvalidConfig)
}

const (
	// DefaultCut is the distance cut used when Config.Cut is zero.
	DefaultCut = 0.5
	// DefaultMaxDense is the component size limit used when
	// Config.MaxDense is zero: 2048² float64 = 32 MiB.
	DefaultMaxDense = 2048
	// MaxMaxDense is the largest accepted Config.MaxDense: 16384² float64 =
	// 2 GiB.
	MaxMaxDense = 16384
)

// Config configures a [Clusterer]. The zero value is valid: average linkage,
// cut 0.5, dense matrices up to 2048 nodes.
type Config struct {
	// Linkage is the cluster distance; zero means Average.
	Linkage Linkage
	// Cut is the distance cut: two clusters joined by at least one edge
	// merge while their linkage distance is <= Cut. It must be in (0, 1];
	// zero means DefaultCut (0.5). Cut = 1 makes every connected component
	// of the candidate graph one cluster, for every linkage.
	Cut float64
	// MaxDense is the largest component (in nodes) clustered with a dense
	// n×n mat.SymDense; larger components use the sparse path, which gives
	// the same partition in memory O(nodes + edges). It must be in
	// [0, MaxMaxDense]; zero means DefaultMaxDense (2048). MaxDense = 1
	// sends every component through the sparse path.
	MaxDense int
	// Cohesion, when positive, keeps apart two tight groups that are only
	// loosely linked (average linkage only; ignored by the others): two
	// clusters of at least [MinCohesionGroup] nodes each do not merge when
	// their linkage similarity (the mean similarity of their member pairs)
	// is below Cohesion times the smaller of their two cohesions (the mean
	// similarity of the member pairs inside one cluster, missing pairs 0).
	// Such a pair of clusters, and every later pair of clusters holding
	// them, then counts as unlinked. Two reports of one event are as close
	// to each other as to the other reports, while two events of the same
	// kind (two earthquakes, two firings of one coach) form two groups each
	// tighter than the words of their kind tie them together. It must be in
	// [0, 1]; zero (the default) disables the test, and so does Cut = 1.
	Cohesion float64
}

// MinCohesionGroup is the smallest cluster whose cohesion counts for
// [Config.Cohesion]: three nodes, so that the cohesion is a mean over at
// least three pairs rather than one pair's similarity.
const MinCohesionGroup = 3

// Clusterer partitions the nodes of a sparse similarity graph by
// agglomerative clustering. It is safe for concurrent use; scratch memory is
// pooled between calls.
type Clusterer struct {
	linkage  Linkage
	cut      float64
	maxDense int
	cohesion float64
	pool     sync.Pool
}

// New validates cfg, fills in defaults and returns a Clusterer. Errors wrap
// [ErrInvalidConfig].
func New(cfg Config) (*Clusterer, error) {
	if cfg.Linkage < Average || cfg.Linkage > Complete {
		return nil, fmt.Errorf("cluster: Config.Linkage = %d, want Average, Single or Complete: %w", int(cfg.Linkage), ErrInvalidConfig)
	}
	if cfg.Cut == 0 {
		cfg.Cut = DefaultCut
	}
	if !(cfg.Cut > 0 && cfg.Cut <= 1) { // also rejects NaN
		return nil, fmt.Errorf("cluster: Config.Cut = %v, want 0 < cut <= 1 (or 0 for %v): %w", cfg.Cut, DefaultCut, ErrInvalidConfig)
	}
	if cfg.MaxDense == 0 {
		cfg.MaxDense = DefaultMaxDense
	}
	if cfg.MaxDense < 0 || cfg.MaxDense > MaxMaxDense {
		return nil, fmt.Errorf("cluster: Config.MaxDense = %d, want 0..%d: %w", cfg.MaxDense, MaxMaxDense, ErrInvalidConfig)
	}
	if !(cfg.Cohesion >= 0 && cfg.Cohesion <= 1) { // also rejects NaN
		return nil, fmt.Errorf("cluster: Config.Cohesion = %v, want 0 <= cohesion <= 1: %w", cfg.Cohesion, ErrInvalidConfig)
	}
	c := &Clusterer{linkage: cfg.Linkage, cut: cfg.Cut, maxDense: cfg.MaxDense}
	if cfg.Linkage == Average {
		c.cohesion = cfg.Cohesion
	}
	c.pool.New = func() any { return new(workspace) }
	return c, nil
}

// strong reports whether an edge of similarity s can on its own bring two
// clusters within the cut. Every merge, under every linkage, needs at least
// one such edge between the two clusters (see doc.go), so clusters never
// span the connected components of the graph of strong edges.
func (c *Clusterer) strong(s float64) bool { return 1-s <= c.cut }

// Cluster partitions the nodes 0..n-1 of the graph given by edges and
// returns one label per node: labels[i] is the smallest node index in i's
// cluster, so labels[i] == i exactly for the first node of each cluster and
// for nodes without edges.
//
// The labels are written to dst truncated to length zero, which is grown if
// needed and returned. On error dst is returned unchanged together with an
// error wrapping [ErrInvalidEdge]: n must be in [0, MaxInt32], every edge
// must join two different nodes in [0, n) and have a similarity in [0, 1].
// Duplicate edges (A, B) and (B, A) are allowed; the largest similarity wins.
// The result does not depend on the order of edges.
func (c *Clusterer) Cluster(dst []int, n int, edges []Edge) ([]int, error) {
	if n < 0 || n > math.MaxInt32 {
		return dst, fmt.Errorf("cluster: node count %d, want 0..%d: %w", n, math.MaxInt32, ErrInvalidEdge)
	}
	for i, e := range edges {
		switch {
		case e.A < 0 || e.A >= n || e.B < 0 || e.B >= n:
			return dst, fmt.Errorf("cluster: edge %d (%d, %d): node out of range [0, %d): %w", i, e.A, e.B, n, ErrInvalidEdge)
		case e.A == e.B:
			return dst, fmt.Errorf("cluster: edge %d (%d, %d): self loop: %w", i, e.A, e.B, ErrInvalidEdge)
		case !(e.Sim >= 0 && e.Sim <= 1):
			return dst, fmt.Errorf("cluster: edge %d (%d, %d): similarity %v outside [0, 1]: %w", i, e.A, e.B, e.Sim, ErrInvalidEdge)
		}
	}
	labels := slices.Grow(dst[:0], n)[:n]
	for i := range labels {
		labels[i] = i
	}
	if len(edges) == 0 {
		return labels, nil
	}
	w := c.pool.Get().(*workspace)
	defer c.pool.Put(w)
	c.cluster(w, labels, edges)
	return labels, nil
}

// wedge is a normalised edge: u < v.
type wedge struct {
	u, v int32
	s    float64
}

// workspace is the scratch memory of one Cluster call.
type workspace struct {
	tmp, uniq []wedge // counting-sort buffers; uniq holds the deduplicated edges
	cnt       []int   // counting-sort counters, len n+1
	g         csrGraph
	comp      []int32 // component of each node, -1 if it has no strong edge
	local     []int32 // index of each node inside its component
	members   []int32 // members of all components, each run sorted ascending
	compStart []int   // component k is members[compStart[k]:compStart[k+1]]
	linked    []bool  // component needs the linkage (not trivially one cluster)
	cedges    []wedge // edges of the linked components in local indices, bucketed by component
	cedgeOff  []int   // component k's edges are cedges[cedgeOff[k]:cedgeOff[k+1]]
	dense     []float64
	agg       agglo
	sparse    sparseStore
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func (c *Clusterer) cluster(w *workspace, labels []int, edges []Edge) {
	n := len(labels)
	uniq := w.dedupe(n, edges)

	// Graph of strong edges and its connected components.
	w.g.build(n, uniq, c.strong)
	comps := topo.ConnectedComponents(&w.g)

	w.comp = grow(w.comp, n)
	for i := range w.comp {
		w.comp[i] = -1
	}
	w.local = grow(w.local, n)
	w.members = w.members[:0]
	w.compStart = append(w.compStart[:0], 0)
	w.linked = w.linked[:0]
	for k, cc := range comps {
		start := len(w.members)
		for _, nd := range cc {
			w.members = append(w.members, int32(nd.ID()))
		}
		m := w.members[start:]
		slices.Sort(m)
		for i, v := range m {
			w.comp[v] = int32(k)
			w.local[v] = int32(i)
		}
		w.compStart = append(w.compStart, len(w.members))
		// Single linkage at a cut is exactly the connected components of
		// the strong-edge graph; at Cut = 1 every edge is strong and every
		// component is one cluster; a strong pair always merges.
		trivial := c.linkage == Single || c.cut >= 1 || len(m) <= 2
		w.linked = append(w.linked, !trivial)
		if trivial {
			for _, v := range m {
				labels[v] = int(m[0])
			}
		}
	}

	// Bucket the edges inside linked components by component.
	nc := len(comps)
	w.cedgeOff = grow(w.cedgeOff, nc+1)
	clear(w.cedgeOff)
	keep := func(e wedge) (int32, bool) {
		k := w.comp[e.u]
		if k < 0 || w.comp[e.v] != k || !w.linked[k] || e.s <= 0 {
			return 0, false
		}
		// Under complete linkage a weak pair blocks every merge it takes
		// part in, exactly like a missing pair: drop it.
		if c.linkage == Complete && !c.strong(e.s) {
			return 0, false
		}
		return k, true
	}
	for _, e := range uniq {
		if k, ok := keep(e); ok {
			w.cedgeOff[k+1]++
		}
	}
	for k := range nc {
		w.cedgeOff[k+1] += w.cedgeOff[k]
	}
	w.cedges = grow(w.cedges, w.cedgeOff[nc])
	pos := grow(w.cnt, nc) // w.cnt is free again after dedupe
	copy(pos, w.cedgeOff[:nc])
	for _, e := range uniq {
		if k, ok := keep(e); ok {
			w.cedges[pos[k]] = wedge{w.local[e.u], w.local[e.v], e.s}
			pos[k]++
		}
	}
	w.cnt = pos

	for k := range nc {
		if !w.linked[k] {
			continue
		}
		m := w.members[w.compStart[k]:w.compStart[k+1]]
		ce := w.cedges[w.cedgeOff[k]:w.cedgeOff[k+1]]
		a := &w.agg
		a.reset(len(m), c.linkage, c.cut, c.cohesion)
		if len(m) <= c.maxDense {
			a.run(w.newDense(a, ce))
		} else {
			w.sparse.init(a, ce)
			a.run(&w.sparse)
			w.sparse.release()
		}
		for i := range m {
			labels[m[i]] = int(m[a.find(int32(i))])
		}
	}
}

// dedupe normalises the edges to u < v, sorts them by (u, v) with two
// counting-sort passes (O(n + len(edges))) and merges duplicates, keeping
// the largest similarity.
func (w *workspace) dedupe(n int, edges []Edge) []wedge {
	m := len(edges)
	w.tmp = grow(w.tmp, m)
	w.uniq = grow(w.uniq, m)
	cnt := grow(w.cnt, n+1)
	w.cnt = cnt

	clear(cnt)
	for _, e := range edges {
		cnt[max(e.A, e.B)+1]++
	}
	for i := range n {
		cnt[i+1] += cnt[i]
	}
	for _, e := range edges {
		u, v := min(e.A, e.B), max(e.A, e.B)
		w.tmp[cnt[v]] = wedge{int32(u), int32(v), e.Sim}
		cnt[v]++
	}
	clear(cnt)
	for _, e := range w.tmp {
		cnt[e.u+1]++
	}
	for i := range n {
		cnt[i+1] += cnt[i]
	}
	for _, e := range w.tmp {
		w.uniq[cnt[e.u]] = e
		cnt[e.u]++
	}
	out := w.uniq[:0]
	for _, e := range w.uniq {
		if l := len(out) - 1; l >= 0 && out[l].u == e.u && out[l].v == e.v {
			out[l].s = max(out[l].s, e.s)
			continue
		}
		out = append(out, e)
	}
	return out
}

// newDense returns the dense store for a component of a.n nodes with the
// given local edges: a mat.SymDense over pooled memory, filled with the
// edge similarities (0 for missing pairs).
func (w *workspace) newDense(a *agglo, ce []wedge) *denseStore {
	n := a.n
	w.dense = grow(w.dense, n*n)
	clear(w.dense)
	sym := mat.NewSymDense(n, w.dense)
	raw := sym.RawSymmetric()
	for _, e := range ce {
		i, j := int(e.u), int(e.v)
		sym.SetSym(i, j, e.s)
		// SymDense reads only the upper triangle; mirror it into the
		// lower one so that every row is contiguous.
		raw.Data[j*raw.Stride+i] = e.s
	}
	d := &a.dense
	*d = denseStore{a: a, m: sym, data: raw.Data, stride: raw.Stride}
	return d
}
