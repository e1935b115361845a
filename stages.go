package storyclust

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/similarity"
)

// Stages: the pipeline one article, pair or group at a time.
//
// Run works on a batch in one process. The functions below are its steps cut
// at the points where a distributed runner (the Apache Beam pipeline in the
// nested module beam/) needs a shuffle, a combine or a side input. They are
// thin wrappers around the code Run itself uses, so the two cannot drift; a
// test composes them in plain Go and checks the result equals Run's.
//
// The batch-wide statistics become counts the caller computes:
//
//  1. Furniture: FurnitureKeys lists the repeat keys of an article (its
//     source and each distinct line that is not furniture by its content);
//     the number of articles per key is a combine. CleanText takes those
//     counts back and returns the cleaned text.
//  2. Prepare analyzes the cleaned article (duplicate shingles, term
//     frequencies).
//  3. Duplicates: DupKeys gives an article's LSH band keys (or the exact key
//     of a short text). Articles sharing a band key are candidates,
//     IsDuplicate verifies a candidate pair; articles sharing an exact key
//     are duplicates outright. The connected components of the duplicate
//     pairs are the duplicate groups, and BetterOriginal picks each group's
//     representative (it is a total order, so a combine can apply it).
//  4. Stories, over the representatives: document frequencies (each
//     representative counts each term of its TF once) and the number of
//     representatives feed WeighTerms; StoryKeys gives the keys of the
//     heaviest terms per time bucket (pairs sharing one, restricted in
//     undated buckets as StoryKeys says, include every edge); StorySim
//     scores a candidate pair and tells whether it is an edge of the story
//     graph (it reaches StoryFloor). ClusterStories clusters one connected
//     component of that graph (components of strong edges suffice, see
//     StoryStrong); StoryID names a story by its members.
//
// Duplicate candidates: Run's LSH index proposes every pair of documents whose
// signatures agree on all values of at least one band. The band keys here
// are the band index and the band's values themselves, so "shares a band
// key" is exactly that set of pairs (the index hashes a band to 64 bits; a
// collision there, about one in 2⁶⁴, is the only possible difference). A band
// whose values are all math.MaxUint64 (the signature of the empty set) has
// no key, as in the index.

// Term is a term hash with a weight.
type Term struct {
	Hash   uint64
	Weight float64
}

// Prepared is an article after furniture removal and analysis: what the
// duplicate and story tiers use of it.
type Prepared struct {
	ID        string
	Published time.Time
	// Length is the number of tokens of the cleaned text.
	Length int
	// Dup holds the sorted unique duplicate-tier shingles.
	Dup []uint64
	// Paragraphs holds the shingle sets of the paragraphs of the raw text,
	// for the paragraph check of IsDuplicate.
	Paragraphs [][]uint64
	// TF holds the sublinear term frequencies of the story features, sorted
	// by hash.
	TF []Term
	// Terms holds the TF-IDF vector, set by the caller from WeighTerms.
	Terms []Term
}

// CheckArticle reports what Run would reject in a as a single article: a
// missing id or one over Config.MaxArticleBytes. Repeated ids are the
// caller's to find.
func (p *Pipeline) CheckArticle(a *Article) error {
	return p.validate([]Article{*a})
}

// FurnitureKeys appends to dst the repeat keys of a: one per distinct line
// of its text that is not furniture by its content, qualified by a's
// source. A line is dropped as repeated when its key is among the keys of at
// least Config.MinRepeat articles of the batch.
func FurnitureKeys(dst []string, a *Article) []string {
	lines, _ := splitCleanLines(a.Text, nil)
	return repeatKeys(dst, a, lines)
}

// CleanText returns a's text without page furniture, given count, the
// number of articles of the batch among whose FurnitureKeys a key is. count
// may report 0 for a key whose count is below Config.MinRepeat.
func (p *Pipeline) CleanText(a *Article, count func(key string) int) string {
	lines, _ := splitCleanLines(a.Text, nil)
	return cleanText(a, lines, count, p.cfg.MinRepeat)
}

