package cluster

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

func TestNewConfig(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantErr  bool
		linkage  Linkage
		cut      float64
		maxDense int
		cohesion float64
	}{
		{name: "zero value", cfg: Config{}, linkage: Average, cut: 0.5, maxDense: 2048},
		{name: "cohesion", cfg: Config{Cohesion: 0.65}, linkage: Average, cut: 0.5, maxDense: 2048, cohesion: 0.65},
		{name: "cohesion 1", cfg: Config{Cohesion: 1}, linkage: Average, cut: 0.5, maxDense: 2048, cohesion: 1},
		{name: "cohesion ignored by complete", cfg: Config{Linkage: Complete, Cohesion: 0.65}, linkage: Complete, cut: 0.5, maxDense: 2048},
		{name: "negative cohesion", cfg: Config{Cohesion: -0.1}, wantErr: true},
		{name: "cohesion above 1", cfg: Config{Cohesion: 1.5}, wantErr: true},
		{name: "NaN cohesion", cfg: Config{Cohesion: math.NaN()}, wantErr: true},
		{name: "explicit", cfg: Config{Linkage: Complete, Cut: 0.3, MaxDense: 10}, linkage: Complete, cut: 0.3, maxDense: 10},
		{name: "cut 1", cfg: Config{Linkage: Single, Cut: 1}, linkage: Single, cut: 1, maxDense: 2048},
		{name: "max MaxDense", cfg: Config{MaxDense: MaxMaxDense}, linkage: Average, cut: 0.5, maxDense: MaxMaxDense},
		{name: "negative cut", cfg: Config{Cut: -0.1}, wantErr: true},
		{name: "cut above 1", cfg: Config{Cut: 1.0001}, wantErr: true},
		{name: "NaN cut", cfg: Config{Cut: math.NaN()}, wantErr: true},
		{name: "Inf cut", cfg: Config{Cut: math.Inf(1)}, wantErr: true},
		{name: "bad linkage", cfg: Config{Linkage: 3}, wantErr: true},
		{name: "negative linkage", cfg: Config{Linkage: -1}, wantErr: true},
		{name: "negative MaxDense", cfg: Config{MaxDense: -1}, wantErr: true},
		{name: "huge MaxDense", cfg: Config{MaxDense: MaxMaxDense + 1}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.wantErr {
				require.ErrorIs(t, err, ErrInvalidConfig)
				assert.Nil(t, c)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.linkage, c.linkage)
			assert.Equal(t, tt.cut, c.cut)
			assert.Equal(t, tt.maxDense, c.maxDense)
			assert.Equal(t, tt.cohesion, c.cohesion)
		})
	}
}

func TestLinkageNames(t *testing.T) {
	for _, l := range []Linkage{Average, Single, Complete} {
		got, err := ParseLinkage(l.String())
		require.NoError(t, err)
		assert.Equal(t, l, got)
	}
	assert.Equal(t, "average", Average.String())
	assert.Equal(t, "single", Single.String())
	assert.Equal(t, "complete", Complete.String())
	assert.Equal(t, "Linkage(7)", Linkage(7).String())
	assert.Equal(t, "Linkage(-1)", Linkage(-1).String())
	got, err := ParseLinkage("  Complete ")
	require.NoError(t, err)
	assert.Equal(t, Complete, got)
	for _, bad := range []string{"", "ward", "averag"} {
		_, err := ParseLinkage(bad)
		assert.ErrorIs(t, err, ErrInvalidConfig, bad)
	}
}

