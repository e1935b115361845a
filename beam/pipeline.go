package beam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/filter"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/extract"
)

// Art is an input article on the wire.
type Art struct {
	ID, Title, Text, Source, URL, Lang string
	PubSec, PubNsec                    int64
	HasPub                             bool
}

func (a *Art) article() storyclust.Article {
	out := storyclust.Article{ID: a.ID, Title: a.Title, Text: a.Text, Source: a.Source, URL: a.URL, Lang: a.Lang}
	if a.HasPub {
		out.Published = time.Unix(a.PubSec, a.PubNsec).UTC()
	}
	return out
}

func fromArticle(a *storyclust.Article) Art {
	w := Art{ID: a.ID, Title: a.Title, Text: a.Text, Source: a.Source, URL: a.URL, Lang: a.Lang}
	if !a.Published.IsZero() {
		w.PubSec, w.PubNsec, w.HasPub = a.Published.Unix(), int64(a.Published.Nanosecond()), true
	}
	return w
}

// Doc is a prepared article on the wire (storyclust.Prepared); each stage
// fills only the fields the next one needs.
type Doc struct {
	ID              string
	PubSec, PubNsec int64
	HasPub          bool
	Length          int
	Dup             []uint64
	TFH             []uint64
	TFW             []float64
	TermH           []uint64
	TermW           []float64
}

func fromPrepared(p *storyclust.Prepared) Doc {
	d := Doc{ID: p.ID, Length: p.Length, Dup: p.Dup}
	if !p.Published.IsZero() {
		d.PubSec, d.PubNsec, d.HasPub = p.Published.Unix(), int64(p.Published.Nanosecond()), true
	}
	d.TFH, d.TFW = splitTerms(p.TF)
	d.TermH, d.TermW = splitTerms(p.Terms)
	return d
}

func (d *Doc) prepared() storyclust.Prepared {
	p := storyclust.Prepared{ID: d.ID, Length: d.Length, Dup: d.Dup, TF: joinTerms(d.TFH, d.TFW), Terms: joinTerms(d.TermH, d.TermW)}
	if d.HasPub {
		p.Published = time.Unix(d.PubSec, d.PubNsec).UTC()
	}
	return p
}

func splitTerms(ts []storyclust.Term) ([]uint64, []float64) {
	if len(ts) == 0 {
		return nil, nil
	}
	h, w := make([]uint64, len(ts)), make([]float64, len(ts))
	for i, t := range ts {
		h[i], w[i] = t.Hash, t.Weight
	}
	return h, w
}

func joinTerms(h []uint64, w []float64) []storyclust.Term {
	if len(h) == 0 {
		return nil
	}
	ts := make([]storyclust.Term, len(h))
	for i := range h {
		ts[i] = storyclust.Term{Hash: h[i], Weight: w[i]}
	}
	return ts
}

// Half is one side of a pair being joined with its documents.
type Half struct {
	A string
	D Doc
}

// Edge is a scored story pair.
type Edge struct {
	A, B string
	Sim  float64
}

// HalfEdge is an edge with the component of its first end.
type HalfEdge struct {
	E    Edge
	Comp string
}

// KeyCount is a repeat key of an article with its article count.
type KeyCount struct {
	Key string
	N   int
}

// TermDF is a term with its document frequency.
type TermDF struct {
	H  uint64
	DF int
}

// Member is an article of a story.
type Member struct{ ID, DupOf string }

