package gunzip

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

var (
	// ErrHeader is returned for a stream that does not start like gzip.
	ErrHeader = errors.New("gunzip: invalid header")
	// ErrChecksum is returned when a member's CRC-32 or size is wrong.
	ErrChecksum = errors.New("gunzip: invalid checksum")
	// ErrCorrupt is returned for DEFLATE data that cannot be decoded.
	ErrCorrupt = errors.New("gunzip: corrupt data")
)

const (
	window = 32 << 10 // the farthest back a match reaches
	chunk  = 1 << 20  // output decoded between flushes
	margin = 258 + 8  // a whole match, and the overshoot of an 8-byte copy
	inSize = 1 << 16  // input read at a time
)

// Reader decompresses a gzip stream.
type Reader struct {
	src   io.Reader
	in    []byte // in[ip:] is read and not consumed; len(in)-pad bytes are real
	ip    int
	pad   int  // zero bytes appended after the end of src
	srcOK bool // src has not ended
	empty int  // reads in a row that returned nothing
	bits  uint64
	nbits uint
	// out[:op] is decoded; out[rp:op] is not yet read. out[op-window:op]
	// is the history that matches copy from.
	out    []byte
	op, rp int
	floor  int // out[floor:] is of the member being decoded
	crc    uint32
	size   uint32
	state  int
	final  bool // the block being decoded is the member's last
	stored int  // bytes left of a stored block
	lit    [litTableSize]uint32
	dist   [distTableSize]uint32
	err    error
}

const (
	stateBlock   = iota // a block's header is next
	stateCodes          // in a compressed block
	stateStored         // in a stored block
	stateTrailer        // the member's trailer is next
	stateEnd            // every member read
)

// NewReader returns a Reader of the gzip stream in src. The header of the
// first member is read at once: an error means src is not gzip.
func NewReader(src io.Reader) (*Reader, error) {
	z := &Reader{src: src, srcOK: true, in: make([]byte, 0, inSize+16), out: make([]byte, window+chunk+margin)}
	z.op, z.rp = window, window
	if err := z.header(true); err != nil {
		return nil, err
	}
	z.state = stateBlock
	return z, nil
}

// Read implements io.Reader.
func (z *Reader) Read(p []byte) (int, error) {
	for z.rp == z.op {
		if z.err != nil {
			return 0, z.err
		}
		z.decode()
	}
	n := copy(p, z.out[z.rp:z.op])
	z.rp += n
	return n, nil
}

// Close does nothing; it is there for the io.ReadCloser of compress/gzip.
func (z *Reader) Close() error { return nil }

// fill makes at least 8 bytes available at in[ip:], reading from src, or
// appending zeros once it has ended (see overrun).
func (z *Reader) fill() error {
	for len(z.in)-z.ip < 8 {
		if !z.srcOK {
			z.in = append(z.in, 0, 0, 0, 0, 0, 0, 0, 0)
			z.pad += 8
			continue
		}
		n := copy(z.in[:cap(z.in)], z.in[z.ip:])
		z.in, z.ip = z.in[:n], 0
		m, err := z.src.Read(z.in[n:inSize])
		z.in = z.in[:n+m]
		if err == io.EOF {
			z.srcOK = false
		} else if err != nil {
			return err
		}
		if m > 0 {
			z.empty = 0
		} else if z.empty++; z.empty == 100 {
			return io.ErrNoProgress
		}
	}
	return nil
}

// left returns the bytes of src not consumed yet, those in the bit buffer
// included: negative when zeros after its end were (see fill).
func (z *Reader) left() int {
	return len(z.in) - z.pad - z.ip + int(z.nbits>>3)
}

// overrun reports whether more bits were consumed than src held.
func (z *Reader) overrun() bool { return z.left() < 0 }

// refill tops the bit buffer up to at least 56 bits; fill must have made 8
// bytes available.
func (z *Reader) refill() {
	z.bits |= binary.LittleEndian.Uint64(z.in[z.ip:]) << z.nbits
	z.ip += int(63-z.nbits) >> 3
	z.nbits |= 56
}

// need makes n <= 56 bits available in the bit buffer.
func (z *Reader) need(n uint) error {
	if z.nbits >= n {
		return nil
	}
	if err := z.fill(); err != nil {
		return err
	}
	z.refill()
	return nil
}

// take returns the next n <= 32 bits (see need).
func (z *Reader) take(n uint) (uint32, error) {
	if err := z.need(n); err != nil {
		return 0, err
	}
	v := uint32(z.bits & (1<<n - 1))
	z.bits >>= n
	z.nbits -= n
	return v, nil
}

// alignedBytes fills b with the next bytes of a byte-aligned bit buffer;
// it is io.ErrUnexpectedEOF if src does not hold them all.
func (z *Reader) alignedBytes(b []byte) error {
	for i := range b {
		v, err := z.take(8)
		if err != nil {
			return err
		}
		b[i] = byte(v)
	}
	if z.overrun() {
		return io.ErrUnexpectedEOF
	}
	return nil
}

// align drops the bits up to the next byte boundary.
func (z *Reader) align() {
	z.bits >>= z.nbits & 7
	z.nbits &^= 7
}

