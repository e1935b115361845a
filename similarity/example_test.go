package similarity_test

import (
	"fmt"

	"github.com/storyclust/storyclust/similarity"
)

func ExampleJaccard() {
	a := []uint64{1, 2, 3, 4} // sorted, duplicate-free shingle sets
	b := []uint64{3, 4, 5}
	fmt.Printf("Jaccard %.2f\n", similarity.Jaccard(a, b))
	fmt.Printf("Containment of b in a %.2f\n", similarity.Containment(b, a))
	fmt.Printf("Jaccard of two empty sets %.0f\n", similarity.Jaccard(nil, nil))
	// Output:
	// Jaccard 0.40
	// Containment of b in a 0.67
	// Jaccard of two empty sets 0
}

func ExampleMinWise_Sign() {
	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{K: 256, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Two sets sharing 600 of 1000 values: Jaccard 0.6.
	a, b := make([]uint64, 0, 800), make([]uint64, 0, 800)
	for i := range uint64(1000) {
		if i < 800 {
			a = append(a, i)
		}
		if i >= 200 {
			b = append(b, i)
		}
	}
	sa := mw.Sign(nil, a)
	sb := mw.Sign(nil, b)
	fmt.Printf("exact %.2f, estimate %.1f\n", similarity.Jaccard(a, b), similarity.Estimate(sa, sb))
	// Output:
	// exact 0.60, estimate 0.6
}

func ExampleLSH() {
	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{}) // K = 128
	if err != nil {
		fmt.Println(err)
		return
	}
	index, err := similarity.NewLSH(similarity.LSHConfig{Threshold: 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d bands x %d rows\n", index.Bands(), index.Rows())

	// Document 1 and 2 share 95 of 105 shingles; document 3 is unrelated.
	doc := func(from, to uint64) []uint64 {
		var s []uint64
		for v := from; v < to; v++ {
			s = append(s, v*0x9e3779b97f4a7c15)
		}
		return s
	}
	docs := map[int][]uint64{1: doc(0, 100), 2: doc(5, 105), 3: doc(1000, 1100)}
	var sig similarity.Signature
	for _, id := range []int{1, 2, 3} {
		sig = mw.Sign(sig, docs[id])
		if err := index.Insert(id, sig); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("candidates for 1:", index.Query(nil, mw.Sign(sig, docs[1])))
	fmt.Println("all pairs:", index.Pairs(nil))
	// Output:
	// 25 bands x 5 rows
	// candidates for 1: [1 2]
	// all pairs: [{1 2}]
}
