package sched

// This file defines the registry: names (symbols) for live actors.
//
// An ending actor releases its name (unregisterActor) after storing
// stDead; register re-checks the state after setting flagNamed. With both
// orders Dekker-style, either the ender sees flagNamed and takes regMu to
// remove the name, or register sees stDead and takes the name back, so a
// name never outlives its actor, and actors that never had a name end
// without touching regMu.

// register gives actor pid the name (a symbol id) and reports whether it
// could: not when pid has ended, holds a name already, or another live
// actor holds the name.
func (rt *Runtime) register(pid uint64, name uint32) bool {
	rt.regMu.Lock()
	defer rt.regMu.Unlock()
	t := rt.pids.lookup(pid)
	if t == nil || t.named {
		return false
	}
	if _, held := rt.names[name]; held {
		return false
	}
	rt.names[name] = t
	t.name, t.named = name, true
	t.flags.Or(flagNamed)                     // pairs with the Load in unregisterActor
	if actorState(t.state.Load()) == stDead { // pairs with the Store(stDead) in finish
		delete(rt.names, name)
		t.named = false
		return false
	}
	return true
}

// unregister removes name and reports whether some actor held it.
func (rt *Runtime) unregister(name uint32) bool {
	rt.regMu.Lock()
	defer rt.regMu.Unlock()
	t, ok := rt.names[name]
	if !ok {
		return false
	}
	delete(rt.names, name)
	t.named = false
	return true
}

// whereis returns the actor holding name, or nil.
func (rt *Runtime) whereis(name uint32) *actor {
	rt.regMu.RLock()
	t := rt.names[name]
	rt.regMu.RUnlock()
	return t
}

// unregisterActor releases the name of an ending actor (already stDead).
func (rt *Runtime) unregisterActor(a *actor) {
	if a.flags.Load()&flagNamed == 0 { // pairs with the Or in register
		return
	}
	rt.regMu.Lock()
	if a.named {
		delete(rt.names, a.name)
		a.named = false
	}
	rt.regMu.Unlock()
}
