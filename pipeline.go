package storyclust

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/shingle"
)

// Assignment is the result for one input article.
type Assignment struct {
	ID string
	// Story is the id of the article's story; empty in Dedup results.
	Story string
	// DuplicateOf is the id of the article this one re-publishes (the
	// representative of its duplicate group), or "".
	DuplicateOf string
}

// Story is one group of articles reporting the same event.
type Story struct {
	ID string
	// Members lists the member ids in ascending order.
	Members []string
	// Representative is the most complete member (the longest text after
	// furniture removal; ties go to the earliest published, then the
	// smallest id).
	Representative string
	// Title is the representative's title, or the start of its text.
	Title string
}

// Result is the outcome of a run.
type Result struct {
	// Assignments holds one entry per input article, in input order.
	Assignments []Assignment
	// Stories lists the stories, largest first, then by id. Nil for Dedup.
	Stories []Story
	// Warnings are non-fatal remarks about the input, such as a language
	// that fell back to no stemming.
	Warnings []string
}

// doc is the per-article working state, indexed in id order.
type doc struct {
	art   *Article
	input int // index in the caller's slice
	// dup holds the top 32 bits of each of the sorted unique duplicate-tier
	// shingle hashes, in the same order (see narrow): what verification
	// compares, in half the memory of the hashes.
	dup       []uint32
	full      []uint64 // the sorted unique shingle hashes, only with analyzeOpt.full
	length    int      // tokens of the cleaned text
	tf        []term   // story features: sublinear term frequencies, sorted by hash
	terms     []term   // tf weighted by the batch idf, L2-normalized
	published time.Time
}

type term struct {
	h uint64
	w float64
}

// Run clusters a batch: it marks duplicates and groups the articles into
// stories. The result does not depend on the order of arts.
func (p *Pipeline) Run(ctx context.Context, arts []Article) (*Result, error) {
	return p.run(ctx, arts, true)
}

// Dedup runs the duplicate tier alone.
func (p *Pipeline) Dedup(ctx context.Context, arts []Article) (*Result, error) {
	return p.run(ctx, arts, false)
}

func (p *Pipeline) progress(stage string, done, total int) {
	if p.cfg.Progress != nil {
		p.cfg.Progress(Progress{Stage: stage, Done: done, Total: total})
	}
}

func (p *Pipeline) validate(arts []Article) error {
	seen := make(map[string]int, len(arts))
	for i := range arts {
		a := &arts[i]
		if a.ID == "" {
			return fmt.Errorf("article %d: %w", i+1, ErrMissingID)
		}
		if j, ok := seen[a.ID]; ok {
			return fmt.Errorf("articles %d and %d: %w %q", j+1, i+1, ErrDuplicateID, a.ID)
		}
		seen[a.ID] = i
		if p.cfg.MaxArticleBytes > 0 && len(a.Title)+len(a.Text) > p.cfg.MaxArticleBytes {
			return fmt.Errorf("article %q: %w: %d bytes (limit %d)", a.ID, ErrArticleTooLarge,
				len(a.Title)+len(a.Text), p.cfg.MaxArticleBytes)
		}
	}
	return nil
}

// batch is the working state of one run, kept for Explain.
type batch struct {
	docs     []doc    // in id order
	keys     []uint64 // the docs' LSH band keys, Bands per doc (see setDup)
	rep      []int    // duplicate-group representative of each doc
	label    []int    // story label of each doc (a doc index); nil for Dedup
	warnings []string
}

func (p *Pipeline) run(ctx context.Context, arts []Article, stories bool) (*Result, error) {
	b, err := p.process(ctx, arts, stories, false)
	if err != nil {
		return nil, err
	}
	res := &Result{Assignments: make([]Assignment, len(arts)), Warnings: b.warnings}
	for k, d := range b.docs {
		a := &res.Assignments[d.input]
		a.ID = d.art.ID
		if b.rep[k] != k {
			a.DuplicateOf = b.docs[b.rep[k]].art.ID
		}
	}
	if stories && len(arts) > 0 {
		res.Stories = buildStories(b.docs, b.label)
		byLabel := map[int]string{}
		for _, s := range res.Stories {
			byLabel[b.label[idIndex(b.docs, s.Members[0])]] = s.ID
		}
		for k, d := range b.docs {
			res.Assignments[d.input].Story = byLabel[b.label[k]]
		}
	}
	return res, nil
}

