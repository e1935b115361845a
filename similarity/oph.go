package similarity

import (
	"fmt"
	"math/bits"
)

// OPHConfig configures NewOPH. The zero value is valid.
type OPHConfig struct {
	// K is the signature length (number of bins); 0 means DefaultK (128).
	K int
	// Seed selects the hash functions; 0 is a valid seed. Signatures are
	// comparable only when made with the same K and Seed.
	Seed uint64
}

// OPH signs shingle sets by one-permutation hashing with optimal
// densification (A. Shrivastava, "Optimal Densification for Fast and Accurate
// Minwise Hashing", ICML 2017).
//
// Each shingle x is hashed once, h(x) = fmix64(x ⊕ s1), a bijection of
// uint64. The hash picks one of k equal-width bins, ⌊h·k/2⁶⁴⌋, and each bin
// keeps the minimum hash that falls into it. A bin that stays empty borrows
// the value of a non-empty bin found by probing bins j = g(i, 1), g(i, 2), …
// with a seeded hash g(i, a) = fmix64(mix13(i ⊕ s2) + a), the same for every set; this makes
// Pr[sig(A)[i] = sig(B)[i]] = J(A, B) for every position, as with MinWise.
// Probing falls back to a linear scan after 64·k attempts so that it always
// ends.
//
// Signing costs O(n + k·(k / non-empty bins)) instead of MinWise's O(n·k). For
// sets much smaller than k, most bins are borrowed and the estimate is noisier
// than MinWise's.
//
// Unlike MinWise signatures, densified OPH signatures cannot be combined with
// Merge: the element-wise minimum of two densified signatures is in general
// not the signature of the union.
//
// An OPH is safe for concurrent use. Sign does not allocate when dst has
// capacity k and k ≤ 1024.
type OPH struct {
	k      int
	s1, s2 uint64
}

// NewOPH returns an OPH signer. It returns an error wrapping ErrInvalidConfig
// if cfg.K is negative.
func NewOPH(cfg OPHConfig) (*OPH, error) {
	k := cfg.K
	if k == 0 {
		k = DefaultK
	}
	if k < 0 {
		return nil, fmt.Errorf("similarity: OPHConfig.K = %d, want >= 0: %w", cfg.K, ErrInvalidConfig)
	}
	// Seed derivation differs from MinWise's (extra constant) so that a
	// MinWise and an OPH with the same seed use unrelated hashes.
	st := cfg.Seed ^ 0x6f70685f7369676e // "oph_sign"
	o := &OPH{k: k}
	o.s1 = splitmix64(&st)
	o.s2 = splitmix64(&st)
	return o, nil
}

// K returns the signature length.
func (o *OPH) K() int { return o.k }

// Sign returns the signature of the set of shingles in dst's storage. The
// signature of the empty set has all values math.MaxUint64.
func (o *OPH) Sign(dst Signature, shingles []uint64) Signature {
	k := o.k
	if cap(dst) < k {
		dst = make(Signature, k)
	}
	dst = dst[:k]
	for i := range dst {
		dst[i] = empty
	}
	uk := uint64(k)
	for _, x := range shingles {
		h := min(fmix64(x^o.s1), empty-1) // keep empty as the "no value" mark
		bin, _ := bits.Mul64(h, uk)
		if h < dst[bin] {
			dst[bin] = h
		}
	}

	// Record which bins were filled by shingles; densification reads only
	// those.
	var stack [16]uint64
	var full []uint64
	if n := (k + 63) / 64; n <= len(stack) {
		full = stack[:n]
	} else {
		full = make([]uint64, n)
	}
	nfull := 0
	for i, v := range dst {
		if v != empty {
			full[i>>6] |= 1 << (i & 63)
			nfull++
		}
	}
	if nfull == 0 || nfull == k {
		return dst
	}
	isFull := func(j int) bool { return full[j>>6]&(1<<(j&63)) != 0 }
	maxAttempts := 64 * uint64(k)
	for i := range dst {
		if isFull(i) {
			continue
		}
		j := -1
		base := mix13(uint64(i) ^ o.s2)
		for a := uint64(1); a <= maxAttempts; a++ {
			c, _ := bits.Mul64(fmix64(base+a), uk)
			if isFull(int(c)) {
				j = int(c)
				break
			}
		}
		if j < 0 { // practically unreachable: probability about e^-64
			j = i
			for !isFull(j) {
				j = (j + 1) % k
			}
		}
		dst[i] = dst[j]
	}
	return dst
}
