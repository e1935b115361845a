package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func seedFiles(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("../../testdata/seeds/*.txt")
	require.NoError(t, err)
	require.Len(t, paths, 5)
	return paths
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), got)
}

func TestSeedStoriesGolden(t *testing.T) {
	code, out, errs := runCLI(t, "", append([]string{"cluster", "-stories"}, seedFiles(t)...)...)
	require.Equal(t, exitOK, code, errs)
	golden(t, "seeds-stories.golden", out)

	var stories []storyLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var s storyLine
		require.NoError(t, json.Unmarshal([]byte(l), &s))
		stories = append(stories, s)
	}
	require.Len(t, stories, 4)
	assert.Equal(t, []string{"000_8e94011131dd3905", "002_4c52b5d957b4cd4a"}, stories[0].IDs)
}

func TestSeedAssignmentsGolden(t *testing.T) {
	code, out, errs := runCLI(t, "", append([]string{"cluster"}, seedFiles(t)...)...)
	require.Equal(t, exitOK, code, errs)
	golden(t, "seeds-cluster.golden", out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 5, "one line per input article")
	for i, p := range seedFiles(t) {
		var a assignmentLine
		require.NoError(t, json.Unmarshal([]byte(lines[i]), &a))
		assert.Equal(t, strings.TrimSuffix(filepath.Base(p), ".txt"), a.ID, "input order")
	}
}

const feed = `{"doc_id":"a","title":"ECB holds rates","text":"The European Central Bank kept its main interest rate unchanged on Thursday, saying inflation in the euro area was falling faster than expected.","date":"2023-12-14"}
{"doc_id":"b","title":"Lagarde holds","text":"The European Central Bank kept its main interest rate unchanged on Thursday, saying inflation in the euro area was falling faster than expected.\nRelated posts","date":"2023-12-14T15:00:00Z"}
{"doc_id":7,"title":"Floods in Porto Alegre","text":"Heavy rain pushed the Guaiba river above its banks in Porto Alegre, forcing 3,000 residents to leave their homes."}
`

func TestFieldsMappingAndDedup(t *testing.T) {
	code, out, errs := runCLI(t, feed, "dedup", "-fields", "id=doc_id,published=date")
	require.Equal(t, exitOK, code, errs)
	assert.Equal(t, `{"id":"a"}
{"id":"b","duplicate_of":"a"}
{"id":"7"}
`, out)

	code, out, errs = runCLI(t, feed, "cluster", "-fields", "id=doc_id,published=date", "-")
	require.Equal(t, exitOK, code, errs)
	var got []assignmentLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var a assignmentLine
		require.NoError(t, json.Unmarshal([]byte(l), &a))
		got = append(got, a)
	}
	require.Len(t, got, 3)
	assert.Equal(t, got[0].Story, got[1].Story)
	assert.NotEqual(t, got[0].Story, got[2].Story)
	assert.Equal(t, "a", got[1].DuplicateOf)
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"not json", "{\"id\":\"a\",\"text\":\"x\"}\nnot json\n", nil, exitInput, "<stdin>:2: not a JSON object"},
		{"missing id", `{"text":"x"}` + "\n", nil, exitInput, `<stdin>:1: missing id (field "id")`},
		{"repeated id", `{"id":"a","text":"x"}` + "\n" + `{"id":"a","text":"y"}` + "\n", nil, exitInput, `<stdin>:2: duplicate id "a" (first at <stdin>:1)`},
		{"bad date", `{"id":"a","text":"x","published":"yesterday"}` + "\n", nil, exitInput, `date "yesterday" is neither RFC 3339 nor YYYY-MM-DD`},
		{"wrong type", `{"id":"a","text":42}` + "\n", nil, exitInput, `field "text": want a string, got 42`},
		{"id of wrong type", `{"id":{"x":1},"text":"t"}` + "\n", nil, exitInput, `field "id": want a string or a number`},
		{"no such file", "", []string{"does-not-exist.jsonl"}, exitInput, "does-not-exist.jsonl"},
		{"unknown command", "", nil, exitUsage, "unknown command"},
		{"bad flag", "", []string{"-nope"}, exitUsage, "flag provided but not defined"},
		{"bad fields", "", []string{"-fields", "ident=x"}, exitUsage, `unknown field "ident"`},
		{"bad cut", "", []string{"-cut", "3"}, exitUsage, "StoryCut"},
		{"too long", `{"id":"a","text":"` + strings.Repeat("x", 200) + `"}` + "\n", []string{"-max-bytes", "100"}, exitInput, "<stdin>:1: line longer than the 100-byte limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"cluster"}, tc.args...)
			if tc.name == "unknown command" {
				args = []string{"frobnicate"}
			}
			code, out, errs := runCLI(t, tc.stdin, args...)
			assert.Equal(t, tc.code, code, errs)
			assert.Contains(t, errs, tc.msg)
			assert.Empty(t, out, "nothing on stdout after an error")
		})
	}
}

