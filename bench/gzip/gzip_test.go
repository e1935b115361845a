// Package gzip compares the CLI's gzip reader (internal/gunzip) with
// compress/gzip and github.com/klauspost/compress/gzip on the AllSides
// file, the CLI's benchmark input. It lives in the bench module so that
// the library's go.mod does not carry klauspost/compress.
package gzip

import (
	"bytes"
	stdgzip "compress/gzip"
	"io"
	"os"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/storyclust/storyclust/internal/gunzip"
)

const allSides = "../../../shared/data/allsides-20k.jsonl.gz"

func readAllSides(tb testing.TB) []byte {
	gz, err := os.ReadFile(allSides)
	if err != nil {
		tb.Skipf("%s not found (%v)", allSides, err)
	}
	return gz
}

var readers = []struct {
	name string
	open func(io.Reader) (io.Reader, error)
}{
	{"storyclust-gunzip", func(r io.Reader) (io.Reader, error) { return gunzip.NewReader(r) }},
	{"klauspost-compress", func(r io.Reader) (io.Reader, error) { return kgzip.NewReader(r) }},
	{"compress-gzip", func(r io.Reader) (io.Reader, error) { return stdgzip.NewReader(r) }},
}

// TestSameOutput: the three readers give the same bytes.
func TestSameOutput(t *testing.T) {
	gz := readAllSides(t)
	var want []byte
	for _, rd := range readers {
		r, err := rd.open(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(rd.name, err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(rd.name, err)
		}
		if want == nil {
			want = got
		} else if !bytes.Equal(want, got) {
			t.Fatalf("%s differs from %s", rd.name, readers[0].name)
		}
	}
}

// BenchmarkDecompress decompresses the AllSides file (48 MB of gzip, 128
// MB of JSON Lines) from memory; b.SetBytes is the decompressed size.
func BenchmarkDecompress(b *testing.B) {
	gz := readAllSides(b)
	r, err := gunzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		b.Fatal(err)
	}
	size, err := io.Copy(io.Discard, r)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for _, rd := range readers {
		b.Run(rd.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				r, err := rd.open(bytes.NewReader(gz))
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
