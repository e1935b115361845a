package storyclust

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"

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
// that is almost none. A pair whose articles are already connected through
// verified pairs is not verified (see verifyPairs): a group of m copies
// needs about m verified pairs, not m(m-1)/2.
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

type paraScratch struct {
	toks, shingles []uint64
	ends           []int
	key            []byte
}

// paragraphShingles yields the shingles of each paragraph of a's text (see
// paragraphSets), in text order and with repeats, in scratch memory that the
// next one reuses.
func (p *Pipeline) paragraphShingles(a *Article, sc *paraScratch) iter.Seq[[]uint64] {
	return func(yield func([]uint64) bool) {
		n, seed := p.cfg.DupShingle, p.cfg.Seed
		s, _ := p.shingler(a.Lang) // a language error was reported by analyze
		for line := range strings.Lines(a.Text) {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			sc.key = lineKey(sc.key, line)
			if isFurniture(line, unsafe.String(unsafe.SliceData(sc.key), len(sc.key))) { // key not kept
				continue
			}
			sc.toks = s.TokenHashes(sc.toks[:0], line)
			if len(sc.toks) < p.cfg.DupMinShingles+n-1 {
				continue
			}
			sc.shingles = shingle.NGrams(sc.shingles[:0], sc.toks, n, seed)
			if !yield(sc.shingles) {
				return
			}
		}
	}
}

// paragraphsOf returns the shingle sets of the paragraphs of a's text (see
// paragraphSets); size hints the number of shingles of the whole text.
func (p *Pipeline) paragraphsOf(a *Article, size int, sc *paraScratch) [][]uint64 {
	// All paragraphs' sets in one array, cut up at the end.
	flat := make([]uint64, 0, size+size/4)
	sc.ends = sc.ends[:0]
	for sh := range p.paragraphShingles(a, sc) {
		start := len(flat)
		flat = append(flat, sh...)
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
		// similarity.Containment(s, in), by galloping: a paragraph is
		// small next to the whole text.
		if len(s) > 0 && float64(gallopIntersect(s, in))/float64(len(s)) >= threshold {
			n++
		}
	}
	return float64(n) / float64(len(ps))
}

// gallopIntersect returns |a ∩ b| for sorted, duplicate-free a and b, in
// O(len(a)·log(len(b)/len(a))): for each value of a it searches b
// exponentially from where the previous search ended.
func gallopIntersect(a, b []uint64) int {
	n, j := 0, 0
	for _, x := range a {
		if j = gallop(b, j, x); j >= len(b) {
			break
		}
		if b[j] == x {
			n++
			j++
		}
	}
	return n
}

