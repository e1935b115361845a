package shingle_test

import (
	"fmt"

	"github.com/storyclust/storyclust/shingle"
)

func ExampleShingler_Tokens() {
	s, err := shingle.New(shingle.Config{Lang: "en"})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Stopwords (the, were, to) are dropped, the rest is stemmed.
	fmt.Println(s.Tokens(nil, "The protesters were marching to the Kremlin’s gates."))

	keep, _ := shingle.New(shingle.Config{Lang: "en", KeepStopwords: true, NoStem: true})
	fmt.Println(keep.Tokens(nil, "The protesters were marching to the Kremlin’s gates."))
	// Output:
	// [protest march kremlin gate]
	// [the protesters were marching to the kremlin's gates]
}

func ExampleShingler_Normalize() {
	s, _ := shingle.New(shingle.Config{FoldDiacritics: true})
	fmt.Printf("%s\n", s.Normalize(nil, "<p>Café &amp; Straße: 1,000 ﬁrms grew 3.5%&nbsp;in well-known São Paulo!</p>"))
	// Output:
	// cafe strasse 1000 firms grew 3.5 in well known sao paulo
}

func ExampleShingler_Shingles() {
	s, _ := shingle.New(shingle.Config{WordN: 3})
	sh := s.Shingles(nil, "one two three one two three one two three")
	fmt.Println(len(sh), "shingles,", len(shingle.SortUnique(sh)), "distinct")
	// Output:
	// 7 shingles, 3 distinct
}

func ExampleShingler_Analyze() {
	s, _ := shingle.New(shingle.Config{Lang: "en"})
	for _, tk := range s.Analyze(nil, "Officials met Putin in Moscow. Talks ended") {
		fmt.Printf("%s cap=%v start=%v\n", tk.Term, tk.Cap, tk.Start)
	}
	// Output:
	// offici cap=true start=true
	// met cap=false start=false
	// putin cap=true start=false
	// moscow cap=true start=false
	// talk cap=true start=true
	// end cap=false start=false
}

func ExampleShingler_AnalyzeHashes() {
	s, _ := shingle.New(shingle.Config{Lang: "en"})
	text := "Putin met 3 officials in Moscow"
	terms := s.Tokens(nil, text) // the analyzed terms, for comparison
	for i, tk := range s.AnalyzeHashes(nil, text) {
		fmt.Printf("%-6s hash=%v cap=%v start=%v digit=%v\n", terms[i], tk.Hash == shingle.HashString(0, terms[i]), tk.Cap, tk.Start, tk.Digit)
	}
	// Output:
	// putin  hash=true cap=true start=true digit=false
	// met    hash=true cap=false start=false digit=false
	// 3      hash=true cap=false start=false digit=true
	// offici hash=true cap=false start=false digit=false
	// moscow hash=true cap=true start=false digit=false
}

func ExampleHash() {
	fmt.Printf("%#x\n", shingle.Hash(0, []byte("abc")))
	fmt.Printf("%#x\n", shingle.HashString(20141025, "xxhash"))
	// Output:
	// 0x44bc2cf5ad770999
	// 0xb559b98d844e0635
}

func ExampleAnalyzer() {
	stop, _ := shingle.NewStopFilter("fr")
	stem, _ := shingle.NewStemFilter("fr")
	a := &shingle.Analyzer{
		Tokenizer: &shingle.UnicodeTokenizer{},
		Filters:   []shingle.Filter{stop, stem},
	}
	for _, tk := range a.Analyze(nil, []byte("Les présidents ont discuté de la coopération")) {
		fmt.Printf("%s ", tk.Term)
	}
	fmt.Println()
	// Output:
	// le président discut cooper
}
