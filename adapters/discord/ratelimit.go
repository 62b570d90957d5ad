package discord

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"ezscale.cloud/platform"
)

const (
	// maxWait is the longest Send sleeps for the rate limit. Longer waits
	// return ERATELIMITED for the job queue to reschedule, rather than
	// hold a worker past a good part of its job lease.
	maxWait = time.Minute
	// defaultRetryAfter is the wait after a 429 that says nothing about
	// how long to wait (a proxy's page, not Discord's JSON).
	defaultRetryAfter = time.Second
)

// limiter remembers until when Discord said the webhook's bucket is empty,
// so that the next send waits instead of spending a request on a 429:
// Discord counts 429s towards its ban on clients that make too many
// failing requests. It is shared by concurrent Sends.
type limiter struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu    sync.Mutex
	until time.Time
}

// wait sleeps until the bucket has refilled, or returns ctx's error if ctx
// ends first.
func (l *limiter) wait(ctx context.Context) error {
	l.mu.Lock()
	d := l.until.Sub(l.now())
	l.mu.Unlock()
	switch {
	case d <= 0:
		return nil
	case d > maxWait:
		return platform.Errorf(platform.ERATELIMITED, "discord: webhook rate limited for %s; try again later", d.Round(time.Second))
	}
	return l.sleep(ctx, d)
}

// blockFor holds further sends back for d from now; a shorter block than
// one already known does not shorten it.
func (l *limiter) blockFor(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.now().Add(d); t.After(l.until) {
		l.until = t
	}
}

// observe reads a response's rate-limit headers and, when they say the
// bucket is empty, holds further sends back until it resets.
// X-RateLimit-Reset-After is used rather than X-RateLimit-Reset, an epoch
// time, so that a skewed local clock does not matter.
func (l *limiter) observe(h http.Header) {
	if h.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	if d, ok := seconds(h.Get("X-RateLimit-Reset-After")); ok {
		l.blockFor(d)
	}
}

// retryAfter reads how long a 429 asks us to wait: the body's retry_after
// (seconds, with decimals) when Discord answered, else the Retry-After
// header (whole seconds), else defaultRetryAfter.
func retryAfter(h http.Header, body []byte) time.Duration {
	var rl struct {
		RetryAfter float64 `json:"retry_after"`
	}
	if json.Unmarshal(body, &rl) == nil && rl.RetryAfter > 0 {
		return fromSeconds(rl.RetryAfter)
	}
	if d, ok := seconds(h.Get("Retry-After")); ok {
		return d
	}
	return defaultRetryAfter
}

// maxSeconds keeps absurd header values from overflowing a time.Duration;
// anything this long is far past maxWait anyway.
const maxSeconds = 1e6

// seconds parses a non-negative number of seconds, such as "1.234".
func seconds(s string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 {
		return 0, false
	}
	return fromSeconds(f), true
}

// fromSeconds converts seconds to a Duration, capped at maxSeconds.
func fromSeconds(f float64) time.Duration {
	return time.Duration(math.Min(f, maxSeconds) * float64(time.Second))
}

// sleep waits for d or until ctx ends; it is the default Config.Sleep.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
