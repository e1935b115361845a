package storyclust

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/storyclust/storyclust/cluster"
)

// features is what the Index keeps of an article: everything the
// assignment of later articles needs, derived from the article once.
// It is also the payload of an "add" operation in the shared log.
type features struct {
	id        string
	title     string
	published int64 // Unix ns, 0 unknown
	expires   int64 // eviction time: published, or when it was added
	length    int32 // tokens of the cleaned text
	dup       []uint32
	dupKeys   []uint64 // duplicate-tier LSH band keys; nil for short texts
	exact     uint64   // short texts: hash of the whole shingle set
	terms     []uint64 // story terms, ascending
	tfw       []float32
	lines     []uint64 // counted line hashes

	// Analysis inputs, not kept.
	sl  *streamLines
	rep []bool
}

// artRec is an indexed article.
type artRec struct {
	features
	seq       uint64 // arrival order, from 1; never reused
	story     int32
	dupOf     int32 // representative's slot, -1 for a representative
	sim       float32
	founded   bool
	storyKeys []uint64   // story-tier LSH band keys (representatives)
	dups      []int32    // a representative's duplicates
	normSq    [2]float64 // cached squared norms of the TF-IDF vector's parts (content, names)
	normAt    uint64     // dfVersion when normSq was computed
}

type storyRec struct {
	id      string
	seq     uint64 // creation order, from 1
	members []int32
	reps    int32 // members that are representatives
}

// state is the Index's data. Slots index arts and stories; a freed slot is
// reused. Decisions never depend on slot numbers (ties go to seq), so
// compaction and snapshots may renumber them.
type state struct {
	ix *Index

	arts      []artRec
	freeArts  []int32
	live      int
	peak      int
	byID      map[string]int32
	stories   []storyRec
	freeStory []int32
	storyByID map[string]int32

	dupB   bucketTable
	storyB bucketTable
	exact  bucketTable
	df     map[uint64]int32
	n      int32 // representatives (documents of the df)
	lines  map[uint64]int32
	expiry expiryHeap

	seq, storySeq uint64
	dfVersion     uint64
	latest        int64  // latest publication time seen
	logSeq        uint64 // shared-log operations applied

	// scratch: candidate counting, indexed by slot, and a term table
	tab   termTable
	mark  []uint32
	cnt   []uint16
	epoch uint32
}

func (ix *Index) newState(hint int) *state {
	return &state{
		ix:        ix,
		byID:      make(map[string]int32, hint),
		storyByID: make(map[string]int32, hint/2),
		dupB:      newBucketTable(hint * ix.p.dupLSH.Bands),
		storyB:    newBucketTable(hint * ix.p.storyLSH.Bands),
		exact:     newBucketTable(0),
		df:        make(map[uint64]int32, hint*8),
		lines:     make(map[uint64]int32, hint*8),
	}
}

func (st *state) lineCount(h uint64) int32 { return st.lines[h] }

// prepare starts an Add: the fields taken as they are and the line split.
func (ix *Index) prepare(a *Article) *features {
	f := &features{id: a.ID, title: storyTitle(a)}
	if ns, ok := toNanos(a.Published); ok {
		f.published = ns
	}
	f.expires = f.published
	sl := splitLines(a, ix.cfg.Seed)
	f.sl = &sl
	return f
}

// analyze derives the features from the cleaned text (f.rep decides the
// repeated lines). It reads no index state.
func (ix *Index) analyze(a *Article, f *features) {
	var d doc
	ix.p.analyzeOne(&d, a, 0, f.sl.text(f.rep), nil, analyzeOpt{stories: true, full: true})
	f.length = int32(d.length)
	f.dup = foldShingles(d.full)
	f.dupKeys, f.exact = nil, 0
	switch {
	case len(d.full) >= ix.cfg.DupMinShingles:
		sig := ix.p.dupSigner.Sign(nil, d.full)
		f.dupKeys = bandKeys(nil, sig, ix.p.dupLSH.Bands, ix.p.dupLSH.Rows)
	case len(d.full) > 0:
		f.exact = exactKey(f.dup)
	}
	f.terms = make([]uint64, len(d.tf))
	f.tfw = make([]float32, len(d.tf))
	for i, t := range d.tf {
		f.terms[i], f.tfw[i] = t.h, float32(t.w)
	}
	f.lines = f.sl.uniq
}