func TestSkipBad(t *testing.T) {
	in := "{\"id\":\"a\",\"text\":\"x\"}\nnot json\n{\"text\":\"no id\"}\n{\"id\":\"a\",\"text\":\"again\"}\n{\"id\":\"b\",\"text\":\"y\"}\n"
	code, out, errs := runCLI(t, in, "cluster", "-skip-bad")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "<stdin>:2: not a JSON object")
	assert.Contains(t, errs, "<stdin>:3: missing id")
	assert.Contains(t, errs, "<stdin>:4: duplicate id")
	assert.Contains(t, errs, "skipped 3 bad input line(s)")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], `"id":"a"`)
	assert.Contains(t, lines[1], `"id":"b"`)
}

func TestHelpListsExitCodes(t *testing.T) {
	code, _, errs := runCLI(t, "", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, errs, "Exit codes:")
	assert.Contains(t, errs, "-skip-bad")
	code, _, _ = runCLI(t, "")
	assert.Equal(t, exitUsage, code, "no command is a usage error")
}

func TestEval(t *testing.T) {
	in := `{"id":"a","g":1,"text":"The European Central Bank kept its main interest rate unchanged on Thursday in Frankfurt."}
{"id":"b","g":1,"text":"The European Central Bank kept its main interest rate unchanged on Thursday in Frankfurt, Lagarde said."}
{"id":"c","g":"two","text":"Heavy rain pushed the Guaiba river above its banks in Porto Alegre, forcing residents out."}
`
	code, out, errs := runCLI(t, in, "eval", "-gold", "g", "-json")
	require.Equal(t, exitOK, code, errs)
	var s evalScores
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	assert.Equal(t, 3, s.Articles)
	assert.Equal(t, 2, s.GoldStories)
	assert.InDelta(t, 1.0, s.BCubedF1, 1e-9)

	code, _, errs = runCLI(t, in, "eval")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "-gold FIELD is required")

	code, _, errs = runCLI(t, `{"id":"a","text":"x"}`+"\n", "eval", "-gold", "g")
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, `<stdin>:1: no gold field "g"`)
}

func TestProgressOnStderr(t *testing.T) {
	code, out, errs := runCLI(t, "", append([]string{"cluster", "-progress"}, seedFiles(t)...)...)
	require.Equal(t, exitOK, code)
	assert.Contains(t, errs, "storyclust: done 5/5")
	assert.NotContains(t, out, "storyclust:")
}

func TestExplain(t *testing.T) {
	args := append([]string{"explain", "-a", "000_8e94011131dd3905", "-b", "001_7850ec27218cba1f"}, seedFiles(t)...)
	code, out, errs := runCLI(t, "", args...)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "NOT joined")
	assert.Contains(t, out, "shared terms:")
	assert.Contains(t, out, "linkage distance")

	code, out, errs = runCLI(t, "", append([]string{"explain", "-json", "-a", "000_8e94011131dd3905", "-b", "002_4c52b5d957b4cd4a"}, seedFiles(t)...)...)
	require.Equal(t, exitOK, code, errs)
	var e struct {
		SameStory  bool
		Similarity float64
	}
	require.NoError(t, json.Unmarshal([]byte(out), &e))
	assert.True(t, e.SameStory)
	assert.Greater(t, e.Similarity, 0.2)

	code, _, errs = runCLI(t, "", append([]string{"explain", "-a", "000_8e94011131dd3905", "-b", "missing"}, seedFiles(t)...)...)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, `unknown article id "missing"`)

	code, _, _ = runCLI(t, "", "explain", "-a", "x")
	assert.Equal(t, exitUsage, code)
}

