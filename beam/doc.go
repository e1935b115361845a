// Package beam runs the storyclust pipeline on Apache Beam, for corpora
// beyond one machine. It is a nested module, so that the library's own
// dependencies stay lean.
//
// Build adds the pipeline to a Beam scope: JSON Lines in (the storyclust
// CLI's input format), one JSON line per article out (the CLI's cluster
// output, {"id","story","duplicate_of"}, in no particular order). Every step
// calls the root package's stages (storyclust/stages.go), the very code
// Pipeline.Run uses, and the batch-wide statistics of Run become Beam
// combines and joins:
//
//   - furniture: the number of articles per (source, line) key is a
//     combine (stats.Count), joined back to the articles whose keys reach
//     MinRepeat;
//   - duplicates: band keys of each article's MinHash signature are grouped
//     (articles sharing a band are candidates, exactly the pairs of Run's
//     LSH index), candidate pairs are joined with both documents and
//     verified, the duplicate groups are the connected components of the
//     verified pairs, and each group's representative is a combine;
//   - stories: document frequencies over the representatives are a combine
//     joined back by term, their number a singleton side input; each
//     vector's heaviest terms (Pipeline.StoryKeys: enough that the rest
//     stays below half the story floor) are grouped, so every pair whose
//     similarity reaches the floor shares a group; the candidate pairs are
//     scored after a join with both vectors and kept when they reach the
//     floor (the same edges as Run's exact search); the connected components of the strong
//     edges are clustered one per worker call with the library's
//     cluster.Clusterer, with every edge among their members.
//
// Connected components are distributed: the large-star/small-star
// algorithm, unrolled for Options.CCRounds rounds, with a final check that
// fails the pipeline when the graph has not converged (see
// ConnectedComponents). The result equals Pipeline.Run's on the same
// articles and configuration: the tests check it on the direct runner.
//
// # Conventions
//
// Options is the configuration; its zero value is storyclust's default
// configuration, and Build validates it once. DoFns are registered with the
// register package and rebuild their storyclust.Pipeline in Setup from the
// serialized Options. Errors in the input (a malformed line, a missing or
// repeated id, an article over MaxArticleBytes) fail the pipeline when it
// runs, with a message naming the article. The output is deterministic: the
// same input and Options give the same lines on any runner and with any
// parallelism; only their order varies.
package beam