// foldShingles keeps 32 bits of each shingle hash, sorted and unique: half
// the memory, and a chance of about |b|/2³² per shingle of a false match in
// a containment test.
func foldShingles(s []uint64) []uint32 {
	out := make([]uint32, len(s))
	for i, x := range s {
		out[i] = uint32(x ^ x>>32)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func exactKey(s []uint32) uint64 {
	h := uint64(len(s))
	for _, x := range s {
		h = mix64(h*0x9e3779b185ebca87 + uint64(x))
	}
	if h == 0 {
		h = 1
	}
	return h
}

func containment32(a, b []uint32) float64 {
	if len(a) == 0 {
		return 0
	}
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return float64(n) / float64(len(a))
}

// apply carries out a plan and returns the new article's slot.
func (st *state) apply(f *features, pl *plan) int32 {
	s := st.allocArt()
	st.seq++
	r := &st.arts[s]
	*r = artRec{features: *f, seq: st.seq, dupOf: pl.dupOf, sim: float32(pl.sim), story: -1}
	r.sl, r.rep = nil, nil
	st.byID[r.id] = s
	for _, h := range r.lines {
		st.lines[h]++
	}
	for _, k := range r.dupKeys {
		st.dupB.add(k, s)
	}
	if r.exact != 0 {
		st.exact.add(r.exact, s)
	}
	if pl.dupOf >= 0 {
		rep := &st.arts[pl.dupOf]
		rep.dups = append(rep.dups, s)
		r.story = rep.story
		sr := &st.stories[r.story]
		sr.members = append(sr.members, s)
	} else {
		for _, x := range pl.refresh {
			st.arts[x.s].normSq, st.arts[x.s].normAt = x.normSq, pl.dfv
		}
		st.addTerms(r)
		r.normSq, r.normAt = pl.normSq, st.dfVersion
		r.storyKeys = pl.storyKeys
		for _, k := range r.storyKeys {
			st.storyB.add(k, s)
		}
		if pl.blocks != nil {
			st.applyRegroup(pl, s)
		} else {
			if pl.story < 0 {
				pl.story = st.newStory(r.id)
				r.founded = true
			}
			r.story = pl.story
			sr := &st.stories[r.story]
			sr.members = append(sr.members, s)
			sr.reps++
		}
	}
	st.expiry.push(expiryEntry{r.expires, r.seq, s})
	st.latest = max(st.latest, r.published)
	st.live++
	st.peak = max(st.peak, st.live)
	return s
}

func (st *state) allocArt() int32 {
	if n := len(st.freeArts); n > 0 {
		s := st.freeArts[n-1]
		st.freeArts = st.freeArts[:n-1]
		return s
	}
	st.arts = append(st.arts, artRec{})
	return int32(len(st.arts) - 1)
}

func (st *state) addTerms(r *artRec) {
	for _, t := range r.terms {
		st.df[t]++
	}
	st.n++
	st.dfVersion++
}

func (st *state) removeTerms(r *artRec) {
	for _, t := range r.terms {
		if c := st.df[t]; c <= 1 {
			delete(st.df, t)
		} else {
			st.df[t] = c - 1
		}
	}
	st.n--
	st.dfVersion++
}

// newStory creates a story founded by the article id. Its id is
// cluster.StableID of the founder's id; should a live story hold that id
// already (the founder was removed and added again), the seq makes it
// unique.
func (st *state) newStory(founder string) int32 {
	st.storySeq++
	id := cluster.StableID([]string{founder})
	for k := 0; ; k++ {
		if _, taken := st.storyByID[id]; !taken {
			break
		}
		id = cluster.StableID([]string{founder + "#" + strconv.FormatUint(st.storySeq, 10) + "." + strconv.Itoa(k)})
	}
	var s int32
	if n := len(st.freeStory); n > 0 {
		s = st.freeStory[n-1]
		st.freeStory = st.freeStory[:n-1]
	} else {
		st.stories = append(st.stories, storyRec{})
		s = int32(len(st.stories) - 1)
	}
	st.stories[s] = storyRec{id: id, seq: st.storySeq}
	st.storyByID[id] = s
	return s
}

func (st *state) dropStory(s int32) {
	delete(st.storyByID, st.stories[s].id)
	st.stories[s] = storyRec{}
	st.freeStory = append(st.freeStory, s)
}

// remove takes an article out of every structure.
func (st *state) remove(s int32) {
	r := &st.arts[s]
	story := r.story
	if r.dupOf < 0 {
		for _, k := range r.storyKeys {
			st.storyB.remove(k, s)
		}
		st.removeTerms(r)
		st.stories[story].reps--
		if len(r.dups) > 0 {
			st.promote(r.dups)
		}
	} else {
		rep := &st.arts[r.dupOf]
		if i := slices.Index(rep.dups, s); i >= 0 {
			rep.dups = slices.Delete(rep.dups, i, i+1)
		}
	}
	for _, k := range r.dupKeys {
		st.dupB.remove(k, s)
	}
	if r.exact != 0 {
		st.exact.remove(r.exact, s)
	}
	for _, h := range r.lines {
		if c := st.lines[h]; c <= 1 {
			delete(st.lines, h)
		} else {
			st.lines[h] = c - 1
		}
	}
	sr := &st.stories[story]
	if i := slices.Index(sr.members, s); i >= 0 {
		sr.members = slices.Delete(sr.members, i, i+1)
	}
	if len(sr.members) == 0 {
		st.dropStory(story)
	}
	delete(st.byID, r.id)
	st.arts[s] = artRec{}
	st.freeArts = append(st.freeArts, s)
	st.live--
}

// promote makes the earliest of a departing representative's duplicates
// the group's representative and enters it in the story tier.
func (st *state) promote(dups []int32) {
	first := dups[0]
	for _, d := range dups[1:] {
		if st.arts[d].seq < st.arts[first].seq {
			first = d
		}
	}
	r := &st.arts[first]
	r.dupOf = -1
	r.dups = nil
	for _, d := range dups {
		if d != first {
			st.arts[d].dupOf = first
			r.dups = append(r.dups, d)
		}
	}
	st.addTerms(r)
	w, _, nsq := st.weigh(r.terms, r.tfw, false)
	r.normSq, r.normAt = nsq, st.dfVersion
	r.storyKeys = st.storyKeys(r.terms, w)
	for _, k := range r.storyKeys {
		st.storyB.add(k, first)
	}
	st.stories[r.story].reps++
}

// evictionDue reports whether the window calls for an eviction before
// adding f, and the cutoff. It waits until the oldest article is 1/64 of
// the window past the cutoff, so that evictions come in batches.
func (st *state) evictionDue(window time.Duration, f *features, now time.Time) (int64, bool) {
	if window <= 0 || st.expiry.len() == 0 {
		return 0, false
	}
	nowNs, ok := toNanos(now)
	if !ok {
		return 0, false
	}
	ref := max(st.latest, f.published)
	if ref == 0 || ref > nowNs {
		ref = nowNs
	}
	cut := ref - int64(window)
	return cut, st.expiry.min().expires < cut-int64(window/64)
}

// evict removes the articles whose eviction time is before cut.
func (st *state) evict(cut int64) int {
	n := 0
	for st.expiry.len() > 0 && st.expiry.min().expires < cut {
		e := st.expiry.pop()
		if int(e.s) < len(st.arts) && st.arts[e.s].seq == e.seq && st.arts[e.s].id != "" {
			st.remove(e.s)
			n++
		}
	}
	st.maybeCompact()
	return n
}

// maybeCompact rebuilds the tables when fewer than half of the peak's
// articles are left (Go maps do not shrink), or when removals left the
// expiry heap mostly stale.
func (st *state) maybeCompact() {
	const minPeak = 1024
	if (st.peak >= minPeak && 2*st.live < st.peak) || st.expiry.len() > 2*st.live+minPeak {
		*st = *st.rebuild(st.export())
	}
}

// placement describes slot s as it is now.
func (st *state) placement(s int32) Placement {
	r := &st.arts[s]
	p := Placement{ID: r.id, Story: st.stories[r.story].id, Similarity: float64(r.sim), New: r.founded}
	if r.dupOf >= 0 {
		p.DuplicateOf = st.arts[r.dupOf].id
	}
	return p
}

func (st *state) placementOf(s int32, pl *plan) Placement {
	p := st.placement(s)
	p.Merged, p.Moved = pl.merged, pl.moved
	return p
}

// storyList builds the Story list.
func (st *state) storyList() []Story {
	out := make([]Story, 0, len(st.storyByID))
	for _, si := range st.storyByID {
		sr := &st.stories[si]
		s := Story{ID: sr.id, Members: make([]string, len(sr.members))}
		best := sr.members[0]
		for i, m := range sr.members {
			s.Members[i] = st.arts[m].id
			if st.moreComplete(m, best) {
				best = m
			}
		}
		slices.Sort(s.Members)
		s.Representative = st.arts[best].id
		s.Title = st.arts[best].title
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Story) int {
		if c := cmp.Compare(len(b.Members), len(a.Members)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// moreComplete orders like the batch pipeline's moreComplete.
func (st *state) moreComplete(x, y int32) bool {
	a, b := &st.arts[x], &st.arts[y]
	if a.length != b.length {
		return a.length > b.length
	}
	az, bz := a.published == 0, b.published == 0
	if az != bz {
		return !az
	}
	if a.published != b.published {
		return a.published < b.published
	}
	return a.id < b.id
}

// expiryHeap is a min-heap of eviction times. Entries of removed articles
// stay until popped (seq tells them apart from a reused slot).
type expiryHeap []expiryEntry

type expiryEntry struct {
	expires int64
	seq     uint64
	s       int32
}

func (e expiryEntry) less(o expiryEntry) bool {
	if e.expires != o.expires {
		return e.expires < o.expires
	}
	return e.seq < o.seq
}

func (h expiryHeap) len() int         { return len(h) }
func (h expiryHeap) min() expiryEntry { return h[0] }

func (h *expiryHeap) push(e expiryEntry) {
	*h = append(*h, e)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !a[i].less(a[p]) {
			break
		}
		a[i], a[p] = a[p], a[i]
		i = p
	}
}

func (h *expiryHeap) pop() expiryEntry {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(a) && a[l].less(a[m]) {
			m = l
		}
		if r < len(a) && a[r].less(a[m]) {
			m = r
		}
		if m == i {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return top
}
