package storyclust

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/storyclust/storyclust/cluster"
)

// edgeFloor is the smallest story similarity that is an edge of the story
// graph (Config.StoryFloor).
func (p *Pipeline) edgeFloor() float64 { return p.cfg.StoryFloor }

// heavyPrefix returns the heaviest terms of a unit vector that must be
// indexed (positions in ts, heaviest first) so that the rest has a norm
// below floor, and that norm: a vector whose indexed terms share nothing
// with another unit vector has a dot product with it below floor
// (Cauchy-Schwarz).
func heavyPrefix(ts []term, floor float64) ([]int32, float64) {
	order := make([]int32, len(ts))
	for i := range order {
		order[i] = int32(i)
	}
	sortByWeight(ts, order)
	m, rest := prefixLen(ts, order, floor)
	return order[:m:m], rest
}

// indexedTerms returns the terms heavyPrefix returns, as positions in ts
// in increasing order, and the same rest norm (summed in another order, so
// possibly not to the last bit). It finds the terms to leave out by
// selection rather than sorting: the longest run of the lightest terms
// (ties by hash, as heavyPrefix breaks them, reversed) whose squared
// weights sum below the floor's square. buf is scratch space, returned.
func indexedTerms(ts []term, floor float64, buf []int32) (prefix []int32, rest float64, _ []int32) {
	lim := floor * floor * (1 - 1e-9) // as prefixLen
	ord := buf[:0]
	for i, t := range ts {
		if t.w*t.w < lim { // a heavier term is never left out
			ord = append(ord, int32(i))
		}
	}
	lighter := func(a, b int32) bool {
		wa, wb := ts[a].w, ts[b].w
		return wa < wb || wa == wb && ts[a].h > ts[b].h
	}
	// ord[:lo] are left out, ord[hi:] are not, and sum is the squared
	// weights of ord[:lo].
	lo, hi, sum := 0, len(ord), 0.0
	for lo < hi {
		// The median of three as the pivot, at hi-1.
		if mid := lo + (hi-lo)/2; hi-lo >= 3 {
			a, b, c := ord[lo], ord[mid], ord[hi-1]
			if lighter(b, a) {
				a, b = b, a
			}
			if lighter(c, b) {
				b = c
				if lighter(b, a) {
					b = a
				}
			}
			// b is the median: move it to hi-1.
			for _, i := range [3]int{lo, mid, hi - 1} {
				if ord[i] == b {
					ord[i], ord[hi-1] = ord[hi-1], ord[i]
					break
				}
			}
		}
		pv := ord[hi-1]
		store, left := lo, 0.0
		for i := lo; i < hi-1; i++ {
			if lighter(ord[i], pv) {
				ord[i], ord[store] = ord[store], ord[i]
				left += ts[ord[store]].w * ts[ord[store]].w
				store++
			}
		}
		ord[store], ord[hi-1] = ord[hi-1], ord[store]
		wp := ts[pv].w * ts[pv].w
		switch {
		case sum+left >= lim: // the run ends among the lighter ones
			hi = store
		case sum+left+wp >= lim: // it ends just before the pivot
			sum += left
			lo, hi = store, store
		default:
			sum += left + wp
			lo = store + 1
		}
	}
	out := ord[:lo]
	slices.Sort(out)
	prefix = make([]int32, 0, len(ts)-lo)
	for i := range ts {
		if len(out) > 0 && out[0] == int32(i) {
			out = out[1:]
			continue
		}
		prefix = append(prefix, int32(i))
	}
	return prefix, math.Sqrt(sum), ord
}

// prefixLen returns how many of the terms in byWeight (heaviest first) must
// be indexed so that the rest has a norm below floor, and that norm.
func prefixLen(ts []term, byWeight []int32, floor float64) (int, float64) {
	// Walk from the lightest term up while the rest stays below floor.
	rest := 0.0
	k := len(byWeight)
	lim := floor * floor * (1 - 1e-9) // a margin for rounding
	for k > 0 {
		w := ts[byWeight[k-1]].w
		if rest+w*w >= lim {
			break
		}
		rest += w * w
		k--
	}
	return k, math.Sqrt(rest)
}

