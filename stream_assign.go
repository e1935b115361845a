package storyclust

import (
	"cmp"
	"math"
	"slices"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/similarity"
)

// maxRegroup bounds the representatives of the stories regrouped around a
// new article (see Index): past it, the article joins its best story
// without regrouping.
const maxRegroup = 128

// plan is the decision for one article, computed without changing the
// state (so that a shared index can throw it away) and applied by apply.
type plan struct {
	dupOf     int32 // representative, or -1
	sim       float64
	story     int32 // story to join without regrouping; -1 for a new one
	storyKeys []uint64
	normSq    [2]float64
	dfv       uint64 // dfVersion the refreshed norms were computed at
	refresh   []normRefresh

	// Regrouping: the stories taken apart and the new grouping of their
	// representatives (slots; -1 stands for the new article).
	near   []int32
	blocks [][]int32

	merged, moved []string // filled by apply
}

type normRefresh struct {
	s      int32
	normSq [2]float64
}

// plan decides where an article goes.
func (st *state) plan(f *features) *plan {
	pl := &plan{dupOf: -1, story: -1, dfv: st.dfVersion}
	if best, c := st.findDuplicate(f); best >= 0 {
		rep := best
		if r := st.arts[best].dupOf; r >= 0 {
			rep = r
		}
		pl.dupOf, pl.sim, pl.story = rep, c, st.arts[rep].story
		return pl
	}
	ix := st.ix
	w, idfs, norm := st.weigh(f.terms, f.tfw, true)
	pl.normSq = norm
	pl.storyKeys = st.storyKeys(f.terms, w)
	if norm == [2]float64{} {
		return pl
	}
	nw := ix.p.cfg.NameWeight
	sf := partScales(norm, nw)
	type acc struct {
		story int32
		sum   float64
	}
	var sums []acc
	pos := map[int32]int{}
	tab := st.termTable(f.terms)
	for _, c := range st.storyCandidates(pl.storyKeys) {
		cr := &st.arts[c]
		var dot [2]float64
		for j, t := range cr.terms {
			if tab.bits[(t>>6)&(termBits/64-1)]&(1<<(t&63)) == 0 {
				continue
			}
			if i := tab.find(t); i >= 0 {
				dot[t&nameBit] += w[i] * float64(cr.tfw[j]) * idfs[i]
			}
		}
		if dot[0] <= 0 && dot[1] <= 0 {
			continue
		}
		sc := partScales(st.norm(c, pl), nw)
		cos := dot[0]*sf[0]*sc[0] + dot[1]*sf[1]*sc[1]
		if cos <= 0 {
			continue
		}
		s := min(cos, 1) * ix.p.timeDecay(fromNanos(f.published), fromNanos(cr.published))
		if s < ix.p.edgeFloor() {
			continue // no evidence, as in the batch
		}
		k, ok := pos[cr.story]
		if !ok {
			k = len(sums)
			pos[cr.story] = k
			sums = append(sums, acc{story: cr.story})
		}
		sums[k].sum += s
	}
	type cand struct {
		story int32
		avg   float64
	}
	var qual []cand
	for _, a := range sums {
		avg := a.sum / float64(st.stories[a.story].reps)
		pl.sim = max(pl.sim, avg)
		if 1-avg <= ix.cfg.StoryCut {
			qual = append(qual, cand{a.story, avg})
		}
	}
	if len(qual) == 0 {
		return pl
	}
	slices.SortFunc(qual, func(a, b cand) int {
		if c := cmp.Compare(b.avg, a.avg); c != 0 {
			return c
		}
		return cmp.Compare(st.stories[a.story].seq, st.stories[b.story].seq)
	})
	total := 0
	for _, q := range qual {
		if r := int(st.stories[q.story].reps); total+r <= maxRegroup {
			pl.near = append(pl.near, q.story)
			total += r
		} else if total == 0 {
			break
		}
	}
	if len(pl.near) == 0 {
		// The best story is too large to regroup: join it.
		pl.story = qual[0].story
		return pl
	}
	st.planRegroup(pl, f, w, sf)
	return pl
}

