package shingle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedTexts returns the scraped news pages of ../testdata/seeds.
func seedTexts(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob("../testdata/seeds/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, paths, "no seed texts in ../testdata/seeds")
	var texts []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		texts = append(texts, string(b))
	}
	return texts
}

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		err  error
	}{
		{"zero value", Config{}, nil},
		{"max n", Config{WordN: MaxN, CharN: MaxN}, nil},
		{"min n", Config{WordN: 1, CharN: 1}, nil},
		{"negative word n", Config{WordN: -1}, ErrInvalidConfig},
		{"word n too big", Config{WordN: MaxN + 1}, ErrInvalidConfig},
		{"char n too big", Config{CharN: 100}, ErrInvalidConfig},
		{"negative char n", Config{CharN: -5}, ErrInvalidConfig},
		{"unknown language", Config{Lang: "german"}, ErrUnknownLanguage},
		{"unknown code", Config{Lang: "de"}, ErrUnknownLanguage},
		{"padded code", Config{Lang: " en"}, ErrUnknownLanguage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg)
			if tt.err == nil {
				require.NoError(t, err)
				require.NotNil(t, s)
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, tt.err), "%v", err)
			assert.Nil(t, s)
			assert.True(t, strings.HasPrefix(err.Error(), "shingle: "), err.Error())
		})
	}
	_, err := New(Config{Lang: "klingon"})
	assert.ErrorContains(t, err, `"klingon"`)

	s := mustNew(t, Config{})
	assert.Equal(t, Config{WordN: DefaultWordN, CharN: DefaultCharN}, s.Config())
}

func TestLanguages(t *testing.T) {
	type stemFn func(string, bool) string
	type stopFn func(string) bool
	langs := []struct {
		names []string
		stem  stemFn
		stop  stopFn
		words []string // inflected words that this language's stemmer changes
	}{
		{[]string{"en", "EN", "english", "English"}, english.Stem, english.IsStopWord, []string{"running", "presidents", "cooperation"}},
		{[]string{"es", "spanish", "SPANISH"}, spanish.Stem, spanish.IsStopWord, []string{"corriendo", "presidentes", "cooperación"}},
		{[]string{"fr", "french", "French"}, french.Stem, french.IsStopWord, []string{"continuellement", "présidents", "coopération"}},
		{[]string{"ru", "russian", "Ru"}, russian.Stem, russian.IsStopWord, []string{"президента", "переговоры", "сотрудничества"}},
		{[]string{"sv", "swedish"}, swedish.Stem, swedish.IsStopWord, []string{"tidningarna", "presidenterna", "utrikesministern"}},
		{[]string{"no", "nb", "norwegian", "NB"}, norwegian.Stem, norwegian.IsStopWord, []string{"samarbeidet", "presidentene", "utenriksministeren"}},
		{[]string{"hu", "hungarian"}, hungarian.Stem, hungarian.IsStopWord, []string{"együttműködését", "elnökök", "házakban"}},
	}
	// The test words tell the languages apart: no other stemmer gives the
	// same stems.
	for i, l := range langs {
		for j, other := range langs {
			if i == j {
				continue
			}
			differs := false
			for _, w := range l.words {
				if other.stem(w, true) != l.stem(w, true) {
					differs = true
				}
			}
			require.True(t, differs, "words of %s do not discriminate %s", l.names[0], other.names[0])
		}
	}
	for _, l := range langs {
		for _, name := range l.names {
			s := mustNew(t, Config{Lang: name})
			for _, w := range l.words {
				want := l.stem(w, true)
				require.NotEqual(t, w, want, "test word %q must be changed by its stemmer", w)
				assert.Equal(t, []string{want}, s.Tokens(nil, w), "%s: %s", name, w)
			}
			// Stopword removal uses the same language.
			text := strings.Join(l.words, " ")
			for _, w := range []string{"the", "de", "и", "och", "og", "és", "le", "el"} {
				got := s.Tokens(nil, w+" "+text)
				if l.stop(w) {
					assert.Len(t, got, len(l.words), "%s: %q is a stopword", name, w)
				} else {
					assert.Len(t, got, len(l.words)+1, "%s: %q is not a stopword", name, w)
				}
			}
		}
	}
}