// header reads a member's header. At the start of a later member, the end
// of src is the end of the stream (io.EOF).
func (z *Reader) header(first bool) error {
	z.align()
	if !first {
		if err := z.fill(); err != nil {
			return err
		}
		if z.left() == 0 {
			return io.EOF
		}
	}
	var h [10]byte
	if err := z.alignedBytes(h[:]); err != nil {
		return err
	}
	if h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 {
		return ErrHeader
	}
	crc := crc32.Update(0, crc32.IEEETable, h[:])
	var b [2]byte
	next := func() (byte, error) {
		err := z.alignedBytes(b[:1])
		crc = crc32.Update(crc, crc32.IEEETable, b[:1])
		return b[0], err
	}
	flg := h[3]
	if flg&4 != 0 { // FEXTRA
		lo, err := next()
		if err != nil {
			return err
		}
		hi, err := next()
		if err != nil {
			return err
		}
		for range int(lo) | int(hi)<<8 {
			if _, err := next(); err != nil {
				return err
			}
		}
	}
	for _, f := range []byte{8, 16} { // FNAME, FCOMMENT: zero-terminated
		if flg&f == 0 {
			continue
		}
		for {
			b, err := next()
			if err != nil {
				return err
			}
			if b == 0 {
				break
			}
		}
	}
	if flg&2 != 0 { // FHCRC: the low 16 bits of the header's CRC-32
		if err := z.alignedBytes(b[:]); err != nil {
			return err
		}
		if binary.LittleEndian.Uint16(b[:]) != uint16(crc) {
			return ErrHeader
		}
	}
	z.crc, z.size, z.final, z.floor = 0, 0, false, z.op
	return nil
}

// decode decodes until a chunk of output is ready, the stream ends, or an
// error, which it stores in z.err.
func (z *Reader) decode() {
	// Keep the window and drop the rest of what was read.
	if z.op > window+chunk/2 {
		d := z.op - window
		copy(z.out, z.out[d:z.op])
		z.op, z.rp, z.floor = window, window, max(z.floor-d, 0)
	}
	start := z.op
	err := z.step()
	if z.overrun() && err == nil {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		// What this call decoded may come of the zeros after the end of
		// src: none of it is read.
		z.op = start
	}
	z.crc = crc32.Update(z.crc, crc32.IEEETable, z.out[start:z.op])
	z.size += uint32(z.op - start)
	if err == nil && z.state == stateTrailer {
		err = z.trailer() // io.EOF after the last member
	}
	z.err = err
}

// trailer checks a member's trailer and reads the next member's header.
func (z *Reader) trailer() error {
	z.align()
	var t [8]byte
	if err := z.alignedBytes(t[:]); err != nil {
		return err
	}
	if binary.LittleEndian.Uint32(t[:]) != z.crc || binary.LittleEndian.Uint32(t[4:]) != z.size {
		return ErrChecksum
	}
	if err := z.header(false); err != nil {
		if err == io.EOF {
			z.state = stateEnd
		}
		return err
	}
	z.state = stateBlock
	return nil
}

// step decodes blocks until the output has a chunk or the member ends.
func (z *Reader) step() error {
	for z.op < window+chunk {
		switch z.state {
		case stateBlock:
			if z.final {
				z.state = stateTrailer
				return nil
			}
			if err := z.blockHeader(); err != nil {
				return err
			}
		case stateStored:
			if err := z.copyStored(); err != nil {
				return err
			}
		case stateCodes:
			if err := z.codes(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

func (z *Reader) blockHeader() error {
	h, err := z.take(3)
	if err != nil {
		return err
	}
	z.final = h&1 != 0
	switch h >> 1 {
	case 0:
		z.align()
		v, err := z.take(32)
		if err != nil {
			return err
		}
		if uint16(v) != ^uint16(v>>16) {
			return ErrCorrupt
		}
		z.stored = int(uint16(v))
		z.state = stateStored
	case 1:
		z.fixedTables()
		z.state = stateCodes
	case 2:
		if err := z.dynamicTables(); err != nil {
			return err
		}
		z.state = stateCodes
	default:
		return ErrCorrupt
	}
	if z.overrun() {
		return io.ErrUnexpectedEOF
	}
	return nil
}

// copyStored copies a stored block's bytes, the bit buffer's whole bytes
// first.
func (z *Reader) copyStored() error {
	for z.stored > 0 && z.op < window+chunk {
		if z.nbits >= 8 {
			z.out[z.op] = byte(z.bits)
			z.bits >>= 8
			z.nbits -= 8
			z.op++
			z.stored--
			continue
		}
		z.bits = 0 // the rest of a byte loaded, which the copy moves past
		if err := z.fill(); err != nil {
			return err
		}
		n := min(z.stored, len(z.in)-z.pad-z.ip, window+chunk-z.op)
		if n <= 0 {
			return io.ErrUnexpectedEOF
		}
		copy(z.out[z.op:], z.in[z.ip:z.ip+n])
		z.op += n
		z.ip += n
		z.stored -= n
	}
	if z.stored == 0 {
		z.state = stateBlock
	}
	return nil
}
