package sched

// This file defines the input and file words (read-line, read-all,
// read-file, write-file). Their work may block for ever (a terminal that
// is never typed at) or for long (a slow disk), so it never runs on a
// worker: the actor hands it to a goroutine and waits in state stIO, and
// the goroutine wakes it when the work is done. The result goes into the
// actor's heap on its worker, when the word runs again.
//
// Standard input has one reader at a time (ioQueue with max 1) and one
// bufio.Reader, so requests are served in the order they were made and
// each line goes whole to one actor. Files have a few goroutines
// (maxFileOps), so that a million actors reading files cannot make a
// million blocked threads.

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/raftvm/raft/gc"
	"github.com/raftvm/raft/interp"
)

// maxFileOps is how many read-file and write-file run at once; the others
// wait in the queue, in order.
const maxFileOps = 8

// maxHostCalls is how many host words that may block (Await) run at once.
const maxHostCalls = 64

// ioReq is one input or file operation of an actor. The owner fills in
// the request and submits it; the goroutine that serves it writes the
// result and then sets done.
type ioReq struct {
	word interp.ActorWord // AwReadLine, AwReadAll, AwReadFile or AwWriteFile
	a    *actor           // who waits for it
	path string           // read-file, write-file
	max  int              // the longest result the actor's heap has room for (reads)

	data []byte // write-file: the bytes to write (a copy). After done: what was read

	work   func() any // Await: the host word's work, run by the goroutine
	result any        // Await: what work returned, after done

	// The result besides data, written before done is set and read after.
	eof  bool   // read-line: the input had ended
	long bool   // the result was longer than max: :heap-limit
	err  string // the failure's reason (a symbol's name, "enoent"), "" for none

	done   atomic.Bool // the result is written; stored by serve, loaded by the owner
	cancel atomic.Bool // the owner gave up the request (its actor ended, or main was stopped): skip it, drop its result; stored by the owner, loaded by serve
}

// ioQueue is a queue of requests served by goroutines of their own, at
// most max at once, each started for a request when fewer run and leaving
// when the queue is empty (none runs while nothing is asked).
type ioQueue struct {
	mu  sync.Mutex   // guards q and n
	q   []*ioReq     // waiting requests, oldest first; guarded by mu
	n   int          // goroutines serving q; guarded by mu
	max int          // read-only
	do  func(*ioReq) // performs a request; read-only
}

// submit queues r and starts a goroutine to serve it if fewer than max run.
func (iq *ioQueue) submit(rt *Runtime, r *ioReq) {
	iq.mu.Lock()
	iq.q = append(iq.q, r)
	start := iq.n < iq.max
	if start {
		iq.n++
	}
	iq.mu.Unlock()
	if start {
		go iq.serve(rt)
	}
}

// serve performs queued requests, oldest first, until the queue is empty,
// and wakes each requester.
func (iq *ioQueue) serve(rt *Runtime) {
	for {
		iq.mu.Lock()
		if len(iq.q) == 0 {
			iq.n--
			iq.q = nil
			iq.mu.Unlock()
			return
		}
		r := iq.q[0]
		iq.q[0] = nil
		iq.q = iq.q[1:]
		iq.mu.Unlock()
		if r.cancel.Load() { // pairs with the Store in dropIO
			continue
		}
		iq.do(r)
		r.done.Store(true) // publishes the result; pairs with the Load in Runtime.io
		if !r.cancel.Load() {
			rt.wake(nil, r.a, wakeIO)
		}
	}
}

// io performs an input or file word for a: the first call checks the
// operands, hands the work to a queue and blocks (stIO); the call after
// the wake-up takes the result. The operands stay on the stack until the
// word succeeds: on a failure the stack is as it was.
func (rt *Runtime) io(a *actor, word interp.ActorWord) error {
	m := a.m
	if a.x != nil && a.x.io != nil {
		r := a.x.io
		if !r.done.Load() { // pairs with the Store in serve
			a.blockAs = stIO
			return interp.ErrBlock
		}
		a.x.io = nil
		rt.ioPending.Add(-1)
		return rt.ioResult(m, r)
	}
	r := &ioReq{word: word, a: a, max: min(m.Heap.Room(), gc.MaxObjectLen)}
	q := &rt.stdin
	switch word {
	case interp.AwReadFile:
		p, _ := m.Peek(0)
		if !p.IsString() {
			return errType
		}
		r.path, q = string(m.Heap.Bytes(p)), &rt.files
	case interp.AwWriteFile:
		s, _ := m.Peek(1)
		p, _ := m.Peek(0)
		if !s.IsString() || !p.IsString() {
			return errType
		}
		r.data, r.path, q = bytes.Clone(m.Heap.Bytes(s)), string(m.Heap.Bytes(p)), &rt.files
	}
	if rt.noFiles && q == &rt.files {
		return interp.Fail(m.Heap.In.Intern("eacces"))
	}
	a.ext().io = r
	rt.ioPending.Add(1) // before the request can end: the deadlock check must see it pending
	q.submit(rt, r)
	a.blockAs = stIO
	return interp.ErrBlock
}

// ioResult finishes the word of request r, done, on m's stack.
func (rt *Runtime) ioResult(m *interp.Machine, r *ioReq) error {
	if r.err != "" {
		return interp.Fail(m.Heap.In.Intern(r.err))
	}
	if r.long {
		return errHeapLimit
	}
	switch r.word {
	case interp.AwWriteFile:
		for range 2 {
			v, _ := m.Pop()
			m.Heap.Release(v)
		}
		return nil
	case interp.AwReadLine:
		if r.eof {
			return m.Push(gc.Nil)
		}
	}
	s, err := m.Heap.NewString(r.data)
	if err != nil {
		return errHeapLimit // the heap's room shrank while it waited; max keeps the result under MaxObjectLen
	}
	if r.word == interp.AwReadFile {
		p, _ := m.Pop()
		m.Heap.Release(p)
	}
	return m.Push(s)
}

