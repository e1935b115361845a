package storyclust

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/shingle"
	"github.com/storyclust/storyclust/similarity"
)

// ErrUnknownID reports an id that is not in the batch given to Explain.
var ErrUnknownID = errors.New("storyclust: unknown article id")

// Explanation says why two articles of a batch were or were not joined.
type Explanation struct {
	A, B string

	// Outcome of the run.
	SameStory   bool
	StoryA      string
	StoryB      string
	DuplicateA  string // what A duplicates, if anything
	DuplicateB  string
	SameDupSets bool // A and B are in one duplicate group

	// Duplicate tier: exact containment of the shorter article's shingles
	// in the longer one's (the figure compared with DupThreshold), exact
	// Jaccard, the MinHash estimate of the Jaccard, and whether the LSH
	// index proposed the pair.
	DupContainment float64
	DupJaccard     float64
	DupEstimate    float64
	DupCandidate   bool
	DupThreshold   float64

	// Story tier: the TF-IDF cosine of the two representatives, the factor
	// applied for the publication-time gap, their product (the similarity
	// the clustering saw), and whether that reaches StoryFloor, making the
	// pair an edge of the story graph. Cosine mixes ContentCosine (all
	// content terms) and NameCosine (names alone) as Config.NameWeight says.
	Cosine        float64
	ContentCosine float64
	NameCosine    float64
	NameWeight    float64
	TimeFactor    float64
	Similarity    float64
	Edge          bool
	StoryFloor    float64

	// LinkageDistance is the average-linkage distance between the two
	// stories (1 - mean similarity over all member pairs, a pair below the
	// story floor counting 0), or between the articles when they share
	// a story. StoryCut is the cut it is compared with.
	LinkageDistance float64
	StoryCut        float64
	// CohesionA and CohesionB are, when the articles are in different
	// stories, the cohesions of their stories as they stand: the mean
	// similarity of the representative pairs inside each, a pair below the
	// story floor counting 0; 0 for a story of fewer than three
	// representatives, which the cohesion test leaves alone. Two stories
	// within the cut were kept apart by the test (Config.StoryCohesion, the
	// factor StoryCohesion here) when they, or the parts of them that met
	// first, each held together more tightly than they were linked:
	// 1 - LinkageDistance < StoryCohesion × min(CohesionA, CohesionB).
	CohesionA, CohesionB float64
	StoryCohesion        float64

	// TimeGap is the gap between the publication times, when both are
	// known; HasTimeGap says whether they are.
	TimeGap    time.Duration
	HasTimeGap bool

	// Shared are the terms that contribute most to the cosine, heaviest
	// first; OnlyA and OnlyB are the heaviest terms of one article that the
	// other lacks. Terms are shown as analyzed (stemmed, case-folded).
	Shared, OnlyA, OnlyB []TermWeight
}

// TermWeight is one term with its weight in an explanation.
type TermWeight struct {
	Term   string
	Weight float64
}

// explainTerms is how many terms each list of an Explanation holds.
const explainTerms = 10

