package storyclust

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

// FuzzSnapshotDecode feeds arbitrary bytes to the snapshot decoder: it must
// never panic, must reject what is not a snapshot with a sentinel error,
// and an index decoded from anything it accepts (even with the checksum
// not checked, so that the fuzzer reaches the parser behind it) must work.
func FuzzSnapshotDecode(f *testing.F) {
	ix, err := NewIndex(IndexConfig{})
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	arts := append(streamWireArticles(), loadSeeds(f)...)
	for i := range arts {
		arts[i].Published = time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC)
		if _, err := ix.Add(ctx, arts[i]); err != nil {
			f.Fatal(err)
		}
	}
	if _, err := ix.Remove(ctx, "orig"); err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ix.Save(&buf); err != nil {
		f.Fatal(err)
	}
	valid := buf.Bytes()
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add(valid[:snapHeaderLen])
	f.Add([]byte{})
	empty, _ := NewIndex(IndexConfig{})
	buf.Reset()
	if err := empty.Save(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(bytes.Clone(buf.Bytes()))
	probe := Article{ID: "probe", Title: "Lagarde says ECB holds rates", Text: wireBody}

	f.Fuzz(func(t *testing.T, data []byte) {
		fl, err := ix.decodeSnapshotOpt(bytes.NewReader(data), false)
		if err == nil {
			tmp := &Index{p: ix.p, cfg: ix.cfg, clock: ix.clock}
			tmp.st = tmp.rebuildState(fl)
			if _, err := tmp.Add(ctx, probe); err != nil && !errors.Is(err, ErrDuplicateID) {
				t.Fatalf("Add after decode: %v", err)
			}
			tmp.Stories()
			if err := tmp.Save(io.Discard); err != nil {
				t.Fatal(err)
			}
			if _, err := tmp.Evict(ctx, time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
		} else if !errors.Is(err, ErrCorruptSnapshot) && !errors.Is(err, ErrSnapshotVersion) && !errors.Is(err, ErrConfigMismatch) {
			t.Fatalf("error without a sentinel: %v", err)
		}
		if _, err := ix.decodeSnapshot(bytes.NewReader(data)); err == nil && !bytes.Equal(data, valid) {
			// A checksum collision is possible but should not be found.
			t.Logf("accepted a %d-byte input", len(data))
		}
	})
}