// planRegroup clusters the new article with the representatives of the
// stories in pl.near the way the batch pipeline clusters a batch: average
// linkage with the StoryCut cut over the LSH-candidate pairs, scored with
// the current document frequencies.
func (st *state) planRegroup(pl *plan, f *features, w []float64, sf [2]float64) {
	type node struct {
		slot  int32
		terms []uint64
		w     []float64 // normalized TF-IDF weights
		keys  []uint64
		pub   int64
	}
	aw := make([]float64, len(w))
	for i := range w {
		aw[i] = w[i] * sf[f.terms[i]&nameBit]
	}
	nodes := []node{{slot: -1, terms: f.terms, w: aw, keys: pl.storyKeys, pub: f.published}}
	for _, s := range pl.near {
		var reps []int32
		for _, m := range st.stories[s].members {
			if st.arts[m].dupOf < 0 {
				reps = append(reps, m)
			}
		}
		slices.SortFunc(reps, func(a, b int32) int { return cmp.Compare(st.arts[a].seq, st.arts[b].seq) })
		for _, m := range reps {
			r := &st.arts[m]
			mw, _, nsq := st.weigh(r.terms, r.tfw, false)
			sc := partScales(nsq, st.ix.p.cfg.NameWeight)
			for i, t := range r.terms {
				mw[i] *= sc[t&nameBit]
			}
			nodes = append(nodes, node{slot: m, terms: r.terms, w: mw, keys: r.storyKeys, pub: r.published})
		}
	}
	p := st.ix.p
	var edges []cluster.Edge
	for i := range nodes {
		a := &nodes[i]
		for j := i + 1; j < len(nodes); j++ {
			b := &nodes[j]
			if !shareBand(a.keys, b.keys) {
				continue
			}
			d := 0.0
			x, y := 0, 0
			for x < len(a.terms) && y < len(b.terms) {
				switch {
				case a.terms[x] < b.terms[y]:
					x++
				case a.terms[x] > b.terms[y]:
					y++
				default:
					d += a.w[x] * b.w[y]
					x++
					y++
				}
			}
			if d <= 0 {
				continue
			}
			sim := min(d, 1) * p.timeDecay(fromNanos(a.pub), fromNanos(b.pub))
			if sim >= p.edgeFloor() {
				edges = append(edges, cluster.Edge{A: i, B: j, Sim: sim})
			}
		}
	}
	lab, err := p.clusterer.Cluster(nil, len(nodes), edges)
	if err != nil {
		// Cannot happen with these edges; fall back to joining the best.
		pl.story, pl.near = pl.near[0], nil
		return
	}
	index := map[int]int{}
	for i, l := range lab {
		b, ok := index[l]
		if !ok {
			b = len(pl.blocks)
			index[l] = b
			pl.blocks = append(pl.blocks, nil)
		}
		pl.blocks[b] = append(pl.blocks[b], nodes[i].slot)
	}
	// The article's own similarity: its average over the other members of
	// its new story (pairs that are not candidates counting 0).
	if n := len(pl.blocks[0]) - 1; n > 0 {
		sum := 0.0
		for _, e := range edges {
			if e.A == 0 && lab[e.B] == lab[0] {
				sum += e.Sim
			}
		}
		pl.sim = sum / float64(n)
	}
}

// applyRegroup carries out a regrouping; s is the new article's slot.
// Each new group keeps the id of the old story it holds most members of
// (ties to the older story); a group left without one becomes a new story,
// founded by the new article if it is in it, else by its earliest member.
// Old stories that keep no member are reported as merged, articles whose
// story changed as moved.
func (st *state) applyRegroup(pl *plan, s int32) {
	blocks := pl.blocks
	for _, bl := range blocks {
		for i, m := range bl {
			if m < 0 {
				bl[i] = s
			}
		}
	}
	type claim struct {
		block int
		story int32
		n     int
	}
	var claims []claim
	for b, bl := range blocks {
		for _, m := range bl {
			if m == s {
				continue
			}
			o := st.arts[m].story
			k := slices.IndexFunc(claims, func(c claim) bool { return c.block == b && c.story == o })
			if k < 0 {
				claims = append(claims, claim{block: b, story: o})
				k = len(claims) - 1
			}
			claims[k].n++
		}
	}
	slices.SortFunc(claims, func(a, b claim) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		if c := cmp.Compare(st.stories[a.story].seq, st.stories[b.story].seq); c != 0 {
			return c
		}
		return cmp.Compare(a.block, b.block)
	})
	target := make([]int32, len(blocks))
	for i := range target {
		target[i] = -1
	}
	for _, c := range claims {
		if target[c.block] < 0 && !slices.Contains(target, c.story) {
			target[c.block] = c.story
		}
	}
	// Old membership, before the lists are rebuilt.
	type member struct{ slot, old int32 }
	var all []member
	for _, o := range pl.near {
		for _, m := range st.stories[o].members {
			all = append(all, member{m, o})
		}
		st.stories[o].members = nil
		st.stories[o].reps = 0
	}
	all = append(all, member{s, -1})
	for b, bl := range blocks {
		if target[b] >= 0 {
			continue
		}
		founder := bl[0]
		for _, m := range bl {
			if m == s || (founder != s && st.arts[m].seq < st.arts[founder].seq) {
				founder = m
			}
		}
		target[b] = st.newStory(st.arts[founder].id)
		if founder == s {
			st.arts[s].founded = true
		}
	}
	blockOf := make(map[int32]int, len(all))
	for b, bl := range blocks {
		for _, m := range bl {
			blockOf[m] = b
		}
	}
	slices.SortFunc(all, func(a, b member) int { return cmp.Compare(st.arts[a.slot].seq, st.arts[b.slot].seq) })
	for _, mb := range all {
		r := &st.arts[mb.slot]
		rep := mb.slot
		if r.dupOf >= 0 {
			rep = r.dupOf
		}
		t := target[blockOf[rep]]
		r.story = t
		sr := &st.stories[t]
		sr.members = append(sr.members, mb.slot)
		if r.dupOf < 0 {
			sr.reps++
		}
		if mb.old >= 0 && mb.old != t {
			pl.moved = append(pl.moved, r.id)
		}
	}
	for _, o := range pl.near {
		if len(st.stories[o].members) == 0 {
			pl.merged = append(pl.merged, st.stories[o].id)
			st.dropStory(o)
		}
	}
	slices.Sort(pl.moved)
	slices.Sort(pl.merged)
}

