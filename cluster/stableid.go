package cluster

import (
	"crypto/sha256"
	"encoding/hex"
)

// StableID returns an id for a story made of the given member ids:
// "s-" followed by the first 12 hex digits (48 bits) of the SHA-256 of the
// lexicographically smallest member id. It returns "" for no members.
//
// The id depends on one member only, so it survives members joining (unless
// a new member sorts first) and members other than the smallest leaving, and
// does not depend on the order of memberIDs. An id derived from all members
// would change whenever a story grows. Two stories share an id only if they
// share their smallest member or the 48-bit prefixes collide (about n²/2⁴⁹
// for n stories).
func StableID(memberIDs []string) string {
	if len(memberIDs) == 0 {
		return ""
	}
	m := memberIDs[0]
	for _, id := range memberIDs[1:] {
		if id < m {
			m = id
		}
	}
	sum := sha256.Sum256([]byte(m))
	var buf [2 + 12]byte
	buf[0], buf[1] = 's', '-'
	hex.Encode(buf[2:], sum[:6])
	return string(buf[:])
}
