package storyclust

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
)

// Snapshot format, version 2 (version 1 stored one norm per article). All integers are little-endian; uvarint and
// varint are encoding/binary's.
//
//	header   "SCIX" | version uint16 | flags uint16 (0)
//	section* tag byte | uvarint payload length | payload
//	trailer  CRC-32C (Castagnoli) uint32 of every byte before it
//
// Sections, in this order:
//
//	1 meta      uvarint-prefixed configuration fingerprint; uvarint
//	            articles, stories, df terms, line counts; uvarint seq,
//	            storySeq, dfVersion; varint latest; uvarint logSeq
//	2 stories   records: uvarint-prefixed id, uvarint seq (creation order)
//	3 articles  records (see appendArticle), in arrival order; the section
//	            repeats, at most snapArticlesPerSection records each
//	4 df        records: uint64 term, uvarint count
//	5 lines     records: uint64 line hash, uvarint count
//	0 end       empty payload
//
// A section's records follow each other without separators; the meta
// section's counts say how many there are, and the decoder requires every
// count to match, the trailer to match and nothing to follow it. Story
// membership, duplicate lists and LSH buckets are derived on load.
const (
	snapMagic        = "SCIX"
	snapVersion      = 2
	snapHeaderLen    = 8
	snapMaxSection   = 1 << 30
	snapArticlesPerS = 4096
)

const (
	secEnd = iota
	secMeta
	secStories
	secArticles
	secDF
	secLines
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Save writes a snapshot of the index to w. It holds a read lock while
// encoding, so Adds wait for it.
func (ix *Index) Save(w io.Writer) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.encodeSnapshot(w, ix.st.export())
}

