package shingle

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readJSONL reads the title and text of the first n articles of a shared
// data file, skipping the test when the data is absent.
func readJSONL(t *testing.T, name string, n int) []string {
	t.Helper()
	path := "../../shared/data/" + name
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("shared data %s not present (it is not part of the repository)", path)
	}
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var texts []string
	for len(texts) < n && sc.Scan() {
		var doc struct{ Title, Text string }
		require.NoError(t, json.Unmarshal(sc.Bytes(), &doc))
		texts = append(texts, doc.Title+"\n"+doc.Text)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, texts)
	return texts
}

// TestRealArticles checks the invariants on real news text: idempotent
// Normalize, and analysis of the normalized text equal to analysis of the
// raw text (so normalized text can be stored and shingled later).
func TestRealArticles(t *testing.T) {
	texts := append(readJSONL(t, "ecbplus.jsonl.gz", 300), readJSONL(t, "allsides-20k.jsonl.gz", 200)...)
	shinglers := []*Shingler{mustNew(t, Config{}), mustNew(t, Config{Lang: "en"}), mustNew(t, Config{Lang: "en", FoldDiacritics: true})}
	for i, text := range texts {
		for _, s := range shinglers {
			norm := string(s.Normalize(nil, text))
			require.True(t, utf8.ValidString(norm))
			require.Equal(t, norm, string(s.Normalize(nil, norm)), "article %d", i)
			if len(text) > 200 {
				assert.NotEmpty(t, s.Shingles(nil, text), "article %d", i)
			}
			assert.True(t, slices.Equal(s.Shingles(nil, text), s.Shingles(nil, norm)), "article %d", i)
			assert.True(t, slices.Equal(s.CharShingles(nil, text), s.CharShingles(nil, norm)), "article %d", i)
		}
	}
}

// TestTokenizeFusedRealArticles compares the fused ASCII path of Tokenize
// with the chunk-by-chunk path on real news text.
func TestTokenizeFusedRealArticles(t *testing.T) {
	texts := append(readJSONL(t, "ecbplus.jsonl.gz", 1000), readJSONL(t, "allsides-20k.jsonl.gz", 2000)...)
	var fused, chunked UnicodeTokenizer
	chunked.chunked = true
	for i, text := range texts {
		a := fused.Tokenize(nil, []byte(text))
		b := chunked.Tokenize(nil, []byte(text))
		require.Equal(t, len(b), len(a), "article %d", i)
		for j := range a {
			require.Equal(t, string(b[j].Term), string(a[j].Term), "article %d token %d", i, j)
			require.Equal(t, b[j].Cap, a[j].Cap, "article %d token %d", i, j)
			require.Equal(t, b[j].Start, a[j].Start, "article %d token %d", i, j)
		}
	}
}
