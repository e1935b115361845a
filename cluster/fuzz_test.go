package cluster

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzCluster builds a graph from bytes: data[0] picks n (2..41), data[1]
// the linkage, data[2] the cut j/64 (j in 1..64); then each byte triple
// (x, y, k) is an edge x%n – y%n with similarity (k%65)/64. Similarities
// and cuts are multiples of 1/64, so ties are frequent and the checks below
// can use exact integer arithmetic: an average similarity Σk/(64·|A||B|) is
// within the cut iff Σk >= (64-j)·|A||B|.
//
// It checks: self loops are rejected; otherwise no error, valid labels, the
// same partition for the dense path, the sparse path (MaxDense 1), a mix
// (MaxDense 3) and a scrambled edge list; clusters lie inside components
// of the strong edges (equal to them under single linkage); and the final
// state is stable: no two clusters are within the cut, and under complete
// linkage every pair inside a cluster is.
func FuzzCluster(f *testing.F) {
	f.Add([]byte{3, 0, 32, 0, 1, 58, 1, 2, 38, 0, 2, 13, 2, 3, 35, 3, 4, 58, 2, 4, 31})
	f.Add([]byte{3, 1, 32, 0, 1, 58, 1, 2, 38, 0, 2, 13, 2, 3, 35, 3, 4, 58, 2, 4, 31})
	f.Add([]byte{3, 2, 32, 0, 1, 58, 1, 2, 38, 0, 2, 13, 2, 3, 35, 3, 4, 58, 2, 4, 31})
	f.Add([]byte{10, 2, 20, 0, 1, 64, 1, 2, 64, 2, 3, 64, 3, 0, 64, 4, 4, 10})
	f.Add([]byte{40, 0, 63, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		n := int(data[0])%40 + 2
		l := Linkage(data[1] % 3)
		j := int(data[2])%64 + 1
		cut := float64(j) / 64
		var raw, edges []Edge
		k := make(map[[2]int]int) // max similarity numerator per pair
		loops := false
		for p := 3; p+2 < len(data) && len(raw) < 300; p += 3 {
			a, b, s := int(data[p])%n, int(data[p+1])%n, int(data[p+2])%65
			e := Edge{a, b, float64(s) / 64}
			raw = append(raw, e)
			if a == b {
				loops = true
				continue
			}
			edges = append(edges, e)
			key := [2]int{min(a, b), max(a, b)}
			k[key] = max(k[key], s)
		}
		c := mustNew(t, Config{Linkage: l, Cut: cut})
		if loops {
			got, err := c.Cluster([]int{42}, n, raw)
			require.ErrorIs(t, err, ErrInvalidEdge)
			require.Equal(t, []int{42}, got)
		}
		labels := mustCluster(t, c, n, edges)
		checkLabels(t, labels)
		for _, md := range []int{1, 3} {
			other := mustCluster(t, mustNew(t, Config{Linkage: l, Cut: cut, MaxDense: md}), n, edges)
			require.Equal(t, labels, other, "MaxDense %d", md)
		}
		rev := slices.Clone(edges)
		slices.Reverse(rev)
		for i := range rev {
			if i%2 == 0 {
				rev[i].A, rev[i].B = rev[i].B, rev[i].A
			}
		}
		require.Equal(t, labels, mustCluster(t, c, n, rev), "edge order")

		// Exact checks on the partition.
		strongK := 64 - j // a pair is within the cut iff its k >= strongK
		strong := components(n, edges, func(e Edge) bool { return int(e.Sim*64+0.5) >= strongK })
		for i := range labels {
			require.Equal(t, strong[i], strong[labels[i]], "cluster spans strong components")
		}
		if l == Single || j == 64 {
			require.Equal(t, strong, labels)
			return
		}
		members := make(map[int][]int)
		for i, lab := range labels {
			members[lab] = append(members[lab], i)
		}
		sim := func(a, b int) int { return k[[2]int{min(a, b), max(a, b)}] }
		within := func(A, B []int) bool {
			switch l {
			case Complete:
				for _, a := range A {
					for _, b := range B {
						if sim(a, b) < strongK {
							return false
						}
					}
				}
				return true
			default: // Average
				sum := 0
				for _, a := range A {
					for _, b := range B {
						sum += sim(a, b)
					}
				}
				return sum >= strongK*len(A)*len(B)
			}
		}
		roots := make([]int, 0, len(members))
		for r := range members {
			roots = append(roots, r)
		}
		slices.Sort(roots)
		for x, ra := range roots {
			A := members[ra]
			if l == Complete && len(A) > 1 {
				for _, a := range A {
					for _, b := range A {
						require.True(t, a == b || sim(a, b) >= strongK, "complete cluster %v has pair %d-%d outside the cut", A, a, b)
					}
				}
			}
			for _, rb := range roots[x+1:] {
				B := members[rb]
				if strong[ra] == strong[rb] {
					require.False(t, within(A, B), "clusters %v and %v are still within the cut", A, B)
				}
			}
		}
	})
}
