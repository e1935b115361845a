//go:build !race

package storyclust

// raceEnabled is true under the race detector, which makes the data-heavy
// tests 10-50x slower: they use smaller samples then.
const raceEnabled = false
