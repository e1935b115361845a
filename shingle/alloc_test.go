package shingle

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestNoAllocsWhenWarm guards the hot paths: once the pool holds a scratch
// and the caches hold the words, the append-style methods do not allocate
// when dst has enough capacity.
func TestNoAllocsWhenWarm(t *testing.T) {
	texts := map[string]string{
		"english": seedTexts(t)[0],
		"russian": multilingual["russian"],
		"persian": multilingual["persian"],
		"chinese": multilingual["chinese"],
		"markup":  "AT&amp;T said &quot;no&quot;<br>Caf&eacute; &#8217;s <p class='x'>text</p> 1,000.5",
	}
	cfgs := map[string]Config{
		"plain":      {},
		"en":         {Lang: "en"},
		"ru-fold":    {Lang: "ru", FoldDiacritics: true},
		"en-nostem":  {Lang: "en", NoStem: true},
		"hu-keepall": {Lang: "hu", KeepStopwords: true},
	}
	for cname, cfg := range cfgs {
		s := mustNew(t, cfg)
		for tname, text := range texts {
			hashes := make([]uint64, 0, 4*len(text))
			toks := make([]Token, 0, len(text))
			norm := make([]byte, 0, 4*len(text))
			run := map[string]func(){
				"TokenHashes":  func() { hashes = s.TokenHashes(hashes[:0], text) },
				"Shingles":     func() { hashes = s.Shingles(hashes[:0], text) },
				"CharShingles": func() { hashes = s.CharShingles(hashes[:0], text) },
				"Analyze":      func() { toks = s.Analyze(toks[:0], text) },
				"Normalize":    func() { norm = s.Normalize(norm[:0], text) },
			}
			for fname, f := range run {
				f() // warm up: pool, caches, tables
				f()
				allocs := testing.AllocsPerRun(20, f)
				if raceEnabled {
					t.Logf("%s/%s/%s: %v allocs (race detector on: not asserted)", cname, tname, fname, allocs)
					continue
				}
				assert.Zerof(t, allocs, "%s/%s/%s", cname, tname, fname)
			}
		}
	}
}
