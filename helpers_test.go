package storyclust

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sharedData is where the labeled sets live, relative to the package.
const sharedData = "../shared/data"

// scanShared calls row with each line of the gzip JSON Lines file
// ../shared/data/name until row returns false. It skips tb, saying what the
// file is for, when the file is absent.
func scanShared(tb testing.TB, name, usedFor string, row func(line []byte) bool) {
	tb.Helper()
	path := filepath.Join(sharedData, name)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		tb.Skipf("%s not found: %s live in ../shared/data beside the repository", path, usedFor)
	}
	require.NoError(tb, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(tb, err)
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() && row(sc.Bytes()) {
	}
	require.NoError(tb, sc.Err())
}

// loadLabeled reads a labeled set from ../shared/data with its gold labels,
// skipping the test when the file is absent.
func loadLabeled(t testing.TB, name string) ([]Article, []string) {
	t.Helper()
	var (
		arts []Article
		gold []string
	)
	scanShared(t, name, "the labeled data sets", func(line []byte) bool {
		var row struct {
			ID    string `json:"doc_id"`
			Title string `json:"title"`
			Text  string `json:"text"`
			Gold  any    `json:"event_cluster"`
			Date  string `json:"date"`
			Src   string `json:"source"`
			Out   string `json:"outlet"`
		}
		require.NoError(t, json.Unmarshal(line, &row))
		a := Article{ID: row.ID, Title: row.Title, Text: row.Text, Source: row.Src + row.Out}
		if row.Date != "" {
			var err error
			a.Published, err = time.Parse(time.DateOnly, row.Date)
			require.NoError(t, err)
		}
		arts = append(arts, a)
		gold = append(gold, fmt.Sprint(row.Gold))
		return true
	})
	return arts, gold
}

var allSidesArticles struct {
	sync.Mutex
	arts []Article
}

// loadAllSidesArticles returns the first n articles of allsides-20k.jsonl.gz
// (read only as far as needed, and cached; the slice is the caller's own),
// skipping when it is absent. Dates that are not YYYY-MM-DD are left zero.
func loadAllSidesArticles(tb testing.TB, n int) []Article {
	tb.Helper()
	allSidesArticles.Lock()
	defer allSidesArticles.Unlock()
	if len(allSidesArticles.arts) < n {
		var arts []Article
		scanShared(tb, "allsides-20k.jsonl.gz", "the benchmark articles", func(line []byte) bool {
			var row struct {
				ID     string `json:"doc_id"`
				Title  string `json:"title"`
				Text   string `json:"text"`
				Source string `json:"source"`
				URL    string `json:"url"`
				Date   string `json:"date"`
			}
			require.NoError(tb, json.Unmarshal(line, &row))
			a := Article{ID: row.ID, Title: row.Title, Text: row.Text, Source: row.Source, URL: row.URL}
			a.Published, _ = time.Parse(time.DateOnly, row.Date)
			arts = append(arts, a)
			return len(arts) < n
		})
		require.Len(tb, arts, n, "allsides-20k.jsonl.gz has fewer than %d articles", n)
		allSidesArticles.arts = arts
	}
	return slices.Clone(allSidesArticles.arts[:n])
}

// loadSeeds reads testdata/seeds/*.txt as articles with the file base name
// as id.
func loadSeeds(t testing.TB) []Article {
	t.Helper()
	paths, err := filepath.Glob("testdata/seeds/*.txt")
	require.NoError(t, err)
	require.Len(t, paths, 5)
	var arts []Article
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		arts = append(arts, Article{ID: strings.TrimSuffix(filepath.Base(p), ".txt"), Text: string(b)})
	}
	return arts
}

// storyOf maps article id to story id.
func storyOf(res *Result) map[string]string {
	m := map[string]string{}
	for _, a := range res.Assignments {
		m[a.ID] = a.Story
	}
	return m
}
