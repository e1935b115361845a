package gunzip

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sample returns n bytes of mixed data: words and lines (long matches),
// runs of one and two bytes (distances under 8), random bytes (literals)
// and repeats from far back (distances near 32 KiB).
func sample(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	words := []string{"the", "visit", "of", "a", "Russian", "delegation", "to", "Tehran", "was", "reported", "by", "five", "outlets", "é", "Тегеран", "\n"}
	var b []byte
	for len(b) < n {
		switch rng.IntN(12) {
		case 0:
			c := byte(rng.IntN(256))
			for range 1 + rng.IntN(300) {
				b = append(b, c)
			}
		case 1:
			c, d := byte(rng.IntN(256)), byte(rng.IntN(256))
			for range 1 + rng.IntN(100) {
				b = append(b, c, d)
			}
		case 2:
			for range 1 + rng.IntN(200) {
				b = append(b, byte(rng.IntN(256)))
			}
		case 3:
			if len(b) > 40000 {
				at := len(b) - 32768 + rng.IntN(100)
				b = append(b, b[at:at+3+rng.IntN(300)]...)
			}
		default:
			for range 1 + rng.IntN(40) {
				b = append(b, words[rng.IntN(len(words))]...)
				b = append(b, ' ')
			}
		}
	}
	return b[:n]
}

// compress gzips data with compress/gzip at level.
func compress(t testing.TB, data []byte, level int) []byte {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, level)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// reference decompresses with compress/gzip.
func reference(gz []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func decompress(gz io.Reader) ([]byte, error) {
	r, err := NewReader(gz)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

var levels = []int{gzip.NoCompression, gzip.HuffmanOnly, gzip.BestSpeed, 3, gzip.DefaultCompression, gzip.BestCompression}

func TestMatchesCompressGzip(t *testing.T) {
	for _, n := range []int{0, 1, 7, 300, 70 << 10, 3 << 20} {
		data := sample(n, uint64(n))
		for _, level := range levels {
			gz := compress(t, data, level)
			for name, src := range map[string]func() io.Reader{
				"whole":    func() io.Reader { return bytes.NewReader(gz) },
				"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(gz)) },
				"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(gz)) },
			} {
				if name == "one byte" && n > 70<<10 {
					continue
				}
				got, err := decompress(src())
				require.NoError(t, err, "%d bytes, level %d, %s", n, level, name)
				require.True(t, bytes.Equal(data, got), "%d bytes, level %d, %s", n, level, name)
			}
		}
	}
}

// TestSmallReads reads the output a byte at a time.
func TestSmallReads(t *testing.T) {
	data := sample(200<<10, 3)
	r, err := NewReader(bytes.NewReader(compress(t, data, 6)))
	require.NoError(t, err)
	got, err := io.ReadAll(iotest.OneByteReader(r))
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, got))
}

// TestMembers reads a stream of several members, one of them empty, whose
// headers carry a name, a comment, extra data and a header CRC.
func TestMembers(t *testing.T) {
	a, b := sample(100<<10, 1), sample(5000, 2)
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Name, w.Comment, w.Extra = "a.jsonl", "first", []byte("xyz")
	w.Write(a)
	w.Close()
	w.Reset(&buf)
	w.Close()
	buf.Write(withHeaderCRC(compress(t, b, 9)))
	want := append(append([]byte{}, a...), b...)
	ref, err := reference(buf.Bytes())
	require.NoError(t, err)
	require.Equal(t, want, ref)
	got, err := decompress(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, got))

	// A wrong header CRC is an error, as in compress/gzip.
	bad := withHeaderCRC(compress(t, b, 9))
	bad[10]++
	_, err = decompress(bytes.NewReader(bad))
	assert.ErrorIs(t, err, ErrHeader)
	_, err = reference(bad)
	assert.Error(t, err)
}

// withHeaderCRC sets FHCRC in a member with a bare 10-byte header.
func withHeaderCRC(gz []byte) []byte {
	h := append([]byte{}, gz[:10]...)
	h[3] |= 2
	crc := crc32.ChecksumIEEE(h)
	return append(binary.LittleEndian.AppendUint16(h, uint16(crc)), gz[10:]...)
}

// TestTruncated: every proper prefix of a stream is an error.
func TestTruncated(t *testing.T) {
	for _, level := range []int{0, 1, 9} {
		gz := compress(t, sample(3000, 5), level)
		for n := range len(gz) {
			_, err := decompress(bytes.NewReader(gz[:n]))
			require.Error(t, err, "level %d, %d of %d bytes", level, n, len(gz))
		}
	}
}

