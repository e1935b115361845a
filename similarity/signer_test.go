package similarity_test

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/similarity"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// goldenText is the fixed input of the known-answer tests. Do not edit it:
// the golden files hold its signatures.
const goldenText = `Russian Deputy Foreign Minister Sergei Vershinin and presidential envoy
Alexander Lavrentiev met Iranian Foreign Minister Hossein Amir-Abdollahian in Tehran
on Tuesday to discuss the situation in Syria and the Astana format talks.`

// goldenShingles are the word 3-grams of goldenText plus a few edge values.
func goldenShingles() []uint64 {
	s := wordShingles(goldenText, 3)
	s = append(s, 0, 1, math.MaxUint64)
	slices.Sort(s)
	return slices.Compact(s)
}

type namedSigner struct {
	name   string
	k      int
	signer similarity.Signer
}

func newSigners(t testing.TB, k int, seed uint64) []namedSigner {
	t.Helper()
	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{K: k, Seed: seed})
	require.NoError(t, err)
	oph, err := similarity.NewOPH(similarity.OPHConfig{K: k, Seed: seed})
	require.NoError(t, err)
	if k == 0 {
		k = similarity.DefaultK
	}
	return []namedSigner{{"minwise", k, mw}, {"oph", k, oph}}
}

func formatGolden(name string, k int, seed uint64, sig similarity.Signature) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s signature, K=%d Seed=%d, of goldenShingles() in signer_test.go.\n", name, k, seed)
	fmt.Fprintf(&b, "# Regenerate with: go test -run TestGolden -update (only for an intended format change).\n")
	for _, v := range sig {
		fmt.Fprintf(&b, "%016x\n", v)
	}
	return b.Bytes()
}

func parseGolden(t *testing.T, data []byte) similarity.Signature {
	t.Helper()
	var sig similarity.Signature
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseUint(line, 16, 64)
		require.NoError(t, err)
		sig = append(sig, v)
	}
	return sig
}

// TestGolden pins the signatures of a fixed set with a fixed seed so that
// they never change silently between versions (stored signatures and LSH
// indexes built by an older version must stay comparable).
func TestGolden(t *testing.T) {
	const seed = 42
	for _, s := range newSigners(t, 128, seed) {
		t.Run(s.name, func(t *testing.T) {
			path := filepath.Join("testdata", s.name+".golden")
			got := s.signer.Sign(nil, goldenShingles())
			if *update {
				require.NoError(t, os.WriteFile(path, formatGolden(s.name, s.k, seed, got), 0o644))
			}
			data, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -run TestGolden -update to create it")
			want := parseGolden(t, data)
			require.Len(t, want, s.k)
			require.Equal(t, want, got, "signature changed; if intended, run with -update")
		})
	}
}

func TestSignerConfig(t *testing.T) {
	_, err := similarity.NewMinWise(similarity.MinWiseConfig{K: -1})
	require.ErrorIs(t, err, similarity.ErrInvalidConfig)
	_, err = similarity.NewOPH(similarity.OPHConfig{K: -1})
	require.ErrorIs(t, err, similarity.ErrInvalidConfig)

	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{})
	require.NoError(t, err)
	assert.Equal(t, similarity.DefaultK, mw.K())
	assert.Len(t, mw.Sign(nil, []uint64{1, 2, 3}), 128)
	oph, err := similarity.NewOPH(similarity.OPHConfig{})
	require.NoError(t, err)
	assert.Equal(t, similarity.DefaultK, oph.K())
	assert.Len(t, oph.Sign(nil, []uint64{1, 2, 3}), 128)
}

func TestSignerProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	set := randSet(rng, 500)
	for _, k := range []int{1, 7, 64, 128, 300, 1100} {
		for _, s := range newSigners(t, k, 3) {
			t.Run(fmt.Sprintf("%s/k=%d", s.name, k), func(t *testing.T) {
				ref := s.signer.Sign(nil, set)
				require.Len(t, ref, k)
				for _, v := range ref {
					require.NotEqual(t, uint64(math.MaxUint64), v, "non-empty set must fill every position")
				}

				// Order and duplicates do not matter.
				shuffled := slices.Clone(set)
				rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				shuffled = append(shuffled, set[:50]...)
				require.Equal(t, ref, s.signer.Sign(nil, shuffled))

				// dst is reused, overwritten, and the input is untouched.
				dst := make(similarity.Signature, 3, k+3)
				before := slices.Clone(shuffled)
				got := s.signer.Sign(dst, shuffled)
				require.Equal(t, ref, got)
				require.Equal(t, &dst[:1][0], &got[0], "dst storage must be reused")
				require.Equal(t, before, shuffled)

				// Results never alias internal state: signing another set
				// must not change an earlier result.
				keep := slices.Clone(ref)
				_ = s.signer.Sign(nil, set[:10])
				require.Equal(t, keep, ref)

				// Self-estimate is 1; the empty set signs to all MaxUint64
				// and is similar to nothing, not even itself.
				assert.Equal(t, 1.0, similarity.Estimate(ref, ref))
				emptySig := s.signer.Sign(nil, nil)
				require.Len(t, emptySig, k)
				for _, v := range emptySig {
					require.Equal(t, uint64(math.MaxUint64), v)
				}
				assert.Equal(t, 0.0, similarity.Estimate(emptySig, emptySig))
				assert.Equal(t, 0.0, similarity.Estimate(emptySig, ref))
			})
		}
	}
}

