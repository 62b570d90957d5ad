package discordtest

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// bucket is one webhook's rate limit: a fixed window that opens with the
// first request after the last one closed and allows limit requests.
type bucket struct {
	name    string // X-RateLimit-Bucket
	limit   int
	window  time.Duration
	resetAt time.Time
	used    int
}

// take spends one request at now and reports whether it may go ahead.
func (b *bucket) take(now time.Time) bool {
	if !now.Before(b.resetAt) {
		b.resetAt, b.used = now.Add(b.window), 0
	}
	if b.used >= b.limit {
		return false
	}
	b.used++
	return true
}

// resetAfter is how long from now until the window closes.
func (b *bucket) resetAfter(now time.Time) time.Duration { return b.resetAt.Sub(now) }

// setHeaders writes the X-RateLimit-* headers Discord sends with every
// response on the route. Times are rounded up to the millisecond, so a
// client that waits exactly as long as told is never early.
func (b *bucket) setHeaders(h http.Header, now time.Time) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(b.limit-b.used))
	h.Set("X-RateLimit-Reset", seconds(b.resetAt.Sub(time.Unix(0, 0))))
	h.Set("X-RateLimit-Reset-After", seconds(b.resetAfter(now)))
	h.Set("X-RateLimit-Bucket", b.name)
}

// seconds formats d in seconds with three decimals, rounded up.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(ceilSeconds(d), 'f', 3, 64)
}

// ceilSeconds is d in seconds, rounded up to the millisecond.
func ceilSeconds(d time.Duration) float64 {
	return math.Ceil(float64(d)/float64(time.Millisecond)) / 1000
}
