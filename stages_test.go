package storyclust

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/similarity"
)

// stagesRun composes the exported stages the way a distributed runner does
// (counts instead of batch state, band keys instead of an LSH index,
// connected components, one Cluster call per component) and returns the
// assignments by id and the stories.
func stagesRun(t *testing.T, p *Pipeline, arts []Article) (map[string]Assignment, []Story) {
	t.Helper()
	// 1. Furniture: count the articles per repeat key, then clean.
	counts := map[string]int{}
	for i := range arts {
		require.NoError(t, p.CheckArticle(&arts[i]))
		for _, k := range FurnitureKeys(nil, &arts[i]) {
			counts[k]++
		}
	}
	min := p.Config().MinRepeat
	prep := map[string]*Prepared{}
	art := map[string]*Article{}
	var ids []string
	for i := range arts {
		a := &arts[i]
		// Pass only the counts that reach MinRepeat, as a runner that
		// filters before the join does.
		text := p.CleanText(a, func(k string) int {
			if c := counts[k]; c >= min {
				return c
			}
			return 0
		})
		pr, err := p.Prepare(a, text)
		require.NoError(t, err)
		prep[a.ID], art[a.ID] = &pr, a
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)

	// 2. Duplicates: band keys -> candidate pairs -> verified edges; exact
	// keys -> edges; components; representative by BetterOriginal.
	dupEdges := map[[2]string]bool{}
	bands, exact := map[string][]string{}, map[string][]string{}
	for _, id := range ids {
		keys, isExact := p.DupKeys(nil, prep[id])
		for _, k := range keys {
			if isExact {
				exact[k] = append(exact[k], id)
			} else {
				bands[k] = append(bands[k], id)
			}
		}
	}
	for _, pair := range bucketPairs(bands) {
		if p.IsDuplicate(prep[pair[0]], prep[pair[1]]) {
			dupEdges[pair] = true
		}
	}
	for _, pair := range bucketPairs(exact) {
		dupEdges[pair] = true
	}
	group := components(ids, dupEdges)
	best := map[string]string{}
	for _, id := range ids {
		g := group[id]
		if b, ok := best[g]; !ok || BetterOriginal(prep[id], prep[b]) {
			best[g] = id
		}
	}
	rep := map[string]string{}
	var reps []string
	for _, id := range ids {
		rep[id] = best[group[id]]
		if rep[id] == id {
			reps = append(reps, id)
		}
	}

	// 3. Stories over the representatives: document frequencies, TF-IDF,
	// band keys of the top terms, scored pairs, strong components, one
	// Cluster call per component.
	df := map[uint64]int{}
	for _, id := range reps {
		for _, tm := range prep[id].TF {
			df[tm.Hash]++
		}
	}
	storyBands, undated := map[string][]string{}, map[string][]string{}
	for _, id := range reps {
		pr := prep[id]
		pr.Terms = p.WeighTerms(pr.TF, len(reps), func(h uint64) int { return df[h] })
		for _, k := range p.StoryKeys(nil, pr) {
			if StoryKeyUndated(k) {
				undated[k] = append(undated[k], id)
			} else {
				storyBands[k] = append(storyBands[k], id)
			}
		}
	}
	// In an undated bucket, only the pairs with an undated member.
	storyPairs := bucketPairs(storyBands)
	seen := map[[2]string]bool{}
	for _, pr := range storyPairs {
		seen[pr] = true
	}
	for _, pr := range bucketPairs(undated) {
		if !seen[pr] && (p.StoryUndated(prep[pr[0]]) || p.StoryUndated(prep[pr[1]])) {
			seen[pr] = true
			storyPairs = append(storyPairs, pr)
		}
	}
	sims := map[[2]string]float64{}
	strong := map[[2]string]bool{}
	for _, pair := range storyPairs {
		s, edge := p.StorySim(prep[pair[0]], prep[pair[1]])
		if !edge {
			continue
		}
		sims[pair] = s
		if p.StoryStrong(s) {
			strong[pair] = true
		}
	}
	comp := components(reps, strong)
	members := map[string][]string{}
	for _, id := range reps {
		members[comp[id]] = append(members[comp[id]], id) // in id order
	}
	label := map[string]string{}
	for _, ms := range members {
		local := map[string]int{}
		for i, id := range ms {
			local[id] = i
		}
		var edges []cluster.Edge
		for pair, s := range sims {
			a, okA := local[pair[0]]
			b, okB := local[pair[1]]
			if okA && okB {
				edges = append(edges, cluster.Edge{A: a, B: b, Sim: s})
			}
		}
		lab, err := p.ClusterStories(nil, len(ms), edges)
		require.NoError(t, err)
		for i, id := range ms {
			label[id] = ms[lab[i]]
		}
	}

	// 4. Stories: every article joins its representative's cluster.
	byLabel := map[string][]string{}
	for _, id := range ids {
		l := label[rep[id]]
		byLabel[l] = append(byLabel[l], id)
	}
	out := map[string]Assignment{}
	var stories []Story
	for _, ms := range byLabel {
		st := Story{ID: StoryID(ms), Members: ms, Representative: ms[0]}
		for _, id := range ms[1:] {
			if StoryMore(prep[id], prep[st.Representative]) {
				st.Representative = id
			}
		}
		st.Title = StoryTitle(art[st.Representative])
		stories = append(stories, st)
		for _, id := range ms {
			a := Assignment{ID: id, Story: st.ID}
			if rep[id] != id {
				a.DuplicateOf = rep[id]
			}
			out[id] = a
		}
	}
	return out, stories
}