// Prepare analyzes a with its cleaned text (from CleanText). The error is
// non-nil only under Config.StrictLang, for a language without a stemmer;
// otherwise such an article is analyzed without stemming, as Run does (Run
// adds a warning to its Result).
func (p *Pipeline) Prepare(a *Article, cleaned string) (Prepared, error) {
	if _, err := p.shingler(a.Lang); err != nil && p.cfg.StrictLang {
		return Prepared{}, fmt.Errorf("article %q: %w", a.ID, err)
	}
	var d doc
	p.analyzeOne(&d, a, 0, cleaned, nil, analyzeOpt{stories: true, full: true})
	pr := Prepared{ID: a.ID, Published: a.Published, Length: d.length, Dup: d.full, TF: make([]Term, len(d.tf)),
		Paragraphs: p.paragraphsOf(a, len(d.full), &paraScratch{})}
	for i, t := range d.tf {
		pr.TF[i] = Term{t.h, t.w}
	}
	return pr, nil
}

// DupKeys appends to dst the duplicate-tier keys of pr. For an article with
// at least Config.DupMinShingles shingles they are the band keys of its
// MinHash signature, and exact is false: articles sharing one are candidates
// for IsDuplicate. A shorter non-empty text has one key, its exact shingle
// sequence, and exact is true: articles sharing it are duplicates. An empty
// text has no key.
func (p *Pipeline) DupKeys(dst []string, pr *Prepared) (keys []string, exact bool) {
	if len(pr.Dup) < p.cfg.DupMinShingles {
		if len(pr.Dup) == 0 {
			return dst, false
		}
		return append(dst, fmt.Sprint(pr.Dup)), true
	}
	sig := p.dupSigner.Sign(nil, pr.Dup)
	return appendBandKeys(dst, sig, p.dupLSH.Bands, p.dupLSH.Rows), false
}

// IsDuplicate verifies a candidate pair of the duplicate tier as Run does:
// at least Config.DupThreshold of the shorter article's shingles, and of its
// paragraphs, are found in the longer one (equal lengths: the smaller id
// counts as the shorter).
func (p *Pipeline) IsDuplicate(a, b *Prepared) bool {
	if len(a.Dup) > len(b.Dup) || (len(a.Dup) == len(b.Dup) && a.ID > b.ID) {
		a, b = b, a
	}
	th := p.cfg.DupThreshold
	return similarity.Containment(a.Dup, b.Dup) >= th && paragraphsFound(a.Paragraphs, b.Dup, th) >= th
}

// BetterOriginal reports whether a is a better representative of a
// duplicate group than b: the earliest published (known dates first), then
// the longest, then the smallest id. It is a strict total order on distinct
// ids.
func BetterOriginal(a, b *Prepared) bool {
	da, db := a.doc(), b.doc()
	return betterOriginal(&da, &db)
}

// WeighTerms returns tf weighted by the inverse document frequency over n
// documents, df giving each term's document frequency, its content and name
// parts normalized as Config.NameWeight says: the TF-IDF vector Run uses. In Run, n and df count the duplicate-group
// representatives, each counting every term of its TF once.
func (p *Pipeline) WeighTerms(tf []Term, n int, df func(hash uint64) int) []Term {
	ts := make([]term, len(tf))
	for i, t := range tf {
		ts[i] = term{t.Hash, t.Weight}
	}
	ts = weigh(ts, func(h uint64) float64 { return idf(float64(n), float64(df(h))) }, p.cfg.NameWeight)
	out := make([]Term, len(ts))
	for i, t := range ts {
		out[i] = Term{t.h, t.w}
	}
	return out
}

// StoryKeys appends to dst the story-tier keys of pr, built from its
// heaviest terms (pr.Terms, weighted): as many as it takes for the rest to
// have a norm below half of Config.StoryFloor, so that two representatives
// whose similarity reaches the floor share at least one of them (each
// side's rest contributes less than half of it). Each term gives the key
// of its undated bucket and, for a dated article, the keys of its time
// bucket and the next one, buckets being as wide as the publication gap
// past which the time factor alone keeps a pair below the floor. Two dated
// articles that can be an edge therefore share a time bucket, and an
// undated article meets every other in the undated buckets: grouping by
// key and keeping the pairs that StorySim calls edges finds exactly the
// story graph Run finds. In an undated bucket (StoryKeyUndated) only the
// pairs with a member for which StoryUndated holds need to be tried. Without
// terms there is no key.
func (p *Pipeline) StoryKeys(dst []string, pr *Prepared) []string {
	d := pr.doc()
	ts := d.terms
	prefix, _ := heavyPrefix(ts, p.edgeFloor()/2)
	var own, next string
	if !p.StoryUndated(pr) {
		b := timeBlock(pr.Published, p.timeWindow(p.edgeFloor()))
		own, next = "|"+strconv.FormatInt(b, 10), "|"+strconv.FormatInt(b+1, 10)
	}
	for _, j := range prefix {
		h := strconv.FormatUint(ts[j].h, 16)
		dst = append(dst, h+"|u")
		if own != "" {
			dst = append(dst, h+own, h+next)
		}
	}
	return dst
}

