package shingle

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Published XXH64 values (xxHash reference implementation, python-xxhash
// README, cespare/xxhash tests).
func TestHashKnownAnswers(t *testing.T) {
	tests := []struct {
		in   string
		seed uint64
		want uint64
	}{
		{"", 0, 0xEF46DB3751D8E999},
		{"a", 0, 0xD24EC4F1A98C6E5B},
		{"as", 0, 0x1C330FB2D66BE179},
		{"asd", 0, 0x631C37CE72A97393},
		{"asdf", 0, 0x415872F599CEA71E},
		{"abc", 0, 0x44BC2CF5AD770999},
		{"xxhash", 0, 0x32DD38952C4BC720},
		{"xxhash", 20141025, 0xB559B98D844E0635},
		// 31 bytes: the longest input without the 4-lane loop.
		{"I want an unsigned 64-bit seed!", 0, 0xD4CB0A70A2B8C7C1},
		{"I want an unsigned 64-bit seed!", 1, 0xCE5087F12470D961},
		// 39 and 63 bytes: 4-lane stripes plus 8-, 4- and 1-byte tails.
		{"Nobody inspects the spammish repetition", 0, 0xFBCEA83C8A378BF1},
		{"Call me Ishmael. Some years ago--never mind how long precisely-", 0, 0x02A2E85470D6FD96},
	}
	for _, tt := range tests {
		assert.Equalf(t, tt.want, Hash(tt.seed, []byte(tt.in)), "Hash(%d, %q)", tt.seed, tt.in)
		assert.Equalf(t, tt.want, HashString(tt.seed, tt.in), "HashString(%d, %q)", tt.seed, tt.in)
	}
}

// refXXH64 is a deliberately plain streaming implementation written from the
// specification: it buffers 32-byte stripes and consumes the tail one lane
// at a time, sharing no code with Hash.
type refXXH64 struct {
	seed  uint64
	acc   [4]uint64
	buf   []byte
	total uint64
	large bool
}

func newRef(seed uint64) *refXXH64 {
	const p1, p2 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F
	r := &refXXH64{seed: seed}
	r.acc[0] = seed + p1 + p2
	r.acc[1] = seed + p2
	r.acc[2] = seed
	r.acc[3] = seed - p1
	return r
}

func rotl(x uint64, r uint) uint64 { return x<<r | x>>(64-r) }

func refRound(acc, lane uint64) uint64 {
	acc += lane * 0xC2B2AE3D27D4EB4F
	acc = rotl(acc, 31)
	return acc * 0x9E3779B185EBCA87
}

func (r *refXXH64) write(b []byte) {
	for _, c := range b {
		r.buf = append(r.buf, c)
		r.total++
		if len(r.buf) == 32 {
			for i := 0; i < 4; i++ {
				r.acc[i] = refRound(r.acc[i], binary.LittleEndian.Uint64(r.buf[8*i:]))
			}
			r.buf = r.buf[:0]
			r.large = true
		}
	}
}

func (r *refXXH64) sum() uint64 {
	const (
		p1 = 0x9E3779B185EBCA87
		p2 = 0xC2B2AE3D27D4EB4F
		p3 = 0x165667B19E3779F9
		p4 = 0x85EBCA77C2B2AE63
		p5 = 0x27D4EB2F165667C5
	)
	var h uint64
	if r.large {
		h = rotl(r.acc[0], 1) + rotl(r.acc[1], 7) + rotl(r.acc[2], 12) + rotl(r.acc[3], 18)
		for i := 0; i < 4; i++ {
			h ^= refRound(0, r.acc[i])
			h = h*p1 + p4
		}
	} else {
		h = r.seed + p5
	}
	h += r.total
	rest := r.buf
	for len(rest) >= 8 {
		h ^= refRound(0, binary.LittleEndian.Uint64(rest))
		h = rotl(h, 27)*p1 + p4
		rest = rest[8:]
	}
	if len(rest) >= 4 {
		h ^= uint64(binary.LittleEndian.Uint32(rest)) * p1
		h = rotl(h, 23)*p2 + p3
		rest = rest[4:]
	}
	for _, c := range rest {
		h ^= uint64(c) * p5
		h = rotl(h, 11) * p1
	}
	h ^= h >> 33
	h *= p2
	h ^= h >> 29
	h *= p3
	h ^= h >> 32
	return h
}

func TestHashMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 300; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		for _, seed := range []uint64{0, 1, 20141025, rng.Uint64(), ^uint64(0)} {
			ref := newRef(seed)
			// Feed in uneven pieces to exercise the reference's buffering.
			for rest := b; len(rest) > 0; {
				k := 1 + rng.IntN(len(rest))
				ref.write(rest[:k])
				rest = rest[k:]
			}
			want := ref.sum()
			require.Equalf(t, want, Hash(seed, b), "len %d seed %d", n, seed)
			require.Equalf(t, want, HashString(seed, string(b)), "len %d seed %d", n, seed)
		}
	}
	// The reference itself agrees with the published 63-byte vector.
	ref := newRef(0)
	ref.write([]byte("Call me Ishmael. Some years ago--never mind how long precisely-"))
	require.Equal(t, uint64(0x02A2E85470D6FD96), ref.sum())
}

func TestHashWordsMatchesHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 20; n++ {
		ws := make([]uint64, n)
		b := make([]byte, 0, 8*n)
		for i := range ws {
			ws[i] = rng.Uint64()
			b = binary.LittleEndian.AppendUint64(b, ws[i])
		}
		seed := rng.Uint64()
		require.Equalf(t, Hash(seed, b), hashWords(seed, ws), "%d words", n)
	}
}

func TestHashAllocs(t *testing.T) {
	b := []byte("some bytes that are longer than thirty-two bytes in total")
	s := string(b)
	var sink uint64
	allocs := testing.AllocsPerRun(100, func() {
		sink += Hash(7, b) + HashString(7, s)
	})
	assert.Zero(t, allocs)
	_ = sink
}
