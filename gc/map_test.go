package gc_test

import (
	"errors"
	"math"
	"math/rand"
	"strconv"
	"testing"

	"github.com/raftvm/raft/gc"
)

func mustMap(t testing.TB, h *gc.Heap) gc.Value {
	t.Helper()
	m, err := h.NewMap()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustPut(t testing.TB, h *gc.Heap, m, k, v gc.Value) {
	t.Helper()
	if err := h.MapPut(m, k, v); err != nil {
		t.Fatal(err)
	}
}

// get returns the value of k in m, or nil and false.
func get(t testing.TB, h *gc.Heap, m, k gc.Value) (gc.Value, bool) {
	t.Helper()
	v, ok, err := h.MapGet(m, k)
	if err != nil {
		t.Fatal(err)
	}
	return v, ok
}

// TestMapModel puts, gets and deletes random int and string keys in a map
// and in a Go map side by side, past the size where the map gets an index,
// and checks that they agree, that the map keeps insertion order, and that
// the heap's invariants hold all along.
func TestMapModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, keys := range []int{4, 12, 300, 3000} {
		h := newHeap()
		m := mustMap(t, h)
		model := map[string]int64{}
		var order []string // the model's insertion order
		key := func(n int) (gc.Value, string) {
			if n%2 == 0 {
				return gc.Int(int64(n)), "i" + strconv.Itoa(n)
			}
			s := "s" + strconv.Itoa(n)
			if n%4 == 1 { // past the 8 bytes a slot of the index holds
				s = "a longer key " + s
			}
			return mustStr(t, h, s), s
		}
		for step := range 20 * keys {
			k, name := key(rng.Intn(keys))
			switch rng.Intn(3) {
			case 0, 1:
				mustPut(t, h, m, k, gc.Int(int64(step)))
				if _, ok := model[name]; !ok {
					order = append(order, name)
				}
				model[name] = int64(step)
			case 2:
				if err := h.MapDel(m, k); err != nil {
					t.Fatal(err)
				}
				if _, ok := model[name]; ok {
					delete(model, name)
					for i, o := range order {
						if o == name {
							order = append(order[:i], order[i+1:]...)
							break
						}
					}
				}
			}
			v, ok := get(t, h, m, k)
			want, wantOK := model[name]
			if ok != wantOK || (ok && v.AsInt() != want) {
				t.Fatalf("%d keys, step %d: %s -> %v %v, want %d %v", keys, step, name, v, ok, want, wantOK)
			}
			h.Release(k)
			if step%97 == 0 {
				check(t, h)
			}
		}
		if h.MapLen(m) != len(model) {
			t.Fatalf("MapLen %d, want %d", h.MapLen(m), len(model))
		}
		var got []string
		for i := range h.MapSlots(m) {
			k, _, live := h.MapPair(m, i)
			switch {
			case !live:
			case k.K == gc.KInt:
				got = append(got, "i"+strconv.FormatInt(k.AsInt(), 10))
			default:
				got = append(got, h.Text(k))
			}
		}
		if len(got) != len(order) {
			t.Fatalf("%d pairs iterated, want %d", len(got), len(order))
		}
		for i := range got {
			if got[i] != order[i] {
				t.Fatalf("pair %d is %s, want %s (insertion order)", i, got[i], order[i])
			}
		}
		check(t, h)
		h.Release(m)
		check(t, h)
		if n := len(h.Objects()); n != 0 {
			t.Fatalf("%d objects left after the map was released", n)
		}
	}
}

// TestMapKeys checks which values are keys and which keys are the same:
// an int and a float of equal value, a static and a heap string of the
// same bytes, arrays by contents.
func TestMapKeys(t *testing.T) {
	h := newHeap()
	m := mustMap(t, h)
	mustPut(t, h, m, gc.Int(1), gc.Int(10))
	if v, ok := get(t, h, m, gc.Float(1.0)); !ok || v.AsInt() != 10 {
		t.Errorf("1.0 finds %v %v, want the value of 1", v, ok)
	}
	mustPut(t, h, m, gc.Float(-0.0), gc.Int(20))
	if v, _ := get(t, h, m, gc.Int(0)); v.AsInt() != 20 {
		t.Errorf("0 finds %v, want the value of -0.0", v)
	}
	if _, ok := get(t, h, m, gc.Float(1.5)); ok {
		t.Error("1.5 found in a map without it")
	}
	big := gc.Int(1<<53 + 1)
	mustPut(t, h, m, big, gc.Int(30))
	if _, ok := get(t, h, m, gc.Float(1<<53)); ok {
		t.Error("2^53 as a float finds 2^53+1")
	}
	st := h.In.StaticString("word")
	mustPut(t, h, m, st, gc.Int(40))
	hs := mustStr(t, h, "word")
	if v, _ := get(t, h, m, hs); v.AsInt() != 40 {
		t.Errorf("a heap string finds %v, want the value put under an equal static string", v)
	}
	a := mustArr(t, h, gc.Int(1), mustStr(t, h, "x"))
	mustPut(t, h, m, a, gc.Int(50))
	if err := h.Set(a, 0, gc.Int(2)); err != nil { // the map holds a copy
		t.Fatal(err)
	}
	b := mustArr(t, h, gc.Float(1), mustStr(t, h, "x"))
	if v, ok := get(t, h, m, b); !ok || v.AsInt() != 50 {
		t.Errorf("{ 1.0 \"x\" } finds %v %v, want the value of the array key as it was put", v, ok)
	}
	if _, ok := get(t, h, m, a); ok {
		t.Error("changing the array after put changed the key in the map")
	}
	for _, bad := range []gc.Value{gc.Float(math.NaN()), gc.Quot(0), m} {
		if err := h.MapPut(m, bad, gc.Int(0)); !errors.Is(err, gc.ErrBadKey) {
			t.Errorf("put with key %v: %v, want ErrBadKey", bad.K, err)
		}
	}
	nested := mustArr(t, h)
	cyc := nested
	h.Retain(cyc)
	if err := h.Push(nested, cyc); err != nil { // { { { ... } } }
		t.Fatal(err)
	}
	if _, _, err := h.MapGet(m, nested); !errors.Is(err, gc.ErrBadKey) {
		t.Errorf("a cyclic array as a key: %v, want ErrBadKey", err)
	}
	check(t, h)
	for _, v := range []gc.Value{hs, a, b, nested, m} {
		h.Release(v)
	}
	h.Collect() // nested holds itself
	check(t, h)
	if n := len(h.Objects()); n != 0 {
		t.Fatalf("%d objects left", n)
	}
}

