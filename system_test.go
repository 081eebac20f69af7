package raft_test

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/raftvm/raft"
)

const serverSrc = `
# doubler answers { n from } with { :double 2n }.
: doubler ( -- ) begin receive unpack drop | n from | { :double n 2 * } from send again ;
# tell sends x to pid once.
: tell ( pid x -- ) swap send ;
`

func TestSystemGoTalksToActors(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			rt := raft.New(e.opt)
			p := compile(t, rt, serverSrc)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s, err := rt.Start(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Stop()
			if stack, err := s.Wait(); err != nil || len(stack) != 0 {
				t.Fatalf("main: %v, %v", stack, err)
			}
			mb, err := s.NewMailbox()
			if err != nil {
				t.Fatal(err)
			}
			d, err := s.Spawn("doubler")
			if err != nil {
				t.Fatal(err)
			}
			// The actors live on after main; requests are answered in order.
			for i := int64(0); i < 100; i++ {
				if err := s.Send(d, []any{i, mb.Pid()}); err != nil {
					t.Fatal(err)
				}
			}
			for i := int64(0); i < 100; i++ {
				msg, err := mb.Receive(ctx)
				if want := []any{raft.Symbol("double"), 2 * i}; err != nil || !reflect.DeepEqual(msg, want) {
					t.Fatalf("reply %d: %#v, %v; want %#v", i, msg, err, want)
				}
			}
			// A spawned actor with arguments sends to the mailbox.
			if _, err := s.Spawn("tell", mb.Pid(), raft.Map{{"k", 1.5}}); err != nil {
				t.Fatal(err)
			}
			if msg, err := mb.Receive(ctx); err != nil || !reflect.DeepEqual(msg, raft.Map{{"k", 1.5}}) {
				t.Errorf("tell: %#v, %v", msg, err)
			}
			if _, err := s.Spawn("nosuchword"); err == nil {
				t.Error("Spawn of an unknown word succeeded")
			}
			s.Stop()
			if _, err := mb.Receive(ctx); err != raft.ErrStopped {
				t.Errorf("Receive after Stop: %v, want ErrStopped", err)
			}
			if _, err := s.Spawn("doubler"); err != raft.ErrStopped {
				t.Errorf("Spawn after Stop: %v, want ErrStopped", err)
			}
		})
	}
}

// TestSystemMainWaitsForGo: a main actor that waits for Go's message is
// not deadlocked.
func TestSystemMainWaitsForGo(t *testing.T) {
	rt := raft.New()
	p := compile(t, rt, `receive 1 +`)
	s, err := rt.Start(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	time.Sleep(10 * time.Millisecond) // main waits in receive
	if err := s.Send(s.Main(), 41); err != nil {
		t.Fatal(err)
	}
	if stack, err := s.Wait(); err != nil || !reflect.DeepEqual(stack, []any{int64(42)}) {
		t.Errorf("got %v, %v", stack, err)
	}
}

func TestSystemReceiveTimeoutAndCancel(t *testing.T) {
	rt := raft.New()
	p := compile(t, rt, serverSrc)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := rt.Start(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := s.NewMailbox()
	if err != nil {
		t.Fatal(err)
	}
	short, c2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer c2()
	if _, err := mb.Receive(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Receive with nothing sent: %v", err)
	}
	// Cancelling Start's context stops the system.
	cancel()
	deadline := time.After(time.Second)
	for {
		if _, err := s.Spawn("doubler"); err == raft.ErrStopped {
			break
		}
		select {
		case <-deadline:
			t.Fatal("the system did not stop after its context was cancelled")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestSystemKilledMailbox: Raft code may kill a mailbox as any actor; its
// pid is then dead for Raft code too.
func TestSystemMailboxIsAnActor(t *testing.T) {
	rt := raft.New()
	p := compile(t, rt, ": check ( pid parent -- ) | pid parent | pid alive? parent send pid :kill kill ;\n"+
		": later ( parent pid -- ) | parent pid | 20 sleep pid alive? parent send ;")
	s, err := rt.Start(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	mb, err := s.NewMailbox()
	if err != nil {
		t.Fatal(err)
	}
	mb2, err := s.NewMailbox()
	if err != nil {
		t.Fatal(err)
	}
	s.Spawn("check", mb.Pid(), mb2.Pid())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if msg, err := mb2.Receive(ctx); err != nil || msg != true {
		t.Errorf("alive? of a mailbox: %v, %v", msg, err)
	}
	s.Spawn("later", mb2.Pid(), mb.Pid())
	if msg, err := mb2.Receive(ctx); err != nil || msg != false {
		t.Errorf("alive? of a killed mailbox: %v, %v", msg, err)
	}
}

func TestSystemNoLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	rt := raft.New(raft.Workers(2))
	p := compile(t, rt, serverSrc+" receive")
	for range 3 {
		s, err := rt.Start(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		mb, _ := s.NewMailbox()
		d, _ := s.Spawn("doubler")
		s.Send(d, []any{1, mb.Pid()})
		mb.Receive(context.Background())
		s.Stop()
		s.Wait()
	}
	noMoreGoroutines(t, before)
}
