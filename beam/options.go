package beam

import (
	"fmt"
	"strings"
	"time"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/cluster"
)

// DefaultCCRounds is the default Options.CCRounds.
const DefaultCCRounds = 12

// Options configures the Beam pipeline. It mirrors storyclust.Config
// (without Progress) in a form that travels to the workers inside the
// DoFns; the zero value of every field selects storyclust's default.
type Options struct {
	Lang            string        `json:"lang,omitempty"`
	StrictLang      bool          `json:"strict_lang,omitempty"`
	K               int           `json:"k,omitempty"`
	Seed            uint64        `json:"seed,omitempty"`
	DupShingle      int           `json:"dup_shingle,omitempty"`
	DupThreshold    float64       `json:"dup_threshold,omitempty"`
	DupMinShingles  int           `json:"dup_min_shingles,omitempty"`
	StoryCut        float64       `json:"story_cut,omitempty"`
	Linkage         string        `json:"linkage,omitempty"` // "average", "single" or "complete"
	StoryFloor      float64       `json:"story_floor,omitempty"`
	StoryCandidate  float64       `json:"story_candidate,omitempty"`
	TopTerms        int           `json:"top_terms,omitempty"`
	TitleBoost      float64       `json:"title_boost,omitempty"`
	NameBoost       float64       `json:"name_boost,omitempty"`
	NameWeight      float64       `json:"name_weight,omitempty"`
	TimeScale       time.Duration `json:"time_scale,omitempty"`
	TimeGrace       time.Duration `json:"time_grace,omitempty"`
	MinRepeat       int           `json:"min_repeat,omitempty"`
	MaxArticleBytes int           `json:"max_article_bytes,omitempty"`
	MaxDense        int           `json:"max_dense,omitempty"`

	// CCRounds is the number of large-star/small-star rounds unrolled in
	// each connected-components step; default DefaultCCRounds. Too few
	// make the pipeline fail with an error that says so.
	CCRounds int `json:"cc_rounds,omitempty"`
	// Fields maps the canonical input field names (id, title, text,
	// published, source, url, lang, html) to the names in the input, like
	// the CLI's -fields flag. Unmapped fields keep their canonical name.
	Fields map[string]string `json:"fields,omitempty"`
}

// Config returns the storyclust.Config the options stand for, validated.
func (o Options) Config() (storyclust.Config, error) {
	cfg := storyclust.Config{
		Lang: o.Lang, StrictLang: o.StrictLang, K: o.K, Seed: o.Seed,
		DupShingle: o.DupShingle, DupThreshold: o.DupThreshold, DupMinShingles: o.DupMinShingles,
		StoryCut: o.StoryCut, StoryFloor: o.StoryFloor, StoryCandidate: o.StoryCandidate, TopTerms: o.TopTerms,
		TitleBoost: o.TitleBoost, NameBoost: o.NameBoost, NameWeight: o.NameWeight, TimeScale: o.TimeScale, TimeGrace: o.TimeGrace,
		MinRepeat: o.MinRepeat, MaxArticleBytes: o.MaxArticleBytes, MaxDense: o.MaxDense,
	}
	if o.Linkage != "" {
		l, err := cluster.ParseLinkage(o.Linkage)
		if err != nil {
			return cfg, fmt.Errorf("%w: %w", storyclust.ErrInvalidConfig, err)
		}
		cfg.Linkage = l
	}
	if o.CCRounds < 0 {
		return cfg, fmt.Errorf("%w: CCRounds = %d, want >= 0", storyclust.ErrInvalidConfig, o.CCRounds)
	}
	for k := range o.Fields {
		if !canonicalField(k) {
			return cfg, fmt.Errorf("%w: Fields: unknown field %q (known: %s)", storyclust.ErrInvalidConfig, k,
				strings.Join(canonicalFields, ", "))
		}
	}
	_, err := storyclust.New(cfg)
	return cfg, err
}

func (o Options) rounds() int {
	if o.CCRounds == 0 {
		return DefaultCCRounds
	}
	return o.CCRounds
}

func (o Options) pipeline() (*storyclust.Pipeline, error) {
	cfg, err := o.Config()
	if err != nil {
		return nil, err
	}
	return storyclust.New(cfg)
}

var canonicalFields = []string{"id", "title", "text", "published", "source", "url", "lang", "html"}

func canonicalField(f string) bool {
	for _, c := range canonicalFields {
		if c == f {
			return true
		}
	}
	return false
}

func (o Options) field(canon string) string {
	if n, ok := o.Fields[canon]; ok && n != "" {
		return n
	}
	return canon
}
