package discordtest

import (
	"context"
	"sync"
	"time"
)

// Clock is a fake clock for a Server and the client under test to share:
// Sleep moves it forward at once instead of blocking, so a test that waits
// out rate limits runs in no real time and cannot be flaky. Use it from one
// goroutine at a time; concurrent sleepers would each move it forward.
type Clock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep moves the clock forward by d, or returns ctx's error if ctx has
// ended.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept += d
	return nil
}

// Slept reports how long Sleep has moved the clock in all.
func (c *Clock) Slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slept
}
