package storyclust

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshotFixture returns an index that has seen additions, duplicates,
// removals and evictions, and the articles still to come.
func snapshotFixture(t testing.TB, n int) (*Index, []Article) {
	t.Helper()
	arts, gold := loadLabeled(t, "ecbplus.jsonl.gz")
	arts, _ = shuffledArts(arts, gold, 21)
	arts = datedArts(arts[:n])
	arts = append(streamWireArticles(), arts...)
	ix := mustIndex(t, IndexConfig{})
	first := len(arts) * 3 / 5
	ixAddAll(t, ix, arts[:first])
	ctx := context.Background()
	for i := 10; i < first; i += 7 {
		_, err := ix.Remove(ctx, arts[i].ID)
		require.NoError(t, err)
	}
	_, err := ix.Remove(ctx, "orig") // promotes a duplicate
	require.NoError(t, err)
	_, err = ix.Evict(ctx, arts[8].Published)
	require.NoError(t, err)
	return ix, arts[first:]
}

func ixSaveBytes(t testing.TB, ix *Index) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, ix.Save(&buf))
	return buf.Bytes()
}

// TestSnapshotRoundTrip loads a snapshot into a fresh index and requires
// the same state and the same answers for the articles that follow.
func TestSnapshotRoundTrip(t *testing.T) {
	a, rest := snapshotFixture(t, 300)
	data := ixSaveBytes(t, a)
	b := mustIndex(t, IndexConfig{})
	require.NoError(t, b.Load(bytes.NewReader(data)))
	checkIxInvariants(t, b)
	require.Equal(t, a.Len(), b.Len())
	require.Equal(t, ixPlacements(a), ixPlacements(b))
	require.Equal(t, a.Stories(), b.Stories())
	require.Equal(t, data, ixSaveBytes(t, b), "the same index encodes to the same bytes")
	for _, art := range rest {
		pa, err := a.Add(context.Background(), art)
		require.NoError(t, err)
		pb, err := b.Add(context.Background(), art)
		require.NoError(t, err)
		require.Equal(t, pa, pb, "answer for %s after load", art.ID)
	}
	require.Equal(t, ixPlacements(a), ixPlacements(b))
	t.Logf("snapshot of %d articles: %d bytes (%d per article)", a.Len(), len(data), len(data)/max(1, a.Len()))
}

func TestSnapshotFile(t *testing.T) {
	a, _ := snapshotFixture(t, 100)
	dir := t.TempDir()
	path := filepath.Join(dir, "state.scix")
	require.NoError(t, a.SaveFile(path))
	require.NoError(t, a.SaveFile(path), "overwrite")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
	b := mustIndex(t, IndexConfig{})
	require.NoError(t, b.LoadFile(path))
	require.Equal(t, ixPlacements(a), ixPlacements(b))

	require.Error(t, a.SaveFile(filepath.Join(dir, "missing", "state")))
	err = b.LoadFile(filepath.Join(dir, "absent"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

// TestSnapshotCorrupt truncates and flips bytes of a snapshot: every
// variant must fail with a sentinel error and leave the index as it was.
func TestSnapshotCorrupt(t *testing.T) {
	a, _ := snapshotFixture(t, 60)
	data := ixSaveBytes(t, a)
	b := mustIndex(t, IndexConfig{})
	ixAddAll(t, b, streamWireArticles()[:2])
	before := ixPlacements(b)
	load := func(d []byte) error {
		err := b.Load(bytes.NewReader(d))
		require.Equal(t, before, ixPlacements(b), "a failed Load leaves the index unchanged")
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	lengths := []int{0, 1, 4, 7, 8, 9, 10, len(data) - 5, len(data) - 4, len(data) - 3, len(data) - 1}
	for range 300 {
		lengths = append(lengths, rng.IntN(len(data)))
	}
	for _, n := range lengths {
		err := load(data[:n])
		require.ErrorIs(t, err, ErrCorruptSnapshot, "truncated to %d of %d bytes", n, len(data))
	}
	require.ErrorIs(t, load(append(bytes.Clone(data), 0)), ErrCorruptSnapshot, "trailing byte")
	for range 300 {
		d := bytes.Clone(data)
		i := rng.IntN(len(d))
		d[i] ^= byte(1 + rng.IntN(255))
		err := load(d)
		if i == 4 || i == 5 {
			require.ErrorIs(t, err, ErrSnapshotVersion, "flip at %d", i)
			continue
		}
		require.ErrorIs(t, err, ErrCorruptSnapshot, "flip at %d of %d", i, len(d))
	}
	require.NoError(t, b.Load(bytes.NewReader(data)))
	require.Equal(t, ixPlacements(a), ixPlacements(b))
}

func TestSnapshotVersionAndConfig(t *testing.T) {
	a, _ := snapshotFixture(t, 30)
	data := ixSaveBytes(t, a)
	d := bytes.Clone(data)
	binary.LittleEndian.PutUint16(d[4:], snapVersion+1)
	err := mustIndex(t, IndexConfig{}).Load(bytes.NewReader(d))
	require.ErrorIs(t, err, ErrSnapshotVersion)
	d = bytes.Clone(data)
	copy(d, "GIF8")
	require.ErrorIs(t, mustIndex(t, IndexConfig{}).Load(bytes.NewReader(d)), ErrCorruptSnapshot)

	other := mustIndex(t, IndexConfig{Config: Config{K: 64}})
	require.ErrorIs(t, other.Load(bytes.NewReader(data)), ErrConfigMismatch)
	// Settings that do not shape the stored features may differ.
	looser := mustIndex(t, IndexConfig{Config: Config{StoryCut: 0.7}, MaxCandidates: 64})
	require.NoError(t, looser.Load(bytes.NewReader(data)))

	shared := mustIndex(t, IndexConfig{Redis: &RedisConfig{Addr: "127.0.0.1:1"}})
	require.ErrorIs(t, shared.Load(bytes.NewReader(data)), errors.ErrUnsupported)
	assert.Equal(t, a.Len(), looser.Len())
}