// Explain runs the pipeline over arts (as Run does) and explains why the
// articles with ids a and b were or were not put in one story.
func (p *Pipeline) Explain(ctx context.Context, arts []Article, a, b string) (*Explanation, error) {
	bt, err := p.process(ctx, arts, true, true)
	if err != nil {
		return nil, err
	}
	ka, kb := idIndex(bt.docs, a), idIndex(bt.docs, b)
	for _, c := range []struct {
		k  int
		id string
	}{{ka, a}, {kb, b}} {
		if c.k >= len(bt.docs) || bt.docs[c.k].art.ID != c.id {
			return nil, fmt.Errorf("%w %q", ErrUnknownID, c.id)
		}
	}
	da, db := &bt.docs[ka], &bt.docs[kb]
	e := &Explanation{A: a, B: b, DupThreshold: p.cfg.DupThreshold, StoryCut: p.cfg.StoryCut, StoryCohesion: p.cfg.StoryCohesion}
	stories := buildStories(bt.docs, bt.label)
	storyID := func(k int) string {
		for _, s := range stories {
			if _, ok := slices.BinarySearch(s.Members, bt.docs[k].art.ID); ok {
				return s.ID
			}
		}
		return ""
	}
	e.StoryA, e.StoryB = storyID(ka), storyID(kb)
	e.SameStory = e.StoryA == e.StoryB
	if r := bt.rep[ka]; r != ka {
		e.DuplicateA = bt.docs[r].art.ID
	}
	if r := bt.rep[kb]; r != kb {
		e.DuplicateB = bt.docs[r].art.ID
	}
	e.SameDupSets = bt.rep[ka] == bt.rep[kb]

	// Duplicate tier, by the full 64-bit shingle hashes.
	sa, sb := da.full, db.full
	if len(sa) > len(sb) {
		sa, sb = sb, sa
	}
	e.DupContainment = similarity.Containment(sa, sb)
	e.DupJaccard = similarity.Jaccard(da.full, db.full)
	sigA := p.dupSigner.Sign(nil, da.full)
	sigB := p.dupSigner.Sign(nil, db.full)
	e.DupEstimate = similarity.Estimate(sigA, sigB)
	e.DupCandidate = sharesBand(sigA, sigB, p.dupLSH.Bands, p.dupLSH.Rows)

	// Story tier, between the duplicate-group representatives.
	ra, rb := &bt.docs[bt.rep[ka]], &bt.docs[bt.rep[kb]]
	e.Cosine = cosine(ra.terms, rb.terms)
	pc := partCosines(ra.terms, rb.terms)
	e.ContentCosine, e.NameCosine, e.NameWeight = pc[0], pc[1], p.cfg.NameWeight
	e.TimeFactor = p.timeDecay(ra.published, rb.published)
	e.Similarity = e.Cosine * e.TimeFactor
	e.StoryFloor = p.edgeFloor()
	e.Edge = e.Similarity >= e.StoryFloor
	if !da.published.IsZero() && !db.published.IsZero() {
		e.HasTimeGap = true
		e.TimeGap = da.published.Sub(db.published)
		if e.TimeGap < 0 {
			e.TimeGap = -e.TimeGap
		}
	}
	e.LinkageDistance, e.CohesionA, e.CohesionB = p.linkageDistance(bt, ka, kb)

	names := p.termNames(da, db)
	e.Shared, e.OnlyA, e.OnlyB = contributions(ra.terms, rb.terms, names)
	return e, nil
}

// linkageDistance is the average-linkage distance between the stories of
// docs ka and kb (between the two docs themselves when they share one),
// computed over the duplicate-group representatives as the clustering saw
// them: pairs below the story floor count similarity 0, as in the
// clustering. For two stories it also returns their cohesions (see
// Explanation.CohesionA).
func (p *Pipeline) linkageDistance(bt *batch, ka, kb int) (dist, cohA, cohB float64) {
	ra, rb := bt.rep[ka], bt.rep[kb]
	if bt.label[ka] == bt.label[kb] {
		return 1 - p.storySim(&bt.docs[ra], &bt.docs[rb]), 0, 0
	}
	var ma, mb []int
	for k := range bt.docs {
		if bt.rep[k] != k {
			continue
		}
		switch bt.label[k] {
		case bt.label[ka]:
			ma = append(ma, k)
		case bt.label[kb]:
			mb = append(mb, k)
		}
	}
	sum := func(xs, ys []int, inner bool) float64 {
		var t float64
		for x, i := range xs {
			for y, j := range ys {
				if inner && y <= x {
					continue
				}
				if s := p.storySim(&bt.docs[i], &bt.docs[j]); s >= p.edgeFloor() {
					t += s
				}
			}
		}
		return t
	}
	cohesion := func(ms []int) float64 {
		n := float64(len(ms))
		if len(ms) < cluster.MinCohesionGroup {
			return 0
		}
		return sum(ms, ms, true) / (n * (n - 1) / 2)
	}
	return 1 - sum(ma, mb, false)/float64(len(ma)*len(mb)), cohesion(ma), cohesion(mb)
}

// sharesBand reports whether two signatures agree on every row of at least
// one LSH band, that is whether the index would propose the pair.
func sharesBand(a, b similarity.Signature, bands, rows int) bool {
	for i := 0; i < bands; i++ {
		if slices.Equal(a[i*rows:(i+1)*rows], b[i*rows:(i+1)*rows]) {
			return true
		}
	}
	return false
}

// topTerms returns the hashes of the n heaviest terms, sorted by hash: the
// set that story candidate generation signs.
func topTerms(ts []term, n int) []uint64 {
	top := slices.Clone(ts)
	slices.SortFunc(top, func(a, b term) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		return cmp.Compare(a.h, b.h)
	})
	if len(top) > n {
		top = top[:n]
	}
	set := make([]uint64, len(top))
	for i, t := range top {
		set[i] = t.h
	}
	return shingle.SortUnique(set)
}

