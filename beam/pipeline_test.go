package beam

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/direct"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust"
)

// The direct runner executes in this process and opens no sockets (prism,
// Beam's default test runner, serves its job API on every interface).
func TestMain(m *testing.M) {
	log.SetLogger(quietLogger{})
	ptest.MainWithDefault(m, "direct")
}

// quietLogger drops the runner's informational messages (the direct runner
// logs its whole execution plan).
type quietLogger struct{}

func (quietLogger) Log(_ context.Context, sev log.Severity, _ int, msg string) {
	if sev >= log.SevWarn {
		fmt.Fprintln(os.Stderr, msg)
	}
}

func init() {
	register.Function3x0(kvLineFn)
	register.Function2x0(edgeFn)
}

// sharedData is where the labeled sets live, relative to this package.
const sharedData = "../../shared/data"

func loadECB(t *testing.T) []storyclust.Article {
	t.Helper()
	return loadShared(t, "ecbplus.jsonl.gz", 0)
}

// loadAllSidesDated reads 300 AllSides articles and gives them publication
// times squeezed into a few weeks (so that the story tier's time buckets
// and their borders matter), every fifth one none.
func loadAllSidesDated(t *testing.T) []storyclust.Article {
	t.Helper()
	arts := loadShared(t, "allsides-20k.jsonl.gz", 300)
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range arts {
		arts[i].Published = base.Add(time.Duration(i%53) * 9 * time.Hour)
		if i%5 == 0 {
			arts[i].Published = time.Time{}
		}
	}
	return arts
}