func TestStopwordsAndStemmingOptions(t *testing.T) {
	text := "The cats are running quickly"
	tests := []struct {
		cfg  Config
		want []string
	}{
		{Config{}, []string{"the", "cats", "are", "running", "quickly"}},
		{Config{Lang: "en"}, []string{"cat", "run", "quick"}},
		{Config{Lang: "en", KeepStopwords: true}, []string{"the", "cat", "are", "run", "quick"}},
		{Config{Lang: "en", NoStem: true}, []string{"cats", "running", "quickly"}},
		{Config{Lang: "en", NoStem: true, KeepStopwords: true}, []string{"the", "cats", "are", "running", "quickly"}},
	}
	for _, tt := range tests {
		s := mustNew(t, tt.cfg)
		assert.Equal(t, tt.want, s.Tokens(nil, text), "%+v", tt.cfg)
	}
}

// TestStemmedMatchesUncached recomputes the analyzed terms of real text
// without the tokenizer's pipeline or the cache: normalized words, stopword
// check and Snowball stemmer called directly.
func TestStemmedMatchesUncached(t *testing.T) {
	plain := mustNew(t, Config{})
	en := mustNew(t, Config{Lang: "en"})
	for _, text := range seedTexts(t) {
		var want []string
		for _, w := range strings.Fields(normalize(plain, text)) {
			if english.IsStopWord(w) {
				continue
			}
			if w[0] < 'a' || w[0] > 'z' { // numbers and non-Latin words
				want = append(want, w)
				continue
			}
			want = append(want, english.Stem(w, true))
		}
		// Twice: cold and warm cache.
		assert.Equal(t, want, en.Tokens(nil, text))
		assert.Equal(t, want, en.Tokens(nil, text))
	}
}

func le64(hs []uint64) []byte {
	b := make([]byte, 0, 8*len(hs))
	for _, h := range hs {
		b = binary.LittleEndian.AppendUint64(b, h)
	}
	return b
}

// TestShingleDefinitions recomputes the hashes from the definitions in
// doc.go using only Tokens and Hash.
func TestShingleDefinitions(t *testing.T) {
	texts := append(seedTexts(t), "", "   ", "one", "one two", "a b c d e", "日本語のテキスト",
		multilingual["russian"], multilingual["persian"], "ÀB")
	for _, cfg := range []Config{
		{}, {Lang: "en"}, {Lang: "ru", Seed: 42}, {WordN: 1, CharN: 1}, {WordN: 2, CharN: 3, Seed: 7},
		{WordN: 16, CharN: 16, FoldDiacritics: true},
	} {
		s := mustNew(t, cfg)
		n, cn := s.Config().WordN, s.Config().CharN
		for _, text := range texts {
			terms := s.Tokens(nil, text)
			var th []uint64
			for _, w := range terms {
				th = append(th, Hash(cfg.Seed, []byte(w)))
			}
			require.Equal(t, th, s.TokenHashes(nil, text))

			var want []uint64
			switch {
			case len(th) == 0:
			case len(th) < n:
				want = append(want, Hash(cfg.Seed, le64(th)))
			default:
				for i := 0; i+n <= len(th); i++ {
					want = append(want, Hash(cfg.Seed, le64(th[i:i+n])))
				}
			}
			require.Equal(t, want, s.Shingles(nil, text), "%+v %q", cfg, text)

			runes := []rune(strings.Join(terms, " "))
			want = nil
			switch {
			case len(runes) == 0:
			case len(runes) < cn:
				want = append(want, HashString(cfg.Seed, string(runes)))
			default:
				for i := 0; i+cn <= len(runes); i++ {
					want = append(want, HashString(cfg.Seed, string(runes[i:i+cn])))
				}
			}
			require.Equal(t, want, s.CharShingles(nil, text), "%+v %q", cfg, text)
		}
	}
}

