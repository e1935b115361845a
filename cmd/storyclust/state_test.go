package main

import (
	"bufio"
	"compress/gzip"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust"
)

// ecbLines returns the JSON lines of ../../../shared/data/ecbplus.jsonl.gz,
// skipping the test when the data is absent.
func ecbLines(t *testing.T) []string {
	t.Helper()
	path := "../../../shared/data/ecbplus.jsonl.gz"
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("%s not found: the labeled data sets live in ../shared/data beside the repository", path)
	}
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	require.NoError(t, sc.Err())
	return lines
}

func writeLines(t *testing.T, path string, lines []string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
}

// assignments parses cluster output.
func assignments(t *testing.T, out string) map[string]assignmentLine {
	t.Helper()
	m := map[string]assignmentLine{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var a assignmentLine
		require.NoError(t, json.Unmarshal([]byte(l), &a), l)
		m[a.ID] = a
	}
	return m
}

// loadState reads a -state file with the library.
func loadState(t *testing.T, path string) *storyclust.Index {
	t.Helper()
	ix, err := storyclust.NewIndex(storyclust.IndexConfig{Config: storyclust.Config{MaxArticleBytes: 4 << 20}})
	require.NoError(t, err)
	require.NoError(t, ix.LoadFile(path))
	return ix
}

// TestStateTwoHalves clusters ECB+ in one run and in two runs with the
// state carried between them: the final state is the same, and the first
// run's answers differ from the single run's only for the articles that
// the second half regrouped.
func TestStateTwoHalves(t *testing.T) {
	lines := ecbLines(t)
	// ECB+ is sorted by topic: shuffle it, so that the second half brings
	// more articles of the first half's stories.
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	dir := t.TempDir()
	all, h1, h2 := filepath.Join(dir, "all.jsonl"), filepath.Join(dir, "h1.jsonl"), filepath.Join(dir, "h2.jsonl")
	half := len(lines) / 2
	writeLines(t, all, lines)
	writeLines(t, h1, lines[:half])
	writeLines(t, h2, lines[half:])
	one, two := filepath.Join(dir, "one.state"), filepath.Join(dir, "two.state")
	args := []string{"cluster", "-quiet", "-fields", "id=doc_id"}

	code, outAll, errs := runCLI(t, "", append(args, "-state", one, all)...)
	require.Equal(t, exitOK, code, errs)
	code, out1, errs := runCLI(t, "", append(args, "-state", two, h1)...)
	require.Equal(t, exitOK, code, errs)
	code, out2, errs := runCLI(t, "", append(args, "-state", two, h2)...)
	require.Equal(t, exitOK, code, errs)

	single, first, second := assignments(t, outAll), assignments(t, out1), assignments(t, out2)
	require.Len(t, single, len(lines))
	require.Len(t, first, half)
	require.Len(t, second, len(lines)-half)
	for id, a := range second {
		require.Equal(t, single[id], a, "second-half article %s", id)
	}
	a, b := loadState(t, one), loadState(t, two)
	require.Equal(t, a.Len(), b.Len())
	for id := range single {
		pa, _ := a.Get(id)
		pb, ok := b.Get(id)
		require.True(t, ok, id)
		require.Equal(t, pa, pb, "final state of %s", id)
		require.Equal(t, single[id].Story, pb.Story)
	}
	require.Equal(t, a.Stories(), b.Stories())
	changed := 0
	for id, f := range first {
		if f != single[id] {
			changed++
		}
	}
	t.Logf("%d of %d first-half articles were regrouped by the second half (their first-run story ids differ from the single run's; their final ones do not)",
		changed, half)
	assert.Less(t, changed, half/4)
}

