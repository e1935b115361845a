package shingle

import (
	"hash/maphash"
	"sync"
)

const (
	// cacheShards is the number of independently locked shards of a cache.
	cacheShards = 64
	// defaultCacheEntries bounds each language's stem cache (and the term
	// intern cache): about 131k words, a few tens of MB at most.
	defaultCacheEntries = 1 << 17
	// maxCachedLen is the longest word that is cached (and stemmed).
	maxCachedLen = 64
)

var cacheSeed = maphash.MakeSeed()

// termCache memoizes a pure function of a word (a stemmer, or the identity
// for interning). It is safe for concurrent use: a word is mapped to one of
// cacheShards shards by hash, each with its own RWMutex, and looked up under
// the read lock with m[string(b)], which does not allocate.
//
// Bound and eviction policy: each shard holds at most entries/cacheShards
// words; inserting into a full shard first empties that shard. This keeps
// memory bounded with O(1) work per insertion; a cleared shard refills with
// the words still in use. Values are never modified after insertion, so a
// value returned before an eviction stays valid (it is just no longer
// shared).
type termCache struct {
	perShard int
	fn       func(string) string
	shards   [cacheShards]cacheShard
}

type cacheShard struct {
	mu sync.RWMutex
	m  map[string][]byte
	_  [32]byte // keep shards on separate cache lines
}

func newTermCache(entries int, fn func(string) string) *termCache {
	per := entries / cacheShards
	if per < 1 {
		per = 1
	}
	return &termCache{perShard: per, fn: fn}
}

// get returns fn(w) as read-only bytes.
func (c *termCache) get(w []byte) []byte {
	sh := &c.shards[maphash.Bytes(cacheSeed, w)%cacheShards]
	sh.mu.RLock()
	v, ok := sh.m[string(w)]
	sh.mu.RUnlock()
	if ok {
		return v
	}
	key := string(w)
	v = []byte(c.fn(key))
	v = v[:len(v):len(v)]
	sh.mu.Lock()
	if sh.m == nil {
		sh.m = make(map[string][]byte)
	} else if len(sh.m) >= c.perShard {
		clear(sh.m)
	}
	sh.m[key] = v
	sh.mu.Unlock()
	return v
}

// len returns the number of cached words.
func (c *termCache) len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.RLock()
		n += len(sh.m)
		sh.mu.RUnlock()
	}
	return n
}

// internCache holds read-only copies of terms for Shingler.Analyze when no
// stemming is done.
var internCache = newTermCache(defaultCacheEntries, func(s string) string { return s })

// ownTerm returns a read-only copy of w that no scratch buffer shares: from
// the intern cache when w is short enough, else freshly allocated.
func ownTerm(w []byte) []byte {
	if len(w) <= maxCachedLen {
		return internCache.get(w)
	}
	return append([]byte(nil), w...)
}