// sortByWeight sorts positions in ts by decreasing weight, ties by hash.
func sortByWeight(ts []term, order []int32) {
	slices.SortFunc(order, func(a, b int32) int {
		if c := cmp.Compare(ts[b].w, ts[a].w); c != 0 {
			return c
		}
		return cmp.Compare(ts[a].h, ts[b].h)
	})
}

// restShare is the share of the edge floor that the unindexed terms of a
// vector may reach. Lower means longer inverted lists but fewer candidates
// to verify: a candidate needs an indexed dot product of at least
// (1-restShare) x floor.
const restShare = 0.3

// storyEdges returns every pair of docs[idx] (as positions in idx, A < B)
// whose story similarity is at least the edge floor, sorted by B then A,
// whatever the number of CPUs. It is exact: an all-pairs search over an
// inverted index of each vector's heaviest terms (prefix filtering, Bayardo
// et al., "Scaling up all pairs similarity search", WWW 2007), every edge's
// similarity computed by the same storySim the rest of the pipeline uses.
// Dated articles are indexed by time blocks as wide as the window past
// which the time factor alone keeps a pair below the floor, so each one
// scans only the undated articles and those of its own and the previous
// block. The indexes are open-addressing tables (termIndex). A dated query
// sums the undated docs' postings without noting which docs it hits, then
// takes the undated docs whose sum is not 0. A candidate that passes the
// bound is then checked with its unindexed terms too (queryTable.dot), so
// that storySim runs for little more than the edges.
func (p *Pipeline) storyEdges(docs []doc, idx []int) []cluster.Edge {
	floor := p.edgeFloor()
	n := len(idx)
	// Number the docs undated first, then by publication time.
	pos := make([]int32, n) // new number -> position in idx
	for i := range pos {
		pos[i] = int32(i)
	}
	pub := func(i int32) time.Time { return docs[idx[i]].published }
	slices.SortStableFunc(pos, func(a, b int32) int { return pub(a).Compare(pub(b)) })
	undated := 0
	for undated < n && pub(pos[undated]).IsZero() {
		undated++
	}
	window := p.timeWindow(floor)

	// One inverted index for the undated docs and one per time block of
	// the window's width: a dated doc's candidates are the undated docs and
	// those in its own block and the one before.
	block := func(i int) int64 {
		if i < undated || window <= 0 {
			return 0
		}
		return timeBlock(pub(pos[i]), window)
	}
	undatedIndex := &termIndex{}
	blocks := map[int64]*termIndex{}
	indexOf := func(i int) *termIndex {
		if i < undated {
			return undatedIndex
		}
		b := block(i)
		if blocks[b] == nil {
			blocks[b] = &termIndex{}
		}
		return blocks[b]
	}
	rest := make([]float64, n)     // norm of the unindexed terms, by new number
	prefix := make([][]int32, n)   // positions in terms of the indexed terms
	restTerms := make([][]term, n) // the unindexed terms
	dedupParallel(n, func() func(i int) {
		var buf []int32
		return func(i int) {
			ts := docs[idx[pos[i]]].terms
			prefix[i], rest[i], buf = indexedTerms(ts, floor*restShare, buf)
			rt := make([]term, 0, len(ts)-len(prefix[i]))
			k := 0
			for j, t := range ts {
				if k < len(prefix[i]) && prefix[i][k] == int32(j) {
					k++
					continue
				}
				rt = append(rt, t)
			}
			restTerms[i] = rt
		}
	})
	// Each index covers a run of consecutive numbers (the undated docs,
	// then each block's): build each by counting its postings by term,
	// then filling them in by doc. (Building them on both CPUs was slower
	// than on one: 0.44-0.69 s against 0.31-0.41 s.)
	type span struct {
		ix     *termIndex
		lo, hi int
	}
	var spans []span
	for i := 0; i < n; {
		ix, j := indexOf(i), i+1
		for j < n && indexOf(j) == ix {
			j++
		}
		spans = append(spans, span{ix, i, j})
		i = j
	}
	var ids []int32 // each posting's term number, in order
	for _, sp := range spans {
		m := 0
		for i := sp.lo; i < sp.hi; i++ {
			m += len(prefix[i])
		}
		ids = slices.Grow(ids[:0], m)
		for i := sp.lo; i < sp.hi; i++ {
			ts := docs[idx[pos[i]]].terms
			for _, j := range prefix[i] {
				ids = append(ids, sp.ix.count(ts[j].h))
			}
		}
		next := sp.ix.layout()
		k := 0
		for i := sp.lo; i < sp.hi; i++ {
			ts := docs[idx[pos[i]]].terms
			for _, j := range prefix[i] {
				id := ids[k]
				k++
				sp.ix.post[next[id]] = newPosting(int32(i), ts[j].w)
				next[id]++
			}
		}
	}
	// Query each doc's whole vector against the prefixes of the docs
	// numbered before it. Each chunk of docs fills its own slots of out.
	out := make([][]cluster.Edge, n)
	const chunk = 64
	dedupParallel((n+chunk-1)/chunk, func() func(c int) {
		acc := make([]accum, n)
		usum := make([]float64, undated) // a dated query's sums for the undated docs
		var cands []int32
		// A query's postings lists, for each term: the undated index's,
		// and for a dated query its previous and own block's.
		var lists [][]posting
		var qt queryTable
		return func(c int) {
			for i := c * chunk; i < min((c+1)*chunk, n); i++ {
				a := &docs[idx[pos[i]]]
				cands = cands[:0]
				qt.reset()
				// All the lookups first, then the postings: the table
				// reads, which miss the cache, overlap in a loop of their
				// own (-5% for this loop on AllSides 20k).
				lists = lists[:0]
				if i < undated {
					for _, t := range a.terms {
						lists = append(lists, undatedIndex.lookup(t.h))
					}
					for k, t := range a.terms {
						cands = scanPostings(lists[k], int32(i), t.w, acc, cands)
					}
				} else {
					b := block(i)
					prev, own := blocks[b-1], blocks[b]
					for _, t := range a.terms {
						lists = append(lists, undatedIndex.lookup(t.h), prev.lookup(t.h), own.lookup(t.h))
					}
					for k, t := range a.terms {
						addPostings(lists[3*k], t.w, usum)
						cands = scanPostings(lists[3*k+1], int32(i), t.w, acc, cands)
						cands = scanPostings(lists[3*k+2], int32(i), t.w, acc, cands)
					}
					// The undated docs (all numbered below i) were summed
					// in usum, dense, without noting which were hit: take
					// those whose sum is not 0 (moved to acc, as the docs
					// scanPostings found). A doc whose sum is 0 shares no
					// indexed term with this one (or only products that are
					// 0), so its bound below is its rest, less than
					// restShare x floor. This pass reads every undated
					// doc's sum, which is little next to the postings: in
					// AllSides 20k each dated query reads ~88,000 undated
					// postings for 2,297 undated docs.
					for j, s := range usum {
						if s != 0 {
							acc[j].sum = s
							usum[j] = 0
							cands = append(cands, int32(j))
						}
					}
				}
				var es []cluster.Edge
				for _, j := range cands {
					// The cosine is the indexed part (acc) plus at most the
					// rest's norm; the time factor only lowers it.
					// postingRound covers the rounding of the weights in
					// postings.
					if bound := acc[j].sum*postingRound + rest[j]; bound >= floor {
						b := &docs[idx[pos[j]]]
						if decay := p.timeDecay(b.published, a.published); bound*decay >= floor &&
							qt.dot(a.terms, acc[j].sum, restTerms[j])*postingRound*decay >= floor {
							if s := p.storySim(b, a); s >= floor {
								x, y := int(pos[j]), int(pos[i])
								es = append(es, cluster.Edge{A: min(x, y), B: max(x, y), Sim: s})
							}
						}
					}
					acc[j].sum = 0
				}
				out[i] = es
			}
		}
	})
	var total int
	for _, es := range out {
		total += len(es)
	}
	edges := make([]cluster.Edge, 0, total)
	for _, es := range out {
		edges = append(edges, es...)
	}
	slices.SortFunc(edges, func(a, b cluster.Edge) int {
		if c := cmp.Compare(a.B, b.B); c != 0 {
			return c
		}
		return cmp.Compare(a.A, b.A)
	})
	return edges
}