func TestStateErrors(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "s")
	in := `{"id":"a","text":"The European Central Bank kept its main interest rate unchanged on Thursday in Frankfurt."}
{"id":"b","text":"Heavy rain pushed the Guaiba river above its banks in Porto Alegre, forcing residents out."}
`
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"dedup", "-state", state}, "for cluster and eval"},
		{[]string{"explain", "-a", "a", "-b", "b", "-state", state}, "for cluster and eval"},
		{[]string{"cluster", "-state", state, "-redis", "127.0.0.1:1"}, "exclude each other"},
		{[]string{"cluster", "-window", "24h"}, "-window needs"},
	} {
		code, _, errs := runCLI(t, in, tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, errs, tc.want)
	}

	code, out, errs := runCLI(t, in, "cluster", "-quiet", "-state", state)
	require.Equal(t, exitOK, code, errs)
	require.Len(t, assignments(t, out), 2)
	saved, err := os.ReadFile(state)
	require.NoError(t, err)

	// An id already in the state fails the run and leaves the file as it was.
	code, _, errs = runCLI(t, in, "cluster", "-quiet", "-state", state)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, "already indexed")
	now, err := os.ReadFile(state)
	require.NoError(t, err)
	assert.Equal(t, saved, now)

	// A corrupt state is an input error.
	require.NoError(t, os.WriteFile(state, saved[:len(saved)/2], 0o644))
	code, _, errs = runCLI(t, `{"id":"c","text":"x"}`+"\n", "cluster", "-state", state)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, "corrupt snapshot")

	// Another analysis configuration does not match the state.
	require.NoError(t, os.WriteFile(state, saved, 0o644))
	code, _, errs = runCLI(t, `{"id":"c","text":"x"}`+"\n", "cluster", "-seed", "7", "-state", state)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, "another configuration")

	// -stories lists the stories of the input with all their members.
	code, out, errs = runCLI(t, `{"id":"c","text":"The European Central Bank kept its main interest rate unchanged on Thursday in Frankfurt, Lagarde said."}`+"\n",
		"cluster", "-quiet", "-stories", "-state", state)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, `"c"`)
	assert.NotContains(t, out, `"b"`)

	code, _, errs = runCLI(t, in, "cluster", "-quiet", "-redis", "127.0.0.1:1")
	assert.Equal(t, exitIO, code)
	assert.Contains(t, errs, "unavailable")
}

// TestStateRedis runs the two halves against a shared index on a local
// redis-server (skipped without one) and compares with -state.
func TestStateRedis(t *testing.T) {
	addr := os.Getenv("STORYCLUST_REDIS_ADDR")
	if addr == "" {
		if _, err := exec.LookPath("redis-server"); err != nil {
			const msg = "redis-server is not on PATH and STORYCLUST_REDIS_ADDR is not set: install Redis to run the shared-index tests"
			if os.Getenv("STORYCLUST_REQUIRE_REDIS") != "" {
				t.Fatal(msg + " (STORYCLUST_REQUIRE_REDIS is set)")
			}
			t.Skip(msg)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		l.Close()
		cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		addr = "127.0.0.1:" + port
		deadline := time.Now().Add(10 * time.Second)
		for {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
				break
			}
			require.True(t, time.Now().Before(deadline), "redis-server did not start")
			time.Sleep(20 * time.Millisecond)
		}
	}
	lines := ecbLines(t)[:200]
	dir := t.TempDir()
	h1, h2 := filepath.Join(dir, "h1.jsonl"), filepath.Join(dir, "h2.jsonl")
	writeLines(t, h1, lines[:100])
	writeLines(t, h2, lines[100:])
	var b [6]byte
	crand.Read(b[:])
	prefix := "cli-" + hex.EncodeToString(b[:])
	args := []string{"cluster", "-quiet", "-fields", "id=doc_id"}
	state := filepath.Join(dir, "s")
	for _, h := range []string{h1, h2} {
		code, outR, errs := runCLI(t, "", append(args, "-redis", addr, "-redis-prefix", prefix, h)...)
		require.Equal(t, exitOK, code, errs)
		code, outS, errs := runCLI(t, "", append(args, "-state", state, h)...)
		require.Equal(t, exitOK, code, errs)
		assert.Equal(t, assignments(t, outS), assignments(t, outR))
	}
	ix, err := storyclust.NewIndex(storyclust.IndexConfig{Redis: &storyclust.RedisConfig{Addr: addr, Prefix: prefix}})
	require.NoError(t, err)
	defer ix.Close()
	require.NoError(t, ix.Sync(context.Background()))
	assert.Equal(t, loadState(t, state).Stories(), ix.Stories())
}
