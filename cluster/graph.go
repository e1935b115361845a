package cluster

import (
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
)

// csrGraph is a read-only undirected gonum graph (graph.Undirected) in
// compressed sparse row form: the neighbours of node u are
// adj[off[u]:off[u+1]]. Only nodes with at least one edge belong to it.
//
// It stands in for simple.UndirectedGraph, whose map-of-maps storage costs
// about 2 s and 240 MB to build and traverse for a million edges; over this
// view topo.ConnectedComponents takes about 0.1 s.
type csrGraph struct {
	off   []int
	adj   []int32
	nodes []int32 // nodes with an edge, ascending
	// vals[i] is node i; handing out &vals[i] as a graph.Node avoids
	// boxing an int64 (one allocation) per node visit.
	vals []node
}

// node is a graph.Node.
type node struct{ id int64 }

// ID implements graph.Node.
func (n *node) ID() int64 { return n.id }

var _ graph.Undirected = (*csrGraph)(nil)

// build fills g with the edges of es that satisfy keep. es must not hold
// duplicates.
func (g *csrGraph) build(n int, es []wedge, keep func(float64) bool) {
	g.off = grow(g.off, n+1)
	clear(g.off)
	m := 0
	for _, e := range es {
		if keep(e.s) {
			g.off[e.u+1]++
			g.off[e.v+1]++
			m++
		}
	}
	g.nodes = g.nodes[:0]
	if cap(g.vals) < n {
		g.vals = make([]node, n)
	}
	g.vals = g.vals[:n]
	for i := range n {
		g.vals[i].id = int64(i)
		if g.off[i+1] > 0 {
			g.nodes = append(g.nodes, int32(i))
		}
		g.off[i+1] += g.off[i]
	}
	g.adj = grow(g.adj, 2*m)
	// Fill from the back so that off ends up as bucket starts again.
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		if keep(e.s) {
			g.off[e.u+1]--
			g.adj[g.off[e.u+1]] = e.v
			g.off[e.v+1]--
			g.adj[g.off[e.v+1]] = e.u
		}
	}
	// off[u+1] now holds the start of bucket u; shift back.
	copy(g.off, g.off[1:])
	g.off[n] = 2 * m
}

func (g *csrGraph) has(id int64) bool {
	return id >= 0 && id < int64(len(g.off)-1) && g.off[id] < g.off[id+1]
}

func (g *csrGraph) neighbours(id int64) []int32 {
	if !g.has(id) {
		return nil
	}
	return g.adj[g.off[id]:g.off[id+1]]
}

// Node implements graph.Graph.
func (g *csrGraph) Node(id int64) graph.Node {
	if !g.has(id) {
		return nil
	}
	return &g.vals[id]
}

// Nodes implements graph.Graph.
func (g *csrGraph) Nodes() graph.Nodes { return &nodeIter{g: g, ids: g.nodes} }

// From implements graph.Graph.
func (g *csrGraph) From(id int64) graph.Nodes { return &nodeIter{g: g, ids: g.neighbours(id)} }

// HasEdgeBetween implements graph.Graph.
func (g *csrGraph) HasEdgeBetween(xid, yid int64) bool {
	for _, v := range g.neighbours(xid) {
		if int64(v) == yid {
			return true
		}
	}
	return false
}

// Edge implements graph.Graph.
func (g *csrGraph) Edge(uid, vid int64) graph.Edge { return g.EdgeBetween(uid, vid) }

// EdgeBetween implements graph.Undirected.
func (g *csrGraph) EdgeBetween(xid, yid int64) graph.Edge {
	if !g.HasEdgeBetween(xid, yid) {
		return nil
	}
	return simple.Edge{F: &g.vals[xid], T: &g.vals[yid]}
}

// nodeIter iterates over a slice of node ids (graph.Nodes).
type nodeIter struct {
	g   *csrGraph
	ids []int32
	i   int
}

func (it *nodeIter) Next() bool {
	if it.i < len(it.ids) {
		it.i++
		return true
	}
	return false
}

func (it *nodeIter) Len() int { return len(it.ids) - it.i }

func (it *nodeIter) Reset() { it.i = 0 }

func (it *nodeIter) Node() graph.Node {
	if it.i == 0 || it.i > len(it.ids) {
		return nil
	}
	return &it.g.vals[it.ids[it.i-1]]
}
