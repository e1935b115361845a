package storyclust

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkIndex verifies the Index's internal invariants: every table agrees
// with the article records.
func checkIxInvariants(t testing.TB, ix *Index) {
	t.Helper()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	df := map[uint64]int32{}
	lines := map[uint64]int32{}
	var n int32
	live := 0
	storyMembers := map[int32][]int32{}
	storyReps := map[int32]int32{}
	dupEntries, storyEntries := 0, 0
	var one [1]int32
	for s := range st.arts {
		r := &st.arts[s]
		if r.id == "" {
			continue
		}
		live++
		slot := int32(s)
		require.Equal(t, slot, st.byID[r.id], "byID of %s", r.id)
		require.NotEmpty(t, st.stories[r.story].id, "story of %s", r.id)
		storyMembers[r.story] = append(storyMembers[r.story], slot)
		for _, h := range r.lines {
			lines[h]++
		}
		for _, k := range r.dupKeys {
			require.Contains(t, st.dupB.get(k, &one), slot, "dup bucket of %s", r.id)
			dupEntries++
		}
		if r.exact != 0 {
			require.Contains(t, st.exact.get(r.exact, &one), slot)
		}
		if r.dupOf >= 0 {
			rep := &st.arts[r.dupOf]
			require.Equal(t, int32(-1), rep.dupOf, "%s duplicates a duplicate", r.id)
			require.Contains(t, rep.dups, slot)
			require.Equal(t, rep.story, r.story, "%s is not in its original's story", r.id)
			require.Empty(t, r.storyKeys)
			continue
		}
		n++
		storyReps[r.story]++
		for _, d := range r.dups {
			require.Equal(t, slot, st.arts[d].dupOf)
		}
		for _, term := range r.terms {
			df[term]++
		}
		for _, k := range r.storyKeys {
			require.Contains(t, st.storyB.get(k, &one), slot, "story bucket of %s", r.id)
			storyEntries++
		}
	}
	require.Equal(t, live, st.live)
	require.Len(t, st.byID, live)
	require.Equal(t, n, st.n)
	require.Equal(t, df, st.df, "document frequencies")
	require.Equal(t, lines, st.lines, "line counts")
	require.Len(t, st.storyByID, len(storyMembers))
	for s, ms := range storyMembers {
		sr := &st.stories[s]
		require.Equal(t, s, st.storyByID[sr.id])
		got := slices.Clone(sr.members)
		slices.Sort(got)
		slices.Sort(ms)
		require.Equal(t, ms, got, "members of %s", sr.id)
		require.Equal(t, storyReps[s], sr.reps, "reps of %s", sr.id)
	}
	require.Equal(t, dupEntries, bucketEntries(&st.dupB))
	require.Equal(t, storyEntries, bucketEntries(&st.storyB))
}

func bucketEntries(b *bucketTable) int {
	n := 0
	var one [1]int32
	for k := range b.m {
		n += len(b.get(k, &one))
	}
	return n
}

// placements returns every indexed article's current placement, by id.
func ixPlacements(ix *Index) map[string]Placement {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := map[string]Placement{}
	for id, s := range ix.st.byID {
		out[id] = ix.st.placement(s)
	}
	return out
}
