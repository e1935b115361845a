package storyclust

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/storyclust/storyclust/cluster"
	"github.com/storyclust/storyclust/shingle"
	"github.com/storyclust/storyclust/similarity"
)

// Sentinel errors. Errors returned by this package wrap one of these (test
// with errors.Is) and name the offending article or setting.
var (
	// ErrInvalidConfig reports a Config field out of range.
	ErrInvalidConfig = errors.New("storyclust: invalid config")
	// ErrMissingID reports an article with an empty ID.
	ErrMissingID = errors.New("storyclust: missing article id")
	// ErrDuplicateID reports two articles with the same ID in one batch.
	ErrDuplicateID = errors.New("storyclust: duplicate article id")
	// ErrArticleTooLarge reports an article whose title and text exceed
	// Config.MaxArticleBytes.
	ErrArticleTooLarge = errors.New("storyclust: article too large")
	// ErrUnknownLanguage reports a language that has no Snowball stemmer.
	// It is the same value as shingle.ErrUnknownLanguage.
	ErrUnknownLanguage = shingle.ErrUnknownLanguage
)

// Article is one news article. Only ID is required; Text or Title should
// carry the content.
type Article struct {
	ID        string
	Title     string
	Text      string
	Published time.Time // zero when unknown
	Source    string    // outlet name or host; used to find page furniture
	URL       string
	Lang      string // Snowball language name or ISO 639-1 code; "" means Config.Lang
}

// Config holds the pipeline's settings. The zero value of every field
// selects the documented default, so Config{} is a good configuration.
type Config struct {
	// Lang is the language of articles whose Lang is empty, as a Snowball
	// language name ("english") or ISO 639-1 code ("en").
	// Default "en". "none" disables stemming and stopwords.
	Lang string
	// StrictLang makes an article language without a Snowball stemmer an
	// error (ErrUnknownLanguage). By default such articles are tokenized
	// without stemming or stopwords and a warning is added to the Result.
	StrictLang bool

	// K is the MinHash signature length. Default 128.
	K int
	// Seed seeds every hash. Default 0 (a fixed, documented seed: output is
	// the same on every machine and run).
	Seed uint64
	// DupSigner is the MinHash signer of the duplicate tier's LSH index.
	// Default SignerOPH. The story tier always uses MinWise (its sets of
	// TopTerms terms are small, where densified OPH is noisier).
	DupSigner Signer

	// DupShingle is the word n-gram size of the duplicate tier. Default 3.
	DupShingle int
	// DupThreshold is the share of the shorter article found in the longer
	// one above which the two are duplicates: at least DupThreshold of its
	// shingles must be in the longer one's, and so must at least
	// DupThreshold of its paragraphs (lines of DupMinShingles shingles or
	// more, each found when DupThreshold of its own shingles are), so that
	// two pages sharing one long block, such as a photo gallery, are not
	// duplicates. Default 0.5.
	DupThreshold float64
	// DupMinShingles is the number of shingles an article needs before it
	// can be a duplicate of another; shorter texts are compared by their
	// whole normalized token sequence instead. Default 8.
	DupMinShingles int

	// StoryCut is the linkage distance cut of the story tier: two groups of
	// articles are joined while their linkage distance (1 - similarity) is
	// at most StoryCut. Default DefaultStoryCut.
	StoryCut float64
	// StoryFloor is the smallest story similarity that counts as evidence:
	// a weaker pair of articles counts as similarity 0 in the linkage, like
	// a pair that shares no term. Average linkage otherwise lets many weak
	// pairs (articles on one subject, not one event) add up to a merge.
	// Default 0.18; it must be in (0, 1]. The batch tiers find every pair
	// at or above it exactly, and a higher floor makes that search faster.
	StoryFloor float64
	// Linkage is the agglomerative linkage of the story tier. Default
	// average linkage.
	Linkage cluster.Linkage
	// StoryCohesion keeps two events of the same kind apart (average
	// linkage only, see cluster.Config.Cohesion): two groups of at least
	// three articles do not merge when their mean similarity is below
	// StoryCohesion times the smaller of their cohesions (the mean
	// similarity inside each group). Reports of one event are about as
	// close to each other as to the rest of their coverage, while two
	// firings of one coach, or two title defences of one boxer, form two
	// groups that are each much tighter than the words of their kind (and
	// the shared names) tie them together. Default 0.65; a negative value
	// disables the test. Must be at most 1.
	StoryCohesion float64
	// StoryCandidate is the Jaccard threshold of the streaming Index's LSH
	// index that proposes story candidates over each article's top terms
	// (batches find every pair above StoryFloor exactly). Default 0.05.
	StoryCandidate float64
	// TopTerms is how many of an article's heaviest terms the streaming
	// Index signs for story candidate generation. Default 64.
	TopTerms int
	// TitleBoost and NameBoost are the extra weight of a term in the title
	// and of a capitalized term inside a sentence (a name): an occurrence
	// counts 1 + TitleBoost (in the title) plus NameBoost (if a name).
	// Defaults 1 and 2. Set a negative value for no boost.
	TitleBoost, NameBoost float64
	// NameWeight is the share of story similarity given to names. Two
	// reports of one event name the same people and places, while two
	// events of the same kind (two playoff wins of one team, two
	// earthquakes in one country) share most of their other words, so the
	// story similarity is (1-NameWeight) x the cosine of the TF-IDF vectors
	// of all content terms plus NameWeight x the cosine of the TF-IDF
	// vectors of the names alone (capitalized inside a sentence, not a
	// number; title occurrences boosted by TitleBoost). When one article
	// has no names (a caseless script), its content terms carry the whole
	// weight. Default 0.3; a negative value means 0 (no name part). Must be
	// below 1.
	NameWeight float64
	// TimeScale controls how much a gap between two known publication times
	// lowers story similarity: the similarity is multiplied by
	// exp(-(gap-TimeGrace)/TimeScale) for gaps beyond TimeGrace. Defaults
	// 3 days and 2 days. A negative TimeScale disables the decay.
	TimeScale, TimeGrace time.Duration

	// MinRepeat is the number of articles of a batch (of one source, when
	// sources are known) that must share a line before it is treated as page
	// furniture and dropped. Default 3.
	MinRepeat int
	// MaxArticleBytes bounds len(Title)+len(Text) of one article. Default
	// 4 MiB; a negative value means no limit.
	MaxArticleBytes int
	// MaxDense bounds the component size clustered with a dense matrix, see
	// cluster.Config. Default cluster's default.
	MaxDense int

	// Progress, if set, is called as each stage advances. Calls are never
	// concurrent, but may come from different goroutines. It must be cheap.
	Progress func(Progress)
}

