package shingle

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzShingle checks, for several configurations, that no input panics,
// that Normalize is idempotent and returns valid UTF-8 in canonical form
// (single spaces, no leading or trailing space), that shingling the
// normalized text gives the same shingles, and that every output is
// deterministic.
func FuzzShingle(f *testing.F) {
	for _, text := range seedTexts(f) {
		f.Add(text)
	}
	for _, text := range multilingual {
		f.Add(text)
	}
	for _, text := range []string{
		"", " ", "a", "1,000.5", "don't", "e\u0301", "a\u200cb", "&amp;lt;br&amp;gt;", "<!-- x", "<a href='x'>y</a>",
		"&#x1F600;&#0;&#xD800;&#99999999;", "\xff\xfe", "ﬁ½①ǅ", "日本語ｶﾞ", "İstanbul ΣΑΣ ß", "\u0301\u0302",
	} {
		f.Add(text)
	}
	shinglers := []*Shingler{
		mustNew(f, Config{}),
		mustNew(f, Config{Lang: "en", WordN: 3, CharN: 4}),
		mustNew(f, Config{Lang: "ru", FoldDiacritics: true, Seed: 9}),
		mustNew(f, Config{Lang: "hu", KeepStopwords: true, WordN: 1, CharN: 1}),
		mustNew(f, Config{Lang: "fr", NoStem: true, FoldDiacritics: true}),
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range shinglers {
			n1 := string(s.Normalize(nil, text))
			if !utf8.ValidString(n1) {
				t.Fatalf("Normalize(%q) = %q: invalid UTF-8", text, n1)
			}
			if strings.HasPrefix(n1, " ") || strings.HasSuffix(n1, " ") || strings.Contains(n1, "  ") {
				t.Fatalf("Normalize(%q) = %q: spaces not collapsed", text, n1)
			}
			if n2 := string(s.Normalize(nil, n1)); n2 != n1 {
				t.Fatalf("Normalize not idempotent: %q -> %q -> %q", text, n1, n2)
			}
			if n3 := string(s.Normalize(nil, text)); n3 != n1 {
				t.Fatalf("Normalize not deterministic for %q: %q vs %q", text, n1, n3)
			}
			// Analysis of the normalized text equals analysis of the text.
			if a, b := s.Shingles(nil, text), s.Shingles(nil, n1); !slices.Equal(a, b) {
				t.Fatalf("Shingles(%q) differ from Shingles(Normalize) = Shingles(%q)", text, n1)
			}
			if a, b := s.Tokens(nil, text), s.Tokens(nil, text); !slices.Equal(a, b) {
				t.Fatalf("Tokens not deterministic for %q: %q vs %q", text, a, b)
			}
			if a, b := s.Shingles(nil, text), s.Shingles(nil, text); !slices.Equal(a, b) {
				t.Fatalf("Shingles not deterministic for %q", text)
			}
			if a, b := s.CharShingles(nil, text), s.CharShingles(nil, text); !slices.Equal(a, b) {
				t.Fatalf("CharShingles not deterministic for %q", text)
			}
			if a, b := s.TokenHashes(nil, text), s.TokenHashes(nil, text); !slices.Equal(a, b) {
				t.Fatalf("TokenHashes not deterministic for %q", text)
			}
			for _, tk := range s.Analyze(nil, text) {
				if len(tk.Term) == 0 || !utf8.Valid(tk.Term) {
					t.Fatalf("Analyze(%q): bad term %q", text, tk.Term)
				}
			}
		}
	})
}

// FuzzTokenizeFused checks that the fused ASCII path of Tokenize gives the
// same tokens (terms, Cap, Start) as tokenizing every chunk on its own.
func FuzzTokenizeFused(f *testing.F) {
	for _, text := range seedTexts(f) {
		f.Add(text)
	}
	for _, text := range multilingual {
		f.Add(text)
	}
	for _, text := range []string{
		"", "a", "1,000.5 2.", "don't don’t 'x x' x'", "a.b 3.x x.3 3,4,", "e\u0301 a\u200cb", "ﬁ x", "Ab.  Cd! ef? \n Gh",
		"x'\xff", "3.\xc3\xa9", "a,\u00e9", "U.S. 1.5% 2'b", "<p>A &amp; B</p>",
		"“Don’t” – he said—“no.” ‘x’ l’été a’ ’b 3’4 x’\u0301 “\u0301a ”ﬁ", "don\xe2\x80", "a\xe2\x80\x99",
	} {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, fold := range []bool{false, true} {
			fused := &UnicodeTokenizer{FoldDiacritics: fold}
			chunked := &UnicodeTokenizer{FoldDiacritics: fold, chunked: true}
			a := fused.Tokenize(nil, []byte(text))
			b := chunked.Tokenize(nil, []byte(text))
			if len(a) != len(b) {
				t.Fatalf("%q: %d tokens fused, %d chunked", text, len(a), len(b))
			}
			for i := range a {
				if string(a[i].Term) != string(b[i].Term) || a[i].Cap != b[i].Cap || a[i].Start != b[i].Start {
					t.Fatalf("%q: token %d fused %q %v %v, chunked %q %v %v", text, i,
						a[i].Term, a[i].Cap, a[i].Start, b[i].Term, b[i].Cap, b[i].Start)
				}
			}
		}
	})
}