// TestTroublesomeInput covers input that is odd but not wrong: the run
// succeeds, says what it noticed on stderr, and loses no article.
func TestTroublesomeInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.jsonl")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		msg   string
		ids   []string
	}{
		{"invalid UTF-8", "{\"id\":\"a\",\"text\":\"caf\xe9 au lait\"}\n", nil, "<stdin>:1: invalid UTF-8 replaced with U+FFFD", []string{"a"}},
		{"empty text", `{"id":"a","text":""}` + "\n" + `{"id":"b","text":"   "}` + "\n", nil, `article "a" has no title and no text`, []string{"a", "b"}},
		{"empty file", "", []string{empty}, "no articles in the input", nil},
		{"unknown language", `{"id":"a","lang":"fa","text":"هیئت روسی با وزیر امور خارجه ایران در تهران دیدار کرد"}` + "\n", nil, `warning: article "a": shingle: language "fa": unknown language; tokenized without stemming or stopwords`, []string{"a"}},
		{"crlf and blank lines", "{\"id\":\"a\",\"text\":\"x\"}\r\n\r\n\n{\"id\":\"b\",\"text\":\"y\"}\r\n", nil, "", []string{"a", "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tc.stdin, append([]string{"cluster"}, tc.args...)...)
			require.Equal(t, exitOK, code, errs)
			assert.Contains(t, errs, tc.msg)
			var ids []string
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				if l == "" {
					continue
				}
				var a assignmentLine
				require.NoError(t, json.Unmarshal([]byte(l), &a))
				assert.NotEmpty(t, a.Story)
				ids = append(ids, a.ID)
			}
			assert.Equal(t, tc.ids, ids)
		})
	}

	t.Run("strict unknown language", func(t *testing.T) {
		code, _, errs := runCLI(t, `{"id":"a","lang":"fa","text":"x"}`+"\n", "cluster", "-strict-lang")
		assert.Equal(t, exitInput, code)
		assert.Contains(t, errs, `article "a": shingle: language "fa": unknown language`)
	})
	t.Run("20 MB article", func(t *testing.T) {
		big := `{"id":"big","text":"` + strings.Repeat("word ", 4<<20) + `"}` + "\n"
		code, out, errs := runCLI(t, big, "cluster")
		assert.Equal(t, exitInput, code)
		assert.Contains(t, errs, "<stdin>:1: line longer than the 4194304-byte limit (-max-bytes)")
		assert.Empty(t, out)
	})
	t.Run("limit is configurable", func(t *testing.T) {
		art := `{"id":"big","text":"` + strings.Repeat("word ", 60000) + `"}` + "\n"
		code, _, errs := runCLI(t, art, "cluster", "-max-bytes", "200000")
		assert.Equal(t, exitInput, code)
		assert.Contains(t, errs, "line longer than the 200000-byte limit")
		code, out, errs := runCLI(t, art, "cluster", "-max-bytes", "400000")
		require.Equal(t, exitOK, code, errs)
		assert.Contains(t, out, `"id":"big"`)
	})
}

// TestEveryIDExactlyOnce is a property test: for random batches (random
// articles, random bad lines skipped with -skip-bad), every accepted id
// appears exactly once in the per-article output and in exactly one story.
func TestEveryIDExactlyOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	words := strings.Fields("iran russia syria talks minister tehran moscow delegation visit flood river rain " +
		"city council tram vote bank rates inflation euro market court trial judge verdict storm coast")
	for round := 0; round < 20; round++ {
		var in strings.Builder
		var want []string
		n := 1 + rng.IntN(40)
		for i := 0; i < n; i++ {
			if rng.IntN(8) == 0 {
				in.WriteString("{broken\n")
			}
			id := fmt.Sprintf("r%d-%d", round, rng.IntN(60))
			var text []string
			for j := rng.IntN(80); j > 0; j-- {
				text = append(text, words[rng.IntN(len(words))])
			}
			line, _ := json.Marshal(map[string]string{"id": id, "text": strings.Join(text, " ")})
			in.Write(line)
			in.WriteByte('\n')
			if !slices.Contains(want, id) {
				want = append(want, id)
			}
		}
		for _, cmd := range [][]string{{"cluster", "-skip-bad"}, {"dedup", "-skip-bad"}, {"cluster", "-skip-bad", "-stories"}} {
			code, out, errs := runCLI(t, in.String(), cmd...)
			require.Equal(t, exitOK, code, errs)
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				var v struct {
					ID  string   `json:"id"`
					IDs []string `json:"ids"`
				}
				require.NoError(t, json.Unmarshal([]byte(l), &v))
				if v.ID != "" {
					got = append(got, v.ID)
				}
				got = append(got, v.IDs...)
			}
			if cmd[len(cmd)-1] == "-stories" {
				slices.Sort(got)
				w := slices.Clone(want)
				slices.Sort(w)
				assert.Equal(t, w, got, "round %d: each id in exactly one story", round)
			} else {
				assert.Equal(t, want, got, "round %d %v: every id once, in input order", round, cmd)
			}
		}
	}
}

// TestDateLayout checks that -date-layout dates reach the pipeline (explain
// reports the gap between them) and that a layout that is not a whole date
// is a bad command line.
func TestDateLayout(t *testing.T) {
	in := `{"id":"a","text":"The mayor opened the new bridge on Monday.","published":"12/19/18"}
{"id":"b","text":"The mayor opened the new bridge across the river.","published":"12/21/18"}
`
	code, _, errs := runCLI(t, in, "cluster", "-quiet")
	require.Equal(t, exitInput, code)
	assert.Contains(t, errs, "see -date-layout")

	code, out, errs := runCLI(t, in, "explain", "-json", "-a", "a", "-b", "b", "-date-layout", "2006-01-02T15:04", "-date-layout", "1/2/06")
	require.Equal(t, exitOK, code, errs)
	var e struct {
		TimeGap    time.Duration
		HasTimeGap bool
	}
	require.NoError(t, json.Unmarshal([]byte(out), &e))
	assert.True(t, e.HasTimeGap)
	assert.Equal(t, 48*time.Hour, e.TimeGap.Abs())

	for _, bad := range []string{"Jan 2", "15:04", "06", ""} {
		code, _, errs = runCLI(t, in, "cluster", "-date-layout", bad)
		assert.Equal(t, exitUsage, code, bad)
		assert.Contains(t, errs, "-date-layout", bad)
	}
}