// SaveFile writes a snapshot to path atomically: to a temporary file in the
// same directory, synced, then renamed over path, and the directory synced.
// A crash leaves either the old file or the new one.
func (ix *Index) SaveFile(path string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("storyclust: SaveFile: %w", err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("storyclust: SaveFile %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := ix.Save(bw); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("storyclust: SaveFile %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("storyclust: SaveFile %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return fmt.Errorf("storyclust: SaveFile %s: sync directory: %w", path, err)
		}
	}
	return nil
}

// Load replaces the index's contents with a snapshot read from r. The
// snapshot must have been made with the same analysis configuration
// (ErrConfigMismatch); the other settings (StoryCut, TimeScale, Window,
// MaxCandidates, ...) are the Index's own. A truncated, corrupted or
// inconsistent snapshot gives an error wrapping ErrCorruptSnapshot, a
// version this build cannot read ErrSnapshotVersion; on any error the
// index is unchanged. A shared index cannot Load (it reads the shared
// log's snapshots itself).
func (ix *Index) Load(r io.Reader) error {
	if ix.shared != nil {
		return fmt.Errorf("storyclust: Load on a shared index: %w", errors.ErrUnsupported)
	}
	f, err := ix.decodeSnapshot(r)
	if err != nil {
		return err
	}
	ns := ix.rebuildState(f)
	ix.mu.Lock()
	ix.st = ns
	ix.mu.Unlock()
	return nil
}

// LoadFile loads a snapshot from a file written by SaveFile.
func (ix *Index) LoadFile(path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("storyclust: LoadFile: %w", err)
	}
	defer fh.Close()
	if err := ix.Load(bufio.NewReaderSize(fh, 1<<20)); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// fingerprint names the settings that shape the stored features.
func (ix *Index) fingerprint() string {
	c := &ix.cfg
	fp := fmt.Sprintf("lang=%s k=%d seed=%d dupn=%d dupt=%g dupmin=%d cand=%g top=%d tb=%g nb=%g",
		c.Lang, c.K, c.Seed, c.DupShingle, c.DupThreshold, c.DupMinShingles, c.StoryCandidate, c.TopTerms,
		c.TitleBoost, c.NameBoost)
	if c.NameWeight > 0 {
		// Story vectors carry a name part (NameWeight); an index built
		// before it existed has none.
		fp += fmt.Sprintf(" nw=%g", c.NameWeight)
	}
	if c.DupSigner != SignerMinWise {
		// The duplicate band keys depend on the signer; MinWise, the only
		// signer before DupSigner existed, keeps the old fingerprint.
		fp += " sig=" + c.DupSigner.String()
	}
	return fp
}

// crcWriter checksums what it writes.
type crcWriter struct {
	w   io.Writer
	crc hash.Hash32
}

func (c *crcWriter) Write(p []byte) (int, error) {
	c.crc.Write(p)
	return c.w.Write(p)
}

func (ix *Index) encodeSnapshot(w io.Writer, f *flatState) error {
	cw := &crcWriter{w: w, crc: crc32.New(castagnoli)}
	var hdr [snapHeaderLen]byte
	copy(hdr[:], snapMagic)
	binary.LittleEndian.PutUint16(hdr[4:], snapVersion)
	if _, err := cw.Write(hdr[:]); err != nil {
		return err
	}
	var buf []byte
	section := func(tag byte, payload []byte) error {
		var h [1 + binary.MaxVarintLen64]byte
		h[0] = tag
		n := binary.PutUvarint(h[1:], uint64(len(payload)))
		if _, err := cw.Write(h[:1+n]); err != nil {
			return err
		}
		_, err := cw.Write(payload)
		return err
	}
	buf = appendString(buf[:0], ix.fingerprint())
	for _, v := range []uint64{uint64(len(f.arts)), uint64(len(f.stories)), uint64(len(f.df)), uint64(len(f.lines)), f.seq, f.storySeq, f.dfVersion} {
		buf = binary.AppendUvarint(buf, v)
	}
	buf = binary.AppendVarint(buf, f.latest)
	buf = binary.AppendUvarint(buf, f.logSeq)
	if err := section(secMeta, buf); err != nil {
		return err
	}
	buf = buf[:0]
	for i := range f.stories {
		buf = appendString(buf, f.stories[i].id)
		buf = binary.AppendUvarint(buf, f.stories[i].seq)
	}
	if err := section(secStories, buf); err != nil {
		return err
	}
	for start := 0; start < len(f.arts); start += snapArticlesPerS {
		buf = buf[:0]
		for i := start; i < min(start+snapArticlesPerS, len(f.arts)); i++ {
			buf = appendArticle(buf, &f.arts[i])
		}
		if err := section(secArticles, buf); err != nil {
			return err
		}
	}
	for _, m := range []struct {
		tag byte
		m   map[uint64]int32
	}{{secDF, f.df}, {secLines, f.lines}} {
		keys := make([]uint64, 0, len(m.m))
		for k := range m.m {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the same index always gives the same bytes
		buf = buf[:0]
		for _, k := range keys {
			buf = binary.LittleEndian.AppendUint64(buf, k)
			buf = binary.AppendUvarint(buf, uint64(m.m[k]))
		}
		if err := section(m.tag, buf); err != nil {
			return err
		}
	}
	if err := section(secEnd, nil); err != nil {
		return err
	}
	var tr [4]byte
	binary.LittleEndian.PutUint32(tr[:], cw.crc.Sum32())
	_, err := w.Write(tr[:])
	return err
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendFeatures encodes the features of an article (also the payload of a
// shared-log add).
func appendFeatures(b []byte, f *features) []byte {
	b = appendString(b, f.id)
	b = appendString(b, f.title)
	b = binary.AppendVarint(b, f.published)
	b = binary.AppendVarint(b, f.expires)
	b = binary.AppendUvarint(b, uint64(f.length))
	b = binary.AppendUvarint(b, uint64(len(f.dup)))
	prev := uint32(0)
	for _, x := range f.dup {
		b = binary.AppendUvarint(b, uint64(x-prev))
		prev = x
	}
	b = appendU64s(b, f.dupKeys)
	b = binary.LittleEndian.AppendUint64(b, f.exact)
	b = appendU64s(b, f.terms)
	for _, w := range f.tfw {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(w))
	}
	b = appendU64s(b, f.lines)
	return b
}

func appendU64s(b []byte, s []uint64) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	for _, x := range s {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b
}

// appendArticle encodes an article record of a flat state.
func appendArticle(b []byte, r *artRec) []byte {
	b = appendFeatures(b, &r.features)
	b = binary.AppendUvarint(b, r.seq)
	b = binary.AppendUvarint(b, uint64(r.story))
	b = binary.AppendVarint(b, int64(r.dupOf))
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(r.sim))
	if r.founded {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = appendU64s(b, r.storyKeys)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.normSq[0]))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.normSq[1]))
	b = binary.AppendUvarint(b, r.normAt)
	return b
}