func init() {
	for _, t := range []any{Art{}, Doc{}, Half{}, Edge{}, HalfEdge{}, KeyCount{}, TermDF{}, Member{}} {
		beam.RegisterType(reflect.TypeOf(t))
	}
	register.DoFn2x1[string, func(string, Art), error](&parseFn{})
	register.Function2x1(dupIDFn)
	register.Function3x0(furnitureKeysFn)
	register.DoFn3x0[string, int, func(string, int)](&repeatedFn{})
	register.Function4x0(lineCountsFn)
	register.DoFn4x1[string, func(*Art) bool, func(*KeyCount) bool, func(string, Doc), error](&prepareFn{})
	register.DoFn4x0[string, Doc, func(string, string), func(string, string)](&dupKeysFn{})
	register.Function3x0(bucketPairsFn)
	register.Function3x0(storyBucketPairsFn)
	register.Function2x0(splitPairFn)
	register.Function4x0(halfFn)
	register.DoFn4x0[string, func(*Doc) bool, func(*Half) bool, func(string, string)](&verifyFn{})
	register.Function3x0(exactEdgesFn)
	register.Function5x0(groupFn)
	register.Function2x1(betterFn)
	register.Function4x0(assignRepFn)
	register.Function4x0(repDocsFn)
	register.Function3x0(termsFn)
	register.Function4x0(dfFn)
	register.DoFn5x1[string, func(*Doc) bool, func(*TermDF) bool, int, func(string, Doc), error](&weighFn{})
	register.DoFn3x0[string, Doc, func(string, string)](&storyKeysFn{})
	register.DoFn4x0[string, func(*Doc) bool, func(*Half) bool, func(Edge)](&simFn{})
	register.DoFn2x0[Edge, func(string, string)](&strongFn{})
	register.Function2x0(edgeByAFn)
	register.Function4x0(edgeCompAFn)
	register.Function4x0(edgeCompBFn)
	register.DoFn3x1[string, func(*Edge) bool, func(string, string), error](&clusterFn{})
	register.Function4x0(storyMembersFn)
	register.Function3x1(outputFn)
	register.Function3x0(swapFn)

	register.Emitter1[string]()
	register.Emitter1[Edge]()
	register.Emitter2[string, Art]()
	register.Emitter2[string, int]()
	register.Emitter2[string, KeyCount]()
	register.Emitter2[string, Doc]()
	register.Emitter2[string, Half]()
	register.Emitter2[string, TermDF]()
	register.Emitter2[string, HalfEdge]()
	register.Emitter2[string, Edge]()
	register.Emitter2[string, Member]()
	register.Emitter2[uint64, string]()
	register.Iter1[string]()
	register.Iter1[int]()
	register.Iter1[Art]()
	register.Iter1[KeyCount]()
	register.Iter1[Doc]()
	register.Iter1[Half]()
	register.Iter1[TermDF]()
	register.Iter1[Edge]()
	register.Iter1[HalfEdge]()
	register.Iter1[Member]()
}

// Read reads JSON Lines articles (gzip by the .gz extension) from the files
// matching glob and returns a PCollection<string> of lines.
func Read(s beam.Scope, glob string) beam.PCollection {
	return textio.Read(s, glob)
}

// Write writes the output lines to one file.
func Write(s beam.Scope, filename string, lines beam.PCollection) {
	textio.Write(s, filename, lines)
}

