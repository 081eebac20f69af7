package gc

// This file defines host objects (KHost): references to Go values that an
// embedder handed to Raft (package raft's Handle). The Go value stays in
// Go, in the run's HostTable, which counts for each id the host objects
// of every heap of the run that refer to it. A host object has no block:
// its header's off is the id. Copy makes a new object with the same id (a
// send passes the Go value by reference), and freeing one drops a count;
// at zero the table lets the Go value go, calling its release function.

import "sync"

// HostTable holds the Go values of a run's host objects. Its methods are
// safe for concurrent use: the heaps of all the run's actors share it.
type HostTable struct {
	mu   sync.Mutex            // guards the fields below
	next uint32                // the last id given
	byID map[uint32]*hostEntry // live entries; guarded by mu
	ids  map[any]uint32        // the id of each live comparable key; guarded by mu
}

type hostEntry struct {
	key     any // what Add was given, to find it again (a pointer)
	name    string
	count   int    // host objects referring to it
	release func() // called when count reaches zero, or at Close; may be nil
}

// NewHostTable returns an empty table.
func NewHostTable() *HostTable {
	return &HostTable{byID: map[uint32]*hostEntry{}, ids: map[any]uint32{}}
}

// Add returns the id of key (a comparable Go value, a pointer in
// practice), entering it with name and release when it is not in the
// table: the same key gives the same id while any object refers to it.
// An entry no object refers to yet is dropped at Close.
func (t *HostTable) Add(key any, name string, release func()) uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.ids[key]; ok {
		return id
	}
	t.next++
	id := t.next
	t.byID[id] = &hostEntry{key: key, name: name, release: release}
	t.ids[key] = id
	return id
}

// Key returns the key entered as id, or nil when it has gone.
func (t *HostTable) Key(id uint32) any {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.byID[id]; e != nil {
		return e.key
	}
	return nil
}

// Name returns the name of id, for <host name>.
func (t *HostTable) Name(id uint32) string {
	if t == nil {
		return "?"
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.byID[id]; e != nil {
		return e.name
	}
	return "?"
}

// Live returns the number of entries in the table.
func (t *HostTable) Live() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.byID)
}

func (t *HostTable) retain(id uint32) {
	if t == nil {
		return
	}
	t.mu.Lock()
	if e := t.byID[id]; e != nil {
		e.count++
	}
	t.mu.Unlock()
}

func (t *HostTable) release(id uint32) {
	if t == nil {
		return
	}
	t.mu.Lock()
	e := t.byID[id]
	if e == nil {
		t.mu.Unlock()
		return
	}
	e.count--
	if e.count > 0 {
		t.mu.Unlock()
		return
	}
	delete(t.byID, id)
	delete(t.ids, e.key)
	t.mu.Unlock()
	if e.release != nil {
		e.release() // outside mu: it may do anything
	}
}

// Close lets every value go, calling their release functions: the run
// has ended, and with it every heap that could refer to them.
func (t *HostTable) Close() {
	t.mu.Lock()
	all := t.byID
	t.byID, t.ids = map[uint32]*hostEntry{}, map[any]uint32{}
	t.mu.Unlock()
	for _, e := range all {
		if e.release != nil {
			e.release()
		}
	}
}

// NewHost returns a new host object for id, an entry of h.Hosts, with
// count 1 (and one more reference counted in the table).
func (h *Heap) NewHost(id uint32) (Value, error) {
	if h.Hosts == nil {
		return Nil, ErrNoHosts
	}
	x, err := h.newObject(KHost, 0)
	if err != nil {
		return Nil, err
	}
	h.hdrs[x].off = id
	h.Hosts.retain(id)
	return Value{K: KHost, X: uint64(x)}, nil
}

// HostID returns the id of host object v.
func (h *Heap) HostID(v Value) uint32 { return h.hdrs[v.X].off }

// dropHost is the part of free for a host object of id.
func (h *Heap) dropHost(id uint32) {
	if h.Hosts != nil {
		h.Hosts.release(id)
	}
}