func TestClusterInvalidInput(t *testing.T) {
	c := mustNew(t, Config{})
	dst := []int{7, 8, 9}
	tests := []struct {
		name  string
		n     int
		edges []Edge
	}{
		{"negative n", -1, nil},
		{"A out of range", 3, []Edge{{0, 1, 0.5}, {3, 1, 0.5}}},
		{"B out of range", 3, []Edge{{0, 3, 0.5}}},
		{"negative node", 3, []Edge{{-1, 2, 0.5}}},
		{"self loop", 3, []Edge{{1, 1, 0.5}}},
		{"NaN", 3, []Edge{{0, 1, math.NaN()}}},
		{"negative sim", 3, []Edge{{0, 1, -0.01}}},
		{"sim above 1", 3, []Edge{{0, 1, 1.01}}},
		{"Inf", 3, []Edge{{0, 1, math.Inf(1)}}},
		{"edge with n = 0", 0, []Edge{{0, 1, 0.5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Cluster(dst, tt.n, tt.edges)
			require.ErrorIs(t, err, ErrInvalidEdge)
			assert.Equal(t, []int{7, 8, 9}, got, "dst must come back unchanged")
		})
	}
}

func TestClusterTrivialInputs(t *testing.T) {
	c := mustNew(t, Config{})
	got, err := c.Cluster([]int{5, 5}, 0, nil)
	require.NoError(t, err)
	assert.Empty(t, got)

	got, err = c.Cluster(nil, 4, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2, 3}, got)

	// Edge similarities 0 and 1 are valid; a pair at similarity 1 merges at
	// any cut, one at 0 at none below 1.
	got, err = c.Cluster(nil, 4, []Edge{{2, 3, 1}, {0, 1, 0}})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2, 2}, got)
}

// TestClusterDst checks the append-style contract: dst is truncated, its
// storage reused when large enough.
func TestClusterDst(t *testing.T) {
	c := mustNew(t, Config{})
	edges := []Edge{{0, 1, 0.9}, {2, 3, 0.9}}
	buf := make([]int, 2, 10)
	got, err := c.Cluster(buf, 5, edges)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 0, 2, 2, 4}, got)
	assert.Same(t, &buf[:1][0], &got[0], "dst storage must be reused")

	got, err = c.Cluster(make([]int, 0, 1), 5, edges)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 0, 2, 2, 4}, got)
}

// The hand-computed example. Nodes 0..4, cut 0.5 (merge while distance <=
// 0.5, i.e. similarity >= 0.5 for a pair):
//
//	s(0,1) = 0.9   s(1,2) = 0.6   s(0,2) = 0.2
//	s(2,3) = 0.55  s(3,4) = 0.9   s(2,4) = 0.48   (all other pairs 0)
var handEdges = []Edge{{0, 1, 0.9}, {1, 2, 0.6}, {0, 2, 0.2}, {2, 3, 0.55}, {3, 4, 0.9}, {2, 4, 0.48}}

