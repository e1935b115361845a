// Package cluster groups the nodes of a sparse similarity graph by
// agglomerative clustering, gives stories stable ids, and scores a
// clustering against a gold standard.
//
// # Model
//
// The input is n nodes and a list of candidate pairs ([Edge]) with a
// similarity in [0, 1]; the distance of a pair is 1 − similarity, and a
// pair without an edge has similarity 0 (distance 1). [Clusterer.Cluster]
// merges clusters while their linkage distance ([Average], [Single] or
// [Complete]) is <= Config.Cut, and never merges two clusters that no edge
// joins, so clusters never span connected components (this matters only at
// Cut = 1, where the missing pairs' distance 1 would otherwise be within the
// cut: there every connected component becomes one cluster).
//
// # Algorithm
//
//  1. Edges are validated, normalised and deduplicated (keeping the largest
//     similarity) with two counting-sort passes: O(n + E).
//  2. The "strong" edges, those with 1 − sim <= Cut, form a gonum
//     graph.Undirected (a compressed-sparse-row view; gonum's
//     simple.UndirectedGraph stores maps of maps and is about 20 times
//     slower at a million edges) whose components are found by
//     topo.ConnectedComponents: O(n + E). Every merge needs a strong edge
//     between the two clusters — single linkage by definition; complete
//     linkage because all pairs must be within the cut; average linkage
//     because a mean similarity >= 1 − Cut needs one pair at least that
//     similar — so clusters are subsets of these components and each
//     component is clustered on its own, using all its edges, strong and
//     weak (weak edges still count in an average).
//  3. Components that are trivially one cluster need no linkage: single
//     linkage at a cut is exactly the components of the strong-edge graph,
//     every component at Cut = 1, and every two-node component.
//  4. Other components are agglomerated with a nearest-neighbour chain
//     (Murtagh 1983; Müllner 2011), which is exact for the three linkages
//     because they are reducible: d(A∪B, C) >= min(d(A, C), d(B, C)). It
//     keeps per cluster pair the sum (average) or minimum (complete) of the
//     member-pair similarities. A component of k <= Config.MaxDense nodes
//     uses a dense k×k mat.SymDense: O(k²) time and 8k² bytes (32 MiB at the
//     default 2048). A larger component uses the sparse path, which stores
//     only pairs joined by an edge in one hash map per cluster: memory
//     O(k + e) for e edges inside the component, time O(e log k) for the
//     merges (the smaller map is folded into the larger) plus the
//     nearest-neighbour scans, O(degree) each and O(k) scans in all — about
//     O(k·e) in the worst case, near-linear for sparse graphs. Both paths
//     take the same decisions from bit-identical values, so the partition
//     does not depend on MaxDense; only memory and time do.
//
// With Config.Cohesion (average linkage), the chain also tracks each
// cluster's inner similarity sum; when reciprocal nearest neighbours of at
// least MinCohesionGroup nodes each are linked by less than Cohesion times
// the smaller of their mean inner similarities, their pair sum is set to
// -Inf instead of merging them. A sum of -Inf stays -Inf through merges, so
// every later union holding the two stays unlinked, and distances only
// grow: the linkage stays reducible and the chain exact (the tests compare
// it with the textbook agglomeration that checks the same rule from
// scratch). Cost: O(1) per merge.
//
// So the whole call is near-linear in n + E outside the linkage of large
// components: 200k nodes and 1M edges in stories of 5..50 take about 0.2 s
// on one core. Memory: pooled, reused scratch of about 60 bytes per edge and
// 40 per node, plus 8k² bytes for the largest dense component k (32 MiB at
// the default MaxDense); gonum's traversal allocates about 200 bytes per
// node with a strong edge on every call; the sparse path allocates its maps
// per call, about 250 bytes per edge of the large components (a 100k-node
// component with 600k edges: 0.5–1 s, 90–140 MB). Past MaxDense nothing
// grows quadratically; only time can, in the worst case above.
//
// # Determinism
//
// The partition depends only on n, the set of edges (after deduplication)
// and Config, never on the order of edges, GOMAXPROCS or map iteration order
// (no goroutines are used). Ties between equal linkage distances are broken
// by node index: a chain starts at the alive cluster with the smallest label
// (its smallest node), and among equally near neighbours the chain's
// previous cluster wins, then the smallest label. Labels are the smallest
// node index of each cluster.
//
// # Stable ids
//
// Labels are positions, not ids. [StableID] derives a story id from the
// smallest member id only, so the id survives members joining; the caller
// supplies member ids.
//
// # Metrics
//
// [BCubed], [Pairwise], [ARI] and [NMI] compare a predicted labeling with a
// gold one over the same items; labels of any comparable type name the
// clusters. ARI and NMI follow scikit-learn's adjusted_rand_score and
// normalized_mutual_info_score (arithmetic-mean normalisation), including
// their conventions for trivial partitions; see each function.
//
// # Conventions
//
// Ownership of dst: [Clusterer.Cluster] truncates dst to length zero,
// appends one label per node and returns the possibly grown slice; it does
// not allocate for the result when cap(dst) >= n. The package keeps no
// reference to dst or edges.
//
// Concurrency: a [Clusterer] is immutable after [New] and safe for
// concurrent use; each call takes its own scratch space from a pool. The
// metric functions and [StableID] are pure.
//
// Errors: [New] returns errors wrapping [ErrInvalidConfig]; Cluster returns
// errors wrapping [ErrInvalidEdge] for an out-of-range node, a self loop or a
// similarity that is NaN or outside [0, 1]; the metrics return errors
// wrapping [ErrLengthMismatch] or [ErrEmpty]. Test with errors.Is. Nothing in
// the package panics on user input.
package cluster
