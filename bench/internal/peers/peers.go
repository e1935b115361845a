// Package peers runs near-duplicate candidate generation the way the issue
// measured it, with several MinHash implementations on the same text:
//
//   - Ekzhu: github.com/ekzhu/minhash-lsh (its Minhash signer, which wraps
//     go-minhash with FNV-1a hashes, and its LSH: Add, Index, Query);
//   - GoMinhash: github.com/dgryski/go-minhash's MinWise used directly, with
//     a plain map per band;
//   - MinWise and OPH: storyclust's similarity.MinWise (go-minhash) and
//     similarity.OPH (one-permutation hashing with optimal densification),
//     both with storyclust's similarity.LSH;
//   - HashOnly: tokenizing and shingling alone, the floor under all of them.
//
// All of them use the parameters: 128 hash values, word 5-gram
// shingles, 32 bands of 4 rows. They share one tokenizer, storyclust's
// shingle package without a language (no stopwords, no stemming), so the
// differences between them are signing and indexing alone. Every one
// starts from the article texts and ends with the list of candidate pairs.
package peers

import (
	"encoding/binary"
	"fmt"
	"slices"

	minhash "github.com/dgryski/go-minhash"
	minhashlsh "github.com/ekzhu/minhash-lsh"

	"github.com/storyclust/storyclust/shingle"
	"github.com/storyclust/storyclust/similarity"
)

// The parameters.
const (
	K     = 128
	Bands = 32
	Rows  = 4
	WordN = 5
	// EkzhuThreshold makes ekzhu/minhash-lsh choose 32 bands of 4 rows for
	// 128 hash values (its constructor takes a threshold, not b and r).
	EkzhuThreshold = 0.4
	// Seed seeds every signer.
	Seed = 1
)

// Algo is one way from texts to candidate pairs.
type Algo struct {
	Name string
	// Pairs returns the candidate pairs among texts, as indices {i, j}
	// with i < j, in no particular order.
	Pairs func(texts []string) ([][2]int32, error)
}

// Algos returns the peers in a fixed order: HashOnly, Ekzhu, GoMinhash,
// MinWise, OPH.
func Algos() []Algo {
	return []Algo{
		{"hash-only", HashOnly},
		{"ekzhu/minhash-lsh", Ekzhu},
		{"go-minhash+bands", GoMinhash},
		{"storyclust MinWise+LSH", MinWise},
		{"storyclust OPH+LSH", OPH},
	}
}

// ByName returns the Algo with the given name or short name (hash, ekzhu,
// gominhash, minwise, oph).
func ByName(name string) (Algo, error) {
	short := map[string]int{"hash": 0, "ekzhu": 1, "gominhash": 2, "minwise": 3, "oph": 4}
	as := Algos()
	if i, ok := short[name]; ok {
		return as[i], nil
	}
	for _, a := range as {
		if a.Name == name {
			return a, nil
		}
	}
	return Algo{}, fmt.Errorf("unknown algorithm %q (want hash, ekzhu, gominhash, minwise or oph)", name)
}

// NewShingler returns the shared tokenizer: word 5-grams, no language.
func NewShingler() *shingle.Shingler {
	s, err := shingle.New(shingle.Config{WordN: WordN, Seed: Seed})
	if err != nil {
		panic(err) // a constant, valid configuration
	}
	return s
}

// shingles returns the sorted, distinct word 5-gram shingles of text in
// dst's storage.
func shingles(s *shingle.Shingler, dst []uint64, text string) []uint64 {
	return shingle.SortUnique(s.Shingles(dst[:0], text))
}

// HashOnly tokenizes and shingles every text and returns no pairs.
func HashOnly(texts []string) ([][2]int32, error) {
	s := NewShingler()
	var set []uint64
	for _, t := range texts {
		set = shingles(s, set, t)
	}
	return nil, nil
}