func TestLinkageHandComputed(t *testing.T) {
	tests := []struct {
		linkage Linkage
		cut     float64
		want    []int
	}{
		// Single: the pairs within the cut are 0-1 (d 0.1), 1-2 (0.4),
		// 2-3 (0.45), 3-4 (0.1); they chain all five nodes together.
		{Single, 0.5, []int{0, 0, 0, 0, 0}},
		// Average: merge {0,1} (d 0.1) and {3,4} (d 0.1). Then
		//   d({0,1},{2})   = 1 - (0.2+0.6)/2      = 0.6    > 0.5
		//   d({2},{3,4})   = 1 - (0.55+0.48)/2    = 0.485 <= 0.5 -> merge
		//   d({0,1},{2,3,4}) = 1 - (0.2+0.6+0+0+0+0)/6 = 0.8667 > 0.5
		// Result {0,1}, {2,3,4}.
		{Average, 0.5, []int{0, 0, 2, 2, 2}},
		// Complete: merge {0,1} and {3,4} (d 0.1). Then
		//   d({0,1},{2}) = 1 - min(0.2, 0.6)  = 0.8  > 0.5
		//   d({2},{3,4}) = 1 - min(0.55, 0.48) = 0.52 > 0.5
		// Result {0,1}, {2}, {3,4}.
		{Complete, 0.5, []int{0, 0, 2, 3, 3}},
		// Average at cut 0.4: d(1,2) = 0.4 is within the cut, but 0-1
		// (0.1) is nearer and merges first, and then
		//   d({0,1},{2}) = 0.6 > 0.4;  d(2,3) = 0.45 and d(2,4) = 0.52
		// are beyond the cut, so only the two 0.9 pairs merge:
		// {0,1}, {2}, {3,4}.
		{Average, 0.4, []int{0, 0, 2, 3, 3}},
		// Complete at cut 0.52: d({2},{3,4}) = 1 - 0.48 = 0.52 <= 0.52.
		// Result {0,1}, {2,3,4}. (0.52 is the float64 nearest 1 - 0.48.)
		{Complete, 1 - 0.48, []int{0, 0, 2, 2, 2}},
		// Single at cut 0.3: only 0-1 and 3-4 are within it.
		{Single, 0.3, []int{0, 0, 2, 3, 3}},
		// Cut 1: every component merges, whatever the linkage.
		{Complete, 1, []int{0, 0, 0, 0, 0}},
		{Average, 1, []int{0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		for _, maxDense := range []int{1, 0} {
			t.Run(fmt.Sprintf("%v/cut=%v/maxDense=%d", tt.linkage, tt.cut, maxDense), func(t *testing.T) {
				c := mustNew(t, Config{Linkage: tt.linkage, Cut: tt.cut, MaxDense: maxDense})
				got := mustCluster(t, c, 5, handEdges)
				assert.Equal(t, tt.want, got)
				// A sixth, isolated node stays alone.
				got = mustCluster(t, c, 6, handEdges)
				assert.Equal(t, append(slices.Clone(tt.want), 5), got)
			})
		}
	}
}

// TestLinkageTies checks that equal distances are broken by node index.
func TestLinkageTies(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		edges []Edge
		want  []int
	}{
		// Path 0-1-2 with equal similarities, complete linkage: {0,1} and
		// {1,2} tie at distance 0.2; the smaller index wins, and 2 cannot
		// join (s(0,2) = 0).
		{"path", 3, []Edge{{0, 1, 0.8}, {1, 2, 0.8}}, []int{0, 0, 2}},
		// The same path numbered from the other end: again the pair with
		// the smallest node merges.
		{"path reversed", 3, []Edge{{2, 1, 0.8}, {1, 0, 0.8}}, []int{0, 0, 2}},
		// 0-1 at 0.7, 1-2 and 2-3 at 0.8: 1-2 and 2-3 tie at 0.2, 1-2 has
		// the smaller index; then 0 cannot join {1,2} (s(0,2) = 0) and 3
		// cannot either (s(1,3) = 0).
		{"tie away from start", 4, []Edge{{0, 1, 0.7}, {1, 2, 0.8}, {2, 3, 0.8}}, []int{0, 1, 1, 3}},
		// A 4-cycle of equal pairs: 0-1 merges first, then {0,1} and
		// {2,3} cannot merge (0-2 and 1-3 missing) but 2-3 merges.
		{"square", 4, []Edge{{0, 1, 0.9}, {1, 2, 0.9}, {2, 3, 0.9}, {3, 0, 0.9}}, []int{0, 0, 2, 2}},
	}
	for _, tt := range tests {
		for _, maxDense := range []int{1, 0} {
			t.Run(fmt.Sprintf("%s/maxDense=%d", tt.name, maxDense), func(t *testing.T) {
				c := mustNew(t, Config{Linkage: Complete, Cut: 0.5, MaxDense: maxDense})
				assert.Equal(t, tt.want, mustCluster(t, c, tt.n, tt.edges))
				r := rand.New(rand.NewPCG(1, 2))
				for range 10 {
					assert.Equal(t, tt.want, mustCluster(t, c, tt.n, scramble(r, tt.edges)))
				}
			})
		}
	}
}

// TestDuplicateEdgesKeepMax checks that the largest similarity of a pair
// wins, whatever the orientation and order.
func TestDuplicateEdgesKeepMax(t *testing.T) {
	c := mustNew(t, Config{Linkage: Complete, Cut: 0.5})
	edges := []Edge{{0, 1, 0.1}, {1, 0, 0.9}, {0, 1, 0.3}}
	assert.Equal(t, []int{0, 0}, mustCluster(t, c, 2, edges))
	slices.Reverse(edges)
	assert.Equal(t, []int{0, 0}, mustCluster(t, c, 2, edges))
	assert.Equal(t, []int{0, 1}, mustCluster(t, c, 2, []Edge{{0, 1, 0.1}, {1, 0, 0.3}}))
}

// TestAgainstNaive compares with the textbook O(n³)+ agglomeration on random
// graphs whose similarities do not tie, for both paths.
func TestAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 60 {
		n := 5 + r.IntN(26)
		edges := randomGraph(r, n, 12, 0.6, 0.3, continuousSim(r))
		for _, l := range []Linkage{Average, Single, Complete} {
			for _, cut := range []float64{0.2, 0.45, 0.7, 0.95} {
				want := naiveCluster(n, edges, l, cut)
				for _, maxDense := range []int{1, 4, 0} {
					c := mustNew(t, Config{Linkage: l, Cut: cut, MaxDense: maxDense})
					got := mustCluster(t, c, n, edges)
					require.Equal(t, want, got, "trial %d n=%d %v cut=%v maxDense=%d edges=%v", trial, n, l, cut, maxDense, edges)
				}
			}
		}
	}
}

