// Package sched runs the actors of a Raft program: an M:N work-stealing
// scheduler, mailboxes, exit signals, links, monitors, the registry, timers
// and supervisors. It implements interp.Host, the interface through which
// the interpreter performs the actor words; cmd/raft drives it through New,
// Main, RunMain, Stop and Stats.
//
// # Words
//
// These words mean one thing each, here and in the code.
//
//   - actor: one Raft process: an interp.Machine (stack, frames, heap,
//     mailbox) and the scheduler's struct around it (actor.go). Never a
//     goroutine.
//   - worker: a goroutine that runs actors, one slice at a time (worker.go).
//     There are Options.Workers of them, fixed for the runtime's life.
//   - slice: one call of Machine.Run, at most Options.Budget reductions
//     (interp charges one at each call and backward jump), so a busy loop
//     yields and cannot starve anyone.
//   - run queue: where runnable actors wait for a worker: each worker's
//     bounded local ring (runq.go), its next slot, and the global queue.
//   - inbox: what other actors sent an actor, not yet seen by it: messages
//     and signals in arrival order, behind the actor's mutex. mailbox: the
//     messages the actor has taken from its inbox into its own heap
//     (Machine.Mailbox), where receive and receive-match look.
//   - signal: an inbox item other than a message: an exit signal (from a
//     link or from kill), link, unlink, monitor, demonitor, a monitor's
//     DOWN, a supervisor request. Signals take effect in order with the
//     messages, when the actor drains its inbox: in Fetch, and before and
//     after each slice (signal.go).
//
// # Model
//
// Each worker loops: find a runnable actor, run one slice, settle it
// (requeue, wait, end). It finds work in this order: the next slot (the
// actor its last running actor woke by a send, so that a message and its
// answer stay on one core, hot in cache; at most maxStreak times in a row
// while its queue holds others; only when the sender had nothing more to
// receive (actor.idleNext), so that it will most likely wait at once: a
// dispatcher with results queued goes on running, and the actor it woke
// goes to the queue's tail, where another worker may steal it, instead of
// waiting in the next slot until the sender's slice ends), its local queue (FIFO: a yielding actor
// goes to the tail, which is what makes preemption fair), the global queue
// (first every globalEvery rounds so that it cannot starve), then stealing
// half of another worker's queue, then parking.
//
// A local queue is Go's runq: a 256-slot ring; the owner puts at the tail
// and takes from the head, thieves take half from the head with a CAS. A
// full ring moves half of itself to the global queue. The next slot is a
// plain field of its worker: it is never stolen (its actor runs when the
// current slice ends), so a send costs no atomic beyond the wake-up's.
//
// Rejected: a goroutine per actor (the Go scheduler would do the work, but
// an idle goroutine costs 2 KiB of stack before any of ours, a message two
// goroutine switches, and blocking in receive could not hold an actor's
// state machine together with its signals); one global queue (every
// scheduling step would take one lock: it does not scale past one core);
// work sharing by pushing new actors to the least loaded worker (needs
// load figures that are stale at once; stealing finds the work when it is
// needed); Go channels for mailboxes (bounded, one per actor, and no way
// to take from the middle for receive-match).
//
// # Actor states and wake-ups
//
// An actor's state (actorState) is an atomic word; exactly one party may
// act on each state:
//
//	idle      main between runs: wake-ups are ignored; RunMain CASes it to runnable
//	runnable  in exactly one run queue: whoever made it runnable queued it
//	running   a worker runs its slice
//	notified  running, and a wake-up arrived during the slice
//	waiting   blocked (receive, receive-timeout, a supervisor's reply, a supervisor between events)
//	sleeping  blocked in sleep: only a signal or its timer wakes it, messages wait
//	io        blocked in an input or file word: only a signal or the operation's end wakes it
//	delivering was waiting or runnable; a sender owns it while it puts a message in its heap (below), then stores runnable
//	dead      ended: wake-ups do nothing
//
// A waker (a sender, a signal, a timer) appends to the inbox under the
// actor's mutex first, then calls wake: waiting (or sleeping, for a signal
// or timer; io, for a signal or the end of its operation, whose goroutine
// is the waker) is CASed to runnable and the waker queues the actor; running
// is CASed to notified and the waker is done; any other state needs
// nothing. The worker takes an actor from a queue, CASes runnable to
// running (while a sender holds it delivering, it yields until the copy
// ends; any other state is a broken invariant: it panics), drains the
// inbox if a signal is there, runs the slice, and then:
//
//   - after StatusYield, stores runnable and puts it at its queue's tail
//     (waking a parked worker only if the queue holds other work too);
//   - after StatusBlocked, drains signals that came, then CASes running to
//     waiting (or sleeping, or io). If the CAS fails the state is notified: a
//     wake-up came after the actor last looked at its inbox, so the worker
//     stores runnable and queues it again instead. Either the waker sees
//     waiting and queues it, or the worker sees notified: a wake-up is
//     never lost, and an actor is never in two queues nor run by two
//     workers (only the party that moved it to runnable queues it, and
//     only the worker that took it from a queue runs it);
//   - after the end, closes the inbox under its mutex (a later send finds
//     it closed and drops the message), answers what the inbox still held,
//     reports an unwatched failure, stores dead, and tells links and
//     monitors.
//
// After the CAS to waiting, the worker no longer touches the actor: another
// worker may already run it.
//
// # Parking
//
// A worker that finds nothing parks. Lost worker wake-ups are prevented
// Dekker-style: a worker that queues an actor (put, the global queue) first
// stores it (the ring's tail, or the global count), then loads nidle and,
// if a worker is parked, unparks one (wakeOne). A parking worker first adds
// itself to the idle list and increments nidle (under Runtime.mu), then
// looks at every queue again (workVisible); if it sees work it unparks
// itself. Both sides store then load sequentially consistent atomics, so at
// least one sees the other. Each removal of a worker from the idle list by
// someone else sends one token on its wake channel (capacity 1); a worker
// that finds itself removed by a waker when it did not take the token
// waits for it, so tokens never pile up.
//
// Timers (timer.go): one heap of actors by deadline for the runtime, an
// actor's timer being two of its fields (it waits for one deadline at a
// time). Every worker fires due timers at the top of its loop (it reads
// the earliest deadline atomically, and the clock only when a timer is
// set). The first worker to park while a timer is set becomes the keeper
// and parks with an alarm at the earliest deadline; setting an earlier
// timer wakes the keeper so that it sets its alarm again. No goroutine per
// timer, and none at all when no timer is set.
//
// The last worker to park, when no timer is set and every queue is empty
// (it re-reads nidle after its second look), checks for a deadlock: if the
// main actor waits, nothing can ever wake it, and RunMain returns
// StatusBlocked. Not while an input or file operation is pending
// (Runtime.ioPending): its end wakes an actor, which may wake main. A
// request counts from when its actor makes it until that actor takes the
// result on its worker (or drops it, ending), not until the operation
// ends: in between the actor is runnable, and a deadlock check then must
// not see nothing pending while main waits for that actor.
//
// # Input and files
//
// read-line, read-all, read-file and write-file may wait on the operating
// system for ever (a terminal), so no worker does them (io.go). The
// actor's first run of the word makes an ioReq, queues it and blocks in
// io; a goroutine of the queue performs it, stores done and wakes the
// actor (wakeIO); the word runs again and takes the result into the
// actor's heap on its worker (the goroutine never touches a heap).
// Standard input has one such goroutine at a time and one bufio.Reader,
// so that requests are served in order and lines go whole to one actor;
// files have up to maxFileOps. An actor that ends, or a main actor taken
// back by RunMain, drops its request (dropIO): it is skipped if not begun,
// and its result is dropped (a line read for it is lost). A read that
// never ends leaves its goroutine blocked, but no actor, worker or Stop
// waits for it.
//
// # Messages and signals
//
// Inboxes are many-senders, one-receiver: a slice of items (32 bytes each)
// behind the actor's mutex, which the receiver copies into its worker's
// scratch buffer, keeping the slice, so a steady flow allocates nothing; a
// backlog grows in segments of segLen items and is never copied to grow,
// and Fetch moves it into the mailbox one segment at a time, so that a
// receiver that lags keeps a small mailbox. A message that is an immediate (int,
// float, bool, nil, symbol, pid, plain quotation, static string) travels
// as its Value; any other is deep-copied. To a receiver that waits (the
// usual case of a request, a reply, a ring), the sender copies it once,
// straight into the receiver's heap and mailbox (deliverDirect): it CASes
// the receiver from waiting to delivering, which makes the receiver its
// own (no worker runs it, every waker leaves it alone), copies, stores
// runnable and queues it. So it does to a receiver that is runnable in a
// queue, last ran on the sender's worker (its heap is in this core's
// cache) and has an empty inbox (flagItems clear: every earlier item of
// this sender is in its mailbox already); the receiver stays in its queue,
// and a worker that takes it meanwhile yields until the sender stores
// runnable (fanout on 1 worker: every job and result went through inboxes
// before, now straight into the heaps, -9% time). Otherwise (the receiver
// runs, sleeps, is a supervisor, or its heap is full) the sender copies it (gc.Copy) into an
// empty fragment heap (its worker's, or one from fragPool) and puts it in
// the inbox; the receiver copies it again into its own heap, empties the
// fragment at once (gc.Heap.Clear) and keeps it in its worker's fragments
// (worker.frags, touched by that worker only) for the next message a send
// on that worker packs. A tuple of at most maxInline immediates (the
// commonest message: { :job n }, { :ok v }) that goes through the inbox
// travels in it instead: the sender copies its elements into the inbox's
// vals under the actor's mutex (the item's frag is the inlineTuple
// sentinel, its value says where they are), take hands the vals to the
// receiver with the items (trading buffers, as for the items), and the
// receiver makes the array in its own heap as it drains: one copy, no
// fragment heap. A segment that goes to the backlog keeps its vals with
// it; the rest of a dying actor's inbox moves its inline tuples into
// fragments (keep), as main puts it back for its next run. The
// deliverDirect CAS is tried only after a load sees the receiver waiting or runnable. No two actors share a heap object, and an
// actor's heap is touched only by whoever owns the actor: its worker, or
// a sender that holds it delivering. Per-sender order holds: one mutex
// orders each inbox, and an actor that waits has seen every item of every
// send that has finished (the send's wake-up made it runnable, and it
// drained before it waited again), as has a runnable one whose inbox is
// empty, so a message delivered to its mailbox cannot overtake an earlier
// one of the same sender (TestDirectToRunnableInOrder).
//
// Exit signals are not messages: drain settles them in order with the
// messages. An untrappable :kill (from kill) makes the actor dying with
// :killed; a trapping actor gets { :EXIT pid reason } in its mailbox; a
// non-trapping one ignores :normal and is dying with any other reason. A
// dying actor ends at the end of its slice (the rest of its inbox is kept
// for finish, which answers the links, monitors and requests in it with
// :noproc, and so the requests a supervisor had taken but not answered).
// Links and monitors are owned by their actor: linking sends a link signal
// to the other side, which adds the link when it drains; an
// actor that has ended answers a link with an exit signal :noproc and a
// monitor with a DOWN :noproc, as Erlang does.
//
// Spawning puts the new actor at the tail of the spawner's queue; when that
// queue is half full, the spawn also ends the spawner's slice, so that a
// loop of spawns cannot make actors much faster than they run (without
// it, a million spawns in a loop pile up in the global queue before any
// runs). The machine (stack, heap) of an ended actor goes to a pool for the
// next spawn: a spawn loop whose actors end soon allocates little.
//
// An idle actor costs about 500 bytes: its actor struct (96 bytes), the
// interp.Machine (320), its first stack (2 slots) and locals; it points at
// the runtime's shared heap while its own is unused (heap.go); what only
// some actors use (links, monitors, timers, supervisor state) is in
// actorExt, made at first use.
//
// Cache lines: what other cores write at every message must not share a
// 64-byte line with another actor's, or two actors that run on two cores
// take the line from each other at every message (false sharing: four
// independent pingpong pairs cost a third more per message on 2 workers
// than on 1, and ran 1.39 times as fast instead of 1.9). So the actor's
// state, flags and mutex sit in bytes 32-63 of its struct, the only ones
// of the 96-byte size class that no neighbour shares (actor,
// TestActorLayout); a mailbox's first buffer is a line of Values
// (interp.Queue), and a heap's free lists and first header and count
// arrays come in size classes of whole lines (gc, TestLineSizes).
//
// # Supervisors
//
// A supervisor is an actor whose slices run a Go state machine
// (supervisor.go) instead of bytecode; see that file.
//
// # Locks and atomics
//
//   - Runtime.mu: the global queue, the idle list, the keeper and each
//     worker's idle flag. Runtime.nidle mirrors len(idle) for lock-free reads.
//   - ioQueue.mu (Runtime.stdin, Runtime.files): the queue of requests and
//     the count of goroutines serving it. The stdin bufio.Reader is touched
//     only by the one goroutine serving Runtime.stdin (handed over under its
//     mu when one leaves and the next starts).
//   - ioReq.done: the serving goroutine writes the result, then stores done;
//     the owner loads it before reading the result. ioReq.cancel: stored by
//     the owner (dropIO), loaded by the serving goroutine, which then skips
//     the request or its wake-up. Runtime.ioPending: added to and taken from
//     by owners, loaded by the deadlock check.
//   - actor.mu: the actor's inbox (inbox, backlog with the elements of the
//     inline tuples, closed); take trades the inbox's buffers (items and
//     inline elements) for the taker's under it. flagItems of actor.flags
//     is a hint stored under it (the inbox may hold items), which take
//     loads before it locks: a missed put is caught by the wake-up protocol. The flagSig bit
//     of actor.flags is a hint stored under it; its flagOver bit is stored
//     and read under it.
//   - actor.state: the state machine above.
//   - Runtime.regMu: the registry (registry.go).
//   - timers.mu: the timer heap and each actor's timer position (x.tpos).
//   - pidTable.mu: growing the pid table's directory (which copies its pages)
//     and dropping a page, so that no drop is lost to a growth; lookups are
//     lock-free (pidTable.dir and each page and slot are atomic pointers).
//   - runq.head and runq.tail: the ring protocol (runq.go).
//   - everything else about an actor (its machine, links, monitors, trap
//     flag, deadline, supervisor) is owned by the worker running it.
//   - worker.st and worker.loops: the worker's counters (worker.n, plain
//     fields of its own) as it last published them (flush: every memSlices
//     slices, before it parks, when it stops), loaded by Stats and tests.
//     Stats is exact once Stop has returned.
//   - Runtime.machines (a sync.Pool) holds released machines nobody owns;
//     fragPool (a sync.Pool) empty fragment heaps nobody owns. worker.frags
//     (empty fragments too), worker.buf and worker.tbuf (drain's scratch)
//     are its worker's only: no lock.
//
// Lock order: Runtime.mu and actor.mu are never held together; timers.mu is
// taken alone; regMu alone; ioQueue.mu alone.
package sched
