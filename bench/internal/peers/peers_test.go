package peers

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storyclust/storyclust/bench/internal/corpus"
)

// testTexts returns n unrelated random texts of 300 words, plus a copy of
// text 0 with one word changed (index n).
func testTexts(n int) []string {
	rng := rand.New(rand.NewPCG(1, 2))
	texts := make([]string, n+1)
	for i := range n {
		w := make([]string, 300)
		for j := range w {
			w[j] = fmt.Sprintf("w%d", rng.IntN(100000))
		}
		texts[i] = strings.Join(w, " ")
	}
	texts[n] = strings.Replace(texts[0], " ", " changed ", 1)
	return texts
}

func TestAlgosFindTheNearDuplicate(t *testing.T) {
	texts := testTexts(50)
	for _, a := range Algos() {
		t.Run(a.Name, func(t *testing.T) {
			pairs, err := a.Pairs(texts)
			if err != nil {
				t.Fatal(err)
			}
			if a.Name == "hash-only" {
				if len(pairs) != 0 {
					t.Fatalf("hash-only returned %d pairs", len(pairs))
				}
				return
			}
			want := [2]int32{0, int32(len(texts) - 1)}
			if len(pairs) != 1 || pairs[0] != want {
				t.Fatalf("pairs = %v, want [%v]", pairs, want)
			}
		})
	}
}

func TestByName(t *testing.T) {
	for _, n := range []string{"hash", "ekzhu", "gominhash", "minwise", "oph", "storyclust OPH+LSH"} {
		if _, err := ByName(n); err != nil {
			t.Errorf("ByName(%q): %v", n, err)
		}
	}
	if _, err := ByName("nope"); err == nil {
		t.Error("ByName(nope) succeeded")
	}
}

const dataFile = "../../../../shared/data/allsides-20k.jsonl.gz"

// BenchmarkPeers runs every peer from texts to candidate pairs on the first
// 1,000 AllSides articles (skipped when ../shared/data is absent). MB/s is
// of JSON Lines input, as in cmd/peers.
func BenchmarkPeers(b *testing.B) {
	path := filepath.FromSlash(dataFile)
	if _, err := os.Stat(path); err != nil {
		b.Skipf("%s not found: the benchmark runs on the AllSides set in ../shared/data beside the repository", path)
	}
	docs, bytes, err := corpus.Read(path, 1000)
	if err != nil {
		b.Fatal(err)
	}
	texts := make([]string, len(docs))
	for i := range docs {
		texts[i] = docs[i].Text
	}
	for _, a := range Algos() {
		b.Run(strings.NewReplacer(" ", "_", "/", "_").Replace(a.Name), func(b *testing.B) {
			b.SetBytes(bytes)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Pairs(texts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
