package delivery

import "context"

// WaitPush exposes the push side of a Budget to the tests.
func WaitPush(ctx context.Context, b *Budget, breaking bool) (paid, ok bool) {
	return b.waitPush(ctx, breaking)
}
