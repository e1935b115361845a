package shingle

import (
	"fmt"
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