// decoder reads fields from a byte slice; the first error sticks and every
// later read returns zero values.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrCorruptSnapshot}, args...)...)
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b) {
		d.fail("record runs past its section")
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) u32() uint32 {
	if p := d.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if p := d.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

// count reads a count of elements of at least size bytes each, rejecting
// counts the remaining bytes cannot hold (so a corrupt count cannot make
// the decoder allocate much).
func (d *decoder) count(size int) int {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)/size) {
		d.fail("count %d exceeds the data", n)
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count(1)
	return string(d.take(n))
}

func (d *decoder) u64s() []uint64 {
	n := d.count(8)
	if n == 0 {
		return nil
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = d.u64()
	}
	return out
}

func (d *decoder) features(f *features) {
	f.id = d.str()
	f.title = d.str()
	f.published = d.varint()
	f.expires = d.varint()
	f.length = int32(min(d.uvarint(), math.MaxInt32))
	n := d.count(1)
	if n > 0 {
		f.dup = make([]uint32, n)
		prev := uint64(0)
		for i := range f.dup {
			prev += d.uvarint()
			if prev > math.MaxUint32 || (i > 0 && uint32(prev) <= f.dup[i-1]) {
				d.fail("duplicate shingles out of order")
				return
			}
			f.dup[i] = uint32(prev)
		}
	}
	f.dupKeys = d.u64s()
	f.exact = d.u64()
	f.terms = d.u64s()
	if len(f.terms) > 0 {
		f.tfw = make([]float32, len(f.terms))
		for i := range f.tfw {
			f.tfw[i] = math.Float32frombits(d.u32())
			if w := f.tfw[i]; !(w > 0) || math.IsInf(float64(w), 0) {
				d.fail("bad term weight")
				return
			}
		}
		for i := 1; i < len(f.terms); i++ {
			if f.terms[i] <= f.terms[i-1] {
				d.fail("terms out of order")
				return
			}
		}
	}
	f.lines = d.u64s()
	if d.err == nil && f.id == "" {
		d.fail("article without id")
	}
}

// checkFeatures validates decoded features against the index's LSH shape.
func (ix *Index) checkFeatures(d *decoder, f *features) {
	if d.err != nil {
		return
	}
	switch {
	case len(f.dupKeys) != 0 && len(f.dupKeys) > ix.p.dupLSH.Bands:
		d.fail("article %q: %d duplicate band keys, want at most %d", f.id, len(f.dupKeys), ix.p.dupLSH.Bands)
	case len(f.dupKeys) != 0 && f.exact != 0:
		d.fail("article %q: both band keys and an exact key", f.id)
	}
}

// snapReader reads sections and checksums what it reads.
type snapReader struct {
	r   io.Reader
	crc hash.Hash32
	buf bytes.Buffer
}

func (s *snapReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.crc.Write(p[:n])
	return n, err
}

func (s *snapReader) full(p []byte) error {
	if _, err := io.ReadFull(s, p); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: truncated", ErrCorruptSnapshot)
		}
		return fmt.Errorf("storyclust: reading snapshot: %w", err)
	}
	return nil
}

func (s *snapReader) ReadByte() (byte, error) {
	var b [1]byte
	if err := s.full(b[:]); err != nil {
		return 0, err
	}
	return b[0], nil
}

// section reads the next section. The payload is valid until the next call.
// It grows its buffer as data arrives, so a corrupt length cannot make it
// allocate more than the input holds.
func (s *snapReader) section() (byte, []byte, error) {
	tag, err := s.ReadByte()
	if err != nil {
		return 0, nil, err
	}
	n, err := binary.ReadUvarint(s)
	if err != nil {
		if errors.Is(err, ErrCorruptSnapshot) {
			return 0, nil, err
		}
		return 0, nil, fmt.Errorf("%w: bad section length: %v", ErrCorruptSnapshot, err)
	}
	if n > snapMaxSection {
		return 0, nil, fmt.Errorf("%w: section of %d bytes", ErrCorruptSnapshot, n)
	}
	s.buf.Reset()
	got, err := s.buf.ReadFrom(io.LimitReader(s, int64(n)))
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, nil, fmt.Errorf("storyclust: reading snapshot: %w", err)
	}
	if uint64(got) != n {
		return 0, nil, fmt.Errorf("%w: truncated", ErrCorruptSnapshot)
	}
	return tag, s.buf.Bytes(), nil
}