// bucketPairs returns every pair of ids sharing a bucket, each once, A < B.
func bucketPairs(buckets map[string][]string) [][2]string {
	seen := map[[2]string]bool{}
	var out [][2]string
	for _, ids := range buckets {
		for i, a := range ids {
			for _, b := range ids[i+1:] {
				pr := [2]string{min(a, b), max(a, b)}
				if a != b && !seen[pr] {
					seen[pr] = true
					out = append(out, pr)
				}
			}
		}
	}
	return out
}

// components labels each id with the smallest id of its connected component.
func components(ids []string, edges map[[2]string]bool) map[string]string {
	parent := map[string]string{}
	for _, id := range ids {
		parent[id] = id
	}
	var find func(string) string
	find = func(x string) string {
		for parent[x] != x {
			x = parent[x]
		}
		return x
	}
	for e := range edges {
		a, b := find(e[0]), find(e[1])
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	out := map[string]string{}
	for _, id := range ids {
		out[id] = find(id)
	}
	return out
}

func TestStagesEqualRun(t *testing.T) {
	type set struct {
		name string
		arts func(t *testing.T) []Article
	}
	sets := []set{
		{"seeds", func(t *testing.T) []Article { return loadSeeds(t) }},
		{"ecbplus", func(t *testing.T) []Article { a, _ := loadLabeled(t, "ecbplus.jsonl.gz"); return a }},
		{"ecbplus-copies", ecbCopies},
		{"allsides-dated", func(t *testing.T) []Article {
			// Dated articles squeezed into a few weeks (time buckets and
			// their borders), every fifth one undated.
			arts := loadAllSidesArticles(t, 300)
			base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := range arts {
				arts[i].Published = base.Add(time.Duration(i%53) * 9 * time.Hour)
				if i%5 == 0 {
					arts[i].Published = time.Time{}
				}
			}
			return arts
		}},
	}
	configs := []struct {
		name string
		cfg  Config
	}{
		{"default", Config{}},
		{"complete-cut0.9", Config{Linkage: cluster.Complete, StoryCut: 0.9}},
		{"sparse-mindup", Config{MaxDense: 1, DupThreshold: 0.3, MinRepeat: 2}},
	}
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			arts := s.arts(t)
			for _, c := range configs {
				if s.name == "allsides-dated" && c.name != "default" {
					continue // the time buckets do not depend on the other settings
				}
				t.Run(c.name, func(t *testing.T) {
					p, err := New(c.cfg)
					require.NoError(t, err)
					res, err := p.Run(context.Background(), arts)
					require.NoError(t, err)
					got, stories := stagesRun(t, p, arts)
					require.Len(t, got, len(arts))
					dups := 0
					for _, want := range res.Assignments {
						assert.Equal(t, want, got[want.ID], "article %s", want.ID)
						if want.DuplicateOf != "" {
							dups++
						}
					}
					slices.SortFunc(stories, func(a, b Story) int {
						if len(a.Members) != len(b.Members) {
							return len(b.Members) - len(a.Members)
						}
						return cmpString(a.ID, b.ID)
					})
					assert.Equal(t, res.Stories, stories)
					t.Logf("%d articles, %d duplicates, %d stories", len(arts), dups, len(res.Stories))
				})
			}
		})
	}
}