func TestShinglesDocExample(t *testing.T) {
	s := mustNew(t, Config{WordN: 2})
	var b []byte
	b = binary.LittleEndian.AppendUint64(b, HashString(0, "a"))
	b = binary.LittleEndian.AppendUint64(b, HashString(0, "b"))
	assert.Equal(t, []uint64{Hash(0, b)}, s.Shingles(nil, "A, b!"))
	// Char shingles without a language are over Normalize's output.
	c := mustNew(t, Config{CharN: 3})
	text := seedTexts(t)[0]
	norm := normalize(c, text)
	var want []uint64
	for i := 0; i+3 <= len(norm); i++ { // the seed normalizes to ASCII
		want = append(want, HashString(0, norm[i:i+3]))
	}
	assert.Equal(t, want, c.CharShingles(nil, text))
}

func TestShinglesAppendAndSeed(t *testing.T) {
	text := seedTexts(t)[1]
	s0 := mustNew(t, Config{Lang: "en"})
	s1 := mustNew(t, Config{Lang: "en", Seed: 1})
	a := s0.Shingles(nil, text)
	b := s1.Shingles(nil, text)
	require.Equal(t, len(a), len(b))
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	assert.Zero(t, same, "the seed must change every hash")

	prefix := []uint64{1, 2, 3}
	got := s0.Shingles(prefix, text)
	assert.Equal(t, prefix, got[:3])
	assert.Equal(t, a, got[3:])
	assert.Equal(t, []byte("x the"), s0.Normalize([]byte("x "), "THE"))
	assert.Equal(t, []string{"x", "run"}, s0.Tokens([]string{"x"}, "running"))
}

func TestSortUnique(t *testing.T) {
	tests := []struct{ in, want []uint64 }{
		{nil, nil},
		{[]uint64{}, []uint64{}},
		{[]uint64{3, 1, 2, 3, 1, 1}, []uint64{1, 2, 3}},
		{[]uint64{^uint64(0), 0, ^uint64(0)}, []uint64{0, ^uint64(0)}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, SortUnique(tt.in))
	}
}

func TestAnalyzeTermsStayValid(t *testing.T) {
	texts := append(seedTexts(t), multilingual["russian"], "Numbers 12 345 and "+strings.Repeat("long", 20))
	for _, cfg := range []Config{{}, {Lang: "en"}, {Lang: "ru", KeepStopwords: true}} {
		s := mustNew(t, cfg)
		var saved [][]Token
		var want [][]string
		for _, text := range texts {
			toks := s.Analyze(nil, text)
			saved = append(saved, toks)
			want = append(want, s.Tokens(nil, text))
		}
		// Other calls reuse the pooled scratch; saved terms must not change.
		for _, text := range texts {
			s.Normalize(nil, text)
			s.CharShingles(nil, text)
			s.Analyze(nil, text)
		}
		for i, toks := range saved {
			got := make([]string, len(toks))
			for j, tk := range toks {
				got[j] = string(tk.Term)
			}
			assert.Equal(t, want[i], got, "%+v text %d", cfg, i)
		}
	}
	s := mustNew(t, Config{Lang: "en"})
	toks := s.Analyze(nil, "The President met Putin. Then he left")
	var flags []string
	for _, tk := range toks {
		flags = append(flags, fmt.Sprintf("%s:%v:%v", tk.Term, tk.Cap, tk.Start))
	}
	assert.Equal(t, []string{"presid:true:false", "met:false:false", "putin:true:false", "left:false:false"}, flags)
}

