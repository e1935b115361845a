package storyclust

import (
	"math/bits"
	"slices"
)

// bucketTable is the LSH bucket store of the streaming Index: band key ->
// article slots. Most buckets hold one article, so a bucket is a single
// map value (the slot) until a second article arrives; then the value
// points into a list of overflow slices. That keeps a bucket entry at 12
// bytes of key and value instead of a 24-byte slice header per entry.
//
// Band keys mix the band index in (see bandKeys), so one table serves all
// bands of a tier.
type bucketTable struct {
	m        map[uint64]uint32
	overflow [][]int32
	freeOver []uint32
}

// overflowBit marks a map value that indexes overflow instead of naming a
// slot.
const overflowBit = 1 << 31

func newBucketTable(hint int) bucketTable {
	return bucketTable{m: make(map[uint64]uint32, hint)}
}

func (t *bucketTable) add(key uint64, s int32) {
	v, ok := t.m[key]
	switch {
	case !ok:
		t.m[key] = uint32(s)
	case v&overflowBit == 0:
		var o uint32
		if n := len(t.freeOver); n > 0 {
			o = t.freeOver[n-1]
			t.freeOver = t.freeOver[:n-1]
			t.overflow[o] = append(t.overflow[o][:0], int32(v), s)
		} else {
			o = uint32(len(t.overflow))
			t.overflow = append(t.overflow, []int32{int32(v), s})
		}
		t.m[key] = o | overflowBit
	default:
		o := v &^ overflowBit
		t.overflow[o] = append(t.overflow[o], s)
	}
}

func (t *bucketTable) remove(key uint64, s int32) {
	v, ok := t.m[key]
	if !ok {
		return
	}
	if v&overflowBit == 0 {
		if int32(v) == s {
			delete(t.m, key)
		}
		return
	}
	o := v &^ overflowBit
	l := t.overflow[o]
	if i := slices.Index(l, s); i >= 0 {
		l = slices.Delete(l, i, i+1)
	}
	switch len(l) {
	case 0:
		delete(t.m, key)
		t.releaseOverflow(o)
	case 1:
		t.m[key] = uint32(l[0])
		t.releaseOverflow(o)
	default:
		t.overflow[o] = l
	}
}

func (t *bucketTable) releaseOverflow(o uint32) {
	t.overflow[o] = nil
	t.freeOver = append(t.freeOver, o)
}

// get returns the slots of a bucket. single is scratch for the one-slot
// case; the result must not be modified or kept.
func (t *bucketTable) get(key uint64, single *[1]int32) []int32 {
	v, ok := t.m[key]
	if !ok {
		return nil
	}
	if v&overflowBit == 0 {
		single[0] = int32(v)
		return single[:]
	}
	return t.overflow[v&^overflowBit]
}

func (t *bucketTable) len() int { return len(t.m) }

// bandKeys appends to dst the LSH band keys of a MinHash signature: one per
// band, a hash of the band's rows mixed with the band index. A band whose
// values are all math.MaxUint64 (no shingle) gets no key, so an empty
// signature yields none.
func bandKeys(dst []uint64, sig []uint64, bands, rows int) []uint64 {
	const (
		p1 = 0x9e3779b185ebca87
		p2 = 0xc2b2ae3d27d4eb4f
	)
	for b := range bands {
		vals := sig[b*rows : (b+1)*rows]
		h := uint64(b)*p1 ^ 0x27d4eb2f165667c5
		all := true
		for _, v := range vals {
			if v != ^uint64(0) {
				all = false
			}
			h = bits.RotateLeft64(h+v*p2, 31) * p1
		}
		if all {
			continue
		}
		dst = append(dst, mix64(h^uint64(rows)))
	}
	return dst
}

// mix64 is MurmurHash3's 64-bit finalizer.
func mix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}
