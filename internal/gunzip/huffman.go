package gunzip

import (
	"encoding/binary"
	"io"
)

// A table entry (uint32) says, in its low byte, how many bits the code took
// (bits 0-3) and how many extra bits follow it (bits 4-7); in the next,
// what it is (the flags); in the top 16 bits, the value: a literal byte, the
// base of a length or distance, or where a subtable starts.
const (
	flagLiteral = 1 << 8
	flagEnd     = 2 << 8 // end of block
	flagSub     = 4 << 8 // a subtable: the extra bits are its index bits
	flagBad     = 8 << 8 // a code the block's lengths left unused
)

const (
	litBits  = 11
	distBits = 8
	// The largest tables that complete codes can need (zlib's enough
	// program: 852 and 592 entries for 9 and 6 primary bits; these are
	// bounds for 11 and 8: primary entries plus every possible subtable).
	// Powers of two, so that masked indexes need no bounds checks.
	litTableSize  = 1 << 13 // >= 1<<litBits + 288<<(15-litBits)
	distTableSize = 1 << 13 // >= 1<<distBits + 32<<(15-distBits)
)

var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// The order in which a dynamic block gives the code length code's
	// lengths.
	clOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// litEntry and distEntry are the table entries of the symbols, without
// the code length (which build adds).
func litEntry(sym int) uint32 {
	switch {
	case sym < 256:
		return uint32(sym)<<16 | flagLiteral
	case sym == 256:
		return flagEnd
	case sym < 286:
		i := sym - 257
		return uint32(lengthBase[i])<<16 | uint32(lengthExtra[i])<<4
	}
	return flagBad
}

func distEntry(sym int) uint32 {
	if sym < 30 {
		return uint32(distBase[sym])<<16 | uint32(distExtra[sym])<<4
	}
	return flagBad
}

// build fills t with the code of lengths (canonical Huffman, RFC 1951
// 3.2.2) and a primary table of primary bits. It returns false for
// lengths that describe more codes than there are (an over-subscribed
// code) or fewer (an incomplete code), as zlib and compress/flate do, but
// for a code of one symbol of length 1, whose unused code is flagBad. A
// code without symbols is all flagBad.
func build(t []uint32, lengths []uint8, primary uint, entry func(int) uint32) bool {
	var count [16]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	left, maxLen, n := 1, 0, 0
	for l := 1; l <= 15; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return false
		}
		if count[l] > 0 {
			maxLen, n = l, n+count[l]
		}
	}
	if n > 0 && left > 0 && !(maxLen == 1 && n == 1) {
		return false
	}
	var next [16]int
	code := 0
	for l := 1; l <= 15; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for i := range t[:1<<primary] {
		t[i] = flagBad
	}
	end := 1 << primary // where the next subtable goes
	// Sub-table sizes: for each primary index (the first primary bits of
	// long codes, reversed), the longest code under it.
	var subLen [1 << 11]uint8
	var codes [288]uint16
	for s, l := range lengths {
		if l == 0 {
			continue
		}
		codes[s] = uint16(next[l])
		next[l]++
		if uint(l) > primary {
			p := reverse(uint32(codes[s])>>(uint(l)-primary), primary)
			subLen[p] = max(subLen[p], l-uint8(primary))
		}
	}
	for p := range 1 << primary {
		if subLen[p] == 0 {
			continue
		}
		n := uint(subLen[p])
		if end+1<<n > len(t) {
			return false
		}
		t[p] = uint32(end)<<16 | flagSub | uint32(n)<<4 | uint32(primary)
		for i := end; i < end+1<<n; i++ {
			t[i] = flagBad
		}
		end += 1 << n
	}
	for s, l := range lengths {
		if l == 0 {
			continue
		}
		e := entry(s)
		rev := reverse(uint32(codes[s]), uint(l))
		if uint(l) <= primary {
			e |= uint32(l)
			for i := rev; i < 1<<primary; i += 1 << l {
				t[i] = e
			}
			continue
		}
		p := rev & (1<<primary - 1)
		sub := t[p]
		n := sub >> 4 & 15
		e |= uint32(uint(l) - primary)
		base := int(sub >> 16)
		for i := rev >> primary; i < 1<<n; i += 1 << (uint(l) - primary) {
			t[base+int(i)] = e
		}
	}
	return true
}

func reverse(v uint32, n uint) uint32 {
	var r uint32
	for range n {
		r = r<<1 | v&1
		v >>= 1
	}
	return r
}