// decodeSnapshot reads and verifies a whole snapshot.
func (ix *Index) decodeSnapshot(r io.Reader) (*flatState, error) {
	return ix.decodeSnapshotOpt(r, true)
}

// decodeSnapshotOpt can skip the checksum, for fuzzing the parser behind it.
func (ix *Index) decodeSnapshotOpt(r io.Reader, verify bool) (*flatState, error) {
	sr := &snapReader{r: r, crc: crc32.New(castagnoli)}
	var hdr [snapHeaderLen]byte
	if err := sr.full(hdr[:]); err != nil {
		return nil, err
	}
	if string(hdr[:4]) != snapMagic {
		return nil, fmt.Errorf("%w: not a storyclust index snapshot", ErrCorruptSnapshot)
	}
	if v := binary.LittleEndian.Uint16(hdr[4:]); v != snapVersion {
		return nil, fmt.Errorf("%w: version %d (this build reads %d)", ErrSnapshotVersion, v, snapVersion)
	}
	if fl := binary.LittleEndian.Uint16(hdr[6:]); fl != 0 {
		return nil, fmt.Errorf("%w: unknown flags %#x", ErrCorruptSnapshot, fl)
	}
	f := &flatState{}
	var nArts, nStories, nDF, nLines int
	// A different configuration is reported only once the checksum says
	// the fingerprint is what was written; meanwhile the checks that
	// depend on the configuration are skipped.
	var mismatch error
	next := secMeta
	for {
		tag, payload, err := sr.section()
		if err != nil {
			return nil, err
		}
		d := &decoder{b: payload}
		switch {
		case tag == secMeta && next == secMeta:
			if fp := d.str(); d.err == nil && fp != ix.fingerprint() {
				mismatch = fmt.Errorf("%w: snapshot %q, index %q", ErrConfigMismatch, fp, ix.fingerprint())
			}
			var c [7]uint64
			for i := range c {
				c[i] = d.uvarint()
			}
			f.latest = d.varint()
			f.logSeq = d.uvarint()
			if d.err != nil {
				return nil, d.err
			}
			for _, x := range c[:4] {
				if x > 1<<31 {
					d.fail("count %d", x)
					return nil, d.err
				}
			}
			nArts, nStories, nDF, nLines = int(c[0]), int(c[1]), int(c[2]), int(c[3])
			f.seq, f.storySeq, f.dfVersion = c[4], c[5], c[6]
			next = secStories
		case tag == secStories && next == secStories:
			if nStories > len(payload)/2 {
				d.fail("%d stories in %d bytes", nStories, len(payload))
				return nil, d.err
			}
			f.stories = make([]storyRec, nStories)
			for i := range f.stories {
				f.stories[i] = storyRec{id: d.str(), seq: d.uvarint()}
			}
			next = secArticles
			if nArts == 0 {
				next = secDF
			}
		case tag == secArticles && next == secArticles:
			if len(payload) == 0 {
				d.fail("empty article section")
			}
			for len(d.b) > 0 && d.err == nil {
				if len(f.arts) >= nArts {
					d.fail("more articles than the %d announced", nArts)
					break
				}
				var r artRec
				d.features(&r.features)
				if mismatch == nil {
					ix.checkFeatures(d, &r.features)
				}
				r.seq = d.uvarint()
				r.story = int32(min(d.uvarint(), math.MaxInt32))
				r.dupOf = int32(max(min(d.varint(), math.MaxInt32), -1))
				r.sim = math.Float32frombits(d.u32())
				if fb := d.take(1); len(fb) == 1 {
					if fb[0] > 1 {
						d.fail("bad flag byte")
					}
					r.founded = fb[0] == 1
				}
				r.storyKeys = d.u64s()
				r.normSq[0] = math.Float64frombits(d.u64())
				r.normSq[1] = math.Float64frombits(d.u64())
				r.normAt = d.uvarint()
				f.arts = append(f.arts, r)
			}
			if len(f.arts) == nArts {
				next = secDF
			}
		case (tag == secDF && next == secDF) || (tag == secLines && next == secLines):
			want := nDF
			if tag == secLines {
				want = nLines
			}
			if want > len(payload)/9 {
				d.fail("%d counts in %d bytes", want, len(payload))
				return nil, d.err
			}
			m := make(map[uint64]int32, want)
			for range want {
				k, v := d.u64(), d.uvarint()
				if d.err == nil && (v == 0 || v > math.MaxInt32) {
					d.fail("count %d", v)
				}
				m[k] = int32(v)
			}
			if len(m) != want && d.err == nil {
				d.fail("repeated key")
			}
			if tag == secDF {
				f.df, next = m, secLines
			} else {
				f.lines, next = m, secEnd
			}
		case tag == secEnd && next == secEnd:
			if len(payload) != 0 {
				d.fail("end section with payload")
			}
		default:
			d.fail("section %d where %d was expected", tag, next)
		}
		if d.err == nil && len(d.b) != 0 {
			d.fail("%d stray bytes in section %d", len(d.b), tag)
		}
		if d.err != nil {
			return nil, d.err
		}
		if tag == secEnd {
			break
		}
	}
	sum := sr.crc.Sum32()
	var tr [4]byte
	if _, err := io.ReadFull(sr.r, tr[:]); err != nil {
		return nil, fmt.Errorf("%w: truncated", ErrCorruptSnapshot)
	}
	if verify && binary.LittleEndian.Uint32(tr[:]) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorruptSnapshot)
	}
	var extra [1]byte
	if n, _ := io.ReadFull(sr.r, extra[:]); n != 0 {
		return nil, fmt.Errorf("%w: data after the trailer", ErrCorruptSnapshot)
	}
	if mismatch != nil {
		return nil, mismatch
	}
	if err := ix.checkFlat(f); err != nil {
		return nil, err
	}
	return f, nil
}

