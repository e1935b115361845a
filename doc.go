// Package storyclust finds duplicate news articles and groups the coverage of
// one event into a story.
//
// A Pipeline takes a batch of Articles and does, in one pass:
//
//  1. Furniture removal: page furniture (teasers ending in an ellipsis,
//     cookie and consent notices, "Your comment", "Related posts", "Latest
//     news" and the like, and lines repeated across MinRepeat articles of one
//     source) is dropped before anything is shingled.
//  2. Analysis (package shingle): Unicode normalization, tokenization,
//     stopwords and Snowball stemming in the article's language.
//  3. Duplicate tier: word DupShingle-grams of the cleaned text, MinHash
//     signatures (one-permutation hashing by default, see Config.DupSigner)
//     and LSH banding (package similarity) propose candidate pairs, which are verified exactly: at least DupThreshold of the
//     shorter article's shingles, and of its paragraphs, must be found in
//     the longer one (the paragraph check keeps two pages that share one
//     long block, such as a photo gallery, apart). Verified pairs form duplicate
//     groups; each group's representative is its earliest published member
//     (then the longest, then the smallest id), and the other members are
//     marked as duplicates of it.
//  4. Story tier, over the representatives: TF-IDF vectors of content terms
//     (title terms and names weighted up) plus a name part (NameWeight), so
//     that the similarity is a mix of the cosine over all terms and the
//     cosine over names, lowered by the gap between publication dates when
//     both are known. Every pair whose similarity reaches StoryFloor is
//     found exactly (an all-pairs search over an inverted index of each
//     vector's heaviest terms; dated articles only against those published
//     within the window the time decay leaves open), then agglomerative
//     clustering (package cluster) of that graph with the StoryCut distance
//     cut, weaker pairs counting as similarity 0. Duplicates join their
//     representative's story. The streaming Index proposes story candidates
//     with MinHash + LSH over the TopTerms heaviest terms instead.
//
// # Conventions
//
// The zero Config is the default configuration; New validates a Config once.
// Errors wrap the package's sentinel errors (ErrMissingID, ErrDuplicateID,
// ErrArticleTooLarge, ErrInvalidConfig, ErrUnknownLanguage) and name the
// article or field at fault.
//
// Results are deterministic: the same articles and Config give the same
// duplicates, the same partition and the same story ids in any input order
// and with any GOMAXPROCS. A story id is derived from the smallest member id
// (see cluster.StableID), so it does not depend on the order of arrival.
//
// # Goroutine safety
//
// A Pipeline is safe for concurrent use: Run and Dedup may be called from
// many goroutines at once; each call works on its own state. Furniture
// removal, analysis, signing and candidate generation inside one call use
// GOMAXPROCS goroutines. A Prefetcher (one per Dedup call, used from one
// goroutine) starts the per-article work in the background while the batch
// is being read.
package storyclust