// TestCorrupt changes each byte of a stream in turn: whatever comes of it,
// a success must be compress/gzip's success with the same output.
func TestCorrupt(t *testing.T) {
	for _, level := range []int{0, 1, 9} {
		gz := compress(t, sample(2000, 6), level)
		for i := range gz {
			for _, x := range []byte{1, 0x80, 0xff} {
				bad := append([]byte{}, gz...)
				bad[i] ^= x
				agree(t, bad)
			}
		}
	}
}

// agree checks that gunzip and compress/gzip agree on gz: both fail, or
// both give the same output.
func agree(t *testing.T, gz []byte) {
	t.Helper()
	got, err := decompress(bytes.NewReader(gz))
	want, werr := reference(gz)
	if err != nil {
		ok := errors.Is(err, ErrHeader) || errors.Is(err, ErrChecksum) || errors.Is(err, ErrCorrupt) || errors.Is(err, io.ErrUnexpectedEOF)
		require.True(t, ok, "unexpected error %v", err)
		require.Error(t, werr, "compress/gzip read %d bytes where gunzip failed: %v", len(want), err)
		return
	}
	require.NoError(t, werr, "gunzip read what compress/gzip could not")
	require.True(t, bytes.Equal(want, got), "outputs differ")
}

// bitWriter writes DEFLATE bits: values from the least significant bit,
// Huffman codes from the most significant.
type bitWriter struct {
	b     []byte
	nbits uint
}

func (w *bitWriter) bits(v uint32, n uint) *bitWriter {
	for range n {
		if w.nbits%8 == 0 {
			w.b = append(w.b, 0)
		}
		w.b[len(w.b)-1] |= byte(v&1) << (w.nbits % 8)
		v >>= 1
		w.nbits++
	}
	return w
}

func (w *bitWriter) code(c uint32, n uint) *bitWriter { return w.bits(reverse(c, n), n) }

// fixed writes a symbol of the fixed literal/length code.
func (w *bitWriter) fixed(sym uint32) *bitWriter {
	switch {
	case sym < 144:
		return w.code(0x30+sym, 8)
	case sym < 256:
		return w.code(0x190+sym-144, 9)
	case sym < 280:
		return w.code(sym-256, 7)
	}
	return w.code(0xc0+sym-280, 8)
}

// dynamic writes the header of a dynamic block whose literal/length code
// has two symbols, 'a' of length la and sym of length ls, and no distance
// code. The code length code gives each of 0, 1, 2 and 18 two bits (in
// that order: codes 0 to 3).
func dynamic(w *bitWriter, sym uint32, la, ls uint32) *bitWriter {
	w.bits(0, 5).bits(0, 5).bits(14, 4) // 257 and 1 codes, 18 code length code lengths
	for _, s := range clOrder[:18] {
		l := uint32(0)
		if s <= 2 || s == 18 {
			l = 2
		}
		w.bits(l, 3)
	}
	length := func(l uint32) { w.code(l, 2) }
	zeros := func(n uint32) {
		for n > 0 {
			k := min(n, 138)
			w.code(3, 2).bits(k-11, 7)
			n -= k
		}
	}
	if sym < 'a' {
		panic("sym")
	}
	zeros('a')
	length(la)
	zeros(sym - 'a' - 1)
	length(ls)
	zeros(256 - sym)
	length(0) // the distance code
	return w
}

// member wraps DEFLATE data in a gzip member whose trailer fits out.
func member(deflate, out []byte) []byte {
	gz := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
	gz = append(gz, deflate...)
	gz = binary.LittleEndian.AppendUint32(gz, crc32.ChecksumIEEE(out))
	return binary.LittleEndian.AppendUint32(gz, uint32(len(out)))
}

