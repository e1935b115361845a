package storyclust

import (
	"cmp"
	"slices"
)

// flatState is the Index's data without its lookup tables: live articles
// in arrival order and live stories in creation order, referring to each
// other by position. Snapshots encode it; compaction and Load rebuild the
// tables from it.
type flatState struct {
	arts    []artRec // story: index in stories; dupOf: index in arts or -1; dups, storyB etc. rebuilt
	stories []storyRec
	df      map[uint64]int32
	lines   map[uint64]int32

	seq, storySeq, dfVersion uint64
	latest                   int64
	logSeq                   uint64
}

// export flattens the state. The feature slices are shared, not copied.
func (st *state) export() *flatState {
	f := &flatState{
		df: st.df, lines: st.lines,
		seq: st.seq, storySeq: st.storySeq, dfVersion: st.dfVersion, latest: st.latest, logSeq: st.logSeq,
	}
	slots := make([]int32, 0, st.live)
	for _, s := range st.byID {
		slots = append(slots, s)
	}
	slices.SortFunc(slots, func(a, b int32) int { return cmp.Compare(st.arts[a].seq, st.arts[b].seq) })
	storySlots := make([]int32, 0, len(st.storyByID))
	for _, s := range st.storyByID {
		storySlots = append(storySlots, s)
	}
	slices.SortFunc(storySlots, func(a, b int32) int { return cmp.Compare(st.stories[a].seq, st.stories[b].seq) })
	artPos := make(map[int32]int32, len(slots))
	for i, s := range slots {
		artPos[s] = int32(i)
	}
	storyPos := make(map[int32]int32, len(storySlots))
	for i, s := range storySlots {
		storyPos[s] = int32(i)
		f.stories = append(f.stories, storyRec{id: st.stories[s].id, seq: st.stories[s].seq})
	}
	f.arts = make([]artRec, len(slots))
	for i, s := range slots {
		r := st.arts[s]
		r.story = storyPos[r.story]
		if r.dupOf >= 0 {
			r.dupOf = artPos[r.dupOf]
		}
		r.dups = nil
		f.arts[i] = r
	}
	return f
}

// rebuild makes a state from a flat one (taking ownership of it). It
// derives story membership, duplicate lists, the representative count and
// all lookup tables; maps are sized to their contents.
func (st *state) rebuild(f *flatState) *state {
	return st.ix.rebuildState(f)
}

func (ix *Index) rebuildState(f *flatState) *state {
	n := len(f.arts)
	ns := ix.newState(0)
	ns.arts = f.arts
	ns.stories = f.stories
	ns.byID = make(map[string]int32, n)
	ns.storyByID = make(map[string]int32, len(f.stories))
	for i := range ns.stories {
		ns.stories[i].members = nil
		ns.stories[i].reps = 0
		ns.storyByID[ns.stories[i].id] = int32(i)
	}
	dupKeys, storyKeys := 0, 0
	for i := range ns.arts {
		r := &ns.arts[i]
		r.dups = nil
		dupKeys += len(r.dupKeys)
		storyKeys += len(r.storyKeys)
	}
	ns.dupB = newBucketTable(dupKeys)
	ns.storyB = newBucketTable(storyKeys)
	ns.expiry = make(expiryHeap, 0, n)
	for i := range ns.arts {
		s := int32(i)
		r := &ns.arts[i]
		ns.byID[r.id] = s
		sr := &ns.stories[r.story]
		sr.members = append(sr.members, s)
		if r.dupOf >= 0 {
			rep := &ns.arts[r.dupOf]
			rep.dups = append(rep.dups, s)
		} else {
			sr.reps++
			ns.n++
			for _, k := range r.storyKeys {
				ns.storyB.add(k, s)
			}
		}
		for _, k := range r.dupKeys {
			ns.dupB.add(k, s)
		}
		if r.exact != 0 {
			ns.exact.add(r.exact, s)
		}
		ns.expiry = append(ns.expiry, expiryEntry{r.expires, r.seq, s})
	}
	slices.SortFunc(ns.expiry, func(a, b expiryEntry) int {
		if a.less(b) {
			return -1
		}
		if b.less(a) {
			return 1
		}
		return 0
	}) // a sorted slice is a valid min-heap
	ns.df = make(map[uint64]int32, len(f.df))
	for k, v := range f.df {
		ns.df[k] = v
	}
	ns.lines = make(map[uint64]int32, len(f.lines))
	for k, v := range f.lines {
		ns.lines[k] = v
	}
	ns.live, ns.peak = n, n
	ns.seq, ns.storySeq, ns.dfVersion, ns.latest, ns.logSeq = f.seq, f.storySeq, f.dfVersion, f.latest, f.logSeq
	return ns
}
