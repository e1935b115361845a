package shingle

// Token is one analyzed word.
type Token struct {
	// Term is the normalized (and, after a StemFilter, stemmed) word as
	// UTF-8. It is read-only: it may point into a tokenizer's scratch
	// buffer or into the shared stem cache. See the package documentation
	// for how long it stays valid.
	Term []byte
	// Cap reports whether the first rune of the word was upper- or
	// title-case in the source (after NFKC, before case folding).
	Cap bool
	// Start reports whether the word is the first of the text or follows
	// sentence-ending punctuation (. ! ? and their equivalents in other
	// scripts) or a line break. It describes the word's position in the
	// source, so it is not moved to the next word when a filter drops a
	// word.
	Start bool
}

// Tokenizer splits text into tokens, appending them to dst.
type Tokenizer interface {
	Tokenize(dst []Token, text []byte) []Token
}

// Filter transforms a token stream. It may rewrite tokens in place and
// return tokens[:m], or return a new slice.
type Filter interface {
	Filter(tokens []Token) []Token
}

// Analyzer is a tokenizer followed by filters, in the style of bleve. It is
// safe for concurrent use only if its Tokenizer and Filters are; the
// UnicodeTokenizer is not (it owns scratch buffers).
type Analyzer struct {
	Tokenizer Tokenizer
	Filters   []Filter
}

// Analyze appends the tokens of text to dst, running the tokenizer and then
// each filter on the appended tokens. With a nil Tokenizer it returns dst
// unchanged.
func (a *Analyzer) Analyze(dst []Token, text []byte) []Token {
	if a.Tokenizer == nil {
		return dst
	}
	n := len(dst)
	dst = a.Tokenizer.Tokenize(dst, text)
	for _, f := range a.Filters {
		out := f.Filter(dst[n:])
		// out usually aliases dst[n:], in which case this is a no-op copy.
		dst = append(dst[:n], out...)
	}
	return dst
}

// StopFilter drops the stopwords of a language (the Snowball lists of
// github.com/kljensen/snowball). It compares the normalized term, so it
// must run before a StemFilter. It is safe for concurrent use.
type StopFilter struct {
	lang *language
}

// NewStopFilter returns the stopword filter of a language, named as in
// Config.Lang. The language must not be empty.
func NewStopFilter(lang string) (*StopFilter, error) {
	l, err := requireLanguage(lang)
	if err != nil {
		return nil, err
	}
	return &StopFilter{lang: l}, nil
}

// Filter implements Filter; it removes tokens in place.
func (f *StopFilter) Filter(tokens []Token) []Token {
	m := 0
	for _, tk := range tokens {
		if f.lang.isStop(tk.Term) {
			continue
		}
		tokens[m] = tk
		m++
	}
	clear(tokens[m:])
	return tokens[:m]
}

// StemFilter replaces each term by its Snowball stem. Stems are memoized in
// a bounded cache shared by all StemFilters and Shinglers of the same
// language; the returned terms point into the cache and must not be
// modified. Terms longer than 64 bytes and terms that do not start with a
// letter of the language's script (Latin, or Cyrillic for Russian), such as
// numbers, are left unchanged. It is safe for concurrent use.
type StemFilter struct {
	lang *language
}

// NewStemFilter returns the stemming filter of a language, named as in
// Config.Lang. The language must not be empty.
func NewStemFilter(lang string) (*StemFilter, error) {
	l, err := requireLanguage(lang)
	if err != nil {
		return nil, err
	}
	return &StemFilter{lang: l}, nil
}

// Filter implements Filter; it rewrites the terms in place.
func (f *StemFilter) Filter(tokens []Token) []Token {
	for i := range tokens {
		tokens[i].Term = f.lang.stemCached(tokens[i].Term)
	}
	return tokens
}
