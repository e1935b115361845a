package shingle

// NGrams appends the word n-gram shingles of a sequence of token hashes (as
// returned by TokenHashes, or Hash(seed, term) of Analyze's terms): for each
// run of n consecutive hashes, the XXH64 of the run as 8-byte little-endian
// words, exactly as Shingles computes them. Fewer than n (but at least one)
// hashes yield one shingle of all of them. It lets a caller that needs token
// hashes and shingles of several sizes analyze a text once. n < 1 is treated
// as 1.
func NGrams(dst []uint64, tokenHashes []uint64, n int, seed uint64) []uint64 {
	return wordShingles(dst, tokenHashes, max(n, 1), seed)
}