// gallop returns the first index i >= j of sorted b with b[i] >= x, or
// len(b), searching exponentially from j.
func gallop[T uint32 | uint64](b []T, j int, x T) int {
	if j >= len(b) || b[j] >= x {
		return j
	}
	// b[lo] < x; find hi with b[hi] >= x or hi = len(b).
	lo, step := j, 1
	hi := j + step
	for hi < len(b) && b[hi] < x {
		lo = hi
		step *= 2
		hi = j + step
	}
	hi = min(hi, len(b))
	for lo+1 < hi {
		m := int(uint(lo+hi) >> 1)
		if b[m] < x {
			lo = m
		} else {
			hi = m
		}
	}
	return hi
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
// keys are the docs' band keys (see setDup).
func (p *Pipeline) duplicates(docs []doc, keys []uint64) ([]int, error) {
	exact := map[string][]int{} // short texts: exact token sequence
	for k := range docs {
		d := &docs[k]
		if len(d.dup) > 0 && len(d.dup) < p.cfg.DupMinShingles {
			key := fmt.Sprint(d.dup)
			exact[key] = append(exact[key], k)
		}
	}
	uf := newUnionFind(len(docs))
	for _, ks := range exact {
		for _, k := range ks[1:] {
			uf.union(ks[0], k)
		}
	}
	p.verifyPairs(docs, bandPairs(keys, len(docs), p.dupLSH.Bands), uf)
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

// verifyPairs unions in uf the candidate pairs that are duplicates: the
// shorter article's (the one with fewer shingles; the first of the pair on
// a tie) shingles, then its paragraphs, must be found in the longer one's
// shingles (see the top of this file).
//
// The duplicate groups are the connected components of the verified pairs,
// so a pair whose articles are already connected through verified pairs
// need not be verified: it could not change any group. In a group of m
// copies that saves most of the m(m-1)/2 verifications, and most of the
// paragraph analyses, which each re-tokenize an article. Pairs are verified
// in rounds, by their shorter article: each round picks, most pairs first,
// the articles whose pairs would connect what is not connected yet (as if
// they all passed), verifies their pairs on all CPUs, then unions the pairs
// that passed; it stops when every pair's articles are connected or
// verified. Which pairs get verified depends only on the input, never on
// scheduling, and the groups are those of verifying every pair.
func (p *Pipeline) verifyPairs(docs []doc, pairs []similarity.Pair, uf unionFind) {
	n, th := len(docs), p.cfg.DupThreshold
	// The pairs by shorter article: doc k's longer partners are
	// long[start[k]:start[k+1]].
	start := make([]int, n+1)
	shorter := func(pr similarity.Pair) (int, int) {
		if len(docs[pr.A].dup) > len(docs[pr.B].dup) {
			return pr.B, pr.A
		}
		return pr.A, pr.B
	}
	for _, pr := range pairs {
		s, _ := shorter(pr)
		start[s+1]++
	}
	for k := range n {
		start[k+1] += start[k]
	}
	long := make([]int32, len(pairs))
	fill := slices.Clone(start[:n])
	for _, pr := range pairs {
		s, l := shorter(pr)
		long[fill[s]] = int32(l)
		fill[s]++
	}

	var pending []int // docs whose pairs are not verified yet
	for k := range n {
		if start[k+1] > start[k] {
			pending = append(pending, k)
		}
	}
	type cand struct{ k, open int }
	var (
		cands  []cand
		picked []int
		passed [][]int32
	)
	// root[k] is k's group at the start of a round, set for the docs of
	// pending pairs. tent is a union-find over those roots for picking,
	// its entries valid where stamp is the round.
	root := make([]int32, n)
	tent := make([]int32, n)
	stamp := make([]int32, n)
	tfind := func(x int32) int32 {
		for tent[x] != x {
			tent[x] = tent[tent[x]]
			x = tent[x]
		}
		return x
	}
	round, prev := int32(0), -1
	for len(pending) > 0 {
		round++
		// Each pending doc's pairs that are still open.
		cands = cands[:0]
		for _, k := range pending {
			root[k] = int32(uf.find(k))
			open := 0
			for _, l := range long[start[k]:start[k+1]] {
				if root[l] = int32(uf.find(int(l))); root[l] != root[k] {
					open++
				}
			}
			if open > 0 {
				cands = append(cands, cand{k, open})
			}
		}
		if len(cands) == 0 {
			break
		}
		// Pick the docs whose pairs would connect something new, most
		// open pairs first, as long as the open docs become fewer by an
		// eighth each round; then all that are left. So there are
		// O(log n) rounds, each linear in the pairs left.
		picked, pending = picked[:0], pending[:0]
		if prev >= 0 && 8*len(cands) > 7*prev {
			for _, c := range cands {
				picked = append(picked, c.k)
			}
		} else {
			slices.SortFunc(cands, func(a, b cand) int {
				if c := cmp.Compare(b.open, a.open); c != 0 {
					return c
				}
				return cmp.Compare(a.k, b.k)
			})
			for _, c := range cands {
				rk := root[c.k]
				useful := false
				for _, l := range long[start[c.k]:start[c.k+1]] {
					for _, x := range [2]int32{rk, root[l]} {
						if stamp[x] != round {
							stamp[x], tent[x] = round, x
						}
					}
					if a, b := tfind(rk), tfind(root[l]); a != b {
						useful = true
						tent[max(a, b)] = min(a, b)
					}
				}
				if useful {
					picked = append(picked, c.k)
				} else {
					pending = append(pending, c.k)
				}
			}
			slices.Sort(pending)
		}
		prev = len(cands)
		// Verify the picked docs' open pairs.
		passed = slices.Grow(passed[:0], len(picked))[:len(picked)]
		dedupParallel(len(picked), func() func(i int) {
			var sc verifyScratch
			return func(i int) {
				k := picked[i]
				short := docs[k].dup
				analyzed := false
				out := passed[i][:0]
				// The groups k joins by the pairs passed so far: a pair
				// into one of them is connected already.
				joined := append(sc.joined[:0], root[k])
				for _, l := range long[start[k]:start[k+1]] {
					if slices.Contains(joined, root[l]) {
						continue
					}
					// The containment of short in docs[l].dup, noting
					// which of short's shingles were found.
					if len(short) == 0 || !sc.contains(short, docs[l].dup, th) {
						continue
					}
					if !analyzed {
						sc.analyze(p, docs[k].art, short)
						analyzed = true
					}
					if sc.paragraphsFound(docs[l].dup, th) >= th {
						out = append(out, l)
						joined = append(joined, root[l])
					}
				}
				passed[i], sc.joined = out, joined
			}
		})
		for i, k := range picked {
			for _, l := range passed[i] {
				uf.union(k, int(l))
			}
		}
	}
}

// b2i is 1 for true and 0 for false, compiled without a branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// verifyScratch is a verifyPairs worker's memory for one shorter article:
// which of its shingles the current longer article holds, and its
// paragraphs, each as its distinct shingles.
type verifyScratch struct {
	para paraScratch
	hit  []uint64 // bit i: short[i] is in the longer article
	// The paragraphs: sizes[p] shingles each, in at one after another. A
	// shingle is its index in short, or -1-m for misc[m] when short lacks
	// it; a paragraph's misc values are sorted.
	sizes []int32
	at    []int32
	misc  []uint32
	// table is an open-addressing hash table of short's values (index+1,
	// 0 for empty; the first of equal values), probed from hash>>shift.
	table []int32
	shift uint
	stamp []int32 // stamp[i]: the last paragraph (from 1) holding short[i]
	// joined lists the groups (roots) the article has joined in this round.
	joined []int32
}

// contains reports whether similarity.Containment(short, long) >= threshold
// for a non-empty short, and sets sc.hit to the shingles of short found in
// long. It stops, hit incomplete, as soon as the threshold is out of reach.
func (sc *verifyScratch) contains(short, long []uint32, threshold float64) bool {
	sc.hit = slices.Grow(sc.hit[:0], (len(short)+63)/64)[:(len(short)+63)/64]
	clear(sc.hit)
	size := float64(len(short))
	n, i, j := 0, 0, 0
	for i < len(short) && j < len(long) {
		// Without branches on the data: which of x, y advances is
		// random, so a branch would be mispredicted half the time.
		for end := min(i+256, len(short)); i < end && j < len(long); {
			x, y := short[i], long[j]
			eq := b2i(x == y)
			sc.hit[i>>6] |= uint64(eq) << (i & 63)
			n += eq
			i += b2i(x <= y)
			j += b2i(y <= x)
		}
		// Even if all the rest were found.
		if float64(n+len(short)-i)/size < threshold {
			return false
		}
	}
	return float64(n)/size >= threshold
}

// analyze finds the paragraphs of a, whose doc.dup is short, and where
// their shingles are in short. Like doc.dup, it compares the top 32 bits of
// the shingle hashes (which keep their order). A paragraph's shingles are
// looked up in a hash table of short: a paragraph is small, and its
// shingles are spread over all of short.
func (sc *verifyScratch) analyze(p *Pipeline, a *Article, short []uint32) {
	sc.index(short)
	sc.sizes, sc.at, sc.misc = sc.sizes[:0], sc.at[:0], sc.misc[:0]
	sc.stamp = slices.Grow(sc.stamp[:0], len(short))[:len(short)]
	clear(sc.stamp)
	para := int32(0)
	for ps := range p.paragraphShingles(a, &sc.para) {
		para++
		start, m0 := len(sc.at), len(sc.misc)
		for _, x := range ps {
			v := uint32(x >> 32)
			if i := sc.find(short, v); i < 0 {
				sc.misc = append(sc.misc, v)
			} else if sc.stamp[i] != para {
				sc.stamp[i] = para
				sc.at = append(sc.at, i)
			}
		}
		misc := sc.misc[m0:]
		slices.Sort(misc)
		misc = slices.Compact(misc)
		sc.misc = sc.misc[:m0+len(misc)]
		for m := range misc {
			sc.at = append(sc.at, int32(-1-(m0+m)))
		}
		sc.sizes = append(sc.sizes, int32(len(sc.at)-start))
	}
}

// index fills sc.table with short's values, at most half full.
func (sc *verifyScratch) index(short []uint32) {
	lg := bits.Len(uint(2 * len(short)))
	sc.table = slices.Grow(sc.table[:0], 1<<lg)[:1<<lg]
	clear(sc.table)
	sc.shift = uint(32 - lg)
	mask := len(sc.table) - 1
	for i, v := range short {
		h := int(v * 0x9e3779b1 >> sc.shift)
		for sc.table[h] != 0 && short[sc.table[h]-1] != v {
			h = (h + 1) & mask
		}
		if sc.table[h] == 0 {
			sc.table[h] = int32(i + 1)
		}
	}
}

// find returns the index in short of the first value v, or -1.
func (sc *verifyScratch) find(short []uint32, v uint32) int32 {
	mask := len(sc.table) - 1
	for h := int(v * 0x9e3779b1 >> sc.shift); ; h = (h + 1) & mask {
		e := sc.table[h]
		if e == 0 {
			return -1
		}
		if short[e-1] == v {
			return e - 1
		}
	}
}

// paragraphsFound is paragraphsFound(paragraphs, long, threshold) for the
// paragraphs sc.analyze found and the long whose shingles sc.contains
// marked last: a shingle of the short article is looked up in its bits, any
// other shingle in long.
func (sc *verifyScratch) paragraphsFound(long []uint32, threshold float64) float64 {
	if len(sc.sizes) < 2 {
		return 1
	}
	n, at := 0, sc.at
	for _, size := range sc.sizes {
		found, j := 0, 0
		for _, a := range at[:size] {
			if a >= 0 {
				found += int(sc.hit[a>>6] >> (a & 63) & 1)
				continue
			}
			// misc is sorted: search long onward from the last one.
			x := sc.misc[-1-a]
			if j = gallop(long, j, x); j < len(long) && long[j] == x {
				found++
			}
		}
		at = at[size:]
		if size > 0 && float64(found)/float64(size) >= threshold {
			n++
		}
	}
	return float64(n) / float64(len(sc.sizes))
}

// setDup sets d's duplicate-tier sets from its shingles sc.shingles (which it
// reorders): with o.full d.full, and with o.keys d.dup, and signs them: a
// doc with at least
// DupMinShingles shingles gets the LSH band keys of its MinHash signature in
// o.keys (Bands of them). A doc without a signature, and a band without a
// value, has key 0. The signature is of the full 64-bit hashes.
func (p *Pipeline) setDup(d *doc, sc *setScratch, o analyzeOpt) {
	set := sortedSet(sc.shingles, sc)
	if o.keys != nil {
		// A batch: it verifies its candidate pairs by d.dup.
		if len(set) >= p.cfg.DupMinShingles {
			sc.sig = p.dupSigner.Sign(sc.sig[:0], set)
			bandKeysAt(o.keys, sc.sig, p.dupLSH.Rows)
		}
		d.dup = narrow(set)
	}
	if o.full {
		d.full = slices.Clone(set)
	}
}

// narrow returns the top 32 bits of each value of s in a new slice. Of a
// sorted set it is sorted too, and as long: two values that share their top
// bits (a chance of about len(s)/2³² per value) are both kept, equal. So a
// containment test of such sets counts a false match with a chance of
// about |long|/2³² per shingle, 2·10⁻⁷ for an article of 1,000 shingles.
func narrow(s []uint64) []uint32 {
	out := make([]uint32, len(s))
	out = out[:len(s)]
	for i, x := range s {
		out[i] = uint32(x >> 32)
	}
	return out
}

// bandKeysAt sets keys[b] to the key of band b of sig (as bandKeys
// computes it), or 0 for a band whose values are all empty.
func bandKeysAt(keys []uint64, sig []uint64, rows int) {
	const (
		p1 = 0x9e3779b185ebca87
		p2 = 0xc2b2ae3d27d4eb4f
	)
	for b := range keys {
		h := uint64(b)*p1 ^ 0x27d4eb2f165667c5
		all := true
		for _, v := range sig[b*rows : (b+1)*rows] {
			if v != ^uint64(0) {
				all = false
			}
			h = bits.RotateLeft64(h+v*p2, 31) * p1
		}
		switch {
		case all:
			keys[b] = 0
		default:
			keys[b] = max(mix64(h^uint64(rows)), 1)
		}
	}
}

// bandPairs returns the candidate pairs {A < B} of n docs given their band
// keys (see setDup): the docs that share a non-zero key in some band,
// each pair once, sorted. Each band is sorted by key (on all CPUs) rather
// than hashed into a map: the result is the same as similarity.LSH.Pairs
// and does not depend on GOMAXPROCS.
func bandPairs(keys []uint64, n, bands int) []similarity.Pair {
	type entry struct {
		key  uint64
		slot int32
	}
	byKeySlot := func(x, y entry) int {
		if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.slot, y.slot)
	}
	perBand := make([][]similarity.Pair, bands)
	dedupParallel(bands, func() func(b int) {
		var (
			es, tmp []entry
			counts  []int32
		)
		return func(b int) {
			es = es[:0]
			for k := range n {
				if key := keys[k*bands+b]; key != 0 {
					es = append(es, entry{key, int32(k)})
				}
			}
			// Sort by key, then slot. The keys are uniform hashes, so
			// distribute the entries, in slot order, into about len/2
			// buckets by their top bits and sort each bucket by
			// insertion, stable (as sortedSet does): linear in practice,
			// with slices.SortFunc for any bucket that is not small.
			if len(es) < 64 {
				slices.SortFunc(es, byKeySlot)
			} else {
				lg := bits.Len(uint(len(es))) - 1
				nb, shift := 1<<lg, uint(64-lg)
				counts = slices.Grow(counts[:0], nb+1)[:nb+1]
				clear(counts)
				for _, e := range es {
					counts[e.key>>shift+1]++
				}
				for i := 1; i <= nb; i++ {
					counts[i] += counts[i-1]
				}
				tmp = slices.Grow(tmp[:0], len(es))[:len(es)]
				for _, e := range es {
					i := e.key >> shift
					tmp[counts[i]] = e
					counts[i]++
				}
				start := int32(0)
				for i := range nb {
					end := counts[i]
					if seg := tmp[start:end]; len(seg) > 16 {
						slices.SortFunc(seg, byKeySlot)
					} else {
						for x := 1; x < len(seg); x++ {
							for y := x; y > 0 && seg[y].key < seg[y-1].key; y-- {
								seg[y], seg[y-1] = seg[y-1], seg[y]
							}
						}
					}
					start = end
				}
				es, tmp = tmp, es
			}
			var out []similarity.Pair
			for i := 0; i < len(es); {
				j := i + 1
				for j < len(es) && es[j].key == es[i].key {
					j++
				}
				for x := i; x < j; x++ {
					kx := keys[int(es[x].slot)*bands : int(es[x].slot)*bands+b]
					for y := x + 1; y < j; y++ {
						if !sharesKey(kx, keys[int(es[y].slot)*bands:int(es[y].slot)*bands+b]) {
							out = append(out, similarity.Pair{A: int(es[x].slot), B: int(es[y].slot)})
						}
					}
				}
				i = j
			}
			perBand[b] = out
		}
	})
	var pairs []similarity.Pair
	for _, ps := range perBand {
		pairs = append(pairs, ps...)
	}
	slices.SortFunc(pairs, func(x, y similarity.Pair) int {
		if c := cmp.Compare(x.A, y.A); c != 0 {
			return c
		}
		return cmp.Compare(x.B, y.B)
	})
	return pairs
}

// sharesKey reports whether a and b have an equal non-zero key in the same
// position (an earlier band, which reported the pair already).
func sharesKey(a, b []uint64) bool {
	for i, k := range a {
		if k != 0 && k == b[i] {
			return true
		}
	}
	return false
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

// setScratch is the reusable memory of analyzeOne's duplicate-tier path.
type setScratch struct {
	hashes, shingles, tmp []uint64
	sig                   similarity.Signature
	counts                []int32
	terms, termsTmp       []term // the story tier's term contributions
}

var setScratchPool = sync.Pool{New: func() any { return new(setScratch) }}

// sortedSet returns the sorted unique values of s, which it reorders, in s
// or in sc.tmp. Shingle hashes are uniform, so it
// distributes them into about len(s)/2 buckets by their top bits and sorts
// each bucket by insertion: linear time in practice, with slices.Sort for
// any bucket that is not small, so that skewed input stays O(n log n).
func sortedSet(s []uint64, sc *setScratch) []uint64 {
	n := len(s)
	if n < 64 {
		slices.Sort(s)
		return slices.Compact(s)
	}
	lg := bits.Len(uint(n)) - 1
	nb := 1 << lg
	shift := uint(64 - lg)
	counts := slices.Grow(sc.counts[:0], nb+1)[:nb+1]
	clear(counts)
	for _, v := range s {
		counts[v>>shift+1]++
	}
	for b := 1; b <= nb; b++ {
		counts[b] += counts[b-1]
	}
	t := slices.Grow(sc.tmp[:0], n)[:n]
	for _, v := range s {
		b := v >> shift
		t[counts[b]] = v
		counts[b]++
	}
	start := int32(0)
	for b := range nb {
		end := counts[b]
		if seg := t[start:end]; len(seg) > 16 {
			slices.Sort(seg)
		} else {
			for i := 1; i < len(seg); i++ {
				for j := i; j > 0 && seg[j] < seg[j-1]; j-- {
					seg[j], seg[j-1] = seg[j-1], seg[j]
				}
			}
		}
		start = end
	}
	sc.counts, sc.tmp = counts, t
	return slices.Compact(t)
}

// analyzeLines analyzes a batch for the duplicate tier alone (Dedup). It
// removes furniture as cleanBatch does, but never joins the cleaned text:
// each kept line is tokenized on its own and the token hashes of the lines
// are concatenated. Tokens never span a line break, so that is the token
// sequence of the joined text, except where markup spans lines; an article
// whose kept lines hold a '<' is therefore tokenized joined. Each step works
// on all CPUs and writes only its own docs, so the result does not depend
// on GOMAXPROCS.
func (p *Pipeline) analyzeLines(ctx context.Context, sorted []Article, order []int, docs []doc, opt analyzeOpt) {
	lines, repeated := splitBatch(ctx, sorted, p.cfg.MinRepeat)
	if ctx.Err() != nil {
		return
	}
	var (
		mu   sync.Mutex
		done int
	)
	dedupParallel(len(sorted), func() func(k int) {
		sc := new(setScratch)
		n := 0
		return func(k int) {
			if ctx.Err() != nil {
				return
			}
			p.analyzeLinesOne(&docs[k], &sorted[k], order[k], &lines[k], repeated, sc, opt.forDoc(k, p.dupLSH.Bands))
			lines[k] = hashedLines{}
			if n++; n%256 == 0 {
				mu.Lock()
				done += 256
				p.progress("analyze", min(done, len(docs)), len(docs))
				mu.Unlock()
			}
		}
	})
}

// analyzeLinesOne analyzes one article of analyzeLines.
func (p *Pipeline) analyzeLinesOne(d *doc, a *Article, input int, hl *hashedLines, repeated *hashCounts, sc *setScratch, opt analyzeOpt) {
	s, _ := p.shingler(a.Lang) // a language error was reported by analyze
	d.art, d.input, d.published = a, input, a.Published
	rep := hl.repeated(repeated)
	h := sc.hashes[:0]
	if hl.hasMarkup(a.Text, rep) {
		h = s.TokenHashes(h, hl.join(a.Text, rep))
	} else {
		for line := range hl.keptLines(a.Text, rep) {
			h = s.TokenHashes(h, line)
		}
	}
	d.length = len(h)
	if len(h) == 0 {
		// A title-only article is compared by its title.
		h = s.TokenHashes(h, a.Title)
	}
	sc.shingles = shingle.NGrams(sc.shingles[:0], h, p.cfg.DupShingle, p.cfg.Seed)
	sc.hashes = h
	p.setDup(d, sc, opt)
}
