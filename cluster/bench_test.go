package cluster

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// newsGraph mimics LSH candidates over news articles: n nodes in stories
// of 5..50 articles; each article has about 4 candidate edges inside its
// story (similarity 0.3..1) and, with probability 0.3, one to a random
// article elsewhere (similarity 0..0.45).
func newsGraph(r *rand.Rand, n int) []Edge {
	var edges []Edge
	for start := 0; start < n; {
		size := min(5+r.IntN(46), n-start)
		for i := start; i < start+size; i++ {
			for range min(4, size-1) {
				j := start + r.IntN(size)
				if j != i {
					edges = append(edges, Edge{i, j, 0.3 + 0.7*r.Float64()})
				}
			}
			if r.Float64() < 0.3 {
				if j := r.IntN(n); j != i {
					edges = append(edges, Edge{i, j, 0.45 * r.Float64()})
				}
			}
		}
		start += size
	}
	return edges
}

// bigComponent is one connected component of n nodes: a ring of strong
// edges plus deg random edges per node.
func bigComponent(r *rand.Rand, n, deg int) []Edge {
	var edges []Edge
	for i := range n {
		edges = append(edges, Edge{i, (i + 1) % n, 0.6 + 0.4*r.Float64()})
		for range deg {
			if j := r.IntN(n); j != i {
				edges = append(edges, Edge{i, j, r.Float64()})
			}
		}
	}
	return edges
}

func benchCluster(b *testing.B, cfg Config, n int, edges []Edge) {
	c := mustNew(b, cfg)
	dst := make([]int, 0, n)
	b.SetBytes(int64(len(edges)) * int64(unsafe.Sizeof(Edge{})))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		dst, err = c.Cluster(dst, n, edges)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(edges)), "edges")
}

func BenchmarkCluster(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		edges := newsGraph(rand.New(rand.NewPCG(1, uint64(n))), n)
		for _, l := range []Linkage{Average, Single, Complete} {
			b.Run(fmt.Sprintf("n=%d/%v", n, l), func(b *testing.B) {
				benchCluster(b, Config{Linkage: l}, n, edges)
			})
		}
	}
}

// BenchmarkClusterComponent2000 clusters one component of 2000 nodes and
// about 12k edges on the dense path (the default MaxDense) and, for
// comparison, the sparse path.
func BenchmarkClusterComponent2000(b *testing.B) {
	n := 2000
	edges := bigComponent(rand.New(rand.NewPCG(2, 3)), n, 5)
	for _, l := range []Linkage{Average, Complete} {
		for _, path := range []struct {
			name     string
			maxDense int
		}{{"dense", 0}, {"sparse", 1}} {
			b.Run(fmt.Sprintf("%v/%s", l, path.name), func(b *testing.B) {
				benchCluster(b, Config{Linkage: l, Cut: 0.5, MaxDense: path.maxDense}, n, edges)
			})
		}
	}
}
