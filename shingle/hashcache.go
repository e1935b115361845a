package shingle

import (
	"encoding/binary"
	"math/bits"
)

// hashCache memoizes, for one scratch (so for one goroutine at a time), the
// analysis of a normalized word by a Shingler: whether the stop filter drops
// it, and else Hash(Seed, term) of its stemmed (or plain) term. A cached word
// costs one probe of an open-addressing table keyed by a cheap hash of its
// bytes, with the bytes compared, instead of a stopword lookup, a lookup in
// the shared stem cache under its lock and an XXH64 of the stem.
//
// Bound: at most hashCacheMax words and hashCacheBytes bytes of words;
// inserting beyond either first empties the cache. Results do not depend on
// what is cached: a miss computes the same value.
//
// Most tokens are a few thousand frequent words, while the table of all
// words seen outgrows the CPU caches: a small direct-mapped table of recent
// words (l1) is probed first.
type hashCache struct {
	l1    []hashSlot // hashCacheL1 slots, direct-mapped; nil until first use
	slots []hashSlot // power of two; a zero len means empty
	words []byte     // the cached words, back to back
	n     int
}

// hashSlot is 24 bytes: meta packs, from the top, 32 bits of the word's
// hash (with the low bit set, so that a used slot is never 0), the offset
// of the word in words (24 bits), its length (7 bits) and the stop flag.
// Words of up to 8 bytes, most of them, are compared by w8 alone, without
// reading words.
type hashSlot struct {
	meta uint64
	val  uint64 // Hash(Seed, term)
	w8   uint64 // the word's first 8 bytes, little-endian, zero-padded
}

const (
	hashCacheMin   = 1 << 12
	hashCacheMax   = 1 << 18
	hashCacheBytes = 4 << 20 // < 1<<24, the offsets' range
	hashCacheLen   = 127     // longest cached word (7 bits)
	hashCacheL1    = 1 << 15 // slots of the direct-mapped table
)

func slotMeta(key uint64, off, n int, stop bool) uint64 {
	m := (key>>32|1)<<32 | uint64(off)<<8 | uint64(n)<<1
	if stop {
		m |= 1
	}
	return m
}

// wordHash is a fast non-cryptographic hash of a short byte string, for
// hashCache only. It also returns the first 8 bytes of w, little-endian.
func wordHash(w []byte) (h, w8 uint64) {
	n := len(w)
	h = uint64(n) * 0x9e3779b97f4a7c15
	// t is the last n%8 bytes as a little-endian integer, read with
	// overlapping loads rather than a loop over the bytes.
	var t uint64
	switch r := n % 8; {
	case n >= 8:
		w8 = binary.LittleEndian.Uint64(w)
		for i := 0; i+8 <= n; i += 8 {
			hi, lo := bits.Mul64(h^binary.LittleEndian.Uint64(w[i:]), 0xbf58476d1ce4e5b9)
			h = hi ^ lo
		}
		if r > 0 {
			t = binary.LittleEndian.Uint64(w[n-8:]) >> (8 * (8 - r))
		}
	case n >= 4:
		t = uint64(binary.LittleEndian.Uint32(w)) | uint64(binary.LittleEndian.Uint32(w[n-4:]))<<(8*(n-4))
		w8 = t
	case n > 0:
		t = uint64(w[0]) | uint64(w[n/2])<<(8*(n/2)) | uint64(w[n-1])<<(8*(n-1))
		w8 = t
	}
	hi, lo := bits.Mul64(h^t, 0x94d049bb133111eb)
	return hi ^ lo, w8
}

// lookup returns the cached analysis of w; key, w8 = wordHash(w).
func (c *hashCache) lookup(key, w8 uint64, w []byte) (val uint64, stop, ok bool) {
	if len(c.slots) == 0 || len(w) > hashCacheLen {
		return 0, false, false
	}
	tag := (key>>32 | 1) << 32
	s := &c.l1[key&(hashCacheL1-1)]
	if c.match(s, tag, w8, w) {
		return s.val, s.meta&1 != 0, true
	}
	mask := uint64(len(c.slots) - 1)
	for i := key & mask; ; i = (i + 1) & mask {
		t := &c.slots[i]
		if t.meta == 0 {
			return 0, false, false
		}
		if c.match(t, tag, w8, w) {
			*s = *t
			return t.val, t.meta&1 != 0, true
		}
	}
}

// match reports whether slot s holds w.
func (c *hashCache) match(s *hashSlot, tag, w8 uint64, w []byte) bool {
	if s.w8 != w8 || s.meta&^(1<<32-1) != tag || int(s.meta>>1&0x7f) != len(w) {
		return false
	}
	if len(w) <= 8 {
		return true
	}
	off := int(s.meta >> 8 & (1<<24 - 1))
	return string(c.words[off+8:off+len(w)]) == string(w[8:])
}

// insert caches the analysis of w, which is not cached.
func (c *hashCache) insert(key, w8 uint64, w []byte, val uint64, stop bool) {
	if len(w) > hashCacheLen {
		return
	}
	if c.n >= hashCacheMax || len(c.words)+len(w) > hashCacheBytes {
		clear(c.slots)
		clear(c.l1)
		c.words, c.n = c.words[:0], 0
	}
	if c.l1 == nil {
		c.l1 = make([]hashSlot, hashCacheL1)
	}
	if len(c.slots) == 0 || 4*(c.n+1) > 3*len(c.slots) {
		c.grow()
	}
	off := len(c.words)
	c.words = append(c.words, w...)
	mask := uint64(len(c.slots) - 1)
	i := key & mask
	for c.slots[i].meta != 0 {
		i = (i + 1) & mask
	}
	c.slots[i] = hashSlot{meta: slotMeta(key, off, len(w), stop), val: val, w8: w8}
	c.l1[key&(hashCacheL1-1)] = c.slots[i]
	c.n++
}

// grow doubles the table. The index of a slot is rebuilt from its 32-bit
// tag and the word, since the low bits of the key are not stored.
func (c *hashCache) grow() {
	old := c.slots
	c.slots = make([]hashSlot, max(hashCacheMin, 2*len(old)))
	mask := uint64(len(c.slots) - 1)
	for _, s := range old {
		if s.meta == 0 {
			continue
		}
		off, n := int(s.meta>>8&(1<<24-1)), int(s.meta>>1&0x7f)
		h, _ := wordHash(c.words[off : off+n])
		i := h & mask
		for c.slots[i].meta != 0 {
			i = (i + 1) & mask
		}
		c.slots[i] = s
	}
}