// StoryKeyUndated reports whether key, one of StoryKeys' keys, names an
// undated bucket.
func StoryKeyUndated(key string) bool { return strings.HasSuffix(key, "|u") }

// StoryUndated reports whether pr meets the other representatives in the
// undated buckets of StoryKeys only: it has no publication time, or the
// time decay is off (Config.TimeScale < 0).
func (p *Pipeline) StoryUndated(pr *Prepared) bool {
	return pr.Published.IsZero() || p.timeWindow(p.edgeFloor()) <= 0
}

// StorySim returns the story similarity of two representatives (the cosine
// of their TF-IDF vectors, lowered by the gap between their publication
// times) and whether the pair is an edge of the story graph (the
// similarity reaches Config.StoryFloor).
func (p *Pipeline) StorySim(a, b *Prepared) (sim float64, edge bool) {
	da, db := a.doc(), b.doc()
	s := p.storySim(&da, &db)
	return s, s >= p.edgeFloor()
}

// StoryStrong reports whether a story edge of similarity sim can on its own
// join two clusters (its distance is within Config.StoryCut). Clusters never
// span the connected components of the graph of strong edges, so each such
// component can be clustered on its own, with every edge between its
// members. It asks the Clusterer itself: two nodes joined by this edge end
// in one cluster exactly when the edge is strong.
func (p *Pipeline) StoryStrong(sim float64) bool {
	lab, err := p.clusterer.Cluster(make([]int, 0, 2), 2, []cluster.Edge{{A: 0, B: 1, Sim: sim}})
	return err == nil && lab[1] == lab[0]
}

// ClusterStories clusters n representatives joined by edges (in the
// numbering of the caller, which should follow the representatives' id
// order) with the story tier's Clusterer and returns a label per node, the
// smallest node of its cluster; see cluster.Clusterer.Cluster. It gives Run's
// partition when called on each connected component of the story graph, or
// of its strong edges, with every edge among the component's members.
func (p *Pipeline) ClusterStories(dst []int, n int, edges []cluster.Edge) ([]int, error) {
	return p.clusterer.Cluster(dst, n, edges)
}

// StoryID returns the id of the story whose members (representatives and
// their duplicates) have the given ids: cluster.StableID.
func StoryID(memberIDs []string) string { return cluster.StableID(memberIDs) }

// StoryMore reports whether a is a better story representative than b: the
// most complete member (the longest cleaned text, then the earliest
// published, then the smallest id).
func StoryMore(a, b *Prepared) bool {
	da, db := a.doc(), b.doc()
	return moreComplete(&da, &db)
}

// StoryTitle returns the title shown for a story whose representative is a.
func StoryTitle(a *Article) string { return storyTitle(a) }

// doc returns the working state Run would hold for pr.
func (pr *Prepared) doc() doc {
	d := doc{art: &Article{ID: pr.ID, Published: pr.Published}, full: pr.Dup, length: pr.Length, published: pr.Published}
	if len(pr.TF) > 0 {
		d.tf = make([]term, len(pr.TF))
		for i, t := range pr.TF {
			d.tf[i] = term{t.Hash, t.Weight}
		}
	}
	if len(pr.Terms) > 0 {
		d.terms = make([]term, len(pr.Terms))
		for i, t := range pr.Terms {
			d.terms[i] = term{t.Hash, t.Weight}
		}
	}
	return d
}

// appendBandKeys appends the band keys of sig: band index and values, for
// each band whose values are not all math.MaxUint64.
func appendBandKeys(dst []string, sig []uint64, bands, rows int) []string {
	buf := make([]byte, 0, 2+8*rows)
	for b := range bands {
		vals := sig[b*rows : (b+1)*rows]
		empty := true
		for _, v := range vals {
			if v != math.MaxUint64 {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		buf = binary.BigEndian.AppendUint16(buf[:0], uint16(b))
		for _, v := range vals {
			buf = binary.BigEndian.AppendUint64(buf, v)
		}
		dst = append(dst, string(buf))
	}
	return dst
}
