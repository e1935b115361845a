// Package similarity estimates and computes set similarity between documents
// represented as sets of uint64 shingles, and finds candidate near-duplicate
// pairs with a locality-sensitive hashing (LSH) banding index.
//
// # Pieces
//
//   - [Jaccard] and [Containment] compute exact similarities of sorted,
//     duplicate-free shingle sets by a merge walk, without allocating.
//   - A [Signer] turns a shingle set into a fixed-length MinHash [Signature].
//     [MinWise] wraps github.com/dgryski/go-minhash (k independent min-wise
//     hashes per shingle, O(n·k)); [OPH] is one-permutation hashing with
//     optimal densification (Shrivastava, ICML 2017), O(n+k).
//     [Estimate] turns two signatures into a Jaccard estimate and [Merge]
//     combines two MinWise signatures into the signature of the union.
//   - [LSH] is a banding index over signatures: a signature of length k is
//     cut into b bands of r rows (b·r ≤ k), and two documents become
//     candidates when all r values of at least one band agree. For Jaccard
//     similarity s the probability of that is P(s) = 1-(1-s^r)^b.
//     [OptimalParams] picks b and r for a similarity threshold t.
//
// # Choosing bands and rows
//
// [OptimalParams] follows the method of the Python library datasketch
// (MinHashLSH._optimal_param): among all b ≥ 1, r ≥ 1 with b·r ≤ k it picks
// the pair minimising
//
//	fpWeight·∫₀ᵗ P(s) ds + fnWeight·∫ₜ¹ (1-P(s)) ds,
//
// the weighted areas under the S-curve below the threshold (false positives)
// and above it (false negatives), assuming similarities spread uniformly on
// [0, 1]. The integrals are computed numerically (adaptive Simpson, error below
// about 1e-10). Pairs are scanned with b ascending, then r ascending, and a
// pair replaces the best so far only if its cost is strictly lower, as in
// datasketch. The default weights are 0.5 and 0.5.
//
// # Conventions
//
// Shingle sets passed to [Jaccard] and [Containment] must be sorted ascending
// and free of duplicates; the results on other input are meaningless but never
// panic. A [Signer] accepts shingles in any order, with or without duplicates:
// a signature depends only on the set of values.
//
// Empty sets: Jaccard(∅, ∅) = 0 and Containment(∅, b) = 0, so an empty
// document is never similar to anything, not even to another empty document.
// Signatures follow the same rule: the signature of the empty set has every
// value equal to math.MaxUint64, [Estimate] never counts a position where both
// values are math.MaxUint64 as agreement, and [LSH] never puts a band whose
// values are all math.MaxUint64 in a bucket. (A non-empty set produces the
// value math.MaxUint64 only with probability about n·2⁻⁶⁴ per position.)
//
// Ownership of dst: functions and methods of the form F(dst, ...) return
// their result in dst's storage: they truncate dst to length zero, append the
// result, and return the possibly grown slice. They do not allocate when
// cap(dst) is large enough. The caller owns the returned slice; the package
// never keeps a reference to it, nor to signatures passed to [LSH.Insert]
// (their band keys are computed and the slice is not retained).
//
// Determinism: signatures depend only on the shingle set, the signature
// length k and the seed; they are identical across runs, processes, machines
// and versions of this package (golden files in testdata guard this).
// Signatures are comparable only when made by the same kind of signer with the
// same k and seed. Query and Pairs results are sorted, so they do not depend
// on map iteration order.
//
// Concurrency: [MinWise] and [OPH] are safe for concurrent use by multiple
// goroutines. [LSH] is safe for concurrent use: Query, Pairs, Len, Bands and
// Rows may run concurrently with each other and with Insert and Remove
// (a sync.RWMutex serialises writers).
//
// Errors: constructors validate their configuration once and return errors
// wrapping [ErrInvalidConfig]; [LSH.Insert] returns errors wrapping
// [ErrDuplicateID] or [ErrSignatureLength]. Test with errors.Is. Nothing in
// this package panics on user input.
package similarity
