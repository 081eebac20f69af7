package interp

// This file defines random and random-float, and the generator behind
// them: one per actor, in its Machine, so that actors share no state.

import (
	"math/bits"

	"github.com/raftvm/raft/gc"
)

func init() {
	defBuiltin("random", 1, 1, func(m *Machine) error {
		n, err := m.intArg(0)
		if err != nil {
			return err
		}
		if n < 1 {
			return errBadarg
		}
		m.stack[m.sp] = gc.Int(int64(m.randomBelow(uint64(n))))
		return nil
	})
	defBuiltin("random-float", 0, 1, func(m *Machine) error {
		return m.Push(gc.Float(float64(m.random()>>11) * 0x1p-53))
	})
}

// random returns the next 64 bits of the actor's generator (SplitMix64),
// which starts from the program's seed and the actor's pid at its first
// use: no state is shared between actors.
func (m *Machine) random() uint64 {
	x := m.ext()
	if !x.rngSeeded {
		x.rng = mix64(m.Prog.Seed ^ mix64(m.ID+0x9e3779b97f4a7c15))
		x.rngSeeded = true
	}
	x.rng += 0x9e3779b97f4a7c15
	return mix64(x.rng)
}

// mix64 is SplitMix64's output function.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// randomBelow returns a uniform number in [0, n), n >= 1 (Lemire's
// multiply and reject).
func (m *Machine) randomBelow(n uint64) uint64 {
	hi, lo := bits.Mul64(m.random(), n)
	if lo < n {
		t := -n % n
		for lo < t {
			hi, lo = bits.Mul64(m.random(), n)
		}
	}
	return hi
}
