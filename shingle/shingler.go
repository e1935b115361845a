package shingle

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Sentinel errors, wrapped with %w by New, NewStopFilter and NewStemFilter.
var (
	// ErrUnknownLanguage: Config.Lang names no supported language.
	ErrUnknownLanguage = errors.New("unknown language")
	// ErrInvalidConfig: a Config field is out of range.
	ErrInvalidConfig = errors.New("invalid config")
)

// Shingle size limits.
const (
	DefaultWordN = 5  // Config.WordN when zero
	DefaultCharN = 5  // Config.CharN when zero
	MaxN         = 16 // largest accepted WordN and CharN
)

// Config configures a Shingler. The zero value is valid: no language (no
// stopword removal, no stemming), 5-word and 5-rune shingles, seed 0.
type Config struct {
	// Lang selects stopwords and stemming: an ISO 639-1 code (en, es, fr,
	// ru, sv, no or nb, hu) or the English name (english, spanish, french,
	// russian, swedish, norwegian, hungarian), case-insensitive. Empty
	// means no stopword removal and no stemming.
	Lang string
	// KeepStopwords keeps stopwords when Lang is set.
	KeepStopwords bool
	// NoStem disables stemming when Lang is set.
	NoStem bool
	// FoldDiacritics removes nonspacing marks after canonical decomposition
	// (é -> e, ё -> е, Arabic harakat are dropped). It also strips Indic
	// viramas and vowel signs of category Mn, so it is meant for Latin,
	// Greek, Cyrillic, Arabic and Hebrew text.
	FoldDiacritics bool
	// WordN is the number of words per word shingle, in [1, MaxN];
	// 0 means DefaultWordN.
	WordN int
	// CharN is the number of runes per character shingle, in [1, MaxN];
	// 0 means DefaultCharN.
	CharN int
	// Seed seeds every hash (XXH64).
	Seed uint64
}

// Shingler turns text into normalized tokens and hashed shingles. It is
// safe for concurrent use; per-call scratch space comes from a sync.Pool.
type Shingler struct {
	cfg  Config
	lang *language // nil without a language
	stop bool
	stem bool
	pool sync.Pool // *scratch
}

// scratch is the per-call working memory of a Shingler.
type scratch struct {
	tok    UnicodeTokenizer
	toks   []Token
	hashes []uint64
	text   []byte
	pos    []int32
	hc     hashCache // this Shingler's words: stop flag and term hash
}

// maxPooledBytes: scratch grown beyond this (by a huge text) is dropped
// instead of being kept in the pool.
const maxPooledBytes = 4 << 20

// New validates cfg, applies the defaults and returns a Shingler. Errors wrap
// ErrInvalidConfig or ErrUnknownLanguage.
func New(cfg Config) (*Shingler, error) {
	if cfg.WordN == 0 {
		cfg.WordN = DefaultWordN
	}
	if cfg.CharN == 0 {
		cfg.CharN = DefaultCharN
	}
	if cfg.WordN < 1 || cfg.WordN > MaxN {
		return nil, fmt.Errorf("shingle: WordN %d not in [1, %d]: %w", cfg.WordN, MaxN, ErrInvalidConfig)
	}
	if cfg.CharN < 1 || cfg.CharN > MaxN {
		return nil, fmt.Errorf("shingle: CharN %d not in [1, %d]: %w", cfg.CharN, MaxN, ErrInvalidConfig)
	}
	lang, err := lookupLanguage(cfg.Lang)
	if err != nil {
		return nil, err
	}
	s := &Shingler{
		cfg:  cfg,
		lang: lang,
		stop: lang != nil && !cfg.KeepStopwords,
		stem: lang != nil && !cfg.NoStem,
	}
	fold := cfg.FoldDiacritics
	s.pool.New = func() any { return &scratch{tok: UnicodeTokenizer{FoldDiacritics: fold}} }
	return s, nil
}

// Config returns the configuration in effect, with defaults applied.
func (s *Shingler) Config() Config { return s.cfg }

func (s *Shingler) get() *scratch { return s.pool.Get().(*scratch) }

func (s *Shingler) put(sc *scratch) {
	t := &sc.tok
	if cap(t.terms)+cap(t.markA)+cap(t.markB)+cap(t.nfkc)+cap(sc.text)+
		cap(t.z.fold)+cap(t.z.nfd)+cap(t.z.out[0])+cap(t.z.out[1]) > maxPooledBytes ||
		cap(sc.toks) > maxPooledBytes/32 {
		return
	}
	s.pool.Put(sc)
}