func (z *Reader) fixedTables() {
	var l [288 + 32]uint8
	for i := range 288 {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	for i := range 32 {
		l[288+i] = 5
	}
	build(z.lit[:], l[:288], litBits, litEntry)
	build(z.dist[:], l[288:], distBits, distEntry)
}

func (z *Reader) dynamicTables() error {
	h, err := z.take(14)
	if err != nil {
		return err
	}
	nlit, ndist, nclen := int(h&31)+257, int(h>>5&31)+1, int(h>>10)+4
	if nlit > 286 || ndist > 30 {
		return ErrCorrupt
	}
	var cl [19]uint8
	for i := range nclen {
		v, err := z.take(3)
		if err != nil {
			return err
		}
		cl[clOrder[i]] = uint8(v)
	}
	var clt [1 << 7]uint32
	if !build(clt[:], cl[:], 7, func(s int) uint32 { return uint32(s) << 16 }) {
		return ErrCorrupt
	}
	var l [286 + 30]uint8
	for i := 0; i < nlit+ndist; {
		if err := z.need(7 + 7); err != nil {
			return err
		}
		e := clt[z.bits&127]
		if e&flagBad != 0 {
			return ErrCorrupt
		}
		n := uint(e & 15)
		z.bits >>= n
		z.nbits -= n
		sym := e >> 16
		if sym < 16 {
			l[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var v uint8
		switch sym {
		case 16:
			if i == 0 {
				return ErrCorrupt
			}
			rep, v = 3+int(z.bits&3), l[i-1]
			z.bits >>= 2
			z.nbits -= 2
		case 17:
			rep = 3 + int(z.bits&7)
			z.bits >>= 3
			z.nbits -= 3
		default:
			rep = 11 + int(z.bits&127)
			z.bits >>= 7
			z.nbits -= 7
		}
		if i+rep > nlit+ndist {
			return ErrCorrupt
		}
		for range rep {
			l[i] = v
			i++
		}
	}
	if l[256] == 0 { // no end of block
		return ErrCorrupt
	}
	if !build(z.lit[:], l[:nlit], litBits, litEntry) || !build(z.dist[:], l[nlit:nlit+ndist], distBits, distEntry) {
		return ErrCorrupt
	}
	return nil
}

// codes decodes a compressed block's symbols until its end or until the
// output has a chunk.
func (z *Reader) codes() error {
	out, op := z.out, z.op
	bits, nbits := z.bits, z.nbits
	in, ip := z.in, z.ip
	lit, dist := &z.lit, &z.dist
	// Each exit stores the state back in z. (One exit after a break, or a
	// deferred store, measured 2-4% slower on the AllSides file.)
	for op < window+chunk {
		if len(in)-ip < 8 {
			z.bits, z.nbits, z.ip, z.op = bits, nbits, ip, op
			if err := z.fill(); err != nil {
				return err
			}
			if z.overrun() {
				return io.ErrUnexpectedEOF
			}
			in, ip = z.in, z.ip
		}
		bits |= binary.LittleEndian.Uint64(in[ip:]) << nbits
		ip += int(63-nbits) >> 3
		nbits |= 56
		e := lit[bits&(1<<litBits-1)]
		if e&flagSub != 0 {
			bits >>= litBits
			nbits -= litBits
			e = lit[(e>>16+uint32(bits)&(1<<(e>>4&15)-1))&(litTableSize-1)]
		}
		n := e & 15
		bits >>= n
		nbits -= uint(n)
		if e&flagLiteral != 0 {
			out[op] = byte(e >> 16)
			op++
			continue
		}
		if e&(flagEnd|flagBad) != 0 {
			z.bits, z.nbits, z.ip, z.op = bits, nbits, ip, op
			if e&flagBad != 0 {
				return ErrCorrupt
			}
			z.state = stateBlock
			return nil
		}
		x := e >> 4 & 15
		length := int(e>>16) + int(bits&(1<<x-1))
		bits >>= x
		nbits -= uint(x)
		e = dist[bits&(1<<distBits-1)]
		if e&flagSub != 0 {
			bits >>= distBits
			nbits -= distBits
			e = dist[(e>>16+uint32(bits)&(1<<(e>>4&15)-1))&(distTableSize-1)]
		}
		if e&flagBad != 0 {
			z.bits, z.nbits, z.ip, z.op = bits, nbits, ip, op
			return ErrCorrupt
		}
		n = e & 15
		bits >>= n
		nbits -= uint(n)
		x = e >> 4 & 15
		d := int(e>>16) + int(bits&(1<<x-1))
		bits >>= x
		nbits -= uint(x)
		if op-d < z.floor { // before the start of the member
			z.bits, z.nbits, z.ip, z.op = bits, nbits, ip, op
			return ErrCorrupt
		}
		src := op - d
		if d >= 8 {
			// Eight bytes at a time, overshooting into the margin.
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(out[op+i:], binary.LittleEndian.Uint64(out[src+i:]))
			}
		} else {
			for i := range length {
				out[op+i] = out[src+i]
			}
		}
		op += length
	}
	z.bits, z.nbits, z.ip, z.op = bits, nbits, ip, op
	return nil
}