// queryTable is a query's terms in a termIndex, for the dot product of a
// candidate's unindexed terms with the query: with the candidate's indexed
// part (acc), the cosine but for the rounding of the postings' weights,
// which postingRound covers. A candidate whose cosine is then below the
// floor needs no verification by storySim. It is built for a query when its
// first candidate needs it.
type queryTable struct {
	built bool
	terms termIndex
	w     []float64 // weights by term number
}

func (q *queryTable) reset() { q.built = false }

// dot returns indexed plus the dot product of rest with the query ts.
func (q *queryTable) dot(ts []term, indexed float64, rest []term) float64 {
	if !q.built {
		q.terms.reset(len(ts))
		q.w = q.w[:0]
		for _, t := range ts { // a vector's terms are distinct
			q.terms.count(t.h)
			q.w = append(q.w, t.w)
		}
		q.built = true
	}
	s := indexed
	for _, t := range rest {
		if sl := &q.terms.slots[q.terms.slot(t.h)]; sl.n != 0 {
			s += t.w * q.w[sl.start]
		}
	}
	return s
}

// posting is one indexed term of a doc: its number in storyEdges in the
// top 32 bits, and the term's weight as a float32 in the low ones. Half the
// size of an (int32, float64) pair, so a scan reads half the memory.
type posting uint64

