package similarity

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"sync"
)

// LSHConfig configures NewLSH. The zero value is valid: K = 128,
// Threshold = 0.5, bands and rows from OptimalParams with weights 0.5/0.5.
type LSHConfig struct {
	// K is the signature length; 0 means DefaultK (128). Insert rejects
	// signatures of any other length.
	K int
	// Threshold is the Jaccard similarity the index is tuned for, in (0, 1);
	// 0 means 0.5. It is used only when Bands and Rows are 0.
	Threshold float64
	// Bands and Rows override OptimalParams: set both (Bands·Rows ≤ K) or
	// neither. Only the first Bands·Rows signature values are used.
	Bands, Rows int
	// FPWeight and FNWeight weight the false-positive and false-negative
	// areas in OptimalParams; both 0 means 0.5 and 0.5.
	FPWeight, FNWeight float64
}

// Pair is a candidate pair of document ids, A < B.
type Pair struct{ A, B int }

// noKey marks a band that is not bucketed (all its values are empty).
const noKey = 0

// LSH is a banding index over MinHash signatures. Two documents are
// candidates when all values of at least one band of their signatures agree,
// which for Jaccard similarity s happens with probability 1-(1-s^r)^b.
//
// Each band has a map from a 64-bit hash of the band's values (mixed with the
// band index) to the documents with that key; a (vanishingly rare) 64-bit
// collision between different band contents makes an extra candidate, never
// a missed one. Per document the index keeps its b band keys, so Remove does
// not need the signature. A band whose values are all math.MaxUint64 (the
// empty-set signature) is not bucketed, so empty documents are never
// candidates.
//
// An LSH is safe for concurrent use by multiple goroutines.
type LSH struct {
	k, bands, rows int

	mu      sync.RWMutex
	buckets []map[uint64][]int // per band: key -> slots
	slotOf  map[int]int        // id -> slot
	ids     []int              // slot -> id
	keys    []uint64           // slot*bands+band -> band key
	free    []int              // unused slots
}

// NewLSH returns an empty index. Invalid configurations return an error
// wrapping ErrInvalidConfig.
func NewLSH(cfg LSHConfig) (*LSH, error) {
	k := cfg.K
	if k == 0 {
		k = DefaultK
	}
	if k < 0 {
		return nil, fmt.Errorf("similarity: LSHConfig.K = %d, want >= 0: %w", cfg.K, ErrInvalidConfig)
	}
	t := cfg.Threshold
	if t == 0 {
		t = 0.5
	}
	if !(t > 0 && t < 1) {
		return nil, fmt.Errorf("similarity: LSHConfig.Threshold = %v, want 0 < t < 1: %w", cfg.Threshold, ErrInvalidConfig)
	}
	b, r := cfg.Bands, cfg.Rows
	switch {
	case b == 0 && r == 0:
		fpw, fnw := cfg.FPWeight, cfg.FNWeight
		if fpw == 0 && fnw == 0 {
			fpw, fnw = 0.5, 0.5
		}
		var err error
		if b, r, err = OptimalParams(t, k, fpw, fnw); err != nil {
			return nil, err
		}
	case b < 1 || r < 1 || r > k/b:
		return nil, fmt.Errorf("similarity: LSHConfig.Bands = %d, Rows = %d, want both >= 1 with Bands*Rows <= K = %d, or both 0: %w",
			b, r, k, ErrInvalidConfig)
	}
	l := &LSH{
		k:       k,
		bands:   b,
		rows:    r,
		buckets: make([]map[uint64][]int, b),
		slotOf:  make(map[int]int),
	}
	for i := range l.buckets {
		l.buckets[i] = make(map[uint64][]int)
	}
	return l, nil
}

// Bands returns the number of bands b.
func (l *LSH) Bands() int { return l.bands }

// Rows returns the number of rows (signature values) per band r.
func (l *LSH) Rows() int { return l.rows }

// Len returns the number of indexed documents.
func (l *LSH) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.slotOf)
}

