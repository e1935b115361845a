package extract_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust"
	"github.com/storyclust/storyclust/extract"
)

// TestSkipUnusedMetadataKeepsExtraction extracts real pages with and
// without the placeholders that keep go-trafilatura from searching the page
// for author, tags and categories, and requires exactly the same article:
// the search has no effect on any field Fill sets. Every tenth page of
// go-trafilatura's test-files/comparison, or all of them with -allpages.
// Published must be the same instant too: Fill settles the ties between
// timestamps of one day that go-htmldate breaks in map order (see
// publishedDate).
func TestSkipUnusedMetadataKeepsExtraction(t *testing.T) {
	dir := filepath.Join(trafilaturaTestFiles(t), "comparison")
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := append([]string(nil), newsPages...)
	for i, e := range ents {
		if *allPages || i%10 == 0 {
			names = append(names, e.Name())
		}
	}
	var dated, texts int
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		want, errWant := extract.FillAllMetadata(storyclust.Article{ID: name}, bytes.NewReader(b))
		got, errGot := extract.Fill(storyclust.Article{ID: name}, bytes.NewReader(b))
		assert.Equal(t, errWant, errGot, name)
		assert.Equal(t, want.Title, got.Title, name)
		assert.Equal(t, want.Text, got.Text, name)
		assert.True(t, want.Published.Equal(got.Published), "%s: published %v, want %v", name, got.Published, want.Published)
		assert.Equal(t, want.URL, got.URL, name)
		assert.Equal(t, want.Source, got.Source, name)
		assert.Equal(t, want.Lang, got.Lang, name)
		if !want.Published.IsZero() {
			dated++
		}
		if want.Text != "" {
			texts++
		}
	}
	t.Logf("%d pages, %d with text, %d with a date: all fields identical", len(names), texts, dated)
}
