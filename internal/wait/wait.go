// Package wait has the one way Ajel waits: for a while, or until the
// context ends, whichever comes first.
package wait

import (
	"context"
	"time"
)

// Sleep waits d or until ctx ends, and reports whether the whole wait
// passed (false: ctx ended). A d of zero or less returns at once, true
// unless ctx has ended.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
