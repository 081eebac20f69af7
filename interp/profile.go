package interp

// This file defines profiles of Raft code (raft run --profile): samples of
// the Raft call stack, written in pprof's format so that go tool pprof lists
// the hottest Raft words and source lines.

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/google/pprof/profile"
)

// ProfileBudget is the reduction budget of a slice while profiling: a
// sample is taken at the end of every slice, so this is the sampling period
// in reductions (calls and backward jumps).
const ProfileBudget = 1000

// Profile collects samples of Raft call stacks. A Machine whose program has
// a Profile records its stack each time Run returns, weighted by the
// reductions of that run: sampling by reductions, with no cost in the
// interpreter loop. Safe for concurrent use by many machines.
type Profile struct {
	mu      sync.Mutex         // guards samples
	samples map[string]*sample // by stack key
	start   time.Time
}

// site is one frame of a sampled stack.
type site struct {
	fn *Func
	pc int
}

type sample struct {
	stack      []site // innermost first
	reductions int64
	count      int64
}

// NewProfile returns an empty profile.
func NewProfile() *Profile {
	return &Profile{samples: map[string]*sample{}, start: time.Now()}
}

// record adds m's current stack with weight reductions.
func (p *Profile) record(m *Machine, reductions int64) {
	if m.fn == nil || reductions <= 0 {
		return
	}
	stack := make([]site, 0, m.fp+1)
	stack = append(stack, site{m.fn, m.pc})
	if x := m.x; x != nil && x.natParked { // the callers native code keeps, innermost first
		var native []site
		m.Prog.Native.Frames(x.nat, func(f uint32, callPC, _ int) { native = append(native, site{m.funcs[f], callPC}) })
		for i := len(native) - 1; i >= 0; i-- {
			stack = append(stack, native[i])
		}
	}
	for i := m.fp - 1; i >= 0; i-- {
		fr := &m.frames[i]
		stack = append(stack, site{fr.fn, fr.pc() - 1})
	}
	key := make([]byte, 0, 12*len(stack))
	for _, s := range stack {
		pos := s.fn.PosAt(s.pc)
		key = append(key, byte(s.fn.Index), byte(s.fn.Index>>8), byte(s.fn.Index>>16), byte(s.fn.Index>>24),
			byte(pos.Line), byte(pos.Line>>8), byte(pos.Line>>16), byte(pos.Line>>24))
	}
	p.mu.Lock()
	s, ok := p.samples[string(key)]
	if !ok {
		s = &sample{stack: stack}
		p.samples[string(key)] = s
	}
	s.reductions += reductions
	s.count++
	p.mu.Unlock()
}

// Write writes the profile in pprof's gzipped protobuf format. Each Raft
// function is a pprof function (see profileName), each sampled source line
// a location.
func (p *Profile) Write(w io.Writer) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	prof := &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: "reductions", Unit: "count"},
			{Type: "samples", Unit: "count"},
		},
		DefaultSampleType: "reductions",
		PeriodType:        &profile.ValueType{Type: "reductions", Unit: "count"},
		Period:            ProfileBudget,
		TimeNanos:         p.start.UnixNano(),
		DurationNanos:     time.Since(p.start).Nanoseconds(),
	}
	funcs := map[*Func]*profile.Function{}
	type locKey struct {
		fn   *Func
		line int32
	}
	locs := map[locKey]*profile.Location{}
	for _, s := range p.samples {
		ps := &profile.Sample{Value: []int64{s.reductions, s.count}}
		for _, st := range s.stack {
			f := funcs[st.fn]
			if f == nil {
				name := profileName(st.fn)
				f = &profile.Function{ID: uint64(len(prof.Function) + 1), Name: name, SystemName: name, Filename: st.fn.Pos.File, StartLine: int64(st.fn.Pos.Line)}
				funcs[st.fn] = f
				prof.Function = append(prof.Function, f)
			}
			pos := st.fn.PosAt(st.pc)
			k := locKey{st.fn, pos.Line}
			l := locs[k]
			if l == nil {
				l = &profile.Location{ID: uint64(len(prof.Location) + 1), Line: []profile.Line{{Function: f, Line: int64(pos.Line), Column: int64(pos.Col)}}}
				locs[k] = l
				prof.Location = append(prof.Location, l)
			}
			ps.Location = append(ps.Location, l)
		}
		prof.Sample = append(prof.Sample, ps)
	}
	return prof.Write(w)
}

// profileName names a function in a profile: words by name, library words
// marked, quotations by where they are written, the top level as "main".
// (pprof drops anything between < and > from names, as C++ templates.)
func profileName(fn *Func) string {
	switch {
	case fn.Quot:
		return fmt.Sprintf("[quotation %s]", fn.Pos)
	case fn.Name == "<main>":
		return "main"
	case fn.Lib:
		return fn.Name + " (library)"
	}
	return fn.Name
}