// process validates arts and runs the tiers over them. full keeps each doc's
// 64-bit shingle set in doc.full (for Explain).
func (p *Pipeline) process(ctx context.Context, arts []Article, stories, full bool) (*batch, error) {
	if err := p.validate(arts); err != nil {
		return nil, err
	}
	b := &batch{}
	if len(arts) == 0 {
		return b, nil
	}
	// Work in id order, so that the input order cannot matter.
	order := make([]int, len(arts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(arts[a].ID, arts[b].ID) })
	sorted := make([]Article, len(arts))
	for k, i := range order {
		sorted[k] = arts[i]
	}

	p.progress("clean", 0, len(arts))
	var texts []string // Dedup cleans by line in analyze
	if stories {
		texts = cleanBatch(ctx, sorted, p.cfg.MinRepeat)
	}
	b.docs = make([]doc, len(sorted))
	b.keys = make([]uint64, len(sorted)*p.dupLSH.Bands)
	var err error
	opt := analyzeOpt{stories: stories, full: full, keys: b.keys}
	if b.warnings, err = p.analyze(ctx, sorted, order, texts, b.docs, opt); err != nil {
		return nil, err
	}

	p.progress("duplicates", 0, len(b.docs))
	if b.rep, err = p.duplicates(b.docs, b.keys); err != nil {
		return nil, err
	}
	p.progress("duplicates", len(b.docs), len(b.docs))
	if stories {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p.progress("stories", 0, len(b.docs))
		if b.label, err = p.stories(b.docs, b.rep); err != nil {
			return nil, err
		}
	}
	p.progress("done", len(b.docs), len(b.docs))
	return b, nil
}

func idIndex(docs []doc, id string) int {
	k, _ := slices.BinarySearchFunc(docs, id, func(d doc, id string) int { return strings.Compare(d.art.ID, id) })
	return k
}

