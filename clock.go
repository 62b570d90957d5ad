package platform

import (
	"sync"
	"time"
)

// Clock tells the time. Services take one so that periods, proration and due
// dates are deterministic in tests.
type Clock interface {
	Now() time.Time
}

// Truncate brings t to the precision every store keeps: whole seconds, UTC.
// Times are truncated once, where they enter the domain, so a value read back
// from a database equals the value written.
func Truncate(t time.Time) time.Time {
	return t.UTC().Truncate(time.Second)
}

// SystemClock is the wall clock, truncated to whole seconds in UTC.
type SystemClock struct{}

// Now returns the current time in UTC, to the second.
func (SystemClock) Now() time.Time { return Truncate(time.Now()) }

// ManualClock is a clock that moves only when told; for tests and examples.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: Truncate(t)} }

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = Truncate(t)
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = Truncate(c.now.Add(d))
}