// Await runs work for a host word that may block (package raft's
// blocking words) off the workers, as the input words run: the first call
// takes the work from start (on the worker: start may read the machine's
// stack; an error from start is returned at once), hands it to a goroutine
// and returns interp.ErrBlock, and the
// actor waits in state stIO. When the work is done the actor runs the word
// again, and this call returns what work returned. work must not touch the
// machine; it may run on after its actor has ended, its result dropped.
func (rt *Runtime) Await(m *interp.Machine, start func() (func() any, error)) (any, error) {
	a := m.Ext.(*actor)
	if a.x != nil && a.x.io != nil {
		r := a.x.io
		if !r.done.Load() { // pairs with the Store in serve
			a.blockAs = stIO
			return nil, interp.ErrBlock
		}
		a.x.io = nil
		rt.ioPending.Add(-1)
		return r.result, nil
	}
	work, err := start()
	if err != nil {
		return nil, err
	}
	r := &ioReq{a: a, work: work}
	a.ext().io = r
	rt.ioPending.Add(1) // before the request can end: the deadlock check must see it pending
	rt.hostCalls.submit(rt, r)
	a.blockAs = stIO
	return nil, interp.ErrBlock
}

// dropIO forgets the request a waits for, if any: it is skipped if not
// yet begun, and its result is dropped. Owner only (or whoever holds a
// idle).
func (rt *Runtime) dropIO(a *actor) {
	if a.x == nil || a.x.io == nil {
		return
	}
	a.x.io.cancel.Store(true) // pairs with the Loads in serve
	a.x.io = nil
	rt.ioPending.Add(-1)
}

// initIO sets up the queues; in is standard input (nil: an empty one).
func (rt *Runtime) initIO(in io.Reader) {
	if in == nil {
		in = strings.NewReader("")
	}
	var br *bufio.Reader // made at the first read; only the goroutine serving rt.stdin touches it (one at a time, handed over under stdin.mu)
	rt.stdin = ioQueue{max: 1, do: func(r *ioReq) {
		if br == nil {
			br = bufio.NewReaderSize(in, 64<<10)
		}
		rt.readStdin(br, r)
	}}
	rt.files = ioQueue{max: maxFileOps, do: doFile}
	rt.hostCalls = ioQueue{max: maxHostCalls, do: func(r *ioReq) { r.result = r.work() }}
}

// readStdin performs read-line or read-all from br. What the actors
// printed is flushed first when the read may wait, so that a prompt
// printed before read-line shows.
func (rt *Runtime) readStdin(br *bufio.Reader, r *ioReq) {
	if b, _ := br.Peek(br.Buffered()); r.word == interp.AwReadAll || bytes.IndexByte(b, '\n') < 0 {
		rt.out.Flush()
	}
	var err error
	if r.word == interp.AwReadLine {
		r.data, r.eof, r.long, err = readLine(br, r.max)
	} else {
		r.data, r.long, err = readMax(br, r.max)
	}
	if err != nil {
		r.data, r.eof, r.long, r.err = nil, false, false, errName(err)
	}
}

// readLine reads the next line of br: its bytes without the "\n" and
// without a "\r" at its end; a last line without "\n" too. eof: the input
// had ended before any byte. A line longer than max is read to its end,
// but not kept: long.
func readLine(br *bufio.Reader, max int) (line []byte, eof, long bool, err error) {
	n := 0
	for {
		chunk, e := br.ReadSlice('\n')
		n += len(chunk)
		if !long && len(line)+len(chunk) <= max+2 { // room for the "\r\n" that goes
			line = append(line, chunk...)
		} else {
			long, line = true, nil
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if e != nil && e != io.EOF {
			return nil, false, false, e
		}
		if e == io.EOF && n == 0 {
			return nil, true, false, nil
		}
		break
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if long || len(line) > max {
		return nil, false, true, nil
	}
	if line == nil {
		line = []byte{}
	}
	return line, false, false, nil
}

// readMax reads r to its end, or reports long when it holds more than max
// bytes (it stops reading after max+1).
func readMax(r io.Reader, max int) (b []byte, long bool, err error) {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(r, int64(max)+1)); err != nil {
		return nil, false, err
	}
	if buf.Len() > max {
		return nil, true, nil
	}
	return buf.Bytes(), false, nil
}

// doFile performs read-file or write-file.
func doFile(r *ioReq) {
	var err error
	if r.word == interp.AwWriteFile {
		err = os.WriteFile(r.path, r.data, 0o666)
		r.data = nil
	} else {
		r.data, r.long, err = readFile(r.path, r.max)
	}
	if err != nil {
		r.data, r.long, r.err = nil, false, errName(err)
	}
}

// readFile reads the file at path, or reports long when it is bigger than
// max bytes (without reading it when its size says so).
func readFile(path string, max int) ([]byte, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if fi.IsDir() {
		return nil, false, syscall.EISDIR
	}
	if fi.Size() > int64(max) {
		return nil, true, nil
	}
	return readMax(f, max)
}

// errName returns the reason an operating system error fails the actor
// with, as Erlang names it.
func errName(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "enoent"
	case errors.Is(err, fs.ErrPermission):
		return "eacces"
	case errors.Is(err, syscall.EISDIR):
		return "eisdir"
	}
	return "eio"
}