// Progress describes how far a run has got.
type Progress struct {
	Stage string // "clean", "analyze", "duplicates", "stories", "done"
	Done  int
	Total int
}

// Signer names the MinHash signer of the duplicate tier (Config.DupSigner).
//
// The default is chosen by measurement, K = 128, on AllSides articles:
//   - speed: with MinWise, signing took 12% of `storyclust dedup` (pprof, one
//     core); similarity.OPH hashes each shingle once (O(n + k) per set
//     instead of O(n·k)), and on the 20,000 articles that change alone took
//     the whole process from about 7.9 s to 6.5 s of CPU time.
//   - accuracy (bench/cmd/peers -accuracy, 2,000 articles, 400 pairs per
//     case x 4 seeds): the RMSE of OPH's Jaccard estimate was 0.932x
//     MinWise's overall; 0.89-0.94x on stemmed word 3-grams (the duplicate
//     tier's shingles) for edited and truncated copies, 1.01-1.05x only on
//     60-word texts (36-57 shingles), where densification borrows bins.
//
// Candidates are verified exactly either way, so the signer only changes
// which pairs are proposed; the duplicate benchmark (dupbench_test.go) has
// precision and recall 1.000 with both.
type Signer int

const (
	// SignerOPH is one-permutation hashing with optimal densification
	// (similarity.OPH), the default.
	SignerOPH Signer = iota
	// SignerMinWise is go-minhash's k-hash MinWise (similarity.MinWise),
	// the reference signer.
	SignerMinWise
)