// Build adds the storyclust pipeline to s. lines is a PCollection<string>
// of JSON Lines articles, in the CLI's input format (see Options.Fields).
// It returns a PCollection<string> with one JSON line per article, the
// CLI's cluster output {"id","story","duplicate_of"}, in no particular
// order. Bad input (a malformed line, a missing or repeated id, an article
// over MaxArticleBytes) fails the pipeline when it runs.
func Build(s beam.Scope, opt Options, lines beam.PCollection) (beam.PCollection, error) {
	if _, err := opt.Config(); err != nil {
		return beam.PCollection{}, err
	}
	s = s.Scope("storyclust")
	rounds := opt.rounds()

	// Input and validation.
	arts := beam.ParDo(s, &parseFn{Opt: opt}, lines) // KV<id, Art>
	beam.ParDo0(s, dupIDFn, stats.Count(s, beam.DropValue(s, arts)))

	// Furniture: articles per repeat key (a combine), joined back to the
	// articles whose keys reach MinRepeat.
	fs := s.Scope("furniture")
	keyIDs := beam.ParDo(fs, furnitureKeysFn, arts) // KV<key, id>
	counts := beam.ParDo(fs, &repeatedFn{Opt: opt}, stats.Count(fs, beam.DropValue(fs, keyIDs)))
	lineCounts := beam.ParDo(fs, lineCountsFn, beam.CoGroupByKey(fs, counts, keyIDs)) // KV<id, KeyCount>
	docs := beam.ParDo(fs, &prepareFn{Opt: opt}, beam.CoGroupByKey(fs, arts, lineCounts))

	// Duplicate tier.
	ds := s.Scope("duplicates")
	bandKeys, exactKeys := beam.ParDo2(ds, &dupKeysFn{Opt: opt}, docs)
	pairs := candidatePairs(ds, bandKeys)
	verified := beam.ParDo(ds, &verifyFn{Opt: opt}, joinPairs(ds, docs, pairs))
	exact := beam.ParDo(ds, exactEdgesFn, beam.GroupByKey(ds, exactKeys))
	groups := ConnectedComponents(ds, beam.Flatten(ds, verified, exact), rounds) // KV<id, group>
	cands, members := beam.ParDo2(ds, groupFn, beam.CoGroupByKey(ds, docs, groups))
	best := beam.CombinePerKey(ds, betterFn, cands)                            // KV<group, Doc>
	repOf := beam.ParDo(ds, assignRepFn, beam.CoGroupByKey(ds, best, members)) // KV<id, rep>

	// Story tier over the representatives: document frequencies (a
	// combine joined back by term), the number of representatives (a
	// singleton side input), TF-IDF.
	ss := s.Scope("stories")
	reps := beam.ParDo(ss, repDocsFn, beam.CoGroupByKey(ss, docs, repOf)) // KV<id, Doc>
	n := stats.CountElms(ss, reps)
	termIDs := beam.ParDo(ss, termsFn, reps) // KV<hash, id>
	df := stats.Count(ss, beam.DropValue(ss, termIDs))
	dfs := beam.ParDo(ss, dfFn, beam.CoGroupByKey(ss, df, termIDs)) // KV<id, TermDF>
	vecs := beam.ParDo(ss, &weighFn{Opt: opt}, beam.CoGroupByKey(ss, reps, dfs), beam.SideInput{Input: n})

	storyPairs := storyCandidatePairs(ss, beam.ParDo(ss, &storyKeysFn{Opt: opt}, vecs))
	edges := beam.ParDo(ss, &simFn{Opt: opt}, joinPairs(ss, vecs, storyPairs)) // Edge
	comps := ConnectedComponents(ss, beam.ParDo(ss, &strongFn{Opt: opt}, edges), rounds)
	byA := beam.ParDo(ss, edgeByAFn, edges)
	halfComp := beam.ParDo(ss, edgeCompAFn, beam.CoGroupByKey(ss, comps, byA))
	compEdges := beam.ParDo(ss, edgeCompBFn, beam.CoGroupByKey(ss, comps, halfComp)) // KV<comp, Edge>
	labels := beam.ParDo(ss, &clusterFn{Opt: opt}, beam.GroupByKey(ss, compEdges))   // KV<rep, label>

	// Every article joins its representative's story.
	out := s.Scope("output")
	byRep := beam.ParDo(out, swapFn, repOf) // KV<rep, id>
	storyMembers := beam.ParDo(out, storyMembersFn, beam.CoGroupByKey(out, labels, byRep))
	return beam.ParDo(out, outputFn, beam.GroupByKey(out, storyMembers)), nil
}

// candidatePairs turns KV<bucket key, id> into the distinct KV<A, B> pairs
// (A < B) of ids that share a bucket.
func candidatePairs(s beam.Scope, keys beam.PCollection) beam.PCollection {
	s = s.Scope("candidatePairs")
	pairs := beam.ParDo(s, bucketPairsFn, beam.GroupByKey(s, keys))
	return beam.ParDo(s, splitPairFn, filter.Distinct(s, pairs))
}

// storyCandidatePairs turns KV<story key, role+id> into the distinct
// KV<A, B> pairs (A < B) of ids that share a time bucket, or an undated
// bucket with at least one undated member (see storyclust.StoryKeys).
func storyCandidatePairs(s beam.Scope, keys beam.PCollection) beam.PCollection {
	s = s.Scope("storyCandidatePairs")
	pairs := beam.ParDo(s, storyBucketPairsFn, beam.GroupByKey(s, keys))
	return beam.ParDo(s, splitPairFn, filter.Distinct(s, pairs))
}