// TestCohesionHandComputed: two triangles with inner similarity 0.9 joined
// by all nine cross pairs at x. Average linkage at cut 0.6 joins them for
// x >= 0.4; Cohesion 0.65 keeps them apart while x < 0.65·0.9 = 0.585. A
// pair and a triangle are never kept apart (the pair is below
// MinCohesionGroup).
func TestCohesionHandComputed(t *testing.T) {
	graph := func(a, b []int, x float64) []Edge {
		var edges []Edge
		for _, g := range [][]int{a, b} {
			for i, u := range g {
				for _, v := range g[i+1:] {
					edges = append(edges, Edge{u, v, 0.9})
				}
			}
		}
		for _, u := range a {
			for _, v := range b {
				edges = append(edges, Edge{u, v, x})
			}
		}
		return edges
	}
	one := []int{0, 0, 0, 0, 0, 0}
	two := []int{0, 0, 0, 3, 3, 3}
	tests := []struct {
		name     string
		a, b     []int
		x        float64
		cohesion float64
		want     []int
	}{
		{"no cohesion test", []int{0, 1, 2}, []int{3, 4, 5}, 0.5, 0, one},
		{"kept apart", []int{0, 1, 2}, []int{3, 4, 5}, 0.5, 0.65, two},
		{"close enough", []int{0, 1, 2}, []int{3, 4, 5}, 0.6, 0.65, one},
		{"below the cut anyway", []int{0, 1, 2}, []int{3, 4, 5}, 0.3, 0, two},
		{"pair and triangle", []int{0, 1, 2}, []int{3, 4}, 0.5, 0.65, []int{0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(tt.a) + len(tt.b)
			edges := graph(tt.a, tt.b, tt.x)
			for _, maxDense := range []int{1, 0} {
				c := mustNew(t, Config{Cut: 0.6, Cohesion: tt.cohesion, MaxDense: maxDense})
				assert.Equal(t, tt.want, mustCluster(t, c, n, edges), "maxDense %d", maxDense)
			}
		})
	}
}

// TestCohesionAgainstNaive compares Config.Cohesion with the textbook
// agglomeration that recomputes every mean from scratch, on both paths,
// and requires that the test changes some partitions.
func TestCohesionAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	changed := 0
	for trial := range 60 {
		n := 8 + r.IntN(40)
		edges := randomGraph(r, n, 12, 0.8, 0.6, continuousSim(r))
		for _, cut := range []float64{0.45, 0.7, 0.95} {
			plain := naiveCluster(n, edges, Average, cut)
			for _, cohesion := range []float64{0.5, 0.8, 1} {
				want := naiveClusterCohesion(n, edges, Average, cut, cohesion)
				if !slices.Equal(want, plain) {
					changed++
				}
				for _, maxDense := range []int{1, 4, 0} {
					c := mustNew(t, Config{Cut: cut, Cohesion: cohesion, MaxDense: maxDense})
					got := mustCluster(t, c, n, edges)
					require.Equal(t, want, got, "trial %d n=%d cut=%v cohesion=%v maxDense=%d edges=%v", trial, n, cut, cohesion, maxDense, edges)
				}
			}
		}
	}
	assert.Greater(t, changed, 20, "the cohesion test should change some partitions")
}

