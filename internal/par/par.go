// Package par runs independent pieces of work on every core.
package par

import (
	"runtime"
	"sync"
)

// Do calls work(i) for every i in [0, n) on every core, each core through
// its own worker (newWorker is called once a core: state the worker keeps
// between calls), and returns the errors by i.
func Do(n int, newWorker func() func(i int) error) []error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := newWorker()
			for i := range next {
				errs[i] = work(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}