// ecbCopies is a duplicate-heavy set: 150 ECB+ articles, plus for each of
// the first 60 a copy cut to its first 70% of lines, a page that holds it
// followed by the next article, and a page of it with many short
// paragraphs of the next one.
func ecbCopies(t *testing.T) []Article {
	all, _ := loadLabeled(t, "ecbplus.jsonl.gz")
	arts := slices.Clone(all[:150])
	for i := range 60 {
		a, b := all[i], all[i+1]
		lines := strings.Split(a.Text, "\n")
		cut := a
		cut.ID, cut.Text = a.ID+"-cut", strings.Join(lines[:max(1, len(lines)*7/10)], "\n")
		both := a
		both.ID, both.Text = a.ID+"-both", a.Text+"\n"+b.Text
		// A page of a's text with many short paragraphs of b's words
		// (fewer words than a's): most shingles are a's, most paragraphs
		// are not.
		words := strings.Fields(b.Text)[:min(len(strings.Fields(b.Text)), len(strings.Fields(a.Text))*4/5)]
		var sb strings.Builder
		sb.WriteString(a.Text)
		for j := 0; j+12 <= len(words); j += 12 {
			sb.WriteString("\n" + strings.Join(words[j:j+12], " "))
		}
		mix := a
		mix.ID, mix.Text = a.ID+"-mix", sb.String()
		arts = append(arts, cut, both, mix)
	}
	return arts
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestStageBandKeysMatchLSH(t *testing.T) {
	// "Shares a band key" must be exactly LSH.Pairs over the same
	// signatures, for both tiers' band and row counts.
	arts, _ := loadLabeled(t, "ecbplus.jsonl.gz")
	p, err := New(Config{})
	require.NoError(t, err)
	ids := make([]string, len(arts))
	sets := make([][]uint64, len(arts))
	for i := range arts {
		pr, err := p.Prepare(&arts[i], arts[i].Text)
		require.NoError(t, err)
		ids[i], sets[i] = fmt.Sprint(i), pr.Dup
	}
	sets = append(sets, nil) // the empty set is never a candidate
	ids = append(ids, "empty")
	for _, lc := range []similarity.LSHConfig{p.dupLSH, p.storyLSH} {
		lsh, err := similarity.NewLSH(lc)
		require.NoError(t, err)
		buckets := map[string][]string{}
		for i, set := range sets {
			sig := p.signer.Sign(nil, set)
			require.NoError(t, lsh.Insert(i, sig))
			for _, k := range appendBandKeys(nil, sig, lc.Bands, lc.Rows) {
				buckets[k] = append(buckets[k], ids[i])
			}
		}
		want := map[[2]string]bool{}
		for _, pr := range lsh.Pairs(nil) {
			a, b := ids[pr.A], ids[pr.B]
			want[[2]string{min(a, b), max(a, b)}] = true
		}
		got := map[[2]string]bool{}
		for _, pr := range bucketPairs(buckets) {
			got[pr] = true
		}
		require.NotEmpty(t, want)
		assert.Equal(t, want, got, "bands %d rows %d", lc.Bands, lc.Rows)
		t.Logf("bands %d rows %d: %d pairs", lc.Bands, lc.Rows, len(want))
	}
}