// Insert indexes the signature under id. It returns an error wrapping
// ErrSignatureLength if len(sig) differs from the configured K and one
// wrapping ErrDuplicateID if id is already indexed. sig is not retained.
func (l *LSH) Insert(id int, sig Signature) error {
	if len(sig) != l.k {
		return fmt.Errorf("similarity: LSH.Insert id %d: signature length %d, want %d: %w", id, len(sig), l.k, ErrSignatureLength)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.slotOf[id]; ok {
		return fmt.Errorf("similarity: LSH.Insert id %d: %w", id, ErrDuplicateID)
	}
	var slot int
	if n := len(l.free); n > 0 {
		slot = l.free[n-1]
		l.free = l.free[:n-1]
		l.ids[slot] = id
	} else {
		slot = len(l.ids)
		l.ids = append(l.ids, id)
		l.keys = slices.Grow(l.keys, l.bands)[:len(l.keys)+l.bands]
	}
	l.slotOf[id] = slot
	keys := l.keys[slot*l.bands : (slot+1)*l.bands]
	for band := range keys {
		key := bandKey(band, sig[band*l.rows:(band+1)*l.rows])
		keys[band] = key
		if key != noKey {
			l.buckets[band][key] = append(l.buckets[band][key], slot)
		}
	}
	return nil
}

// Remove deletes id from the index and reports whether it was present. It
// costs O(b + size of the document's buckets).
func (l *LSH) Remove(id int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	slot, ok := l.slotOf[id]
	if !ok {
		return false
	}
	keys := l.keys[slot*l.bands : (slot+1)*l.bands]
	for band, key := range keys {
		if key == noKey {
			continue
		}
		m := l.buckets[band]
		s := m[key]
		if i := slices.Index(s, slot); i >= 0 {
			s[i] = s[len(s)-1]
			s = s[:len(s)-1]
		}
		if len(s) == 0 {
			delete(m, key)
		} else {
			m[key] = s
		}
		keys[band] = noKey
	}
	delete(l.slotOf, id)
	l.free = append(l.free, slot)
	return true
}

// Query returns in dst's storage the ids of all indexed documents that share
// at least one band with sig, sorted ascending and without duplicates. If the
// document itself is indexed, its id is among the results. A signature of the
// wrong length, or one with no bucketed band, yields no candidates. Query
// does not allocate when cap(dst) suffices for the candidates before
// de-duplication (up to b entries per candidate).
func (l *LSH) Query(dst []int, sig Signature) []int {
	dst = dst[:0]
	if len(sig) != l.k {
		return dst
	}
	l.mu.RLock()
	for band := range l.bands {
		key := bandKey(band, sig[band*l.rows:(band+1)*l.rows])
		if key == noKey {
			continue
		}
		for _, slot := range l.buckets[band][key] {
			dst = append(dst, l.ids[slot])
		}
	}
	l.mu.RUnlock()
	slices.Sort(dst)
	return slices.Compact(dst)
}

// Pairs returns in dst's storage every candidate pair in the index: each pair
// of documents sharing at least one band, as Pair{A, B} with A < B, sorted by
// A then B, without duplicates. A pair is emitted once, from the first band
// the two share, so the work is proportional to Σ bucket size² over all
// buckets. Note that a bucket of m documents (for instance m identical
// documents) yields m(m-1)/2 pairs: the output is quadratic in the size of
// the largest group of near-duplicates, and no cap is applied.
func (l *LSH) Pairs(dst []Pair) []Pair {
	dst = dst[:0]
	l.mu.RLock()
	nb := l.bands
	for band, m := range l.buckets {
		for _, slots := range m {
			for i, si := range slots {
				ki := l.keys[si*nb : si*nb+band]
				for _, sj := range slots[i+1:] {
					if sharesEarlierBand(ki, l.keys[sj*nb:sj*nb+band]) {
						continue
					}
					a, b := l.ids[si], l.ids[sj]
					if a > b {
						a, b = b, a
					}
					dst = append(dst, Pair{a, b})
				}
			}
		}
	}
	l.mu.RUnlock()
	slices.SortFunc(dst, func(x, y Pair) int {
		if c := cmp.Compare(x.A, y.A); c != 0 {
			return c
		}
		return cmp.Compare(x.B, y.B)
	})
	return dst
}

// sharesEarlierBand reports whether two documents' keys for the bands before
// the current one have a bucketed band in common.
func sharesEarlierBand(a, b []uint64) bool {
	b = b[:len(a)]
	for i, k := range a {
		if k == b[i] && k != noKey {
			return true
		}
	}
	return false
}

// bandKey hashes the values of one band together with the band index. It
// returns noKey if every value is empty, and never returns noKey otherwise.
func bandKey(band int, vals []uint64) uint64 {
	const (
		p1 = 0x9e3779b185ebca87
		p2 = 0xc2b2ae3d27d4eb4f
	)
	h := uint64(band)*p1 ^ 0x27d4eb2f165667c5
	all := true
	for _, v := range vals {
		if v != empty {
			all = false
		}
		h = bits.RotateLeft64(h+v*p2, 31) * p1
	}
	if all {
		return noKey
	}
	h = fmix64(h ^ uint64(len(vals)))
	if h == noKey {
		h = 1
	}
	return h
}