// TestBadBlocks: hand-made DEFLATE data, which must be refused as corrupt
// (by compress/gzip too), but for the first, which checks the writer.
func TestBadBlocks(t *testing.T) {
	start := func(btype uint32) *bitWriter { return new(bitWriter).bits(1, 1).bits(btype, 2) }
	ok := start(1).fixed('a').fixed(257).code(0, 5).fixed(256) // "a", then 3 bytes from 1 back
	got, err := decompress(bytes.NewReader(member(ok.b, []byte("aaaa"))))
	require.NoError(t, err)
	require.Equal(t, "aaaa", string(got))

	for name, w := range map[string]*bitWriter{
		"block type 3":      start(3),
		"stored NLEN":       start(0).bits(5, 16).bits(5, 16),
		"distance too far":  start(1).fixed('a').fixed(257).code(1, 5).fixed(256), // 2 back from 1 byte
		"fixed literal 286": start(1).fixed(286),
		"fixed distance 30": start(1).fixed('a').fixed(257).code(30, 5),
		"over-subscribed code length code": func() *bitWriter {
			w := start(2).bits(0, 5).bits(0, 5).bits(15, 4)
			for range 19 {
				w.bits(1, 3)
			}
			return w
		}(),
		"incomplete code length code": start(2).bits(0, 5).bits(0, 5).bits(0, 4).bits(2, 3).bits(0, 3).bits(0, 3).bits(0, 3),
		"incomplete literal code":     dynamic(start(2), 256, 1, 2).code(0, 1).code(2, 2), // "a", end of block
		"no end of block":             dynamic(start(2), 'b', 1, 1).code(0, 1).code(1, 1), // "ab"
		"repeat with nothing before":  start(2).bits(0, 5).bits(0, 5).bits(0, 4).bits(1, 3).bits(0, 3).bits(0, 3).bits(0, 3).code(0, 1),
	} {
		for _, out := range [][]byte{nil, []byte("a"), []byte("a\x00\x00\x00")} {
			gz := member(w.b, out)
			_, err := decompress(bytes.NewReader(gz))
			assert.ErrorIs(t, err, ErrCorrupt, name)
			agree(t, gz)
		}
	}
	_, err = NewReader(bytes.NewReader([]byte("not gzip at all")))
	assert.ErrorIs(t, err, ErrHeader)
	_, err = NewReader(bytes.NewReader(nil))
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

// TestReadError: an error of the underlying reader is passed on.
func TestReadError(t *testing.T) {
	gz := compress(t, sample(100<<10, 8), 6)
	boom := errors.New("boom")
	_, err := decompress(io.MultiReader(bytes.NewReader(gz[:len(gz)/2]), iotest.ErrReader(boom)))
	assert.ErrorIs(t, err, boom)
	_, err = decompress(io.MultiReader(bytes.NewReader(gz[:len(gz)/2]), iotest.ErrReader(nil))) // reads of nothing
	assert.ErrorIs(t, err, io.ErrNoProgress)
}

func FuzzReader(f *testing.F) {
	for _, level := range levels {
		f.Add(compress(f, sample(500, uint64(level+2)), level))
	}
	f.Add(append(compress(f, []byte("a"), 9), compress(f, nil, 0)...))
	f.Add(withHeaderCRC(compress(f, []byte("abcabcabc"), 1)))
	f.Fuzz(func(t *testing.T, gz []byte) {
		agree(t, gz)
	})
}

// allSides is the AllSides file of ../shared/data, or nil.
func allSides(tb testing.TB) []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "allsides-20k.jsonl.gz"))
	if err != nil {
		tb.Skipf("../shared/data/allsides-20k.jsonl.gz not found (%v)", err)
	}
	return b
}

// TestAllSides decompresses the AllSides articles as compress/gzip does.
func TestAllSides(t *testing.T) {
	gz := allSides(t)
	want, err := reference(gz)
	require.NoError(t, err)
	got, err := decompress(bytes.NewReader(gz))
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, got))
}

// BenchmarkReader decompresses text with this package and with
// compress/gzip; b.SetBytes is the decompressed size.
func BenchmarkReader(b *testing.B) {
	inputs := map[string][]byte{}
	for _, n := range []int{64 << 10, 4 << 20} {
		inputs[fmt.Sprintf("sample-%dKiB", n>>10)] = compress(b, sample(n, 9), 6)
	}
	if gz, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "allsides-20k.jsonl.gz")); err == nil {
		inputs["allsides"] = gz
	}
	buf := make([]byte, 64<<10)
	for name, gz := range inputs {
		out, err := decompress(bytes.NewReader(gz))
		require.NoError(b, err)
		size := int64(len(out))
		for _, impl := range []struct {
			name string
			open func(io.Reader) (io.Reader, error)
		}{
			{"gunzip", func(r io.Reader) (io.Reader, error) { return NewReader(r) }},
			{"compress-gzip", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
		} {
			b.Run(name+"/"+impl.name, func(b *testing.B) {
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					r, err := impl.open(bytes.NewReader(gz))
					if err != nil {
						b.Fatal(err)
					}
					if _, err := io.CopyBuffer(io.Discard, r, buf); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