func TestAnalyzerPipeline(t *testing.T) {
	stop, err := NewStopFilter("en")
	require.NoError(t, err)
	stem, err := NewStemFilter("english")
	require.NoError(t, err)
	a := &Analyzer{Tokenizer: &UnicodeTokenizer{}, Filters: []Filter{stop, stem}}
	var got []string
	for _, tk := range a.Analyze(nil, []byte("The cats were running home")) {
		got = append(got, string(tk.Term))
	}
	assert.Equal(t, []string{"cat", "run", "home"}, got)

	// The Shingler gives the same terms.
	s := mustNew(t, Config{Lang: "en"})
	for _, text := range seedTexts(t) {
		var terms []string
		for _, tk := range a.Analyze(nil, []byte(text)) {
			terms = append(terms, string(tk.Term))
		}
		assert.Equal(t, s.Tokens(nil, text), terms)
	}

	// Filters only see the appended tokens; dst is kept.
	dst := []Token{{Term: []byte("the")}}
	out := a.Analyze(dst, []byte("the dog"))
	require.Len(t, out, 2)
	assert.Equal(t, "the", string(out[0].Term))
	assert.Equal(t, "dog", string(out[1].Term))

	assert.Empty(t, (&Analyzer{}).Analyze(nil, []byte("text")))

	for _, name := range []string{"", "xx"} {
		_, err = NewStopFilter(name)
		assert.ErrorIs(t, err, ErrUnknownLanguage)
		_, err = NewStemFilter(name)
		assert.ErrorIs(t, err, ErrUnknownLanguage)
	}
}

// expandFilter returns a new slice (not aliasing its input).
type expandFilter struct{}

func (expandFilter) Filter(tokens []Token) []Token {
	var out []Token
	for _, tk := range tokens {
		out = append(out, tk, tk)
	}
	return out
}

func TestAnalyzerNewSliceFilter(t *testing.T) {
	a := &Analyzer{Tokenizer: &UnicodeTokenizer{}, Filters: []Filter{expandFilter{}}}
	out := a.Analyze([]Token{{Term: []byte("x")}}, []byte("a b"))
	var got []string
	for _, tk := range out {
		got = append(got, string(tk.Term))
	}
	assert.Equal(t, []string{"x", "a", "a", "b", "b"}, got)
}

