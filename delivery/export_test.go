package delivery

import "context"

// WaitPush exposes the push side of a Budget to the tests.
func WaitPush(ctx context.Context, b *Budget, breaking bool) (paid, ok bool) {
	return b.waitPush(ctx, breaking)
}

// InFlight reports whether a message into the chat is in flight.
func InFlight(w *Worker, chatID int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.busy[chatID]
}
