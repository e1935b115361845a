package alnum

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// lowerRun is LowerRun one byte at a time.
func lowerRun(src []byte) []byte {
	var out []byte
	for _, c := range src {
		if Lower[c] == 0 {
			break
		}
		out = append(out, Lower[c])
	}
	return out
}

func TestMaskEveryByte(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			// c at pos among bytes that are letters and among bytes that are not.
			for _, fill := range []byte{'a', 'Q', '7', ' ', 0xC3, 0x80, 0xFF, 0} {
				var b [8]byte
				for i := range b {
					b[i] = fill
				}
				b[pos] = byte(c)
				m := mask(uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
					uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56)
				for i := range 8 {
					want := Lower[b[i]] != 0
					got := m>>(8*i+7)&1 == 1
					require.Equal(t, want, got, "byte %#x at %d among %#x", b[i], i, fill)
				}
			}
		}
	}
}

func TestLowerRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("aZ09 .'\xc3\xa9\x80-_@[`{/:")
	for range 20000 {
		src := make([]byte, rng.IntN(40))
		for i := range src {
			if rng.IntN(4) == 0 {
				src[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				src[i] = byte('a' + rng.IntN(26) - 32*rng.IntN(2))
			}
		}
		dst := bytes.Repeat([]byte{'#'}, len(src))
		n := LowerRun(dst, src)
		want := lowerRun(src)
		require.Equal(t, len(want), n, "%q", src)
		require.Equal(t, string(want), string(dst[:n]), "%q", src)
	}
}

func FuzzLowerRun(f *testing.F) {
	f.Add([]byte("Hello, World"))
	f.Add([]byte("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 x"))
	f.Fuzz(func(t *testing.T, src []byte) {
		dst := make([]byte, len(src))
		n := LowerRun(dst, src)
		want := lowerRun(src)
		if n != len(want) || string(dst[:n]) != string(want) {
			t.Fatalf("LowerRun(%q) = %q, want %q", src, dst[:n], want)
		}
	})
}

func BenchmarkLowerRun(b *testing.B) {
	for _, w := range []int{3, 7, 12, 40} {
		src := append(bytes.Repeat([]byte("Ab1"), w)[:w], ' ')
		dst := make([]byte, len(src))
		b.Run(string(rune('0'+w/10))+string(rune('0'+w%10)), func(b *testing.B) {
			b.SetBytes(int64(w))
			for b.Loop() {
				LowerRun(dst, src)
			}
		})
	}
}
