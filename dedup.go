package storyclust

import (
	"fmt"

	"github.com/storyclust/storyclust/similarity"
)

// union-find with deterministic roots: the root of a set is decided by the
// caller's preference function.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(x int) int {
	for u[x] != x {
		u[x] = u[u[x]]
		x = u[x]
	}
	return x
}

func (u unionFind) union(a, b int) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if b < a {
		a, b = b, a
	}
	u[b] = a
}

// duplicates returns, for every doc, the index of its duplicate group's
// representative (itself when it is not a duplicate).
func (p *Pipeline) duplicates(docs []doc) ([]int, error) {
	lsh, err := similarity.NewLSH(p.dupLSH)
	if err != nil {
		return nil, err
	}
	var sig similarity.Signature
	exact := map[string][]int{} // short texts: exact token sequence
	for k := range docs {
		d := &docs[k]
		if len(d.dup) < p.cfg.DupMinShingles {
			if len(d.dup) > 0 {
				key := fmt.Sprint(d.dup)
				exact[key] = append(exact[key], k)
			}
			continue
		}
		sig = p.signer.Sign(sig[:0], d.dup)
		if err := lsh.Insert(k, sig); err != nil {
			return nil, err
		}
	}
	uf := newUnionFind(len(docs))
	for _, pr := range lsh.Pairs(nil) {
		a, b := docs[pr.A].dup, docs[pr.B].dup
		if len(a) > len(b) {
			a, b = b, a
		}
		if similarity.Containment(a, b) >= p.cfg.DupThreshold {
			uf.union(pr.A, pr.B)
		}
	}
	for _, ks := range exact {
		for _, k := range ks[1:] {
			uf.union(ks[0], k)
		}
	}
	// Choose each group's representative: the earliest published (known
	// dates first), then the longest, then the smallest id.
	best := map[int]int{}
	for k := range docs {
		r := uf.find(k)
		b, ok := best[r]
		if !ok || betterOriginal(&docs[k], &docs[b]) {
			best[r] = k
		}
	}
	rep := make([]int, len(docs))
	for k := range docs {
		rep[k] = best[uf.find(k)]
	}
	return rep, nil
}

func betterOriginal(a, b *doc) bool {
	az, bz := a.published.IsZero(), b.published.IsZero()
	if az != bz {
		return !az
	}
	if !az && !a.published.Equal(b.published) {
		return a.published.Before(b.published)
	}
	if a.length != b.length {
		return a.length > b.length
	}
	return a.art.ID < b.art.ID
}
