package main

import (
	"fmt"
	"time"

	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/faults"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

// Fault components as /healthz names them.
const (
	faultTelegram = "telegram"
	faultDatabase = "database"
	faultClock    = "clock"
)

// deliveryFaults tells /healthz what the delivery worker runs into:
// Telegram refusing or failing sends, the database refusing to record.
// A message accepted and recorded clears both.
type deliveryFaults struct {
	delivery.Observer
	faults *faults.Tracker
}

func (d deliveryFaults) Sent(dl news.Delivery, latency time.Duration) {
	d.faults.Clear(faultTelegram)
	d.faults.Clear(faultDatabase)
	d.Observer.Sent(dl, latency)
}

func (d deliveryFaults) Retried(dl news.Delivery, reason string) {
	d.faults.Report(faultTelegram, "sending failed, will retry: "+oneLine(reason))
	d.Observer.Retried(dl, reason)
}

func (d deliveryFaults) RateLimited(retryAfter time.Duration) {
	d.faults.Report(faultTelegram, fmt.Sprintf("rate limited (429): all sends paused for %s", retryAfter))
	d.Observer.RateLimited(retryAfter)
}

func (d deliveryFaults) StoreError(err error) {
	d.faults.Report(faultDatabase, oneLine(err.Error()))
	d.Observer.StoreError(err)
}

// clockFaultFor is how long /healthz lists that the clock went back.
const clockFaultFor = time.Hour

func (d deliveryFaults) Rescheduled(rows int, ahead time.Duration) {
	d.faults.ReportFor(faultClock, fmt.Sprintf("the clock went back: %d pending pushes were dated up to %s in the future; they were sent at once instead of waiting for the clock to catch up (check the time sync)",
		rows, ahead.Round(time.Second)), clockFaultFor)
	d.Observer.Rescheduled(rows, ahead)
}

// feedFaults tells /healthz when a feed poll failed because of the
// database (a full disk, a lock): the feed's own last_error cannot be saved
// then. A feed that fails by itself is already listed with its error.
type feedFaults struct {
	feed.Observer
	faults *faults.Tracker
}

func (f feedFaults) FeedFetched(feedID int64, items int, err error) {
	switch {
	case err != nil && storage.IsUnavailable(err):
		f.faults.Report(faultDatabase, oneLine(err.Error()))
	case err == nil && items > 0:
		f.faults.Clear(faultDatabase) // the items were stored
	}
	f.Observer.FeedFetched(feedID, items, err)
}

func oneLine(s string) string { return textcut.Line(s, 300) }
