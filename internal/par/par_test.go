package par

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

// TestDo: every piece runs once, errors come back at their index, and
// each worker keeps its own state.
func TestDo(t *testing.T) {
	for _, n := range []int{0, 1, 7, 100} {
		var ran [100]atomic.Int32
		var workers atomic.Int32
		errs := Do(n, func() func(int) error {
			workers.Add(1)
			done := 0 // this worker's own count
			return func(i int) error {
				done++
				ran[i].Add(1)
				if i%3 == 0 {
					return fmt.Errorf("piece %d (the worker's %d)", i, done)
				}
				return nil
			}
		})
		if len(errs) != n {
			t.Fatalf("n=%d: %d errors", n, len(errs))
		}
		for i := range n {
			if ran[i].Load() != 1 {
				t.Errorf("n=%d: piece %d ran %d times", n, i, ran[i].Load())
			}
			if (errs[i] != nil) != (i%3 == 0) {
				t.Errorf("n=%d: piece %d: error %v", n, i, errs[i])
			}
		}
		if n > 0 && (workers.Load() < 1 || int(workers.Load()) > n) {
			t.Errorf("n=%d: %d workers", n, workers.Load())
		}
		if errors.Join(errs...) != nil && n == 0 {
			t.Error("no work, an error")
		}
	}
}
