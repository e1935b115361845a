//go:build race

package similarity_test

// raceEnabled reports whether the race detector is on; it randomises
// sync.Pool behaviour and adds allocations, so zero-allocation assertions are
// skipped.
const raceEnabled = true
