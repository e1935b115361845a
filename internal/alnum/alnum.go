// Package alnum copies runs of ASCII letters and digits, lower-cased, eight
// bytes at a time. The tokenizer (shingle) and the line keys of the
// furniture filter (the root package) spend most of their time in such runs.
package alnum

import (
	"encoding/binary"
	"math/bits"
)

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// Lower is the lower-cased form of an ASCII letter or digit, 0 for every
// other byte.
var Lower = func() (t [256]byte) {
	for c := range 128 {
		switch {
		case 'A' <= c && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			t[c] = byte(c)
		}
	}
	return t
}()

// mask sets the top bit of each byte of x that is an ASCII letter or digit.
// Each range test subtracts from bytes whose top bit is forced on, so that
// no byte borrows from its neighbour.
func mask(x uint64) uint64 {
	ascii := ^x & msb
	y := x&^msb | msb
	l := y | 0x20*lsb
	letter := (l - 'a'*lsb) &^ (l - ('z'+1)*lsb)
	digit := (y - '0'*lsb) &^ (y - ('9'+1)*lsb)
	return (letter | digit) & ascii
}

// LowerRun copies the run of ASCII letters and digits that starts src to
// dst, lower-cased, and returns its length n. It writes dst only below
// len(src), possibly past n: dst must be at least as long as src.
func LowerRun(dst, src []byte) int {
	n := 0
	for n+8 <= len(src) {
		x := binary.LittleEndian.Uint64(src[n:])
		binary.LittleEndian.PutUint64(dst[n:], x|0x20*lsb)
		if m := mask(x); m != msb {
			return n + bits.TrailingZeros64(^m&msb)/8
		}
		n += 8
	}
	for n < len(src) {
		m := Lower[src[n]]
		if m == 0 {
			break
		}
		dst[n] = m
		n++
	}
	return n
}
