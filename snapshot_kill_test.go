package storyclust

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// killChildEnv names the state file a child process of
// TestSaveFileKilledMidWrite saves to, over and over, until it is killed.
const killChildEnv = "STORYCLUST_KILL_CHILD_STATE"

// syntheticArticles makes n articles from the seed texts with their
// sentences shuffled, so that snapshots are large enough for a kill to land
// mid-write.
func syntheticArticles(t testing.TB, n int, rng *rand.Rand) []Article {
	seeds := loadSeeds(t)
	out := make([]Article, n)
	for i := range out {
		s := strings.Split(seeds[i%len(seeds)].Text, "\n")
		rng.Shuffle(len(s), func(a, b int) { s[a], s[b] = s[b], s[a] })
		out[i] = Article{ID: fmt.Sprintf("syn-%05d", i), Text: strings.Join(s, "\n"),
			Published: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)}
	}
	return out
}

// TestSaveFileKilledMidWrite kills a process while it saves its index with
// SaveFile, at random moments, and checks that what is left on disk always
// loads: the previous snapshot or the new one, never a torn file.
func TestSaveFileKilledMidWrite(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		saveForever(t, path)
		return
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "state.bin")
	rng := rand.New(rand.NewPCG(3, 5))
	for round := 0; round < 6; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSaveFileKilledMidWrite$", "-test.count=1")
		cmd.Env = append(os.Environ(), killChildEnv+"="+path)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		// Wait for the first completed save, then kill at a random moment
		// of the following ones.
		sc := bufio.NewScanner(out)
		for sc.Scan() && !strings.HasPrefix(sc.Text(), "saved") {
		}
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		require.NoError(t, cmd.Process.Kill())
		_ = cmd.Wait()

		ix, err := NewIndex(IndexConfig{})
		require.NoError(t, err)
		require.NoError(t, ix.LoadFile(path), "round %d: the state file must always load", round)
		require.Greater(t, ix.Len(), 0)
		t.Logf("round %d: killed; state file loads with %d articles", round, ix.Len())
	}
}

func saveForever(t *testing.T, path string) {
	rng := rand.New(rand.NewPCG(1, uint64(os.Getpid())))
	arts := syntheticArticles(t, 3000, rng)
	ix, err := NewIndex(IndexConfig{})
	require.NoError(t, err)
	if _, err := os.Stat(path); err == nil {
		require.NoError(t, ix.LoadFile(path))
	}
	next := ix.Len()
	deadline := time.Now().Add(time.Minute) // in case the parent is gone
	for n := 0; time.Now().Before(deadline); n++ {
		for i := 0; i < 50 && next < len(arts); i++ {
			_, err := ix.Add(context.Background(), arts[next])
			require.NoError(t, err)
			next++
		}
		require.NoError(t, ix.SaveFile(path))
		fmt.Printf("saved %d %d\n", n, ix.Len())
	}
}