// loadShared reads the first n articles (all for 0) of a gzip JSON Lines
// file in ../shared/data, skipping the test when it is absent.
func loadShared(t *testing.T, name string, n int) []storyclust.Article {
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
	var arts []storyclust.Article
	for (n == 0 || len(arts) < n) && sc.Scan() {
		var row struct {
			ID    string `json:"doc_id"`
			Title string `json:"title"`
			Text  string `json:"text"`
			Date  string `json:"date"`
			Src   string `json:"source"`
			Out   string `json:"outlet"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &row))
		a := storyclust.Article{ID: row.ID, Title: row.Title, Text: row.Text, Source: row.Src + row.Out}
		if row.Date != "" {
			a.Published, _ = time.Parse(time.DateOnly, row.Date) // replaced or unused
		}
		arts = append(arts, a)
	}
	require.NoError(t, sc.Err())
	return arts
}

func loadSeeds(t *testing.T) []storyclust.Article {
	t.Helper()
	paths, err := filepath.Glob("../testdata/seeds/*.txt")
	require.NoError(t, err)
	require.Len(t, paths, 5)
	var arts []storyclust.Article
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		arts = append(arts, storyclust.Article{ID: strings.TrimSuffix(filepath.Base(p), ".txt"), Text: string(b)})
	}
	return arts
}

// writeJSONL writes articles in the CLI's input format.
func writeJSONL(t *testing.T, arts []storyclust.Article) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, a := range arts {
		row := map[string]string{"id": a.ID, "title": a.Title, "text": a.Text, "source": a.Source}
		if !a.Published.IsZero() {
			row["published"] = a.Published.Format(time.RFC3339Nano)
		}
		require.NoError(t, enc.Encode(row))
	}
	path := filepath.Join(t.TempDir(), "in.jsonl")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

// runBeam runs the Beam pipeline on the direct runner over the file at in
// and returns the output lines, sorted.
func runBeam(t *testing.T, opt Options, in string) ([]string, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.jsonl")
	p, s := beam.NewPipelineWithRoot()
	lines, err := Build(s, opt, Read(s, in))
	require.NoError(t, err)
	Write(s, out, lines)
	if err := ptest.Run(p); err != nil {
		return nil, err
	}
	return readLines(t, out), nil
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		lines = nil
	}
	slices.Sort(lines)
	return lines
}

// wantLines runs the in-process pipeline and formats its result as the CLI
// does, sorted.
func wantLines(t *testing.T, opt Options, arts []storyclust.Article) ([]string, *storyclust.Result) {
	t.Helper()
	cfg, err := opt.Config()
	require.NoError(t, err)
	p, err := storyclust.New(cfg)
	require.NoError(t, err)
	res, err := p.Run(context.Background(), arts)
	require.NoError(t, err)
	var lines []string
	for _, a := range res.Assignments {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(outputLine{a.ID, a.Story, a.DuplicateOf}))
		lines = append(lines, strings.TrimSuffix(buf.String(), "\n"))
	}
	slices.Sort(lines)
	return lines, res
}

func TestPipelineEqualsRun(t *testing.T) {
	sets := []struct {
		name string
		arts func(t *testing.T) []storyclust.Article
		opts []Options
	}{
		{"seeds", loadSeeds, []Options{{}, {StoryCut: 0.95, Linkage: "complete"}}},
		{"ecbplus", loadECB, []Options{{}, {Linkage: "complete", StoryCut: 0.9, MinRepeat: 2, DupThreshold: 0.3, MaxDense: 1}}},
		{"allsides-dated", loadAllSidesDated, []Options{{}}},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			arts := set.arts(t)
			in := writeJSONL(t, arts)
			for i, opt := range set.opts {
				t.Run(fmt.Sprint(i), func(t *testing.T) {
					want, res := wantLines(t, opt, arts)
					start := time.Now()
					got, err := runBeam(t, opt, in)
					require.NoError(t, err)
					assert.Equal(t, want, got)
					dups := 0
					for _, a := range res.Assignments {
						if a.DuplicateOf != "" {
							dups++
						}
					}
					t.Logf("%d articles, %d duplicates, %d stories; direct runner %v",
						len(arts), dups, len(res.Stories), time.Since(start).Round(time.Millisecond))
				})
			}
		})
	}
}

func TestPipelineBadInput(t *testing.T) {
	cases := []struct {
		name, input, want string
	}{
		{"repeated id", `{"id":"a","text":"x"}` + "\n" + `{"id":"a","text":"y"}`, "duplicate article id"},
		{"missing id", `{"text":"x"}`, "missing id"},
		{"not json", `{"id":`, "not a JSON object"},
		{"bad date", `{"id":"a","published":"yesterday"}`, "neither RFC 3339"},
		{"too large", `{"id":"a","text":"` + strings.Repeat("x", 100) + `"}`, "too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.jsonl")
			require.NoError(t, os.WriteFile(path, []byte(c.input+"\n"), 0o644))
			_, err := runBeam(t, Options{MaxArticleBytes: 50}, path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestOptionsInvalid(t *testing.T) {
	for _, opt := range []Options{{Linkage: "ward"}, {StoryCut: 2}, {CCRounds: -1}, {Fields: map[string]string{"body": "text"}}} {
		_, err := opt.Config()
		assert.ErrorIs(t, err, storyclust.ErrInvalidConfig, "%+v", opt)
	}
}

// kvLineFn formats a label as a line.
func kvLineFn(k, v string, emit func(string)) { emit(k + "\t" + v) }

// edgeFn parses "a b" into an edge.
func edgeFn(line string, emit func(string, string)) {
	a, b, _ := strings.Cut(line, " ")
	emit(a, b)
}

// runCC runs ConnectedComponents on the direct runner.
func runCC(t *testing.T, edges [][2]string, rounds int) (map[string]string, error) {
	t.Helper()
	lines := make([]string, len(edges))
	for i, e := range edges {
		lines[i] = e[0] + " " + e[1]
	}
	out := filepath.Join(t.TempDir(), "labels")
	p, s := beam.NewPipelineWithRoot()
	col := beam.ParDo(s, edgeFn, beam.CreateList(s, lines))
	textio := beam.ParDo(s, kvLineFn, ConnectedComponents(s, col, rounds))
	Write(s, out, textio)
	if err := ptest.Run(p); err != nil {
		return nil, err
	}
	got := map[string]string{}
	for _, l := range readLines(t, out) {
		k, v, _ := strings.Cut(l, "\t")
		_, dup := got[k]
		require.False(t, dup, "node %s labelled twice", k)
		got[k] = v
	}
	return got, nil
}

// unionFindLabels labels each node with the smallest node of its component.
func unionFindLabels(edges [][2]string) map[string]string {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if _, ok := parent[x]; !ok {
			parent[x] = x
		}
		for parent[x] != x {
			x = parent[x]
		}
		return x
	}
	for _, e := range edges {
		a, b := find(e[0]), find(e[1])
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	out := map[string]string{}
	for x := range parent {
		if x == find(x) && !hasEdge(edges, x) {
			continue
		}
		out[x] = find(x)
	}
	return out
}

func hasEdge(edges [][2]string, x string) bool {
	for _, e := range edges {
		if (e[0] == x || e[1] == x) && e[0] != e[1] {
			return true
		}
	}
	return false
}

func TestConnectedComponents(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	name := func(i int) string { return fmt.Sprintf("n%04d", i) }
	// A path in random order: the worst case for label propagation.
	perm := rng.Perm(400)
	var path [][2]string
	for i := 1; i < len(perm); i++ {
		path = append(path, [2]string{name(perm[i-1]), name(perm[i])})
	}
	// A sparse random graph with many components, repeated edges and
	// self loops.
	var random [][2]string
	for range 500 {
		a, b := rng.IntN(600), rng.IntN(600)
		random = append(random, [2]string{name(a), name(b)})
	}
	random = append(random, random[:20]...)
	// Two stars and a clique.
	var stars [][2]string
	for i := 1; i < 30; i++ {
		stars = append(stars, [2]string{name(0), name(i)}, [2]string{name(100 + i), name(100)})
		for j := 200; j < 210; j++ {
			stars = append(stars, [2]string{name(200 + i%10), name(j)})
		}
	}
	for _, c := range []struct {
		name  string
		edges [][2]string
	}{{"path", path}, {"random", random}, {"stars", stars}} {
		t.Run(c.name, func(t *testing.T) {
			got, err := runCC(t, c.edges, DefaultCCRounds)
			require.NoError(t, err)
			assert.Equal(t, unionFindLabels(c.edges), got)
		})
	}
	t.Run("not converged", func(t *testing.T) {
		_, err := runCC(t, path, 1)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "did not converge")
	})
}