func TestSeedsDiffer(t *testing.T) {
	set := goldenShingles()
	for _, k := range []int{128} {
		a := newSigners(t, k, 1)
		b := newSigners(t, k, 2)
		for i := range a {
			sa, sb := a[i].signer.Sign(nil, set), b[i].signer.Sign(nil, set)
			assert.Less(t, similarity.Estimate(sa, sb), 0.1, "%s: different seeds must give unrelated signatures", a[i].name)
		}
		// MinWise and OPH with the same seed are unrelated too.
		assert.Less(t, similarity.Estimate(a[0].signer.Sign(nil, set), a[1].signer.Sign(nil, set)), 0.1)
	}
}

func TestEstimateEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		a, b similarity.Signature
		want float64
	}{
		{"both nil", nil, nil, 0},
		{"length mismatch", similarity.Signature{1, 2}, similarity.Signature{1, 2, 3}, 0},
		{"equal", similarity.Signature{1, 2, 3, 4}, similarity.Signature{1, 2, 3, 4}, 1},
		{"half", similarity.Signature{1, 2, 3, 4}, similarity.Signature{1, 9, 3, 9}, 0.5},
		{"empty positions ignored", similarity.Signature{math.MaxUint64, 2}, similarity.Signature{math.MaxUint64, 2}, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, similarity.Estimate(tc.a, tc.b))
		})
	}
}

// TestMergeIsUnion checks that the element-wise minimum of two MinWise
// signatures is exactly the signature of the union of the sets.
func TestMergeIsUnion(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	mw, err := similarity.NewMinWise(similarity.MinWiseConfig{Seed: 5})
	require.NoError(t, err)
	for range 20 {
		a, b := randSet(rng, 1+rng.IntN(300)), randSet(rng, 1+rng.IntN(300))
		union := append(slices.Clone(a), b...)
		want := mw.Sign(nil, union)
		sa, sb := mw.Sign(nil, a), mw.Sign(nil, b)
		require.Equal(t, want, similarity.Merge(nil, sa, sb))
		// In place into a.
		require.Equal(t, want, similarity.Merge(sa[:0], sa, sb))
	}
	assert.Empty(t, similarity.Merge(make(similarity.Signature, 4), similarity.Signature{1}, similarity.Signature{1, 2}))
}

func TestSignAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("skipping allocation test: the race detector randomises sync.Pool and allocates")
	}
	set := randSet(rand.New(rand.NewPCG(1, 1)), 1000)
	for _, s := range newSigners(t, 128, 9) {
		dst := s.signer.Sign(nil, set)
		allocs := testing.AllocsPerRun(100, func() { dst = s.signer.Sign(dst, set) })
		assert.Zero(t, allocs, "%s.Sign with warm dst", s.name)
	}
	a, b := make(similarity.Signature, 128), make(similarity.Signature, 128)
	dst := make(similarity.Signature, 0, 128)
	assert.Zero(t, testing.AllocsPerRun(100, func() { dst = similarity.Merge(dst, a, b) }), "Merge")
}

// TestSignConcurrent signs from many goroutines at once (run with -race) and
// checks every result against a sequential reference.
func TestSignConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sets := make([][]uint64, 32)
	for i := range sets {
		sets[i] = randSet(rng, 50+rng.IntN(200))
	}
	for _, s := range newSigners(t, 64, 1) {
		want := make([]similarity.Signature, len(sets))
		for i, set := range sets {
			want[i] = s.signer.Sign(nil, set)
		}
		var wg sync.WaitGroup
		errs := make(chan string, 8)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var dst similarity.Signature
				for n := range 50 {
					i := (g*7 + n) % len(sets)
					dst = s.signer.Sign(dst, sets[i])
					if !slices.Equal(dst, want[i]) {
						errs <- fmt.Sprintf("%s: goroutine %d set %d: wrong signature", s.name, g, i)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	}
}