// TestCutOneIsComponents: at Cut = 1 clusters are the connected components
// of the candidate graph, edges of similarity 0 included.
func TestCutOneIsComponents(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		n := 2 + r.IntN(60)
		edges := randomGraph(r, n, 10, 0.2, 0.1, discreteSim(r))
		want := components(n, edges, func(Edge) bool { return true })
		for _, l := range []Linkage{Average, Single, Complete} {
			for _, maxDense := range []int{1, 0} {
				c := mustNew(t, Config{Linkage: l, Cut: 1, MaxDense: maxDense})
				require.Equal(t, want, mustCluster(t, c, n, edges))
			}
		}
	}
}

// TestDenseEqualsSparse forces the sparse path with MaxDense = 1 (and a mix
// with small MaxDense) and requires identical partitions, on graphs with
// many tied similarities, for all three linkages.
func TestDenseEqualsSparse(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 40 {
		n := 20 + r.IntN(300)
		sim := discreteSim(r)
		if trial%2 == 1 {
			sim = continuousSim(r)
		}
		edges := randomGraph(r, n, 40, 0.3, 0.2, sim)
		for _, l := range []Linkage{Average, Single, Complete} {
			for _, cut := range []float64{0.25, 0.5, 0.75} {
				for _, cohesion := range []float64{0, 0.7} {
					dense := mustCluster(t, mustNew(t, Config{Linkage: l, Cut: cut, Cohesion: cohesion}), n, edges)
					checkLabels(t, dense)
					for _, maxDense := range []int{1, 7} {
						sparse := mustCluster(t, mustNew(t, Config{Linkage: l, Cut: cut, Cohesion: cohesion, MaxDense: maxDense}), n, edges)
						require.Equal(t, dense, sparse, "trial %d %v cut=%v cohesion=%v maxDense=%d", trial, l, cut, cohesion, maxDense)
					}
				}
			}
		}
	}
}

// TestEdgeOrderInvariance shuffles, flips and duplicates (with lower
// similarity) the edges: the partition must not change.
func TestEdgeOrderInvariance(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 20 {
		n := 50 + r.IntN(200)
		edges := randomGraph(r, n, 30, 0.4, 0.2, discreteSim(r))
		for _, l := range []Linkage{Average, Single, Complete} {
			for _, maxDense := range []int{1, 0} {
				c := mustNew(t, Config{Linkage: l, MaxDense: maxDense})
				want := mustCluster(t, c, n, edges)
				for range 3 {
					require.Equal(t, want, mustCluster(t, c, n, scramble(r, edges)))
				}
			}
		}
	}
}

// TestClustersWithinStrongComponents: every cluster lies inside one
// connected component of the edges within the cut, and under single
// linkage the clusters are exactly those components.
func TestClustersWithinStrongComponents(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 20 {
		n := 30 + r.IntN(200)
		edges := randomGraph(r, n, 30, 0.3, 0.3, continuousSim(r))
		for _, cut := range []float64{0.3, 0.6} {
			strong := components(n, edges, func(e Edge) bool { return 1-e.Sim <= cut })
			for _, l := range []Linkage{Average, Single, Complete} {
				got := mustCluster(t, mustNew(t, Config{Linkage: l, Cut: cut}), n, edges)
				for i := range got {
					require.Equal(t, strong[i], strong[got[i]])
				}
				if l == Single {
					require.Equal(t, strong, got)
				}
			}
		}
	}
}