// analyze tokenizes every article on all CPUs, with opt.keys the band keys of
// all docs (doc k's at opt.keys[k*Bands:]). Each worker writes only its own
// docs, so the result does not depend on scheduling.
func (p *Pipeline) analyze(ctx context.Context, sorted []Article, order []int, texts []string, docs []doc, opt analyzeOpt) ([]string, error) {
	var warnings []string
	langs := map[string]bool{}
	for i := range sorted {
		l := sorted[i].Lang
		if langs[l] {
			continue
		}
		langs[l] = true
		if _, err := p.shingler(l); err != nil {
			if p.cfg.StrictLang {
				return nil, fmt.Errorf("article %q: %w", sorted[i].ID, err)
			}
			warnings = append(warnings, fmt.Sprintf("article %q: %v; tokenized without stemming or stopwords", sorted[i].ID, err))
		}
	}
	if !opt.stories {
		p.analyzeLines(ctx, sorted, order, docs, opt)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p.progress("analyze", len(docs), len(docs))
		return warnings, nil
	}
	workers := runtime.GOMAXPROCS(0)
	if workers > len(docs) {
		workers = len(docs)
	}
	const chunk = 64
	var (
		next int
		mu   sync.Mutex
		wg   sync.WaitGroup
		done int
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var toks []shingle.HashedToken
			for {
				mu.Lock()
				start := next
				next += chunk
				mu.Unlock()
				if start >= len(docs) || ctx.Err() != nil {
					return
				}
				end := min(start+chunk, len(docs))
				for k := start; k < end; k++ {
					toks = p.analyzeOne(&docs[k], &sorted[k], order[k], texts[k], toks, opt.forDoc(k, p.dupLSH.Bands))
				}
				mu.Lock()
				done += end - start
				p.progress("analyze", done, len(docs))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.progress("analyze", len(docs), len(docs))
	return warnings, nil
}

// analyzeOpt says what analyzeOne derives beyond d.length.
type analyzeOpt struct {
	stories bool // the story features, d.tf
	full    bool // d.full
	// keys, if not nil, receives the doc's LSH band keys, and d.dup is set
	// (a batch's duplicate tier; see setDup).
	keys []uint64
}

// forDoc is o for doc k of a batch whose keys o.keys holds, bands per doc.
func (o analyzeOpt) forDoc(k, bands int) analyzeOpt {
	if o.keys != nil {
		o.keys = o.keys[k*bands : (k+1)*bands]
	}
	return o
}

func (p *Pipeline) analyzeOne(d *doc, a *Article, input int, text string, toks []shingle.HashedToken, opt analyzeOpt) []shingle.HashedToken {
	s, _ := p.shingler(a.Lang)
	seed := p.cfg.Seed
	d.art = a
	d.input = input
	d.published = a.Published
	if !opt.stories {
		// The duplicate tier needs only the term hashes, which the
		// Shingler memoizes per word; the title only for a text without
		// words.
		sc := setScratchPool.Get().(*setScratch)
		sc.hashes = s.TokenHashes(sc.hashes[:0], text)
		d.length = len(sc.hashes)
		if d.length == 0 {
			sc.hashes = s.TokenHashes(sc.hashes, a.Title)
		}
		sc.shingles = shingle.NGrams(sc.shingles[:0], sc.hashes, p.cfg.DupShingle, seed)
		p.setDup(d, sc, opt)
		setScratchPool.Put(sc)
		return toks
	}
	// Analyze text and title once: body tokens first, then the title's.
	toks = s.AnalyzeHashes(toks[:0], text)
	nb := len(toks)
	toks = s.AnalyzeHashes(toks, a.Title)
	sc := setScratchPool.Get().(*setScratch)
	defer setScratchPool.Put(sc)
	hashes := slices.Grow(sc.hashes[:0], len(toks))[:len(toks)]
	sc.hashes = hashes
	for i := range toks {
		hashes[i] = toks[i].Hash
	}
	d.length = nb
	dupTokens := hashes[:nb:nb]
	if nb == 0 {
		// A title-only article is compared by its title.
		dupTokens = hashes[nb:]
	}
	sc.shingles = shingle.NGrams(sc.shingles[:0], dupTokens, p.cfg.DupShingle, seed)
	p.setDup(d, sc, opt)
	// Story features: every content term, weighted up in the title and
	// when capitalized inside a sentence (a name), and each name again in
	// the name part (see nameBit). Each occurrence is one contribution;
	// sorted stably by term, they are summed in text order.
	cs := sc.terms[:0]
	for i := range toks {
		t := &toks[i]
		w := 1.0
		if i >= nb {
			w += p.cfg.TitleBoost
		}
		name := t.Cap && !t.Start && !t.Digit
		if name {
			w += p.cfg.NameBoost
		}
		cs = append(cs, term{h: hashes[i] &^ nameBit, w: w})
		if name && p.cfg.NameWeight > 0 {
			// The name part: one per occurrence, title boosted.
			cs = append(cs, term{h: hashes[i] | nameBit, w: w - p.cfg.NameBoost})
		}
	}
	cs = sortTermsStable(cs, sc)
	distinct := 0
	for i := range cs {
		if i == 0 || cs[i].h != cs[i-1].h {
			distinct++
		}
	}
	d.tf = make([]term, 0, distinct)
	for i := 0; i < len(cs); {
		h, w := cs[i].h, 0.0
		for ; i < len(cs) && cs[i].h == h; i++ {
			w += cs[i].w
		}
		if w != 1 { // most terms occur once, unboosted: log 1 is 0
			w = 1 + math.Log(w)
		}
		d.tf = append(d.tf, term{h: h, w: w})
	}
	sc.terms = cs
	return toks
}

// sortTermsStable sorts ts by hash, equal hashes in their order, and
// returns the result (in ts or in sc's memory). Hashes are uniform, so it
// distributes them into about len(ts)/2 buckets by their top bits, in
// order, and sorts each bucket by insertion, with slices.SortStableFunc
// for any bucket that is not small (as sortedSet does).
func sortTermsStable(ts []term, sc *setScratch) []term {
	byHash := func(a, b term) int { return cmp.Compare(a.h, b.h) }
	n := len(ts)
	if n < 64 {
		slices.SortStableFunc(ts, byHash)
		return ts
	}
	lg := bits.Len(uint(n)) - 1
	nb := 1 << lg
	shift := uint(64 - lg)
	counts := slices.Grow(sc.counts[:0], nb+1)[:nb+1]
	clear(counts)
	for _, t := range ts {
		counts[t.h>>shift+1]++
	}
	for b := 1; b <= nb; b++ {
		counts[b] += counts[b-1]
	}
	out := slices.Grow(sc.termsTmp[:0], n)[:n]
	for _, t := range ts {
		b := t.h >> shift
		out[counts[b]] = t
		counts[b]++
	}
	start := int32(0)
	for b := range nb {
		end := counts[b]
		if seg := out[start:end]; len(seg) > 16 {
			slices.SortStableFunc(seg, byHash)
		} else {
			for i := 1; i < len(seg); i++ {
				for j := i; j > 0 && seg[j].h < seg[j-1].h; j-- {
					seg[j], seg[j-1] = seg[j-1], seg[j]
				}
			}
		}
		start = end
	}
	sc.counts, sc.termsTmp = counts, ts // ts becomes the next call's buffer
	return out
}

func moreComplete(a, b *doc) bool {
	if a.length != b.length {
		return a.length > b.length
	}
	az, bz := a.published.IsZero(), b.published.IsZero()
	if az != bz {
		return !az
	}
	if !az && !a.published.Equal(b.published) {
		return a.published.Before(b.published)
	}
	return a.art.ID < b.art.ID
}

// stories clusters the duplicate-group representatives and returns a label
// per doc (duplicates take their representative's label).
func (p *Pipeline) stories(docs []doc, rep []int) ([]int, error) {
	var reps []int
	for k := range docs {
		if rep[k] == k {
			reps = append(reps, k)
		}
	}
	p.weighTerms(docs, reps)
	edges := p.storyEdges(docs, reps)
	lab, err := p.clusterer.Cluster(nil, len(reps), edges)
	if err != nil {
		return nil, err
	}
	label := make([]int, len(docs))
	pos := map[int]int{}
	for i, k := range reps {
		pos[k] = i
	}
	for k := range docs {
		label[k] = reps[lab[pos[rep[k]]]]
	}
	return label, nil
}

// weighTerms turns term frequencies into L2-normalized TF-IDF weights, the
// document frequencies counted over the given docs. Each doc's tf becomes
// its terms, weighed in place.
func (p *Pipeline) weighTerms(docs []doc, idx []int) {
	for i, v := range p.tfidf(docs, idx) {
		docs[idx[i]].terms, docs[idx[i]].tf = v, nil
	}
}

// tfidf returns the L2-normalized TF-IDF vectors of docs[idx], the document
// frequencies counted over those docs alone. Each vector is its doc's tf,
// weighed in place: a copy was as large as all the docs' tf together (53 MB
// on AllSides 20k).
func (p *Pipeline) tfidf(docs []doc, idx []int) [][]term {
	// Count each term's documents, then turn the count into the idf, so
	// that the logarithm is taken once per distinct term. The counts are
	// kept in a termIndex, whose lookups go through the table in order for
	// a vector's terms, sorted by hash (see termIndex.slot): on AllSides 20k
	// there are 6 million of them.
	var df termIndex
	for _, k := range idx {
		for _, t := range docs[k].tf {
			df.count(t.h)
		}
	}
	n := float64(len(idx))
	idfs := make([]float64, df.used) // by term number
	for _, s := range df.slots {
		if s.n != 0 {
			idfs[s.start] = idf(n, float64(s.n))
		}
	}
	out := make([][]term, len(idx))
	dedupParallel(len(idx), func() func(i int) {
		return func(i int) {
			// Every term of every doc was counted, so each is found.
			out[i] = weigh(docs[idx[i]].tf, func(h uint64) float64 { return idfs[df.slots[df.slot(h)].start] }, p.cfg.NameWeight)
		}
	})
	return out
}

// weigh weights the term frequencies ts by each term's idf, in place, each
// part (content terms, names) scaled by partScales, and returns ts.
func weigh(ts []term, idf func(h uint64) float64, nameWeight float64) []term {
	var sq [2]float64
	for i := range ts {
		ts[i].w *= idf(ts[i].h)
		sq[ts[i].h&nameBit] += ts[i].w * ts[i].w
	}
	sc := partScales(sq, nameWeight)
	for i := range ts {
		ts[i].w *= sc[ts[i].h&nameBit]
	}
	return ts
}

// nameBit is the lowest bit of a story term's key: clear for a content
// term (its token hash with the bit cleared), set for the same term in the
// name part. A story vector is the concatenation of the two parts, so a
// plain dot product of two vectors weighted by partScales is
// (1-NameWeight)·cos(content) + NameWeight·cos(names).
const nameBit = 1

// partScales returns the factors that bring the content part (index 0) and
// the name part (index 1) of a TF-IDF vector, whose squared norms are sq,
// to norms sqrt(1-nameWeight) and sqrt(nameWeight). When one part is empty
// the other gets norm 1, so an article without names is compared by its
// content terms alone; an empty vector stays empty.
func partScales(sq [2]float64, nameWeight float64) [2]float64 {
	var sc [2]float64
	switch {
	case sq[0] > 0 && sq[1] > 0:
		sc[0] = math.Sqrt((1 - nameWeight) / sq[0])
		sc[1] = math.Sqrt(nameWeight / sq[1])
	case sq[0] > 0:
		sc[0] = 1 / math.Sqrt(sq[0])
	case sq[1] > 0:
		sc[1] = 1 / math.Sqrt(sq[1])
	}
	return sc
}

// storySim is the cosine of two docs' TF-IDF vectors, lowered by the gap
// between their publication times when both are known.
func (p *Pipeline) storySim(a, b *doc) float64 {
	s := cosine(a.terms, b.terms)
	return s * p.timeDecay(a.published, b.published)
}

func (p *Pipeline) timeDecay(a, b time.Time) float64 {
	if a.IsZero() || b.IsZero() || p.cfg.TimeScale < 0 {
		return 1
	}
	gap := a.Sub(b)
	if gap < 0 {
		gap = -gap
	}
	gap -= p.cfg.TimeGrace
	if gap <= 0 {
		return 1
	}
	return math.Exp(-float64(gap) / float64(p.cfg.TimeScale))
}

// cosine is the dot product of two unit vectors sorted by term. The merge
// has no branch on the data (see verifyScratch.contains): a term present
// in one vector only adds a zero product, which leaves the sum unchanged.
func cosine(a, b []term) float64 {
	var s float64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		s += x.w * y.w * float64(b2i(x.h == y.h))
		i += b2i(x.h <= y.h)
		j += b2i(y.h <= x.h)
	}
	return min(s, 1)
}

func buildStories(docs []doc, label []int) []Story {
	groups := map[int][]int{}
	for k := range docs {
		groups[label[k]] = append(groups[label[k]], k)
	}
	out := make([]Story, 0, len(groups))
	for _, ks := range groups {
		st := Story{Members: make([]string, len(ks))}
		best := ks[0]
		for i, k := range ks {
			st.Members[i] = docs[k].art.ID
			if moreComplete(&docs[k], &docs[best]) {
				best = k
			}
		}
		// ks is ascending in doc (= id) order, so Members is sorted.
		st.ID = cluster.StableID(st.Members)
		st.Representative = docs[best].art.ID
		st.Title = storyTitle(docs[best].art)
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b Story) int {
		if c := cmp.Compare(len(b.Members), len(a.Members)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// looksLikeHeadline reports whether a line of text can stand as a title:
// not furniture, at least four words, most of them words rather than numbers
// or codes ("Code 134776", "PublishDate: Monday, January 28, 2019 20:43").
func looksLikeHeadline(line string) bool {
	key := string(lineKey(nil, line))
	if isFurniture(line, key) {
		return false
	}
	words := strings.Fields(key)
	alpha := 0
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) {
			alpha++
		}
	}
	return len(words) >= 4 && 10*alpha >= 7*len(words)
}

func storyTitle(a *Article) string {
	t := strings.TrimSpace(a.Title)
	if t == "" {
		for _, line := range strings.Split(a.Text, "\n") {
			line = strings.TrimSpace(line)
			if looksLikeHeadline(line) {
				t = line
				break
			}
		}
	}
	const max = 160
	if len(t) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(t[cut]) {
			cut--
		}
		t = strings.TrimSpace(t[:cut]) + "…"
	}
	return t
}

// idf is the inverse document frequency of a term found in df of n
// documents: ln((1+n)/(1+df)). Unlike the common "+1" variant, a term found
// in every document of the batch weighs nothing: in a small batch on one
// topic (five reports of Iran-Russia talks) the topic words are what every
// article shares, and only the rest tells the events apart.
func idf(n, df float64) float64 {
	return math.Log((1 + n) / (1 + df))
}