// findDuplicate returns the indexed article the features duplicate (the
// highest containment, ties to the earliest added) and the containment, or
// -1.
func (st *state) findDuplicate(f *features) (int32, float64) {
	best, bestC := int32(-1), 0.0
	consider := func(s int32, c float64) {
		if best < 0 || c > bestC || (c == bestC && st.arts[s].seq < st.arts[best].seq) {
			best, bestC = s, c
		}
	}
	var one [1]int32
	if f.exact != 0 {
		for _, s := range st.exact.get(f.exact, &one) {
			if slices.Equal(st.arts[s].dup, f.dup) {
				consider(s, 1)
			}
		}
		return best, bestC
	}
	if len(f.dupKeys) == 0 {
		return -1, 0
	}
	st.nextEpoch()
	t := st.ix.cfg.DupThreshold
	for _, k := range f.dupKeys {
		for _, s := range st.dupB.get(k, &one) {
			if st.mark[s] == st.epoch {
				continue
			}
			st.mark[s] = st.epoch
			a, b := f.dup, st.arts[s].dup
			if len(a) > len(b) {
				a, b = b, a
			}
			if c := containment32(a, b); c >= t {
				consider(s, c)
			}
		}
	}
	return best, bestC
}

// weigh returns the TF-IDF weights of a term vector, the idf of each term
// and the squared norms of its content and name parts (see nameBit). With self, the document frequencies count the
// article itself (it is about to be indexed).
func (st *state) weigh(terms []uint64, tfw []float32, self bool) (w, idfs []float64, normSq [2]float64) {
	n := float64(st.n)
	var one float64
	if self {
		n, one = n+1, 1
	}
	w = make([]float64, len(terms))
	idfs = make([]float64, len(terms))
	ln1n := math.Log1p(n)
	for i, t := range terms {
		id := ln1n - log1p(float64(st.df[t])+one)
		idfs[i] = id
		w[i] = float64(tfw[i]) * id
		normSq[t&nameBit] += w[i] * w[i]
	}
	return w, idfs, normSq
}

// storyKeys signs the TopTerms heaviest terms and returns their story-tier
// band keys.
func (st *state) storyKeys(terms []uint64, w []float64) []uint64 {
	ts := make([]term, len(terms))
	for i := range terms {
		ts[i] = term{h: terms[i], w: w[i]}
	}
	top := topTerms(ts, st.ix.cfg.TopTerms)
	if len(top) == 0 {
		return nil
	}
	p := st.ix.p
	sig := p.signer.Sign(make(similarity.Signature, 0, p.cfg.K), top)
	return bandKeys(nil, sig, p.storyLSH.Bands, p.storyLSH.Rows)
}

// norm returns a representative's squared part norms, recomputing them (into
// pl.refresh) when the document frequencies changed by more than 1/16 of
// the index since it was cached. (idf moves by about ln(1+x) when the
// index grows by a fraction x, so the norm is off by a few percent at most.)
func (st *state) norm(s int32, pl *plan) [2]float64 {
	r := &st.arts[s]
	if r.normAt != 0 && (st.dfVersion-r.normAt)*16 <= uint64(st.n) {
		return r.normSq
	}
	_, _, nsq := st.weigh(r.terms, r.tfw, false)
	pl.refresh = append(pl.refresh, normRefresh{s, nsq})
	return nsq
}