// TestCSRGraphMatchesSimple checks that topo.ConnectedComponents finds the
// same components on the CSR view as on gonum's simple.UndirectedGraph.
func TestCSRGraphMatchesSimple(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for range 20 {
		n := 2 + r.IntN(300)
		edges := randomGraph(r, n, 20, 0.2, 0.1, continuousSim(r))
		var w workspace
		uniq := w.dedupe(n, edges)
		keep := func(s float64) bool { return s >= 0.5 }
		w.g.build(n, uniq, keep)
		sg := simple.NewUndirectedGraph()
		for _, e := range uniq {
			if keep(e.s) {
				sg.SetEdge(sg.NewEdge(simple.Node(e.u), simple.Node(e.v)))
			}
			assert.Equal(t, keep(e.s), w.g.HasEdgeBetween(int64(e.v), int64(e.u)))
		}
		norm := func(cc [][]int64) [][]int64 {
			for _, c := range cc {
				slices.Sort(c)
			}
			slices.SortFunc(cc, func(a, b []int64) int { return int(a[0] - b[0]) })
			return cc
		}
		var a, b [][]int64
		for _, c := range topo.ConnectedComponents(&w.g) {
			var s []int64
			for _, nd := range c {
				s = append(s, nd.ID())
			}
			a = append(a, s)
		}
		for _, c := range topo.ConnectedComponents(sg) {
			var s []int64
			for _, nd := range c {
				s = append(s, nd.ID())
			}
			b = append(b, s)
		}
		require.Equal(t, norm(b), norm(a))
	}
	// Node lookups outside the graph.
	var g csrGraph
	g.build(3, []wedge{{0, 1, 1}}, func(float64) bool { return true })
	assert.Nil(t, g.Node(2))
	assert.Nil(t, g.Node(-1))
	assert.Nil(t, g.Node(3))
	assert.NotNil(t, g.Node(1))
	assert.Nil(t, g.EdgeBetween(0, 2))
	assert.NotNil(t, g.Edge(1, 0))
	assert.Equal(t, 1, g.From(0).Len())
	assert.Equal(t, 0, g.From(2).Len())
}

// TestDenseMatrixContents checks that the dense store's mat.SymDense holds
// the pair similarities as a symmetric matrix.
func TestDenseMatrixContents(t *testing.T) {
	var w workspace
	a := &agglo{}
	a.reset(3, Average, 0.5, 0)
	d := w.newDense(a, []wedge{{0, 2, 0.25}, {1, 2, 0.75}})
	r, c := d.m.Dims()
	require.Equal(t, 3, r)
	require.Equal(t, 3, c)
	want := [3][3]float64{{0, 0, 0.25}, {0, 0, 0.75}, {0.25, 0.75, 0}}
	for i := range 3 {
		for j := range 3 {
			assert.Equal(t, want[i][j], d.m.At(i, j))
			assert.Equal(t, want[i][j], d.data[i*d.stride+j])
		}
	}
}

func TestClusterAllocs(t *testing.T) {
	c := mustNew(t, Config{})
	dst := make([]int, 0, 100)
	allocs := testing.AllocsPerRun(20, func() {
		_, _ = c.Cluster(dst, 100, nil)
	})
	assert.Zero(t, allocs, "no edges: no allocation when dst has capacity")

	// With edges, allocations come from gonum's traversal (a few per node
	// in a component) and not from the number of edges.
	r := rand.New(rand.NewPCG(15, 16))
	n := 1000
	edges := randomGraph(r, n, 20, 0.8, 0.5, continuousSim(r))
	dst = make([]int, 0, n)
	_, err := c.Cluster(dst, n, edges) // warm the pool
	require.NoError(t, err)
	allocs = testing.AllocsPerRun(5, func() {
		_, _ = c.Cluster(dst, n, edges)
	})
	t.Logf("%d nodes, %d edges: %.0f allocs", n, len(edges), allocs)
	assert.Less(t, allocs, float64(2*n), "allocations must stay O(nodes), not O(edges)")
}

func TestErrorsWrap(t *testing.T) {
	_, err := New(Config{Cut: 2})
	assert.True(t, errors.Is(err, ErrInvalidConfig))
	assert.Contains(t, err.Error(), "cluster:")
}
