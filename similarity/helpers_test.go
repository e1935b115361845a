package similarity_test

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// wordShingles is a stand-in for package shingle (which this package must not
// depend on): it lower-cases text, splits it with strings.Fields and hashes
// every run of n consecutive words with FNV-1a 64 (words separated by 0x1f).
// Texts of fewer than n (but at least one) words give a single shingle. The
// result is sorted and duplicate-free, as Jaccard and Containment require.
func wordShingles(text string, n int) []uint64 {
	return wordsShingles(strings.Fields(strings.ToLower(text)), n)
}

func wordsShingles(words []string, n int) []uint64 {
	if len(words) == 0 {
		return nil
	}
	if len(words) < n {
		n = len(words)
	}
	out := make([]uint64, 0, len(words)-n+1)
	h := fnv.New64a()
	for i := 0; i+n <= len(words); i++ {
		h.Reset()
		for j, w := range words[i : i+n] {
			if j > 0 {
				h.Write([]byte{0x1f})
			}
			h.Write([]byte(w))
		}
		out = append(out, h.Sum64())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ecbDoc is one article of ../../shared/data/ecbplus.jsonl.gz.
type ecbDoc struct {
	ID    string `json:"doc_id"`
	Topic int    `json:"topic"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

const ecbPath = "../../shared/data/ecbplus.jsonl.gz"

// loadECB reads the ECB+ articles or skips the test when the file is absent.
func loadECB(tb testing.TB) []ecbDoc {
	tb.Helper()
	f, err := os.Open(ecbPath)
	if os.IsNotExist(err) {
		tb.Skipf("skipping: %s not found (shared evaluation data is not in the repository)", ecbPath)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var docs []ecbDoc
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var d ecbDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			tb.Fatal(err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(docs) == 0 {
		tb.Fatalf("%s holds no documents", ecbPath)
	}
	return docs
}

// randSet returns n distinct random values, sorted.
func randSet(rng *rand.Rand, n int) []uint64 {
	seen := make(map[uint64]bool, n)
	out := make([]uint64, 0, n)
	for len(out) < n {
		v := rng.Uint64()
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// pairWithJaccard returns two sorted sets whose union has u elements and
// whose intersection has m, so that their exact Jaccard similarity is m/u.
// The u-m elements outside the intersection are split evenly between them.
func pairWithJaccard(rng *rand.Rand, u, m int) (a, b []uint64) {
	all := randSet(rng, u)
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	common, rest := all[:m], all[m:]
	half := len(rest) / 2
	a = append(slices.Clone(common), rest[:half]...)
	b = append(slices.Clone(common), rest[half:]...)
	slices.Sort(a)
	slices.Sort(b)
	return a, b
}