// joinPairs joins KV<A, B> pairs with KV<id, Doc> documents: the result,
// grouped by B, holds B's document and a Half{A, A's document} per pair.
func joinPairs(s beam.Scope, docs, pairs beam.PCollection) beam.PCollection {
	s = s.Scope("joinPairs")
	halves := beam.ParDo(s, halfFn, beam.CoGroupByKey(s, docs, pairs))
	return beam.CoGroupByKey(s, docs, halves)
}

// pairKey encodes a pair of ids as one string key.
func pairKey(a, b string) string { return strconv.Itoa(len(a)) + ":" + a + b }

func splitPair(k string) (string, string) {
	n, rest, _ := strings.Cut(k, ":")
	l, _ := strconv.Atoi(n)
	return rest[:l], rest[l:]
}

type parseFn struct {
	Opt Options
	p   *storyclust.Pipeline
}

func (f *parseFn) Setup() (err error) {
	f.p, err = f.Opt.pipeline()
	return err
}

func (f *parseFn) ProcessElement(line string, emit func(string, Art)) error {
	b := bytes.TrimSpace([]byte(line))
	if len(b) == 0 {
		return nil
	}
	a, err := parseArticle(f.Opt, b)
	if err == nil {
		err = f.p.CheckArticle(&a)
	}
	if err != nil {
		return fmt.Errorf("storyclust/beam: bad input line %s: %w", abbrev(line), err)
	}
	emit(a.ID, fromArticle(&a))
	return nil
}