// termNames maps the term hashes of two docs back to their text by
// analyzing them again.
func (p *Pipeline) termNames(docs ...*doc) map[uint64]string {
	names := map[uint64]string{}
	for _, d := range docs {
		s, _ := p.shingler(d.art.Lang)
		for _, text := range []string{d.art.Title, d.art.Text} {
			for _, t := range s.Analyze(nil, text) {
				h := shingle.Hash(p.cfg.Seed, t.Term)
				names[h&^nameBit] = string(t.Term)
				names[h|nameBit] = "name:" + string(t.Term)
			}
		}
	}
	return names
}

// partCosines returns the cosines of the content parts and of the name
// parts of two story vectors (see nameBit), 0 for an empty part.
func partCosines(a, b []term) [2]float64 {
	var dot, na, nb [2]float64
	for _, t := range a {
		na[t.h&nameBit] += t.w * t.w
	}
	for _, t := range b {
		nb[t.h&nameBit] += t.w * t.w
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].h < b[j].h:
			i++
		case a[i].h > b[j].h:
			j++
		default:
			dot[a[i].h&nameBit] += a[i].w * b[j].w
			i++
			j++
		}
	}
	var c [2]float64
	for k := range c {
		if na[k] > 0 && nb[k] > 0 {
			c[k] = min(dot[k]/math.Sqrt(na[k]*nb[k]), 1)
		}
	}
	return c
}

func contributions(a, b []term, names map[uint64]string) (shared, onlyA, onlyB []TermWeight) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].h < b[j].h):
			onlyA = append(onlyA, TermWeight{names[a[i].h], a[i].w})
			i++
		case i == len(a) || a[i].h > b[j].h:
			onlyB = append(onlyB, TermWeight{names[b[j].h], b[j].w})
			j++
		default:
			shared = append(shared, TermWeight{names[a[i].h], a[i].w * b[j].w})
			i++
			j++
		}
	}
	return heaviest(shared), heaviest(onlyA), heaviest(onlyB)
}

func heaviest(ts []TermWeight) []TermWeight {
	slices.SortFunc(ts, func(a, b TermWeight) int {
		if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
			return c
		}
		return strings.Compare(a.Term, b.Term)
	})
	ts = slices.DeleteFunc(ts, func(t TermWeight) bool { return t.Weight <= 0 })
	return ts[:min(len(ts), explainTerms)]
}

// String renders the explanation for people.
func (e *Explanation) String() string {
	var sb strings.Builder
	verdict := "NOT joined"
	if e.SameStory {
		verdict = "joined"
	}
	fmt.Fprintf(&sb, "%s and %s: %s (stories %s, %s)\n", e.A, e.B, verdict, e.StoryA, e.StoryB)
	if e.DuplicateA != "" {
		fmt.Fprintf(&sb, "  %s duplicates %s\n", e.A, e.DuplicateA)
	}
	if e.DuplicateB != "" {
		fmt.Fprintf(&sb, "  %s duplicates %s\n", e.B, e.DuplicateB)
	}
	fmt.Fprintf(&sb, "duplicate tier: containment %.3f (threshold %.2f), Jaccard %.3f, MinHash estimate %.3f, LSH candidate %v\n",
		e.DupContainment, e.DupThreshold, e.DupJaccard, e.DupEstimate, e.DupCandidate)
	fmt.Fprintf(&sb, "story tier: cosine %.3f (%.2f × content %.3f + %.2f × names %.3f) × time factor %.3f = similarity %.3f (edge floor %.2f: edge %v)\n",
		e.Cosine, 1-e.NameWeight, e.ContentCosine, e.NameWeight, e.NameCosine, e.TimeFactor, e.Similarity, e.StoryFloor, e.Edge)
	fmt.Fprintf(&sb, "linkage distance %.3f, cut %.2f", e.LinkageDistance, e.StoryCut)
	if !e.SameStory && e.CohesionA > 0 && e.CohesionB > 0 {
		fmt.Fprintf(&sb, "; story cohesions %.3f and %.3f (kept apart below %.2f × the smaller)", e.CohesionA, e.CohesionB, e.StoryCohesion)
	}
	if e.HasTimeGap {
		fmt.Fprintf(&sb, "; published %s apart", e.TimeGap.Round(time.Minute))
	}
	sb.WriteByte('\n')
	list := func(name string, ts []TermWeight) {
		fmt.Fprintf(&sb, "%s:", name)
		for _, t := range ts {
			fmt.Fprintf(&sb, " %s (%.3f)", t.Term, t.Weight)
		}
		sb.WriteByte('\n')
	}
	list("shared terms", e.Shared)
	list("only in "+e.A, e.OnlyA)
	list("only in "+e.B, e.OnlyB)
	return sb.String()
}
