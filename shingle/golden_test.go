package shingle

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var goldenConfigs = []struct {
	name string
	cfg  Config
}{
	{"plain", Config{}},
	{"en", Config{Lang: "en"}},
	{"ru-fold-seed1-w3-c4", Config{Lang: "ru", FoldDiacritics: true, Seed: 1, WordN: 3, CharN: 4}},
}

// goldenReport renders everything a Shingler derives from text. Stored
// signatures depend on these values, so any change must be deliberate.
func goldenReport(t *testing.T, text string) string {
	var b strings.Builder
	for _, gc := range goldenConfigs {
		s := mustNew(t, gc.cfg)
		fmt.Fprintf(&b, "== %s\n", gc.name)
		fmt.Fprintf(&b, "normalize: %s\n", s.Normalize(nil, text))
		fmt.Fprintf(&b, "tokens: %s\n", strings.Join(s.Tokens(nil, text), " "))
		var flags []string
		for _, tk := range s.Analyze(nil, text) {
			if tk.Cap || tk.Start {
				f := string(tk.Term) + ":"
				if tk.Cap {
					f += "C"
				}
				if tk.Start {
					f += "S"
				}
				flags = append(flags, f)
			}
		}
		fmt.Fprintf(&b, "cap/start: %s\n", strings.Join(flags, " "))
		hex := func(hs []uint64) string {
			var parts []string
			for _, h := range hs[:min(len(hs), 6)] {
				parts = append(parts, fmt.Sprintf("%016x", h))
			}
			return fmt.Sprintf("%d [%s]", len(hs), strings.Join(parts, " "))
		}
		fmt.Fprintf(&b, "token hashes: %s\n", hex(s.TokenHashes(nil, text)))
		fmt.Fprintf(&b, "shingles: %s\n", hex(s.Shingles(nil, text)))
		fmt.Fprintf(&b, "char shingles: %s\n", hex(s.CharShingles(nil, text)))
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	inputs := map[string]string{}
	paths, err := filepath.Glob("../testdata/seeds/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		inputs["seed_"+strings.TrimSuffix(filepath.Base(p), ".txt")] = string(b)
	}
	for name, text := range multilingual {
		inputs["lang_"+name] = text
	}
	names := make([]string, 0, len(inputs))
	for name := range inputs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			got := goldenReport(t, inputs[name])
			path := filepath.Join("testdata", "golden", name+".golden")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "missing golden file; run go test -run TestGolden -update")
			assert.Equal(t, string(want), got)
		})
	}
}