func abbrev(s string) string {
	if len(s) > 60 {
		cut := 60
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(s)
}

// parseArticle reads one JSON Lines article as the CLI does: id a string or
// a number, published RFC 3339 or YYYY-MM-DD, an html field extracted.
func parseArticle(opt Options, b []byte) (storyclust.Article, error) {
	var a storyclust.Article
	if !utf8.Valid(b) {
		b = bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return a, fmt.Errorf("not a JSON object: %v", err)
	}
	str := func(canon string, numberOK bool) (string, error) {
		name := opt.field(canon)
		raw, ok := obj[name]
		if !ok || string(raw) == "null" {
			return "", nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			return s, nil
		}
		if numberOK {
			var n json.Number
			if err := json.Unmarshal(raw, &n); err == nil {
				return n.String(), nil
			}
		}
		return "", fmt.Errorf("field %q: want a string, got %s", name, abbrev(string(raw)))
	}
	var err error
	for _, f := range []struct {
		canon string
		dst   *string
	}{{"title", &a.Title}, {"text", &a.Text}, {"source", &a.Source}, {"url", &a.URL}, {"lang", &a.Lang}} {
		if *f.dst, err = str(f.canon, false); err != nil {
			return a, err
		}
	}
	if a.ID, err = str("id", true); err != nil {
		return a, err
	}
	if a.ID == "" {
		return a, fmt.Errorf("missing id (field %q)", opt.field("id"))
	}
	pub, err := str("published", false)
	if err != nil {
		return a, err
	}
	if pub = strings.TrimSpace(pub); pub != "" {
		if a.Published, err = time.Parse(time.RFC3339Nano, pub); err != nil {
			if a.Published, err = time.Parse(time.DateOnly, pub); err != nil {
				return a, fmt.Errorf("field %q: date %q is neither RFC 3339 nor YYYY-MM-DD", opt.field("published"), pub)
			}
		}
	}
	page, err := str("html", false)
	if err != nil {
		return a, err
	}
	if page != "" {
		return extract.Fill(a, strings.NewReader(page))
	}
	return a, nil
}

func dupIDFn(id string, n int) error {
	if n > 1 {
		return fmt.Errorf("storyclust/beam: %w %q (%d articles)", storyclust.ErrDuplicateID, id, n)
	}
	return nil
}

func furnitureKeysFn(id string, a Art, emit func(string, string)) {
	art := a.article()
	for _, k := range storyclust.FurnitureKeys(nil, &art) {
		emit(k, id)
	}
}

// repeatedFn keeps the repeat keys whose count reaches MinRepeat: the others
// change nothing (see storyclust.Pipeline.CleanText).
type repeatedFn struct {
	Opt Options
	min int
}

func (f *repeatedFn) Setup() error {
	p, err := f.Opt.pipeline()
	if err == nil {
		f.min = p.Config().MinRepeat
	}
	return err
}

func (f *repeatedFn) ProcessElement(key string, n int, emit func(string, int)) {
	if n >= f.min {
		emit(key, n)
	}
}

func lineCountsFn(key string, counts func(*int) bool, ids func(*string) bool, emit func(string, KeyCount)) {
	var n int
	if !counts(&n) {
		return
	}
	var id string
	for ids(&id) {
		emit(id, KeyCount{key, n})
	}
}

type prepareFn struct {
	Opt Options
	p   *storyclust.Pipeline
}

func (f *prepareFn) Setup() (err error) {
	f.p, err = f.Opt.pipeline()
	return err
}

func (f *prepareFn) ProcessElement(id string, arts func(*Art) bool, kcs func(*KeyCount) bool, emit func(string, Doc)) error {
	var w Art
	if !arts(&w) {
		return nil
	}
	counts := map[string]int{}
	var kc KeyCount
	for kcs(&kc) {
		counts[kc.Key] = kc.N
	}
	a := w.article()
	text := f.p.CleanText(&a, func(k string) int { return counts[k] })
	pr, err := f.p.Prepare(&a, text)
	if err != nil {
		return err
	}
	emit(id, fromPrepared(&pr))
	return nil
}

type dupKeysFn struct {
	Opt Options
	p   *storyclust.Pipeline
}

func (f *dupKeysFn) Setup() (err error) {
	f.p, err = f.Opt.pipeline()
	return err
}

func (f *dupKeysFn) ProcessElement(id string, d Doc, band, exact func(string, string)) {
	pr := d.prepared()
	keys, isExact := f.p.DupKeys(nil, &pr)
	for _, k := range keys {
		if isExact {
			exact(k, id)
		} else {
			band(k, id)
		}
	}
}

// bucketPairsFn emits every pair of ids in a bucket. Like the LSH index, it
// is quadratic in the bucket size.
func bucketPairsFn(_ string, ids func(*string) bool, emit func(string)) {
	var all []string
	var id string
	for ids(&id) {
		all = append(all, id)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	for i, a := range all {
		for _, b := range all[i+1:] {
			emit(pairKey(a, b))
		}
	}
}

// storyBucketPairsFn emits the candidate pairs of a story bucket (ids
// prefixed by their role, see storyKeysFn): every pair in a time bucket,
// the pairs with an undated member in an undated bucket (two dated
// articles that can be an edge share a time bucket).
func storyBucketPairsFn(key string, ids func(*string) bool, emit func(string)) {
	var dated, undated []string
	var id string
	for ids(&id) {
		if id[0] == 'u' {
			undated = append(undated, id[1:])
		} else {
			dated = append(dated, id[1:])
		}
	}
	for _, s := range []*[]string{&dated, &undated} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	pair := func(a, b string) {
		if a != b {
			emit(pairKey(min(a, b), max(a, b)))
		}
	}
	for i, a := range undated {
		for _, b := range undated[i+1:] {
			pair(a, b)
		}
		for _, b := range dated {
			pair(a, b)
		}
	}
	if !storyclust.StoryKeyUndated(key) {
		for i, a := range dated {
			for _, b := range dated[i+1:] {
				pair(a, b)
			}
		}
	}
}

func splitPairFn(k string, emit func(string, string)) {
	emit(splitPair(k))
}

func halfFn(a string, docs func(*Doc) bool, bs func(*string) bool, emit func(string, Half)) {
	var d Doc
	if !docs(&d) {
		return
	}
	var b string
	for bs(&b) {
		emit(b, Half{a, d})
	}
}

type verifyFn struct {
	Opt Options
	p   *storyclust.Pipeline
}

func (f *verifyFn) Setup() (err error) {
	f.p, err = f.Opt.pipeline()
	return err
}

func (f *verifyFn) ProcessElement(b string, docs func(*Doc) bool, halves func(*Half) bool, emit func(string, string)) {
	var d Doc
	if !docs(&d) {
		return
	}
	pb := d.prepared()
	var h Half
	for halves(&h) {
		pa := h.D.prepared()
		if f.p.IsDuplicate(&pa, &pb) {
			emit(h.A, b)
		}
	}
}

// exactEdgesFn joins the articles sharing an exact key: a star around the
// smallest id.
func exactEdgesFn(_ string, ids func(*string) bool, emit func(string, string)) {
	var all []string
	var id string
	for ids(&id) {
		all = append(all, id)
	}
	m := slices.Min(all)
	for _, id := range all {
		if id != m {
			emit(m, id)
		}
	}
}

// groupFn keys each document by its duplicate group (itself when it has no
// duplicate), as a candidate representative and as a member.
func groupFn(id string, docs func(*Doc) bool, groups func(*string) bool, cand func(string, Doc), member func(string, string)) {
	var d Doc
	if !docs(&d) {
		return
	}
	g := id
	groups(&g)
	cand(g, Doc{ID: d.ID, PubSec: d.PubSec, PubNsec: d.PubNsec, HasPub: d.HasPub, Length: d.Length})
	member(g, id)
}

// betterFn combines two candidate representatives into the better one.
func betterFn(a, b Doc) Doc {
	pa, pb := a.prepared(), b.prepared()
	if storyclust.BetterOriginal(&pb, &pa) {
		return b
	}
	return a
}

func assignRepFn(_ string, best func(*Doc) bool, members func(*string) bool, emit func(string, string)) {
	var b Doc
	best(&b)
	var id string
	for members(&id) {
		emit(id, b.ID)
	}
}

func repDocsFn(id string, docs func(*Doc) bool, reps func(*string) bool, emit func(string, Doc)) {
	var d Doc
	var rep string
	if docs(&d) && reps(&rep) && rep == id {
		emit(id, Doc{ID: d.ID, PubSec: d.PubSec, PubNsec: d.PubNsec, HasPub: d.HasPub, Length: d.Length, TFH: d.TFH, TFW: d.TFW})
	}
}

func termsFn(id string, d Doc, emit func(uint64, string)) {
	for _, h := range d.TFH {
		emit(h, id)
	}
}

func dfFn(h uint64, dfs func(*int) bool, ids func(*string) bool, emit func(string, TermDF)) {
	var n int
	dfs(&n)
	var id string
	for ids(&id) {
		emit(id, TermDF{h, n})
	}
}

type weighFn struct {
	Opt Options
	p   *storyclust.Pipeline
}

func (f *weighFn) Setup() (err error) {
	f.p, err = f.Opt.pipeline()
	return err
}

func (f *weighFn) ProcessElement(id string, docs func(*Doc) bool, dfs func(*TermDF) bool, n int, emit func(string, Doc)) error {
	var d Doc
	if !docs(&d) {
		return nil
	}
	df := make(map[uint64]int, len(d.TFH))
	var t TermDF
	for dfs(&t) {
		df[t.H] = t.DF
	}
	if len(df) != len(d.TFH) {
		return fmt.Errorf("storyclust/beam: article %q: %d document frequencies for %d terms", id, len(df), len(d.TFH))
	}
	terms := f.p.WeighTerms(joinTerms(d.TFH, d.TFW), n, func(h uint64) int { return df[h] })
	v := Doc{ID: d.ID, PubSec: d.PubSec, PubNsec: d.PubNsec, HasPub: d.HasPub}
	v.TermH, v.TermW = splitTerms(terms)
	emit(id, v)
	return nil
}

type storyKeysFn struct {
	Opt Options
	p   *storyclust.Pipeline
}

func (f *storyKeysFn) Setup() (err error) {
	f.p, err = f.Opt.pipeline()
	return err
}

// ProcessElement emits each story key of a representative with its id,
// prefixed by its role: "u" when it meets others in undated buckets only,
// "d" when it is dated.
func (f *storyKeysFn) ProcessElement(id string, d Doc, emit func(string, string)) {
	pr := d.prepared()
	role := "d"
	if f.p.StoryUndated(&pr) {
		role = "u"
	}
	for _, k := range f.p.StoryKeys(nil, &pr) {
		emit(k, role+id)
	}
}

type simFn struct {
	Opt Options
	p   *storyclust.Pipeline
}

func (f *simFn) Setup() (err error) {
	f.p, err = f.Opt.pipeline()
	return err
}

func (f *simFn) ProcessElement(b string, docs func(*Doc) bool, halves func(*Half) bool, emit func(Edge)) {
	var d Doc
	if !docs(&d) {
		return
	}
	pb := d.prepared()
	var h Half
	for halves(&h) {
		pa := h.D.prepared()
		if s, ok := f.p.StorySim(&pa, &pb); ok {
			emit(Edge{h.A, b, s})
		}
	}
}

type strongFn struct {
	Opt Options
	p   *storyclust.Pipeline
}

func (f *strongFn) Setup() (err error) {
	f.p, err = f.Opt.pipeline()
	return err
}

func (f *strongFn) ProcessElement(e Edge, emit func(string, string)) {
	if f.p.StoryStrong(e.Sim) {
		emit(e.A, e.B)
	}
}

func edgeByAFn(e Edge, emit func(string, Edge)) { emit(e.A, e) }

func edgeCompAFn(_ string, comps func(*string) bool, edges func(*Edge) bool, emit func(string, HalfEdge)) {
	var c string
	if !comps(&c) {
		return
	}
	var e Edge
	for edges(&e) {
		emit(e.B, HalfEdge{e, c})
	}
}

func edgeCompBFn(_ string, comps func(*string) bool, halves func(*HalfEdge) bool, emit func(string, Edge)) {
	var c string
	if !comps(&c) {
		return
	}
	var h HalfEdge
	for halves(&h) {
		if h.Comp == c {
			emit(c, h.E)
		}
	}
}

// clusterFn clusters one component of the strong-edge graph with every edge
// among its members, and labels each member with the smallest id of its
// cluster.
type clusterFn struct {
	Opt Options
	p   *storyclust.Pipeline
}

func (f *clusterFn) Setup() (err error) {
	f.p, err = f.Opt.pipeline()
	return err
}

func (f *clusterFn) ProcessElement(_ string, edges func(*Edge) bool, emit func(string, string)) error {
	var es []Edge
	var ids []string
	var e Edge
	for edges(&e) {
		es = append(es, e)
		ids = append(ids, e.A, e.B)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	local := make(map[string]int, len(ids))
	for i, id := range ids {
		local[id] = i
	}
	ce := make([]cluster.Edge, len(es))
	for i, e := range es {
		ce[i] = cluster.Edge{A: local[e.A], B: local[e.B], Sim: e.Sim}
	}
	lab, err := f.p.ClusterStories(nil, len(ids), ce)
	if err != nil {
		return err
	}
	for i, id := range ids {
		emit(id, ids[lab[i]])
	}
	return nil
}

func swapFn(k, v string, emit func(string, string)) { emit(v, k) }

// storyMembersFn keys the members of a representative's duplicate group by
// the representative's story label (the representative itself when it
// has no story edge).
func storyMembersFn(rep string, labels func(*string) bool, ids func(*string) bool, emit func(string, Member)) {
	label := rep
	labels(&label)
	var id string
	for ids(&id) {
		m := Member{ID: id}
		if id != rep {
			m.DupOf = rep
		}
		emit(label, m)
	}
}

type outputLine struct {
	ID          string `json:"id"`
	Story       string `json:"story"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
}

// outputFn names a story by its members and writes one line per member, as
// the CLI does.
func outputFn(_ string, members func(*Member) bool, emit func(string)) error {
	var ms []Member
	var m Member
	for members(&m) {
		ms = append(ms, m)
	}
	ids := make([]string, len(ms))
	for i := range ms {
		ids[i] = ms[i].ID
	}
	story := storyclust.StoryID(ids)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, m := range ms {
		buf.Reset()
		if err := enc.Encode(outputLine{m.ID, story, m.DupOf}); err != nil {
			return err
		}
		emit(strings.TrimSuffix(buf.String(), "\n"))
	}
	return nil
}