// String returns "oph" or "minwise", or "Signer(N)" for other values.
func (s Signer) String() string {
	switch s {
	case SignerOPH:
		return "oph"
	case SignerMinWise:
		return "minwise"
	}
	return fmt.Sprintf("Signer(%d)", int(s))
}

// DefaultStoryCut is the default Config.StoryCut.
const DefaultStoryCut = 0.82

func (c *Config) withDefaults() (Config, error) {
	d := *c
	if d.Lang == "" {
		d.Lang = "en"
	}
	if d.K == 0 {
		d.K = 128
	}
	if d.DupShingle == 0 {
		d.DupShingle = 3
	}
	if d.DupThreshold == 0 {
		d.DupThreshold = 0.5
	}
	if d.DupMinShingles == 0 {
		d.DupMinShingles = 8
	}
	if d.StoryCut == 0 {
		d.StoryCut = DefaultStoryCut
	}
	if d.StoryCandidate == 0 {
		d.StoryCandidate = 0.05
	}
	if d.StoryFloor == 0 {
		d.StoryFloor = 0.18
	}
	if d.TopTerms == 0 {
		d.TopTerms = 64
	}
	if d.StoryCohesion == 0 {
		d.StoryCohesion = 0.65
	} else if d.StoryCohesion < 0 {
		d.StoryCohesion = 0
	}
	if d.TitleBoost == 0 {
		d.TitleBoost = 1
	} else if d.TitleBoost < 0 {
		d.TitleBoost = 0
	}
	if d.NameBoost == 0 {
		d.NameBoost = 2
	} else if d.NameBoost < 0 {
		d.NameBoost = 0
	}
	if d.NameWeight == 0 {
		d.NameWeight = 0.3
	} else if d.NameWeight < 0 {
		d.NameWeight = 0
	}
	if d.TimeScale == 0 {
		d.TimeScale = 3 * 24 * time.Hour
	}
	if d.TimeGrace == 0 {
		d.TimeGrace = 2 * 24 * time.Hour
	}
	if d.MinRepeat == 0 {
		d.MinRepeat = 3
	}
	if d.MaxArticleBytes == 0 {
		d.MaxArticleBytes = 4 << 20
	}
	bad := func(field string, v any) (Config, error) {
		return Config{}, fmt.Errorf("%w: %s = %v", ErrInvalidConfig, field, v)
	}
	switch {
	case d.K < 8 || d.K > 1024:
		return bad("K (want 8..1024)", d.K)
	case d.DupShingle < 1 || d.DupShingle > 16:
		return bad("DupShingle (want 1..16)", d.DupShingle)
	case !(d.DupThreshold > 0 && d.DupThreshold <= 1):
		return bad("DupThreshold (want (0,1])", d.DupThreshold)
	case d.DupMinShingles < 1:
		return bad("DupMinShingles (want >= 1)", d.DupMinShingles)
	case !(d.StoryCut > 0 && d.StoryCut <= 1):
		return bad("StoryCut (want (0,1])", d.StoryCut)
	case !(d.StoryCandidate > 0 && d.StoryCandidate < 1):
		return bad("StoryCandidate (want (0,1))", d.StoryCandidate)
	case !(d.StoryFloor > 0 && d.StoryFloor <= 1):
		return bad("StoryFloor (want (0,1])", d.StoryFloor)
	case d.TopTerms < 1:
		return bad("TopTerms (want >= 1)", d.TopTerms)
	case !(d.StoryCohesion <= 1): // also rejects NaN
		return bad("StoryCohesion (want <= 1)", d.StoryCohesion)
	case math.IsNaN(d.TitleBoost) || math.IsInf(d.TitleBoost, 0):
		return bad("TitleBoost", d.TitleBoost)
	case math.IsNaN(d.NameBoost) || math.IsInf(d.NameBoost, 0):
		return bad("NameBoost", d.NameBoost)
	case !(d.NameWeight < 1):
		return bad("NameWeight (want < 1)", d.NameWeight)
	case d.TimeGrace < 0:
		return bad("TimeGrace (want >= 0)", d.TimeGrace)
	case d.MinRepeat < 2:
		return bad("MinRepeat (want >= 2)", d.MinRepeat)
	case d.MaxDense < 0:
		return bad("MaxDense (want >= 0)", d.MaxDense)
	case d.DupSigner != SignerOPH && d.DupSigner != SignerMinWise:
		return bad("DupSigner (want SignerOPH or SignerMinWise)", d.DupSigner)
	}
	return d, nil
}

