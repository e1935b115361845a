package extract_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

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
//
// One exception, not caused by the placeholders: when a page's JSON-LD
// gives two timestamps on the day it chooses (datePublished and
// dateCreated, say), go-htmldate (v1.9) breaks the tie in map order, so
// either time can come out, from run to run. Such a difference is allowed
// when both times are in the page.
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
	var dated, texts, ties int
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		want, errWant := extract.FillAllMetadata(storyclust.Article{ID: name}, bytes.NewReader(b))
		got, errGot := extract.Fill(storyclust.Article{ID: name}, bytes.NewReader(b))
		assert.Equal(t, errWant, errGot, name)
		assert.Equal(t, want.Title, got.Title, name)
		assert.Equal(t, want.Text, got.Text, name)
		if !want.Published.Equal(got.Published) {
			y1, m1, d1 := want.Published.Date()
			y2, m2, d2 := got.Published.Date()
			assert.True(t, y1 == y2 && m1 == m2 && d1 == d2, "%s: published %v, want %v", name, got.Published, want.Published)
			for _, ts := range []time.Time{want.Published, got.Published} {
				assert.Contains(t, string(b), ts.Format("2006-01-02T15:04"), "%s: published %v, want %v", name, got.Published, want.Published)
			}
			ties++
		}
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
	t.Logf("%d pages, %d with text, %d with a date: all fields identical but the time on %d (a tie in go-htmldate)",
		len(names), texts, dated, ties)
}
