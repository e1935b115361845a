package cluster_test

import (
	"fmt"

	"github.com/storyclust/storyclust/cluster"
)

func ExampleClusterer_Cluster() {
	// Five articles; candidate pairs with their similarities.
	edges := []cluster.Edge{
		{A: 0, B: 1, Sim: 0.9}, {A: 1, B: 2, Sim: 0.6}, {A: 0, B: 2, Sim: 0.2},
		{A: 2, B: 3, Sim: 0.55}, {A: 3, B: 4, Sim: 0.9}, {A: 2, B: 4, Sim: 0.48},
	}
	var labels []int
	for _, l := range []cluster.Linkage{cluster.Single, cluster.Average, cluster.Complete} {
		c, err := cluster.New(cluster.Config{Linkage: l, Cut: 0.5})
		if err != nil {
			panic(err)
		}
		labels, err = c.Cluster(labels, 5, edges)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-8v %v\n", l, labels)
	}
	// Output:
	// single   [0 0 0 0 0]
	// average  [0 0 2 2 2]
	// complete [0 0 2 3 3]
}

func ExampleBCubed() {
	pred := []string{"x", "x", "x", "x", "y"}
	gold := []string{"a", "a", "b", "b", "b"}
	s, err := cluster.BCubed(pred, gold)
	if err != nil {
		panic(err)
	}
	fmt.Printf("P=%.3f R=%.3f F1=%.3f\n", s.Precision, s.Recall, s.F1)
	// Output:
	// P=0.600 R=0.733 F1=0.660
}

func ExampleStableID() {
	fmt.Println(cluster.StableID([]string{"doc-42", "doc-17"}))
	fmt.Println(cluster.StableID([]string{"doc-42", "doc-17", "doc-99"}))
	// Output:
	// s-94af01fdff39
	// s-94af01fdff39
}

func ExampleARI() {
	ari, _ := cluster.ARI([]int{0, 0, 1, 2}, []int{0, 0, 1, 1})
	nmi, _ := cluster.NMI([]int{0, 0, 1, 2}, []int{0, 0, 1, 1})
	fmt.Printf("ARI=%.4f NMI=%.4f\n", ari, nmi)
	// Output:
	// ARI=0.5714 NMI=0.8000
}
