package storyclust

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sharedData is where the labeled sets live, relative to the package.
const sharedData = "../shared/data"

// loadLabeled reads a gzip JSON Lines set from ../shared/data with its gold
// labels, skipping the test when the file is absent.
func loadLabeled(t testing.TB, name string) ([]Article, []string) {
	t.Helper()
	path := filepath.Join(sharedData, name)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("%s not found: the labeled data sets live in ../shared/data beside the repository", path)
	}
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var (
		arts []Article
		gold []string
	)
	for sc.Scan() {
		var row struct {
			ID    string `json:"doc_id"`
			Title string `json:"title"`
			Text  string `json:"text"`
			Gold  any    `json:"event_cluster"`
			Date  string `json:"date"`
			Src   string `json:"source"`
			Out   string `json:"outlet"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &row))
		a := Article{ID: row.ID, Title: row.Title, Text: row.Text, Source: row.Src + row.Out}
		if row.Date != "" {
			a.Published, err = time.Parse(time.DateOnly, row.Date)
			require.NoError(t, err)
		}
		arts = append(arts, a)
		gold = append(gold, fmt.Sprint(row.Gold))
	}
	require.NoError(t, sc.Err())
	return arts, gold
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