// bytesOf returns the bytes of s without copying. The tokenizer only reads
// them.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// analyze runs the pipeline into sc.toks. With own, every Term is made
// independent of sc (stem cache, intern cache or a copy).
func (s *Shingler) analyze(sc *scratch, text string, own bool) []Token {
	toks := sc.tok.Tokenize(sc.toks[:0], bytesOf(text))
	if s.stop {
		m := 0
		for _, tk := range toks {
			if !s.lang.isStop(tk.Term) {
				toks[m] = tk
				m++
			}
		}
		toks = toks[:m]
	}
	for i := range toks {
		w := toks[i].Term
		switch {
		case s.stem && s.lang.stemmable(w):
			toks[i].Term = s.lang.cache.get(w)
		case own:
			toks[i].Term = ownTerm(w)
		}
	}
	sc.toks = toks
	return toks
}

// Normalize appends the normalized text to dst: the words of text, each
// normalized as by the tokenizer (NFKC, case folding, optional diacritic
// folding; punctuation, symbols and markup removed), joined by single
// spaces. Stopwords and stemming are not applied. Normalize is idempotent.
func (s *Shingler) Normalize(dst []byte, text string) []byte {
	sc := s.get()
	sc.toks = sc.tok.Tokenize(sc.toks[:0], bytesOf(text))
	for i, tk := range sc.toks {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, tk.Term...)
	}
	s.put(sc)
	return dst
}

// Tokens appends the analyzed terms of text (after stopword removal and
// stemming) to dst as strings.
func (s *Shingler) Tokens(dst []string, text string) []string {
	sc := s.get()
	for _, tk := range s.analyze(sc, text, false) {
		dst = append(dst, string(tk.Term))
	}
	s.put(sc)
	return dst
}

// Analyze appends the analyzed tokens of text to dst. Their Terms are
// read-only and never reused by the Shingler: they point into the shared
// stem or intern caches (or are fresh copies), so they stay valid after
// Analyze returns.
func (s *Shingler) Analyze(dst []Token, text string) []Token {
	sc := s.get()
	dst = append(dst, s.analyze(sc, text, true)...)
	s.put(sc)
	return dst
}

// TokenHashes appends Hash(Seed, term) for each analyzed term of text, in
// text order.
func (s *Shingler) TokenHashes(dst []uint64, text string) []uint64 {
	sc := s.get()
	dst = s.tokenHashes(dst, sc, text)
	s.put(sc)
	return dst
}

// tokenHashes is analyze followed by Hash(Seed, term), with both memoized
// per word in sc.hc.
func (s *Shingler) tokenHashes(dst []uint64, sc *scratch, text string) []uint64 {
	toks := sc.tok.Tokenize(sc.toks[:0], bytesOf(text))
	sc.toks = toks
	dst = slices.Grow(dst, len(toks))
	for i := range toks {
		if h, stop := s.cachedWord(&sc.hc, toks[i].Term); !stop {
			dst = append(dst, h)
		}
	}
	return dst
}

// cachedWord is analyzeWord through the scratch's word cache.
func (s *Shingler) cachedWord(hc *hashCache, w []byte) (h uint64, stop bool) {
	key, w8 := wordHash(w)
	h, stop, ok := hc.lookup(key, w8, w)
	if !ok {
		h, stop = s.analyzeWord(w)
		hc.insert(key, w8, w, h, stop)
	}
	return h, stop
}

// HashedToken is an analyzed token with the hash of its term in place of
// the term, as AnalyzeHashes returns it.
type HashedToken struct {
	Hash  uint64 // Hash(Seed, Term) of the analyzed (stemmed) term
	Cap   bool   // as Token.Cap
	Start bool   // as Token.Start
	// Digit reports whether the term starts with a decimal digit
	// (unicode.IsDigit). Stemming never changes that: only words that
	// start with a letter are stemmed, and stems keep their first letter.
	Digit bool
}