func TestConcurrentUse(t *testing.T) {
	texts := append(seedTexts(t), multilingual["russian"], multilingual["persian"], multilingual["chinese"])
	shinglers := []*Shingler{
		mustNew(t, Config{Lang: "en"}),
		mustNew(t, Config{Lang: "ru", FoldDiacritics: true}),
		mustNew(t, Config{}),
	}
	type result struct {
		tokens []string
		sh, ch []uint64
		norm   string
	}
	// Expected results, computed sequentially from cold caches.
	for _, l := range languages {
		l.cache = newTermCache(defaultCacheEntries, l.stem)
	}
	want := make([][]result, len(shinglers))
	for i, s := range shinglers {
		for _, text := range texts {
			want[i] = append(want[i], result{s.Tokens(nil, text), s.Shingles(nil, text), s.CharShingles(nil, text), normalize(s, text)})
		}
	}
	// Start again from cold caches, so that goroutines race to fill them,
	// with a tiny bound so that evictions happen too.
	for _, l := range languages {
		l.cache = newTermCache(cacheShards*4, l.stem)
	}
	defer func() {
		for _, l := range languages {
			l.cache = newTermCache(defaultCacheEntries, l.stem)
		}
	}()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 5; round++ {
				for i, s := range shinglers {
					for j := range texts {
						k := (j + g + round) % len(texts)
						text := texts[k]
						got := result{s.Tokens(nil, text), s.Shingles(nil, text), s.CharShingles(nil, text), normalize(s, text)}
						if !assert.Equal(t, want[i][k], got) {
							return
						}
						for n, tk := range s.Analyze(nil, text) {
							if !assert.Equal(t, want[i][k].tokens[n], string(tk.Term)) {
								return
							}
						}
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestTermCache(t *testing.T) {
	calls := 0
	var mu sync.Mutex
	c := newTermCache(cacheShards*2, func(s string) string {
		mu.Lock()
		calls++
		mu.Unlock()
		return strings.ToUpper(s)
	})
	v := c.get([]byte("abc"))
	assert.Equal(t, "ABC", string(v))
	assert.Equal(t, len(v), cap(v), "cached values have no spare capacity")
	c.get([]byte("abc"))
	assert.Equal(t, 1, calls, "second lookup is a hit")

	// Bounded: many distinct words never exceed entries.
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				w := fmt.Sprintf("w%d", i)
				if got := string(c.get([]byte(w))); got != strings.ToUpper(w) {
					t.Errorf("get(%q) = %q", w, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, c.len(), cacheShards*2)
	assert.Greater(t, c.len(), 0)
	// A value obtained before eviction is unchanged.
	assert.Equal(t, "ABC", string(v))
}

func TestStemOnlyOwnScript(t *testing.T) {
	en := mustNew(t, Config{Lang: "en", KeepStopwords: true})
	ru := mustNew(t, Config{Lang: "ru", KeepStopwords: true})
	plain := mustNew(t, Config{})
	for _, name := range []string{"russian", "persian", "arabic", "greek"} {
		assert.Equal(t, plain.Tokens(nil, multilingual[name]), en.Tokens(nil, multilingual[name]), name)
	}
	text := "running presidents 2024 1,000"
	assert.Equal(t, []string{"running", "presidents", "2024", "1000"}, ru.Tokens(nil, text))
	assert.Equal(t, []string{"run", "presid", "2024", "1000"}, en.Tokens(nil, text))
	// Latin letters beyond ASCII are stemmed.
	fr := mustNew(t, Config{Lang: "fr"})
	assert.Equal(t, []string{french.Stem("élections", true)}, fr.Tokens(nil, "Élections"))
	assert.NotEqual(t, "élections", french.Stem("élections", true))
}

func TestNGramsMatchesShingles(t *testing.T) {
	for _, text := range append(seedTexts(t), "", "one", "one two") {
		for _, n := range []int{1, 2, 5, 16} {
			s := mustNew(t, Config{Lang: "en", WordN: n, Seed: 3})
			assert.Equal(t, s.Shingles(nil, text), NGrams(nil, s.TokenHashes(nil, text), n, 3), "n=%d", n)
		}
	}
	assert.Equal(t, NGrams(nil, []uint64{1, 2}, 1, 0), NGrams(nil, []uint64{1, 2}, 0, 0), "n < 1 acts as 1")
}

// TestAnalyzeHashes checks AnalyzeHashes against Analyze and Hash, token by
// token, in several configurations; Digit against the analyzed term.
func TestAnalyzeHashes(t *testing.T) {
	texts := append(seedTexts(t), "3rd 1,000.5 Ⅻ ٣٤ Running RUNS İstanbul l'été x1 ９９ The 2024 Élysée")
	for _, text := range multilingual {
		texts = append(texts, text)
	}
	for _, cfg := range []Config{{Lang: "en", Seed: 3}, {}, {Lang: "ru"}, {Lang: "fr", FoldDiacritics: true}, {Lang: "en", KeepStopwords: true, NoStem: true}} {
		s := mustNew(t, cfg)
		for _, text := range texts {
			want := s.Analyze(nil, text)
			got := s.AnalyzeHashes(nil, text)
			require.Len(t, got, len(want), "config %+v", cfg)
			for i, w := range want {
				r, _ := utf8.DecodeRune(w.Term)
				require.Equal(t, HashedToken{Hash: Hash(cfg.Seed, w.Term), Cap: w.Cap, Start: w.Start, Digit: unicode.IsDigit(r)},
					got[i], "config %+v token %d %q", cfg, i, w.Term)
			}
		}
	}
}