func newPosting(doc int32, w float64) posting {
	return posting(uint64(uint32(doc))<<32 | uint64(math.Float32bits(float32(w))))
}

// termIndex is an inverted index of term hashes for storyEdges: an
// open-addressing hash table of the terms, at most half full, each slot
// with the range of its term's postings in one array, in the order they
// were added. It is built in two steps: count every posting (which numbers
// the terms), then layout, which says where each term's postings go.
type termIndex struct {
	slots []termSlot
	shift uint
	used  int
	post  []posting
}

// termSlot is a term and its postings, post[start:start+n]; n is 0 for an
// empty slot. While postings are counted, start is the term's number.
type termSlot struct {
	h        uint64
	start, n int32
}

// slot returns the slot of term h, or the empty slot where it would go.
// A term's home slot is the top bits of its hash, which is uniform already:
// a vector's terms, sorted by hash, are then looked up (and counted) in
// table order rather than all over it. (Against a multiplicative hash of
// h: BenchmarkStageStories n=5000 -5.3%, p=0.001.) A content term and its
// name-part twin, which differ in the lowest bit, share a home slot and so
// sit side by side.
func (x *termIndex) slot(h uint64) int {
	mask := len(x.slots) - 1
	i := int(h >> x.shift)
	for x.slots[i].n != 0 && x.slots[i].h != h {
		i = (i + 1) & mask
	}
	return i
}

// reset empties x, sized for n terms.
func (x *termIndex) reset(n int) {
	size := 64
	for size < 2*(n+1) {
		size *= 2
	}
	if cap(x.slots) >= size {
		x.slots = x.slots[:size]
		clear(x.slots)
	} else {
		x.slots = make([]termSlot, size)
	}
	x.shift = uint(64 - bits.Len(uint(size-1)))
	x.used, x.post = 0, nil
}

// count notes one more posting of term h and returns the term's number:
// the terms are numbered from 0 in the order they are first counted.
func (x *termIndex) count(h uint64) int32 {
	if 2*(x.used+1) > len(x.slots) {
		old := x.slots
		size := max(64, 2*len(old))
		x.slots = make([]termSlot, size)
		x.shift = uint(64 - bits.Len(uint(size-1)))
		for _, s := range old {
			if s.n != 0 {
				x.slots[x.slot(s.h)] = s
			}
		}
	}
	s := &x.slots[x.slot(h)]
	if s.n == 0 {
		s.h, s.start = h, int32(x.used)
		x.used++
	}
	s.n++
	return s.start
}

