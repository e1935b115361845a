package beam

import (
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// Connected components by the alternating large-star / small-star algorithm
// (Kiveris, Lattanzi, Mirrokni, Rastogi, Vassilvitskii: "Connected
// Components in MapReduce and Beyond", SoCC 2014). Each round is two
// shuffles of the edge set, whose size never grows; the graph converges to
// one star per component, centred at the component's smallest node, in
// O(log² n) rounds.
// A Beam pipeline graph is static, so the rounds are unrolled and a final
// check fails the pipeline, naming the setting to raise, when the edges are
// not yet stars.

func init() {
	register.Function3x0(bothWaysFn)
	register.Function3x0(largeStarFn)
	register.Function3x0(largerFirstFn)
	register.Function3x0(smallStarFn)
	register.Function3x1(starCheckFn)
	register.Emitter2[string, string]()
	register.Iter1[string]()
}

// ConnectedComponents labels every node of an undirected graph with the
// smallest node (by byte order) of its connected component. edges is a
// PCollection<KV<string,string>> of node pairs; self loops and repeated
// edges are allowed. It returns a PCollection<KV<string,string>> of (node,
// label) for every node with an edge (an isolated node is its own
// component). rounds large-star/small-star rounds are unrolled; if the
// graph has not converged after them the pipeline fails with an error.
func ConnectedComponents(s beam.Scope, edges beam.PCollection, rounds int) beam.PCollection {
	s = s.Scope("ConnectedComponents")
	for i := range rounds {
		rs := s.Scope(fmt.Sprintf("round%d", i+1))
		g := beam.GroupByKey(rs, beam.ParDo(rs, bothWaysFn, edges))
		edges = beam.ParDo(rs, largeStarFn, g)
		g = beam.GroupByKey(rs, beam.ParDo(rs, largerFirstFn, edges))
		edges = beam.ParDo(rs, smallStarFn, g)
	}
	g := beam.GroupByKey(s, beam.ParDo(s, bothWaysFn, edges))
	return beam.ParDo(s, starCheckFn, g)
}

// bothWaysFn emits an edge in both directions, dropping self loops.
func bothWaysFn(u, v string, emit func(string, string)) {
	if u != v {
		emit(u, v)
		emit(v, u)
	}
}

// largerFirstFn keys an edge by its larger end, dropping self loops.
func largerFirstFn(u, v string, emit func(string, string)) {
	switch {
	case u > v:
		emit(u, v)
	case v > u:
		emit(v, u)
	}
}

func neighbours(u string, vs func(*string) bool) (ns []string, m string) {
	m = u
	var v string
	for vs(&v) {
		ns = append(ns, v)
		m = min(m, v)
	}
	slices.Sort(ns)
	return slices.Compact(ns), m
}

// largeStarFn connects every larger neighbour of u to the smallest node of
// u's closed neighbourhood.
func largeStarFn(u string, vs func(*string) bool, emit func(string, string)) {
	ns, m := neighbours(u, vs)
	for _, v := range ns {
		if v > u {
			emit(v, m)
		}
	}
}

// smallStarFn connects u and its smaller neighbours (all it is given) to the
// smallest of them.
func smallStarFn(u string, vs func(*string) bool, emit func(string, string)) {
	ns, m := neighbours(u, vs)
	if u != m {
		emit(u, m)
	}
	for _, v := range ns {
		if v != m {
			emit(v, m)
		}
	}
}

// starCheckFn checks that the edges at u are those of a star centred at the
// smallest node: either every neighbour is larger (u is a centre) or u has
// exactly one neighbour, smaller (a leaf). A centre labels itself and its
// leaves.
func starCheckFn(u string, vs func(*string) bool, emit func(string, string)) error {
	ns, m := neighbours(u, vs)
	if m == u {
		emit(u, u)
		for _, v := range ns {
			emit(v, u)
		}
		return nil
	}
	if len(ns) != 1 {
		return fmt.Errorf("storyclust/beam: connected components did not converge: node %q still has %d neighbours; raise the number of rounds (Options.CCRounds, flag -cc_rounds)", u, len(ns))
	}
	return nil
}