// TestMapCopyAndCollect sends a map holding itself, strings and an array
// key to another heap, and checks that the copy finds every key, and that
// the collector frees the cycle.
func TestMapCopyAndCollect(t *testing.T) {
	src, dst := newHeap(), newHeap()
	src.In = dst.In
	m := mustMap(t, src)
	for i := range 50 {
		mustPut(t, src, m, mustStrOrNil(src, "k"+strconv.Itoa(i)), gc.Int(int64(i)))
	}
	for i := 0; i < 50; i += 3 {
		if err := src.MapDel(m, gc.Int(int64(i))); err != nil { // absent keys: nothing happens
			t.Fatal(err)
		}
	}
	src.Retain(m)
	mustPut(t, src, m, src.In.Intern("self"), m)
	key := mustArr(t, src, gc.Int(7), gc.Int(8))
	mustPut(t, src, m, key, mustStr(t, src, "seven-eight"))
	c, err := gc.Copy(dst, src, m)
	if err != nil {
		t.Fatal(err)
	}
	check(t, src)
	check(t, dst)
	for i := range 50 {
		k := mustStr(t, dst, "k"+strconv.Itoa(i))
		if v, ok := get(t, dst, c, k); !ok || v.AsInt() != int64(i) {
			t.Fatalf("copy: k%d -> %v %v", i, v, ok)
		}
		dst.Release(k)
	}
	if v, _ := get(t, dst, c, dst.In.Intern("self")); v != c {
		t.Errorf("the copy's :self is %v, want the copy itself", v)
	}
	probe := mustArr(t, dst, gc.Int(7), gc.Int(8))
	if v, ok := get(t, dst, c, probe); !ok || dst.Text(v) != "seven-eight" {
		t.Errorf("the copy's array key finds %v %v", v, ok)
	}
	dst.Release(probe)
	for _, h := range []*gc.Heap{src, dst} {
		v := m
		if h == dst {
			v = c
		}
		h.Release(key)
		key = gc.Nil
		h.Release(v) // the map still holds itself
		h.Collect()
		check(t, h)
		if n := len(h.Objects()); n != 0 {
			t.Fatalf("%d objects left after collecting the map's cycle", n)
		}
	}
}

// TestMapOutOfMemory fills a map under a small heap limit: a put that
// fails changes nothing, and the map stays whole.
func TestMapOutOfMemory(t *testing.T) {
	h := newHeap()
	h.Limit = 64 << 10
	m := mustMap(t, h)
	n := 0
	for ; ; n++ {
		if err := h.MapPut(m, gc.Int(int64(n)), gc.Int(int64(n))); err != nil {
			if !errors.Is(err, gc.ErrOutOfMemory) {
				t.Fatal(err)
			}
			break
		}
	}
	check(t, h)
	if h.MapLen(m) != n {
		t.Fatalf("MapLen %d after %d puts", h.MapLen(m), n)
	}
	for i := range n {
		if v, ok := get(t, h, m, gc.Int(int64(i))); !ok || v.AsInt() != int64(i) {
			t.Fatalf("key %d lost after a failed put", i)
		}
	}
}

// BenchmarkMapWordCount counts 600,000 words of a 10,000-word vocabulary,
// made as separate heap strings (as split makes them), with one MapGet and
// one MapPut per word: the map work of bench/corpus/wordcount.raft.
func BenchmarkMapWordCount(b *testing.B) {
	h := newHeap()
	rng := rand.New(rand.NewSource(1))
	words := make([]gc.Value, 600000)
	for i := range words {
		x := rng.Float64()
		words[i] = mustStr(b, h, "w"+strconv.Itoa(int(x*x*x*10000)))
	}
	b.ResetTimer()
	for range b.N {
		m := mustMap(b, h)
		for _, w := range words {
			v, _, _ := h.MapGet(m, w)
			if err := h.MapPut(m, w, gc.Int(v.AsInt()+1)); err != nil {
				b.Fatal(err)
			}
		}
		h.Release(m)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(words)), "ns/word")
}

// TestMapKeyOfSharedArrays checks that a key whose arrays share elements
// ({ x x } nested 30 deep: 2^30 values when walked) is refused at once,
// not hashed for ever.
func TestMapKeyOfSharedArrays(t *testing.T) {
	h := newHeap()
	k := mustArr(t, h, gc.Int(1))
	for range 30 {
		h.Retain(k)
		k = mustArr(t, h, k, k)
	}
	m := mustMap(t, h)
	if err := h.MapPut(m, k, gc.Int(1)); !errors.Is(err, gc.ErrBadKey) {
		t.Fatalf("put with a key of 2^30 values: %v, want ErrBadKey", err)
	}
	small := mustArr(t, h, gc.Int(1))
	for range 10 { // 2^10 values: a key
		h.Retain(small)
		small = mustArr(t, h, small, small)
	}
	mustPut(t, h, m, small, gc.Int(2))
	check(t, h)
}
