//go:build !race

package sched

// randomized is set in race builds, where the scheduler shakes its
// choices (race.go).
const randomized = false

// useNext reports whether a woken actor goes to the next slot.
func useNext(w *worker) bool { return true }

// stealStep returns the i-th victim offset of a steal round over n workers.
func stealStep(w *worker, i, n int) int { return i }
