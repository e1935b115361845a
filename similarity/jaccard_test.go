package similarity_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/similarity"
)

func TestJaccardContainment(t *testing.T) {
	tests := []struct {
		name          string
		a, b          []uint64
		jaccard, cont float64
	}{
		{"both empty", nil, nil, 0, 0},
		{"a empty", nil, []uint64{1, 2}, 0, 0},
		{"b empty", []uint64{1, 2}, nil, 0, 0},
		{"equal", []uint64{1, 5, 9}, []uint64{1, 5, 9}, 1, 1},
		{"disjoint", []uint64{1, 3}, []uint64{2, 4}, 0, 0},
		{"subset", []uint64{2, 4}, []uint64{1, 2, 3, 4}, 0.5, 1},
		{"superset", []uint64{1, 2, 3, 4}, []uint64{2, 4}, 0.5, 0.5},
		{"overlap", []uint64{1, 2, 3}, []uint64{2, 3, 4, 5}, 2.0 / 5, 2.0 / 3},
		{"extremes", []uint64{0, 7, 1<<64 - 1}, []uint64{0, 1<<64 - 1}, 2.0 / 3, 2.0 / 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.jaccard, similarity.Jaccard(tc.a, tc.b), 1e-15, "Jaccard")
			assert.InDelta(t, tc.jaccard, similarity.Jaccard(tc.b, tc.a), 1e-15, "Jaccard symmetric")
			assert.InDelta(t, tc.cont, similarity.Containment(tc.a, tc.b), 1e-15, "Containment")
		})
	}
}

// mapJaccard is a straightforward reference implementation.
func mapJaccard(a, b []uint64) (jac, cont float64) {
	in := map[uint64]bool{}
	for _, v := range a {
		in[v] = true
	}
	inter := 0
	for _, v := range b {
		if in[v] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union > 0 {
		jac = float64(inter) / float64(union)
	}
	if len(a) > 0 {
		cont = float64(inter) / float64(len(a))
	}
	return jac, cont
}

func TestJaccardRandomAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for range 200 {
		// Small value range so that the sets overlap.
		a := smallSet(rng, rng.IntN(60), 100)
		b := smallSet(rng, rng.IntN(60), 100)
		j, c := mapJaccard(a, b)
		require.InDelta(t, j, similarity.Jaccard(a, b), 1e-15)
		require.InDelta(t, c, similarity.Containment(a, b), 1e-15)
	}
}

func smallSet(rng *rand.Rand, n int, max uint64) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = rng.Uint64N(max)
	}
	slices.Sort(s)
	return slices.Compact(s)
}

func TestJaccardAllocs(t *testing.T) {
	a, b := []uint64{1, 2, 3, 8}, []uint64{2, 3, 4}
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		_ = similarity.Jaccard(a, b)
		_ = similarity.Containment(a, b)
	}))
}

// FuzzJaccard compares the merge walk with the map-based reference on
// arbitrary byte-derived sets.
func FuzzJaccard(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{2, 3, 4})
	f.Add([]byte{}, []byte{})
	f.Add([]byte{255, 0, 255}, []byte{0})
	f.Fuzz(func(t *testing.T, x, y []byte) {
		toSet := func(p []byte) []uint64 {
			s := make([]uint64, len(p))
			for i, v := range p {
				s[i] = uint64(v) * 0x9e3779b97f4a7c15 // spread over uint64
			}
			slices.Sort(s)
			return slices.Compact(s)
		}
		a, b := toSet(x), toSet(y)
		j, c := mapJaccard(a, b)
		if got := similarity.Jaccard(a, b); got != j {
			t.Fatalf("Jaccard = %v, want %v", got, j)
		}
		if got := similarity.Containment(a, b); got != c {
			t.Fatalf("Containment = %v, want %v", got, c)
		}
	})
}
