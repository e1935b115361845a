package shingle

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kljensen/snowball/english"
)

// benchText returns about n words of real English news text, built by
// repeating the seed pages.
func benchText(b *testing.B, n int) string {
	b.Helper()
	var words []string
	for len(words) < n {
		for _, text := range seedTexts(b) {
			words = append(words, strings.Fields(text)...)
		}
	}
	return strings.Join(words[:n], " ")
}

var benchSizes = []int{100, 1000, 10000}

func BenchmarkShingles(b *testing.B) {
	cfgs := []struct {
		name string
		cfg  Config
	}{
		{"stem", Config{Lang: "en"}},
		{"nostem", Config{Lang: "en", NoStem: true}},
		{"nolang", Config{}},
	}
	for _, c := range cfgs {
		s := mustNew(b, c.cfg)
		for _, n := range benchSizes {
			text := benchText(b, n)
			b.Run(fmt.Sprintf("%s/words=%d", c.name, n), func(b *testing.B) {
				dst := s.Shingles(nil, text)
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					dst = s.Shingles(dst[:0], text)
				}
			})
		}
	}
}

func BenchmarkCharShingles(b *testing.B) {
	s := mustNew(b, Config{Lang: "en"})
	for _, n := range benchSizes {
		text := benchText(b, n)
		b.Run(fmt.Sprintf("words=%d", n), func(b *testing.B) {
			dst := s.CharShingles(nil, text)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				dst = s.CharShingles(dst[:0], text)
			}
		})
	}
}

func BenchmarkNormalize(b *testing.B) {
	s := mustNew(b, Config{})
	for _, n := range benchSizes {
		text := benchText(b, n)
		b.Run(fmt.Sprintf("words=%d", n), func(b *testing.B) {
			dst := s.Normalize(nil, text)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				dst = s.Normalize(dst[:0], text)
			}
		})
	}
}

// BenchmarkShinglesMultilingual runs non-ASCII text (no fast ASCII path).
func BenchmarkShinglesMultilingual(b *testing.B) {
	for _, name := range []string{"russian", "persian", "chinese"} {
		lang := ""
		if name == "russian" {
			lang = "ru"
		}
		s := mustNew(b, Config{Lang: lang})
		text := strings.Repeat(multilingual[name]+"\n", 20)
		b.Run(name, func(b *testing.B) {
			dst := s.Shingles(nil, text)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				dst = s.Shingles(dst[:0], text)
			}
		})
	}
}

// BenchmarkStem measures one word per op: the stem cache against calling
// the Snowball stemmer directly.
func BenchmarkStem(b *testing.B) {
	plain := mustNew(b, Config{})
	words := strings.Fields(string(plain.Normalize(nil, benchText(b, 1000))))
	bw := make([][]byte, len(words))
	for i, w := range words {
		bw[i] = []byte(w)
	}
	en, err := lookupLanguage("en")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("cached", func(b *testing.B) {
		for _, w := range bw {
			en.stemCached(w)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			en.stemCached(bw[i])
			if i++; i == len(bw) {
				i = 0
			}
		}
	})
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			english.Stem(words[i], true)
			if i++; i == len(words) {
				i = 0
			}
		}
	})
}

func BenchmarkHash(b *testing.B) {
	for _, n := range []int{5, 40, 1024} {
		data := []byte(strings.Repeat("x", n))
		b.Run(fmt.Sprintf("bytes=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			var sink uint64
			for b.Loop() {
				sink += Hash(1, data)
			}
			_ = sink
		})
	}
}

// BenchmarkTokenize compares Tokenize's fused ASCII path with tokenizing
// chunk by chunk (the path non-ASCII chunks still take).
func BenchmarkTokenize(b *testing.B) {
	for _, path := range []string{"fused", "chunked"} {
		for _, n := range benchSizes {
			text := []byte(benchText(b, n))
			b.Run(fmt.Sprintf("%s/words=%d", path, n), func(b *testing.B) {
				t := &UnicodeTokenizer{chunked: path == "chunked"}
				dst := t.Tokenize(nil, text)
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					dst = t.Tokenize(dst[:0], text)
				}
			})
		}
	}
}
