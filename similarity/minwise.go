package similarity

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"

	minhash "github.com/dgryski/go-minhash"
)

// Sentinel errors. Errors returned by this package wrap one of these; test
// with errors.Is.
var (
	// ErrInvalidConfig reports an invalid configuration or argument.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrDuplicateID reports an LSH.Insert of an id that is already indexed.
	ErrDuplicateID = errors.New("duplicate id")
	// ErrSignatureLength reports a signature whose length does not match the
	// index's signature length.
	ErrSignatureLength = errors.New("signature length mismatch")
)

// DefaultK is the signature length used when a config leaves K zero.
const DefaultK = 128

// empty is the signature value of a position that saw no shingle.
const empty = math.MaxUint64

// Signature is a MinHash signature: k 64-bit minimum hash values.
type Signature []uint64

// Signer computes MinHash signatures of shingle sets.
type Signer interface {
	// Sign returns the signature of the set of shingles in dst's storage
	// (dst[:0] with k values appended). The shingles may be in any order and
	// may repeat; the slice is not modified or retained.
	Sign(dst Signature, shingles []uint64) Signature
}

// MinWiseConfig configures NewMinWise. The zero value is valid.
type MinWiseConfig struct {
	// K is the signature length; 0 means DefaultK (128). The standard error
	// of a Jaccard estimate is sqrt(J(1-J)/K) ≤ 0.5/sqrt(K).
	K int
	// Seed selects the hash functions; 0 is a valid seed. Signatures are
	// comparable only when made with the same K and Seed.
	Seed uint64
}

// MinWise signs shingle sets with k min-wise hashes, using
// github.com/dgryski/go-minhash.
//
// Each shingle is pushed as its 8 little-endian bytes. go-minhash derives the
// i-th hash of an element as h1 + i·h2 (mod 2⁶⁴) from two base hashes, here:
//
//	h1(x) = fmix64(x ⊕ s1)        (MurmurHash3's 64-bit finaliser)
//	h2(x) = mix13(x ⊕ s2) | 1     (SplitMix64's finaliser, forced odd)
//
// where s1 and s2 are derived from the seed with SplitMix64. Both finalisers
// are bijections of uint64, so distinct shingles get distinct h1. h2 is forced
// odd so that i·h2 takes k distinct values: with an even h2 (in the extreme,
// h2 = 0) several or all of the k hashes of an element would coincide and the
// signature would degenerate to fewer independent minima.
//
// Signing costs O(n·k) for n shingles. A MinWise is safe for concurrent use:
// per-call state comes from a sync.Pool, so Sign does not allocate when dst
// has capacity k (except when the pool has been emptied by a garbage
// collection).
type MinWise struct {
	k      int
	s1, s2 uint64
	pool   sync.Pool // of *minWiseState
}

type minWiseState struct {
	mw  *minhash.MinWise
	buf [8]byte
}

// NewMinWise returns a MinWise signer. It returns an error wrapping
// ErrInvalidConfig if cfg.K is negative.
func NewMinWise(cfg MinWiseConfig) (*MinWise, error) {
	k := cfg.K
	if k == 0 {
		k = DefaultK
	}
	if k < 0 {
		return nil, fmt.Errorf("similarity: MinWiseConfig.K = %d, want >= 0: %w", cfg.K, ErrInvalidConfig)
	}
	st := cfg.Seed
	m := &MinWise{k: k}
	m.s1 = splitmix64(&st)
	m.s2 = splitmix64(&st)
	s1, s2 := m.s1, m.s2
	h1 := func(b []byte) uint64 { return fmix64(binary.LittleEndian.Uint64(b) ^ s1) }
	h2 := func(b []byte) uint64 { return mix13(binary.LittleEndian.Uint64(b)^s2) | 1 }
	m.pool.New = func() any {
		return &minWiseState{mw: minhash.NewMinWise(h1, h2, k)}
	}
	return m, nil
}

// K returns the signature length.
func (m *MinWise) K() int { return m.k }

// Sign returns the signature of the set of shingles in dst's storage. The
// signature of the empty set has all values math.MaxUint64.
func (m *MinWise) Sign(dst Signature, shingles []uint64) Signature {
	st := m.pool.Get().(*minWiseState)
	mins := st.mw.Signature() // go-minhash's internal slice: reset in place.
	for i := range mins {
		mins[i] = empty
	}
	for _, x := range shingles {
		binary.LittleEndian.PutUint64(st.buf[:], x)
		st.mw.Push(st.buf[:])
	}
	dst = append(dst[:0], mins...)
	m.pool.Put(st)
	return dst
}

// Estimate returns the fraction of positions at which a and b agree, an
// unbiased estimate of the Jaccard similarity of the sets they were made
// from (when made by the same signer). Positions where both values are
// math.MaxUint64 (no shingle) do not count as agreement, so two empty-set
// signatures estimate 0, like Jaccard(∅, ∅). Signatures of different or zero
// length return 0.
func Estimate(a, b Signature) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	b = b[:len(a)]
	eq := 0
	for i, v := range a {
		if v == b[i] && v != empty {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// Merge returns in dst's storage the element-wise minimum of a and b. For
// MinWise signatures of sets A and B made by the same signer, that is exactly
// the signature of A ∪ B. (OPH signatures are densified and do not merge
// exactly; see OPH.) dst may be a[:0] or b[:0]. If len(a) != len(b), Merge
// returns dst[:0].
func Merge(dst, a, b Signature) Signature {
	if len(a) != len(b) {
		return dst[:0]
	}
	n := len(a)
	if cap(dst) < n {
		dst = make(Signature, n)
	}
	dst = dst[:n]
	b = b[:n]
	for i, v := range a {
		dst[i] = min(v, b[i])
	}
	return dst
}

// splitmix64 advances *state and returns the next SplitMix64 output.
func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	return mix13(*state)
}

// mix13 is SplitMix64's finaliser (Stafford's variant 13), a bijection.
func mix13(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// fmix64 is MurmurHash3's 64-bit finaliser, a bijection.
func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

var (
	_ Signer = (*MinWise)(nil)
	_ Signer = (*OPH)(nil)
)
