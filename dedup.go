package storyclust

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/storyclust/storyclust/shingle"
	"github.com/storyclust/storyclust/similarity"
)

// The duplicate tier.
//
// Candidates: every article with at least DupMinShingles shingles (sorted
// unique word DupShingle-grams of its cleaned text) is signed with MinHash
// and put in an LSH index, which proposes pairs for exact verification.
// Shorter texts are grouped by their exact token sequence.
//
// Verification: a pair is a duplicate when at least DupThreshold of the
// shorter article (the one with fewer shingles) is found in the longer one,
// counted two ways that must both pass:
//
//   - shingles: the containment |S ∩ L| / |S| of the shorter article's
//     shingle set in the longer one's. Containment rather than Jaccard,
//     because a syndicated copy is routinely cut at the end: on the AllSides
//     benchmark of dupbench_test.go a copy with 30% of the body cut and 10%
//     of its words edited keeps a median 0.65 of its shingles in the
//     original (95% of copies keep more than 0.58, the fewest 0.47), while
//     its Jaccard similarity is about 0.39 (down to 0.26).
//   - paragraphs: the share of the shorter article's paragraphs that are
//     found in the longer one, a paragraph being a line of the text (not
//     furniture by its content, see clean.go) with at least DupMinShingles
//     shingles, found when at least DupThreshold of its own shingles are in
//     the longer article's set. Scraped pages of one outlet embed long blocks
//     (a photo gallery of 2,000 words on one line, a newsletter form) that
//     line-based cleaning keeps because they occur on only two or three pages
//     of a batch; two different articles sharing such a block have a
//     shingle containment of 0.5 to 0.8, but share one paragraph of thirty.
//     A copy shares most of its paragraphs however its words were edited.
//     A shorter article with fewer than two paragraphs (a brief, a text
//     scraped without line breaks) is judged by its shingles alone.
//
// Paragraphs are found only for the articles of pairs that pass the shingle
// test, by analyzing their lines once more; on batches without duplicates
// that is almost none.
//
// Candidate recall: the LSH index works on Jaccard similarity. New tunes it
// for DupThreshold/(3-DupThreshold), the Jaccard similarity c·ρ/(1+ρ-c·ρ)
// of a pair whose shorter article has exactly c = DupThreshold of its
// shingles in a longer one twice its size (ρ = 1/2), weighing misses over
// false candidates 4:1. For the default 0.5 that is 0.2 and 56 bands of 2
// rows: a pair of Jaccard 0.25 becomes a candidate with probability 0.973,
// one of 0.3 with probability 0.995 (the previous setting, 0.25 and 35 bands
// of 2 rows, 0.90 and 0.96).
//
// Measured with dupbench_test.go (1,000 AllSides originals, a syndicated
// copy of each, 1,000 other articles on the same topics): for copies with
// 10% of the words edited and 30% of the body cut, the previous rule
// (containment alone) had precision 0.986 and recall 0.992, this one 1.000
// and 0.998; with 40% cut, recall went from 0.977 to 0.997. The false
// positives were pages of one outlet sharing a photo gallery; the two misses
// are short copies whose containment fell below 0.5.

// paragraphSets returns, for each doc k with need[k], the shingle sets of
// its paragraphs: the lines of its text that are not furniture by their
// content (teasers, known phrases, cookie notices, see clean.go) and have at
// least DupMinShingles shingles. It works on all CPUs.
func (p *Pipeline) paragraphSets(docs []doc, need []bool) [][][]uint64 {
	out := make([][][]uint64, len(docs))
	dedupParallel(len(docs), func() func(k int) {
		var sc paraScratch
		return func(k int) {
			if need[k] {
				out[k] = p.paragraphsOf(docs[k].art, len(docs[k].dup), &sc)
			}
		}
	})
	return out
}

type paraScratch struct {
	toks []uint64
	ends []int
	key  []byte
}

// paragraphsOf returns the shingle sets of the paragraphs of a's text (see
// paragraphSets); size hints the number of shingles of the whole text.
func (p *Pipeline) paragraphsOf(a *Article, size int, sc *paraScratch) [][]uint64 {
	n, seed := p.cfg.DupShingle, p.cfg.Seed
	s, _ := p.shingler(a.Lang) // a language error was reported by analyze
	// All paragraphs' sets in one array, cut up at the end.
	flat := make([]uint64, 0, size+size/4)
	sc.ends = sc.ends[:0]
	for line := range strings.Lines(a.Text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		sc.key = lineKey(sc.key, line)
		if isFurniture(line, string(sc.key)) {
			continue
		}
		sc.toks = s.TokenHashes(sc.toks[:0], line)
		if len(sc.toks) < p.cfg.DupMinShingles+n-1 {
			continue
		}
		start := len(flat)
		flat = shingle.NGrams(flat, sc.toks, n, seed)
		flat = flat[:start+len(shingle.SortUnique(flat[start:]))]
		sc.ends = append(sc.ends, len(flat))
	}
	ps := make([][]uint64, len(sc.ends))
	start := 0
	for i, end := range sc.ends {
		ps[i] = flat[start:end:end]
		start = end
	}
	return ps
}

