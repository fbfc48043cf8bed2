// Package parallel runs the same work over a list, a few at a time.
package parallel

import "sync"

// For calls fn(i) for every i in [0, n), at most at calls at the same time,
// and returns when all have returned. fn writes its result in its own
// place (out[i]), so the caller keeps the list's order.
func For(n, at int, fn func(i int)) {
	if at < 1 {
		at = 1
	}
	sem := make(chan struct{}, at)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			fn(i)
		})
	}
	wg.Wait()
}
