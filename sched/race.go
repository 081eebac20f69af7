//go:build race

package sched

// Under the race detector the scheduler randomizes the choices that tests
// might otherwise come to depend on, as Go's runtime does
// (randomizeScheduler): half the actors woken by a send skip the next slot,
// and steal rounds visit victims in a random order.

// randomized is set in race builds.
const randomized = true

// useNext reports whether a woken actor goes to the next slot: at random.
func useNext(w *worker) bool { return w.random()&1 == 0 }

// stealStep returns the i-th victim offset of a steal round over n
// workers: a random offset each time (a victim may be visited twice or
// skipped: the worker looks again before it parks for long).
func stealStep(w *worker, i, n int) int { return int(w.random() % uint64(n)) }
