// Package faults remembers the troubles of the running process while they
// last: components report a fault and clear it when things work again,
// and /healthz lists what is open.
package faults

import (
	"sort"
	"sync"
	"time"
)

// Fault is one trouble Ajel is living through now, as /healthz lists it.
type Fault struct {
	// Component names what is failing: "telegram", "database"…
	Component string `json:"component"`
	// Error is the latest error, one line.
	Error string `json:"error"`
	// Since is when the fault began, Last when it was last seen.
	Since time.Time `json:"since"`
	Last  time.Time `json:"last"`
	// Count is how often it was seen since it began.
	Count int `json:"count"`
	// keep is how long it stays listed after it was last seen (at least
	// Memory).
	keep time.Duration
}

// Memory is how long a fault stays listed after it was last seen when
// nothing cleared it: a component that stopped failing but had no success
// to report yet (no message to send) is not left marked forever.
const Memory = time.Minute

// Tracker remembers the faults of the running process that the database
// cannot hold: when the disk is full or the database is locked, a feed's
// last error cannot be saved, and Telegram's refusals are not stored
// anywhere. Components report a fault while it lasts and clear it when
// things work again; /healthz lists what is open. The zero value is not
// usable: call NewTracker. It is safe for concurrent use.
type Tracker struct {
	mu   sync.Mutex
	now  func() time.Time
	open map[string]*Fault
}

// NewTracker returns a Tracker with no fault; now is the clock (nil:
// time.Now).
func NewTracker(now func() time.Time) *Tracker {
	if now == nil {
		now = time.Now
	}
	return &Tracker{now: now, open: map[string]*Fault{}}
}

// Report records that component failed with msg.
func (f *Tracker) Report(component, msg string) { f.ReportFor(component, msg, Memory) }

// ReportFor records that something happened to component that /healthz
// should list for keep after it was last seen, though nothing will clear
// it: an event already dealt with that an operator should still hear of
// (the clock went back).
func (f *Tracker) ReportFor(component, msg string, keep time.Duration) {
	t := f.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	ft, ok := f.open[component]
	if !ok {
		ft = &Fault{Component: component, Since: t}
		f.open[component] = ft
	}
	ft.Error, ft.Last, ft.keep = msg, t, max(keep, Memory)
	ft.Count++
}

// Clear records that component works again.
func (f *Tracker) Clear(component string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.open, component)
}

// List returns the open faults, by component, forgetting those not seen
// for Memory (or the longer time ReportFor asked).
func (f *Tracker) List() []Fault {
	t := f.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Fault, 0, len(f.open))
	for c, ft := range f.open {
		if t.Sub(ft.Last) > ft.keep {
			delete(f.open, c)
			continue
		}
		out = append(out, *ft)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Component < out[j].Component })
	return out
}