// Pipeline clusters batches of articles. It is safe for concurrent use:
// Run and Dedup may be called from many goroutines at once.
type Pipeline struct {
	cfg       Config
	signer    *similarity.MinWise // story tier
	dupSigner similarity.Signer   // duplicate tier, see Config.DupSigner
	clusterer *cluster.Clusterer
	dupLSH    similarity.LSHConfig
	storyLSH  similarity.LSHConfig

	mu        sync.Mutex
	shinglers map[string]langShingler
}

type langShingler struct {
	s   *shingle.Shingler
	err error // non-nil when the language fell back to no stemming
}

// New validates cfg once and returns a Pipeline.
func New(cfg Config) (*Pipeline, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	p := &Pipeline{cfg: c, shinglers: map[string]langShingler{}}
	if _, err := p.shingler(c.Lang); err != nil {
		return nil, fmt.Errorf("%w: Lang: %w", ErrInvalidConfig, err)
	}
	p.signer, err = similarity.NewMinWise(similarity.MinWiseConfig{K: c.K, Seed: c.Seed})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	p.dupSigner = p.signer
	if c.DupSigner == SignerOPH {
		if p.dupSigner, err = similarity.NewOPH(similarity.OPHConfig{K: c.K, Seed: c.Seed}); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
	}
	p.clusterer, err = cluster.New(cluster.Config{Linkage: c.Linkage, Cut: c.StoryCut, MaxDense: c.MaxDense, Cohesion: c.StoryCohesion})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	// The duplicate tier looks for high containment, which for articles of
	// different lengths means a lower Jaccard: index at a Jaccard somewhat
	// below the containment threshold, and weigh misses over false
	// candidates (they are verified exactly anyway).
	p.dupLSH = similarity.LSHConfig{K: c.K, Threshold: c.DupThreshold / (3 - c.DupThreshold), FPWeight: 0.2, FNWeight: 0.8} // see dedup.go
	p.storyLSH = similarity.LSHConfig{K: c.K, Threshold: c.StoryCandidate, FPWeight: 0.2, FNWeight: 0.8}
	// Choose bands x rows once: OptimalParams is a numerical search.
	for _, lc := range []*similarity.LSHConfig{&p.dupLSH, &p.storyLSH} {
		b, r, err := similarity.OptimalParams(lc.Threshold, lc.K, lc.FPWeight, lc.FNWeight)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
		lc.Bands, lc.Rows = b, r
	}
	return p, nil
}

// Config returns the configuration in force, defaults filled in.
func (p *Pipeline) Config() Config { return p.cfg }

// shingler returns the analyzer for a language, creating it on first use.
// For a language without a stemmer it returns a stemmer-less analyzer and
// the ErrUnknownLanguage error that explains the fallback.
func (p *Pipeline) shingler(lang string) (*shingle.Shingler, error) {
	key := strings.ToLower(strings.TrimSpace(lang))
	if key == "" {
		key = strings.ToLower(p.cfg.Lang)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if ls, ok := p.shinglers[key]; ok {
		return ls.s, ls.err
	}
	l := key
	if l == "none" {
		l = ""
	}
	base := shingle.Config{Lang: l, WordN: 1, CharN: 1, Seed: p.cfg.Seed}
	s, err := shingle.New(base)
	var ls langShingler
	if err != nil {
		if !errors.Is(err, shingle.ErrUnknownLanguage) {
			return nil, err
		}
		base.Lang = ""
		s2, err2 := shingle.New(base)
		if err2 != nil {
			return nil, err2
		}
		ls = langShingler{s: s2, err: err}
	} else {
		ls = langShingler{s: s}
	}
	p.shinglers[key] = ls
	return ls.s, ls.err
}