// paragraphsFound returns the share of the paragraphs ps of which at least
// threshold of the shingles are in the set in. It is 1 when there are fewer
// than two paragraphs: such a text (a brief, or one scraped without line
// breaks) is judged by its shingles alone.
func paragraphsFound(ps [][]uint64, in []uint64, threshold float64) float64 {
	if len(ps) < 2 {
		return 1
	}
	n := 0
	for _, s := range ps {
		if similarity.Containment(s, in) >= threshold {
			n++
		}
	}
	return float64(n) / float64(len(ps))
}

// dedupParallel calls, on all CPUs, work(k) for k in [0, n), with work made
// once per goroutine by newWorker (so that it can keep scratch buffers).
// Each call must write only its own k's results, so that they do not depend
// on scheduling.
func dedupParallel(n int, newWorker func() func(k int)) {
	const chunk = 16
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := newWorker()
			for {
				mu.Lock()
				start := next
				next += chunk
				mu.Unlock()
				if start >= n {
					return
				}
				for k := start; k < min(start+chunk, n); k++ {
					work(k)
				}
			}
		}()
	}
	wg.Wait()
}

// union-find with deterministic roots: the root of a set is its smallest
// index.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(x int) int {
	for u[x] != x {
		u[x] = u[u[x]]
		x = u[x]
	}
	return x
}

func (u unionFind) union(a, b int) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if b < a {
		a, b = b, a
	}
	u[b] = a
}

// duplicates returns, for every doc, the index of its duplicate group's
// representative (itself when it is not a duplicate).
func (p *Pipeline) duplicates(docs []doc) ([]int, error) {
	lsh, err := similarity.NewLSH(p.dupLSH)
	if err != nil {
		return nil, err
	}
	sigs := p.dupSignatures(docs)
	exact := map[string][]int{} // short texts: exact token sequence
	for k := range docs {
		d := &docs[k]
		if sigs[k] == nil {
			if len(d.dup) > 0 {
				key := fmt.Sprint(d.dup)
				exact[key] = append(exact[key], k)
			}
			continue
		}
		if err := lsh.Insert(k, sigs[k]); err != nil {
			return nil, err
		}
	}
	// Verify: shingles first, then, for the pairs that pass, paragraphs of
	// the shorter article.
	var pass []similarity.Pair // {shorter, longer}
	need := make([]bool, len(docs))
	for _, pr := range lsh.Pairs(nil) {
		short, long := pr.A, pr.B
		if len(docs[short].dup) > len(docs[long].dup) {
			short, long = long, short
		}
		if similarity.Containment(docs[short].dup, docs[long].dup) >= p.cfg.DupThreshold {
			pass = append(pass, similarity.Pair{A: short, B: long})
			need[short] = true
		}
	}
	paras := p.paragraphSets(docs, need)
	uf := newUnionFind(len(docs))
	for _, pr := range pass {
		if paragraphsFound(paras[pr.A], docs[pr.B].dup, p.cfg.DupThreshold) >= p.cfg.DupThreshold {
			uf.union(pr.A, pr.B)
		}
	}
	for _, ks := range exact {
		for _, k := range ks[1:] {
			uf.union(ks[0], k)
		}
	}
	// Choose each group's representative: the earliest published (known
	// dates first), then the longest, then the smallest id.
	best := map[int]int{}
	for k := range docs {
		r := uf.find(k)
		b, ok := best[r]
		if !ok || betterOriginal(&docs[k], &docs[b]) {
			best[r] = k
		}
	}
	rep := make([]int, len(docs))
	for k := range docs {
		rep[k] = best[uf.find(k)]
	}
	return rep, nil
}

// dupSignatures signs, on all CPUs, every doc with at least DupMinShingles
// shingles; the others get a nil signature.
func (p *Pipeline) dupSignatures(docs []doc) []similarity.Signature {
	sigs := make([]similarity.Signature, len(docs))
	k := p.signer.K()
	flat := make([]uint64, 0, len(docs)*k)
	for i := range docs {
		if len(docs[i].dup) >= p.cfg.DupMinShingles {
			sigs[i] = flat[len(flat) : len(flat)+k : len(flat)+k]
			flat = flat[:len(flat)+k]
		}
	}
	dedupParallel(len(docs), func() func(i int) {
		return func(i int) {
			if sigs[i] != nil {
				sigs[i] = p.signer.Sign(sigs[i][:0], docs[i].dup)
			}
		}
	})
	return sigs
}

func betterOriginal(a, b *doc) bool {
	az, bz := a.published.IsZero(), b.published.IsZero()
	if az != bz {
		return !az
	}
	if !az && !a.published.Equal(b.published) {
		return a.published.Before(b.published)
	}
	if a.length != b.length {
		return a.length > b.length
	}
	return a.art.ID < b.art.ID
}
