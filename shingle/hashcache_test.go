package shingle

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTokenHashesCache checks the per-scratch word cache of TokenHashes
// against the uncached analysis (Tokens, then Hash), across growth and
// eviction of the cache, with stopwords, numbers, long words and words of
// several scripts.
func TestTokenHashesCache(t *testing.T) {
	words := []string{"the", "Running", "runs", "a", "and", "2024", "3.5", "can't", "É", "über", "Москва",
		strings.Repeat("x", 100), strings.Repeat("y", 130), strings.Repeat("é", 70), "日本"}
	for _, cfg := range []Config{{Lang: "en", Seed: 9}, {}, {Lang: "ru"}, {Lang: "en", NoStem: true}} {
		s := mustNew(t, cfg)
		rng := rand.New(rand.NewPCG(5, 6))
		n := 0
		for n < 2*hashCacheMax {
			var sb strings.Builder
			for range 2000 {
				if rng.IntN(3) == 0 {
					sb.WriteString(words[rng.IntN(len(words))])
				} else {
					fmt.Fprintf(&sb, "w%dq", n) // a new word
					n++
				}
				sb.WriteByte(' ')
			}
			text := sb.String()
			var want []uint64
			for _, term := range s.Tokens(nil, text) {
				want = append(want, Hash(cfg.Seed, []byte(term)))
			}
			require.Equal(t, want, s.TokenHashes(nil, text), "config %+v after %d words", cfg, n)
		}
	}
}

// TestWordHashLoads checks wordHash's overlapping loads against reading the
// bytes one at a time, for every length up to 40.
func TestWordHashLoads(t *testing.T) {
	ref := func(w []byte) (h, w8 uint64) {
		n := len(w)
		h = uint64(n) * 0x9e3779b97f4a7c15
		for i := 0; i < 8 && i < n; i++ {
			w8 |= uint64(w[i]) << (8 * i)
		}
		for len(w) >= 8 {
			var x uint64
			for i := range 8 {
				x |= uint64(w[i]) << (8 * i)
			}
			hi, lo := bits.Mul64(h^x, 0xbf58476d1ce4e5b9)
			h = hi ^ lo
			w = w[8:]
		}
		var tail uint64
		for i, c := range w {
			tail |= uint64(c) << (8 * i)
		}
		hi, lo := bits.Mul64(h^tail, 0x94d049bb133111eb)
		return hi ^ lo, w8
	}
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 48)
	for range 200 {
		for i := range buf {
			buf[i] = byte(rng.IntN(256))
		}
		for n := 0; n <= 40; n++ {
			w := buf[3 : 3+n : 3+n]
			h, w8 := wordHash(w)
			rh, rw8 := ref(w)
			require.Equal(t, rh, h, "len %d", n)
			require.Equal(t, rw8, w8, "len %d", n)
		}
	}
}