// layout gives each term its range of postings, once all are counted, and
// returns where the first posting of each term (by number) goes in post.
// Filling them in by these positions, each incremented as it is used,
// needs no lookup in the table.
func (x *termIndex) layout() []int32 {
	next := make([]int32, x.used)
	for _, s := range x.slots {
		if s.n != 0 {
			next[s.start] = s.n
		}
	}
	total := int32(0)
	for id, c := range next {
		next[id] = total
		total += c
	}
	for i := range x.slots {
		if s := &x.slots[i]; s.n != 0 {
			s.start = next[s.start]
		}
	}
	x.post = make([]posting, total)
	return next
}

// lookup returns the postings of term h (nil for a nil x).
func (x *termIndex) lookup(h uint64) []posting {
	if x == nil || len(x.slots) == 0 {
		return nil
	}
	s := &x.slots[x.slot(h)]
	return x.post[s.start : s.start+s.n]
}

// postingRound bounds what rounding the weights to float32 can take from an
// indexed dot product of non-negative weights: each weight loses at most 2⁻²⁴
// of itself, so the sum at most 2⁻²⁴ of the true sum; the sums themselves,
// in float64, lose far less.
const postingRound = 1 + 1e-6

// accum is a candidate's indexed dot product so far, and the query (its
// number + 1) for which it was last seen: one cache line for both.
type accum struct {
	sum  float64
	seen int32
}

// scanPostings adds the contributions of one query term of weight w to the
// docs numbered below i in ps, appending first-seen docs to cands.
func scanPostings(ps []posting, i int32, w float64, acc []accum, cands []int32) []int32 {
	for _, q := range ps {
		d := int32(q >> 32)
		if d >= i {
			break
		}
		a := &acc[d]
		if a.seen != i+1 {
			a.seen = i + 1
			cands = append(cands, d)
		}
		a.sum += w * float64(math.Float32frombits(uint32(q)))
	}
	return cands
}

// addPostings adds the contributions of one query term of weight w to the
// sums of the docs in ps, which must all be numbered below the query, as
// scanPostings does but without noting which are new.
func addPostings(ps []posting, w float64, sums []float64) {
	// Four at a time, for fewer loop branches: in CPU profiles of cluster
	// on AllSides 20k, one core, 0.90-1.08 s against 1.11-1.42 s. Each sum
	// still gets its products in posting order.
	for len(ps) >= 4 {
		q0, q1, q2, q3 := ps[0], ps[1], ps[2], ps[3]
		sums[q0>>32] += w * float64(math.Float32frombits(uint32(q0)))
		sums[q1>>32] += w * float64(math.Float32frombits(uint32(q1)))
		sums[q2>>32] += w * float64(math.Float32frombits(uint32(q2)))
		sums[q3>>32] += w * float64(math.Float32frombits(uint32(q3)))
		ps = ps[4:]
	}
	for _, q := range ps {
		sums[q>>32] += w * float64(math.Float32frombits(uint32(q)))
	}
}

// timeBlock returns the number of the block of width window (counted from
// the Unix epoch) that t falls in. Two times less than window apart are in
// the same or adjacent blocks.
func timeBlock(t time.Time, window time.Duration) int64 {
	return int64(math.Floor(float64(t.Unix()) / window.Seconds()))
}

// timeWindow returns the publication gap beyond which the time factor alone
// keeps a story similarity below floor, or 0 when there is none (the decay
// is off).
func (p *Pipeline) timeWindow(floor float64) time.Duration {
	if p.cfg.TimeScale < 0 || floor <= 0 {
		return 0
	}
	// exp(-(gap-grace)/scale) < floor  <=>  gap > grace + scale*ln(1/floor);
	// a minute of margin for rounding.
	return p.cfg.TimeGrace + time.Duration(float64(p.cfg.TimeScale)*math.Log(1/floor)) + time.Minute
}
