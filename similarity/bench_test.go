package similarity_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/storyclust/storyclust/similarity"
)

var benchSizes = []int{100, 1000, 10000}

func BenchmarkSign(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range newSigners(b, 128, 1) {
		for _, n := range benchSizes {
			set := randSet(rng, n)
			b.Run(fmt.Sprintf("%s/k=128/n=%d", s.name, n), func(b *testing.B) {
				b.SetBytes(int64(8 * len(set)))
				b.ReportAllocs()
				dst := make(similarity.Signature, 0, 128)
				for b.Loop() {
					dst = s.signer.Sign(dst, set)
				}
			})
		}
	}
}

func BenchmarkJaccard(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range benchSizes {
		x, y := pairWithJaccard(rng, 2*n, n) // each set ~1.5n, Jaccard 0.5
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.SetBytes(int64(8 * (len(x) + len(y))))
			b.ReportAllocs()
			for b.Loop() {
				_ = similarity.Jaccard(x, y)
			}
		})
	}
}

func BenchmarkEstimate(b *testing.B) {
	x, y := make(similarity.Signature, 128), make(similarity.Signature, 128)
	b.SetBytes(8 * 128)
	b.ReportAllocs()
	for b.Loop() {
		_ = similarity.Estimate(x, y)
	}
}

// lshBenchSigs returns n signatures (k = 128) of random 200-element sets
// arranged in groups of 5 near-duplicates (Jaccard about 0.8), so that
// buckets are not all singletons.
func lshBenchSigs(b *testing.B, n int) []similarity.Signature {
	b.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{})
	if err != nil {
		b.Fatal(err)
	}
	sigs := make([]similarity.Signature, n)
	var base []uint64
	for i := range sigs {
		if i%5 == 0 {
			base = randSet(rng, 200)
		}
		doc := slices.Clone(base)
		for j := range 20 {
			doc[rng.IntN(len(doc))] = uint64(j) ^ rng.Uint64()
		}
		sigs[i] = mw.Sign(nil, doc)
	}
	return sigs
}

func BenchmarkLSH(b *testing.B) {
	const n = 10000
	sigs := lshBenchSigs(b, n)
	b.Run("Insert/n=10000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			l, err := similarity.NewLSH(similarity.LSHConfig{Bands: 25, Rows: 5})
			if err != nil {
				b.Fatal(err)
			}
			for i, s := range sigs {
				if err := l.Insert(i, s); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/insert")
	})
	l, err := similarity.NewLSH(similarity.LSHConfig{})
	if err != nil {
		b.Fatal(err)
	}
	for i, s := range sigs {
		if err := l.Insert(i, s); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Query/n=10000", func(b *testing.B) {
		b.ReportAllocs()
		var dst []int
		i := 0
		for b.Loop() {
			dst = l.Query(dst, sigs[i%n])
			i++
		}
	})
	b.Run("Pairs/n=10000", func(b *testing.B) {
		b.ReportAllocs()
		var dst []similarity.Pair
		for b.Loop() {
			dst = l.Pairs(dst)
		}
		b.ReportMetric(float64(len(dst)), "pairs")
	})
}

func BenchmarkOptimalParams(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := similarity.OptimalParams(0.5, 128, 0.5, 0.5); err != nil {
			b.Fatal(err)
		}
	}
}
