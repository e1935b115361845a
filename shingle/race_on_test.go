//go:build race

package shingle

// raceEnabled: the race detector is on, so testing.AllocsPerRun may count
// allocations made by its instrumentation and by sync.Pool, which drops
// items at random under -race.
const raceEnabled = true