// Ekzhu signs with ekzhu/minhash-lsh's Minhash (one per document, each
// shingle pushed as its 8 little-endian bytes), adds every signature to its
// MinhashLSH (the default constructor, which keys bands by 32-bit values, as
// the package's own all-pairs command does), indexes, and queries every
// document.
func Ekzhu(texts []string) ([][2]int32, error) {
	s := NewShingler()
	lsh := minhashlsh.NewMinhashLSH(K, EkzhuThreshold)
	if r, b := lsh.Params(); r != Rows || b != Bands {
		return nil, fmt.Errorf("ekzhu/minhash-lsh chose %d bands x %d rows, want %d x %d", b, r, Bands, Rows)
	}
	sigs := make([][]uint64, len(texts))
	var (
		set []uint64
		buf [8]byte
	)
	for i, t := range texts {
		set = shingles(s, set, t)
		mh := minhashlsh.NewMinhash(Seed, K)
		for _, x := range set {
			binary.LittleEndian.PutUint64(buf[:], x)
			mh.Push(buf[:])
		}
		sigs[i] = mh.Signature()
		lsh.Add(i, sigs[i])
	}
	lsh.Index()
	var pairs [][2]int32
	for i, sig := range sigs {
		for _, key := range lsh.Query(sig) {
			if j := key.(int); j > i {
				pairs = append(pairs, [2]int32{int32(i), int32(j)})
			}
		}
	}
	return pairs, nil
}

func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// GoMinhash signs with go-minhash's MinWise (one per document; two cheap
// 64-bit mixers of the shingle as its base hashes) and finds candidates
// with a plain map from band hash to documents, one map per band.
func GoMinhash(texts []string) ([][2]int32, error) {
	s := NewShingler()
	h1 := func(b []byte) uint64 { return fmix64(binary.LittleEndian.Uint64(b) ^ 0x9e3779b97f4a7c15) }
	h2 := func(b []byte) uint64 { return fmix64(binary.LittleEndian.Uint64(b)^0xbf58476d1ce4e5b9) | 1 }
	var bands [Bands]map[uint64][]int32
	for b := range bands {
		bands[b] = map[uint64][]int32{}
	}
	var (
		set []uint64
		buf [8]byte
	)
	for i, t := range texts {
		set = shingles(s, set, t)
		if len(set) == 0 {
			continue
		}
		mw := minhash.NewMinWise(h1, h2, K)
		for _, x := range set {
			binary.LittleEndian.PutUint64(buf[:], x)
			mw.Push(buf[:])
		}
		sig := mw.Signature()
		for b := range bands {
			key := uint64(b)
			for _, v := range sig[b*Rows : (b+1)*Rows] {
				key = fmix64(key ^ v)
			}
			bands[b][key] = append(bands[b][key], int32(i))
		}
	}
	var packed []uint64
	for b := range bands {
		for _, ids := range bands[b] {
			for x := 0; x < len(ids); x++ {
				for y := x + 1; y < len(ids); y++ {
					packed = append(packed, uint64(ids[x])<<32|uint64(ids[y]))
				}
			}
		}
	}
	slices.Sort(packed)
	packed = slices.Compact(packed)
	pairs := make([][2]int32, len(packed))
	for i, p := range packed {
		pairs[i] = [2]int32{int32(p >> 32), int32(uint32(p))}
	}
	return pairs, nil
}

// MinWise is storyclust's similarity.MinWise with similarity.LSH.
func MinWise(texts []string) ([][2]int32, error) {
	m, err := similarity.NewMinWise(similarity.MinWiseConfig{K: K, Seed: Seed})
	if err != nil {
		return nil, err
	}
	return withSigner(texts, m)
}

// OPH is storyclust's similarity.OPH with similarity.LSH.
func OPH(texts []string) ([][2]int32, error) {
	o, err := similarity.NewOPH(similarity.OPHConfig{K: K, Seed: Seed})
	if err != nil {
		return nil, err
	}
	return withSigner(texts, o)
}

func withSigner(texts []string, signer similarity.Signer) ([][2]int32, error) {
	s := NewShingler()
	lsh, err := similarity.NewLSH(similarity.LSHConfig{K: K, Bands: Bands, Rows: Rows})
	if err != nil {
		return nil, err
	}
	var (
		set []uint64
		sig similarity.Signature
	)
	for i, t := range texts {
		set = shingles(s, set, t)
		sig = signer.Sign(sig[:0], set)
		if err := lsh.Insert(i, sig); err != nil {
			return nil, err
		}
	}
	ps := lsh.Pairs(nil)
	pairs := make([][2]int32, len(ps))
	for i, p := range ps {
		pairs[i] = [2]int32{int32(p.A), int32(p.B)}
	}
	return pairs, nil
}
