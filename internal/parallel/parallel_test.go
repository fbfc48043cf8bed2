package parallel_test

import (
	"sync/atomic"
	"testing"

	"github.com/ajel-news/ajel/internal/parallel"
)

func TestForBoundsTheCallsAtOnce(t *testing.T) {
	var now, most atomic.Int32
	out := make([]int, 50)
	parallel.For(len(out), 4, func(i int) {
		n := now.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		out[i] = i * i
		now.Add(-1)
	})
	for i, v := range out {
		if v != i*i {
			t.Fatalf("out[%d] = %d", i, v)
		}
	}
	if m := most.Load(); m > 4 || m < 1 {
		t.Errorf("%d calls at once, want at most 4", m)
	}
	parallel.For(0, 4, func(int) { t.Error("called for an empty list") })
}