// checkFlat verifies the references and invariants that rebuild relies
// on, so that no snapshot can make the index panic.
func (ix *Index) checkFlat(f *flatState) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrCorruptSnapshot}, args...)...)
	}
	ids := make(map[string]bool, len(f.arts))
	storyMembers := make([]int, len(f.stories))
	storyIDs := make(map[string]bool, len(f.stories))
	for i, s := range f.stories {
		if s.id == "" || storyIDs[s.id] {
			return bad("story %d: empty or repeated id", i)
		}
		if s.seq == 0 || s.seq > f.storySeq || (i > 0 && s.seq <= f.stories[i-1].seq) {
			return bad("story %q: seq %d out of order", s.id, s.seq)
		}
		storyIDs[s.id] = true
	}
	for i := range f.arts {
		r := &f.arts[i]
		if ids[r.id] {
			return bad("article %q twice", r.id)
		}
		ids[r.id] = true
		if r.seq == 0 || r.seq > f.seq || (i > 0 && r.seq <= f.arts[i-1].seq) {
			return bad("article %q: seq %d out of order", r.id, r.seq)
		}
		if int(r.story) >= len(f.stories) || r.story < 0 {
			return bad("article %q: story %d of %d", r.id, r.story, len(f.stories))
		}
		storyMembers[r.story]++
		if r.dupOf >= 0 {
			if int(r.dupOf) >= len(f.arts) || int(r.dupOf) == i || f.arts[r.dupOf].dupOf != -1 {
				return bad("article %q: bad duplicate reference", r.id)
			}
			if f.arts[r.dupOf].story != r.story {
				return bad("article %q: not in its original's story", r.id)
			}
			if len(r.storyKeys) != 0 {
				return bad("article %q: a duplicate with story keys", r.id)
			}
		}
		if len(r.storyKeys) > ix.p.storyLSH.Bands {
			return bad("article %q: %d story band keys", r.id, len(r.storyKeys))
		}
		if !(r.normSq[0] >= 0 && r.normSq[1] >= 0) || r.normAt > f.dfVersion {
			return bad("article %q: bad norm cache", r.id)
		}
	}
	for i, n := range storyMembers {
		if n == 0 {
			return bad("story %q has no members", f.stories[i].id)
		}
	}
	return nil
}
