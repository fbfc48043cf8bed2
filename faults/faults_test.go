package faults_test

import (
	"testing"
	"time"

	"github.com/ajel-news/ajel/faults"
)

// A fault stays listed while it is reported, counted each time, until it
// is cleared or not seen for Memory (or the longer time ReportFor asked);
// the list is ordered by component. (/healthz showing it:
// web.TestHealthzFaults.)
func TestTracker(t *testing.T) {
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := start
	tr := faults.NewTracker(func() time.Time { return clock })
	if got := tr.List(); len(got) != 0 {
		t.Fatalf("a new tracker lists %v", got)
	}
	tr.Report("telegram", "sending failed, will retry: telegram: 500 Internal Server Error")
	clock = clock.Add(time.Second)
	tr.Report("database", "database is locked")
	tr.Report("database", "database or disk is full")
	got := tr.List()
	if len(got) != 2 || got[0].Component != "database" || got[1].Component != "telegram" {
		t.Fatalf("two faults, by component: %+v", got)
	}
	if db := got[0]; db.Count != 2 || db.Error != "database or disk is full" || !db.Since.Equal(start.Add(time.Second)) || !db.Last.Equal(clock) {
		t.Errorf("database fault: %+v, want count 2, the latest error, since its first report", db)
	}
	tr.Clear("telegram")
	clock = clock.Add(faults.Memory / 2)
	if got := tr.List(); len(got) != 1 || got[0].Component != "database" {
		t.Errorf("after clearing telegram: %+v", got)
	}
	clock = clock.Add(faults.Memory)
	if got := tr.List(); len(got) != 0 {
		t.Errorf("a fault not seen for Memory is still listed: %+v", got)
	}
	tr.ReportFor("clock", "the clock went back", time.Hour)
	clock = clock.Add(59 * time.Minute)
	if got := tr.List(); len(got) != 1 {
		t.Errorf("59 minutes after a fault reported for an hour: %+v", got)
	}
	clock = clock.Add(2 * time.Minute)
	if got := tr.List(); len(got) != 0 {
		t.Errorf("61 minutes after a fault reported for an hour: %+v", got)
	}
	tr.ReportFor("clock", "briefly", time.Second) // never less than Memory
	clock = clock.Add(faults.Memory / 2)
	if got := tr.List(); len(got) != 1 {
		t.Errorf("a fault reported for a second is kept for Memory: %+v", got)
	}
}