// AnalyzeHashes appends the tokens that Analyze returns for text, each
// with Hash(Seed, Term) instead of its Term. It uses the word cache of
// TokenHashes, so a word costs one table probe instead of a stopword
// lookup, a stem cache lookup and a hash.
func (s *Shingler) AnalyzeHashes(dst []HashedToken, text string) []HashedToken {
	sc := s.get()
	toks := sc.tok.Tokenize(sc.toks[:0], bytesOf(text))
	sc.toks = toks
	dst = slices.Grow(dst, len(toks))
	for i := range toks {
		t := &toks[i]
		if h, stop := s.cachedWord(&sc.hc, t.Term); !stop {
			dst = append(dst, HashedToken{Hash: h, Cap: t.Cap, Start: t.Start, Digit: startsWithDigit(t.Term)})
		}
	}
	s.put(sc)
	return dst
}

func startsWithDigit(w []byte) bool {
	if len(w) == 0 {
		return false
	}
	if c := w[0]; c < utf8.RuneSelf {
		return '0' <= c && c <= '9'
	}
	r, _ := utf8.DecodeRune(w)
	return unicode.IsDigit(r)
}

// analyzeWord returns what analyze and Hash make of one normalized word:
// whether it is dropped as a stopword, else the hash of its term.
func (s *Shingler) analyzeWord(w []byte) (h uint64, stop bool) {
	if s.stop && s.lang.isStop(w) {
		return 0, true
	}
	if s.stem && s.lang.stemmable(w) {
		w = s.lang.cache.get(w)
	}
	return Hash(s.cfg.Seed, w), false
}

// Shingles appends the word shingles of text: for each run of WordN
// consecutive analyzed terms, in text order, the XXH64 of their token hashes
// as 8-byte little-endian words. A text with fewer than WordN (but at least
// one) terms yields one shingle of all its terms. Shingles are not
// deduplicated (see SortUnique).
func (s *Shingler) Shingles(dst []uint64, text string) []uint64 {
	sc := s.get()
	sc.hashes = s.tokenHashes(sc.hashes[:0], sc, text)
	dst = wordShingles(dst, sc.hashes, s.cfg.WordN, s.cfg.Seed)
	s.put(sc)
	return dst
}

func wordShingles(dst, h []uint64, n int, seed uint64) []uint64 {
	if len(h) == 0 {
		return dst
	}
	if len(h) < n {
		return append(dst, hashWords(seed, h))
	}
	dst = slices.Grow(dst, len(h)-n+1)
	for i := 0; i+n <= len(h); i++ {
		dst = append(dst, hashWords(seed, h[i:i+n]))
	}
	return dst
}

// CharShingles appends the character shingles of text: the analyzed terms
// are joined by single spaces, and for each run of CharN consecutive runes of
// that string, in order, the XXH64 of its UTF-8 bytes is appended. A string
// with fewer than CharN (but at least one) runes yields one shingle of all
// of it. Shingles are not deduplicated.
func (s *Shingler) CharShingles(dst []uint64, text string) []uint64 {
	sc := s.get()
	toks := s.analyze(sc, text, false)
	b := sc.text[:0]
	hi := byte(0)
	for i, tk := range toks {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, tk.Term...)
		for _, c := range tk.Term {
			hi |= c
		}
	}
	sc.text = b
	n, seed := s.cfg.CharN, s.cfg.Seed
	switch {
	case len(b) == 0:
	case hi < utf8.RuneSelf: // ASCII: runes are bytes
		if len(b) < n {
			dst = append(dst, Hash(seed, b))
			break
		}
		dst = slices.Grow(dst, len(b)-n+1)
		for i := 0; i+n <= len(b); i++ {
			dst = append(dst, Hash(seed, b[i:i+n]))
		}
	default:
		pos := sc.pos[:0]
		for i := range b {
			if utf8.RuneStart(b[i]) {
				pos = append(pos, int32(i))
			}
		}
		pos = append(pos, int32(len(b)))
		sc.pos = pos
		runes := len(pos) - 1
		if runes < n {
			dst = append(dst, Hash(seed, b))
			break
		}
		dst = slices.Grow(dst, runes-n+1)
		for i := 0; i+n <= runes; i++ {
			dst = append(dst, Hash(seed, b[pos[i]:pos[i+n]]))
		}
	}
	s.put(sc)
	return dst
}

// SortUnique sorts s in place, removes duplicates and returns the shortened
// slice.
func SortUnique(s []uint64) []uint64 {
	slices.Sort(s)
	return slices.Compact(s)
}