func (st *state) nextEpoch() {
	st.epoch++
	if st.epoch == 0 {
		clear(st.mark)
		st.epoch = 1
	}
	if len(st.mark) < len(st.arts) {
		st.mark = append(st.mark, make([]uint32, len(st.arts)-len(st.mark))...)
		st.cnt = append(st.cnt, make([]uint16, len(st.arts)-len(st.cnt))...)
	}
}

// storyCandidates returns the representatives sharing a story band with
// the keys: at most MaxCandidates, those sharing the most bands first, ties
// to the earliest added.
func (st *state) storyCandidates(keys []uint64) []int32 {
	st.nextEpoch()
	var (
		out []int32
		one [1]int32
	)
	for _, k := range keys {
		for _, s := range st.storyB.get(k, &one) {
			if st.mark[s] != st.epoch {
				st.mark[s] = st.epoch
				st.cnt[s] = 0
				out = append(out, s)
			}
			st.cnt[s]++
		}
	}
	m := st.ix.cfg.MaxCandidates
	if len(out) <= m {
		slices.SortFunc(out, st.byCountThenSeq)
		return out
	}
	// Select the m best without sorting them all: find the count at which
	// the top m end, keep everything above it and the earliest of the
	// articles at it.
	hist := make([]int32, st.ix.p.storyLSH.Bands+1)
	maxc := uint16(0)
	for _, s := range out {
		hist[st.cnt[s]]++
		maxc = max(maxc, st.cnt[s])
	}
	c, above := maxc, 0
	for ; c > 0 && above+int(hist[c]) < m; c-- {
		above += int(hist[c])
	}
	sel := out[:0:0]
	var tie []int32
	for _, s := range out {
		switch {
		case st.cnt[s] > c:
			sel = append(sel, s)
		case st.cnt[s] == c:
			tie = append(tie, s)
		}
	}
	slices.SortFunc(tie, st.byCountThenSeq)
	sel = append(sel, tie[:m-len(sel)]...)
	slices.SortFunc(sel, st.byCountThenSeq)
	return sel
}

func (st *state) byCountThenSeq(a, b int32) int {
	if c := cmp.Compare(st.cnt[b], st.cnt[a]); c != 0 {
		return c
	}
	return cmp.Compare(st.arts[a].seq, st.arts[b].seq)
}

// shareBand reports whether two articles' story band keys agree in some
// band, that is, whether LSH makes them candidates.
func shareBand(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] == b[i] {
			return true
		}
	}
	return false
}

const termBits = 1 << 14

// termTable finds a term's position in a sorted term list: open addressing
// on the (already uniformly distributed) term hash, at most half full. It
// reuses the state's scratch table.
func (st *state) termTable(terms []uint64) *termTable {
	t := &st.tab
	size := 64
	for size < 2*len(terms) {
		size *= 2
	}
	if cap(t.keys) < size {
		t.keys = make([]uint64, size)
		t.pos = make([]int32, size)
	}
	t.keys, t.pos = t.keys[:size], t.pos[:size]
	clear(t.pos)
	t.mask = uint64(size - 1)
	clear(t.bits[:])
	for i, h := range terms {
		t.bits[(h>>6)&(termBits/64-1)] |= 1 << (h & 63)
		j := h & t.mask
		for t.pos[j] != 0 {
			j = (j + 1) & t.mask
		}
		t.keys[j], t.pos[j] = h, int32(i+1)
	}
	return t
}

type termTable struct {
	bits [termBits / 64]uint64 // a Bloom filter with one hash: most probes stop here
	keys []uint64
	pos  []int32 // position+1; 0 is empty
	mask uint64
}

func (t *termTable) find(h uint64) int {
	j := h & t.mask
	for {
		p := t.pos[j]
		if p == 0 {
			return -1
		}
		if t.keys[j] == h {
			return int(p - 1)
		}
		j = (j + 1) & t.mask
	}
}

// log1p is math.Log1p, from a table for the small integers document
// frequencies mostly are.
func log1p(x float64) float64 {
	if x < float64(len(log1pTable)) {
		return log1pTable[int(x)]
	}
	return math.Log1p(x)
}

var log1pTable = func() *[4096]float64 {
	var t [4096]float64
	for i := range t {
		t[i] = math.Log1p(float64(i))
	}
	return &t
}()
