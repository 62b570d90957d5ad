package identity

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRateWindowHit(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	steps := []struct {
		at        time.Duration // after t0
		allowed   bool
		remaining int
		retry     time.Duration
		start     time.Duration // window start after the hit
		count     int
	}{
		{0, true, 4, 0, 0, 1},
		{10 * time.Second, true, 3, 0, 0, 2},
		{20 * time.Second, true, 2, 0, 0, 3},
		{30 * time.Second, true, 1, 0, 0, 4},
		{50 * time.Second, true, 0, 0, 0, 5},
		// The sixth within the minute is refused until the window ends.
		{55 * time.Second, false, 0, 5 * time.Second, 0, 5},
		// Refused hits are not counted and do not move the window.
		{59 * time.Second, false, 0, time.Second, 0, 5},
		// The window ended: a new one opens at this hit.
		{60 * time.Second, true, 4, 0, 60 * time.Second, 1},
		{61 * time.Second, true, 3, 0, 60 * time.Second, 2},
	}
	var w RateWindow
	for i, s := range steps {
		var d Decision
		w, d = w.Hit(t0.Add(s.at), time.Minute, 5)
		want := Decision{Allowed: s.allowed, Remaining: s.remaining, RetryAfter: s.retry}
		if d != want {
			t.Errorf("hit %d at +%v: %+v, want %+v", i+1, s.at, d, want)
		}
		if !w.Start.Equal(t0.Add(s.start)) || w.Count != s.count {
			t.Errorf("hit %d at +%v: window %v/%d, want +%v/%d", i+1, s.at, w.Start.Sub(t0), w.Count, s.start, s.count)
		}
	}
}

func TestRateWindowEdges(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	full := RateWindow{Start: t0, Count: 5}

	// A clock behind the window's start (another process) still counts in
	// it, and its retry time never exceeds a window.
	w, d := full.Hit(t0.Add(-10*time.Second), time.Minute, 5)
	if d.Allowed || d.RetryAfter != time.Minute || w != full {
		t.Errorf("full window, clock behind: %+v %+v", w, d)
	}
	w, d = RateWindow{Start: t0, Count: 2}.Hit(t0.Add(-10*time.Second), time.Minute, 5)
	if !d.Allowed || w.Count != 3 || !w.Start.Equal(t0) {
		t.Errorf("clock behind: %+v %+v, want counted in the current window", w, d)
	}

	// A limit below one refuses, and changes nothing.
	for _, limit := range []int{0, -1} {
		w, d := RateWindow{}.Hit(t0, time.Minute, limit)
		if d.Allowed || w != (RateWindow{}) {
			t.Errorf("limit %d: %+v %+v, want refused", limit, w, d)
		}
	}

	// A limit of one allows exactly one.
	w, d = RateWindow{}.Hit(t0, time.Minute, 1)
	if !d.Allowed || d.Remaining != 0 {
		t.Errorf("limit 1, first: %+v", d)
	}
	if _, d = w.Hit(t0, time.Minute, 1); d.Allowed {
		t.Error("limit 1, second: allowed")
	}
}

// memLimiter applies RateWindow under a mutex: the test stand-in for the
// SQL limiters, which apply it under a row lock.
type memLimiter struct {
	mu sync.Mutex
	w  map[string]RateWindow
}

func (l *memLimiter) Hit(_ context.Context, key string, window time.Duration, limit int, now time.Time) (Decision, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w == nil {
		l.w = map[string]RateWindow{}
	}
	var d Decision
	l.w[key], d = l.w[key].Hit(now, window, limit)
	return d, nil
}

var _ Limiter = (*memLimiter)(nil)

func TestSixthLoginRefused(t *testing.T) {
	ctx := context.Background()
	lim := DefaultLimits()
	l := &memLimiter{}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	// Five attempts with the email spelled differently each time count
	// against one account.
	spellings := []string{"ada@example.com", "Ada@Example.com", " ada@example.com", "ADA@EXAMPLE.COM\n", "ada@example.COM"}
	for i, email := range spellings {
		d, err := lim.LoginAccount.Hit(ctx, l, LoginAccountKey(email), t0.Add(time.Duration(i)*10*time.Second))
		if err != nil || !d.Allowed {
			t.Fatalf("attempt %d: %+v, %v; want allowed", i+1, d, err)
		}
	}
	d, _ := lim.LoginAccount.Hit(ctx, l, LoginAccountKey("ada@example.com"), t0.Add(59*time.Second))
	if d.Allowed || d.RetryAfter != time.Second {
		t.Fatalf("sixth attempt within a minute: %+v, want refused for 1s", d)
	}
	// Another account is not affected, and the first one recovers after
	// the minute.
	if d, _ := lim.LoginAccount.Hit(ctx, l, LoginAccountKey("bob@example.com"), t0.Add(59*time.Second)); !d.Allowed {
		t.Error("another account refused")
	}
	if d, _ := lim.LoginAccount.Hit(ctx, l, LoginAccountKey("ada@example.com"), t0.Add(time.Minute)); !d.Allowed {
		t.Error("account still refused after the window")
	}
}

func TestDefaultLimits(t *testing.T) {
	lim := DefaultLimits()
	if lim.LoginAccount != (Rule{Limit: 5, Window: time.Minute}) {
		t.Errorf("LoginAccount = %+v, want 5 per minute", lim.LoginAccount)
	}
	if lim.LoginIP != (Rule{Limit: 20, Window: time.Minute}) {
		t.Errorf("LoginIP = %+v, want 20 per minute", lim.LoginIP)
	}
	// Every rule is set: a zero rule would refuse everything.
	v := reflect.ValueOf(lim)
	for i := range v.NumField() {
		r := v.Field(i).Interface().(Rule)
		if r.Limit < 1 || r.Window <= 0 {
			t.Errorf("%s = %+v, want a positive limit and window", v.Type().Field(i).Name, r)
		}
	}
	// The per-address limit is looser than the per-account one for the
	// same action, or one office's users would lock each other out.
	if lim.LoginIP.Limit <= lim.LoginAccount.Limit || lim.ResetIP.Limit <= lim.ResetAccount.Limit || lim.SecondFactorIP.Limit <= lim.SecondFactorUser.Limit {
		t.Errorf("an IP limit is not looser than its account limit: %+v", lim)
	}
}

func TestRateLimitKeys(t *testing.T) {
	long := strings.Repeat("a", 300) + "@example.com"
	tests := []struct {
		name, got, want string
	}{
		{"login account", LoginAccountKey("  Ada@Example.COM "), "login:account:ada@example.com"},
		{"reset account", ResetAccountKey("Ada@Example.com"), "reset:account:ada@example.com"},
		{"login ipv4", LoginIPKey("203.0.113.9"), "login:ip:203.0.113.9"},
		{"ipv4 with port", LoginIPKey("203.0.113.9:51234"), "login:ip:203.0.113.9"},
		{"ipv4 with space", LoginIPKey(" 203.0.113.9 "), "login:ip:203.0.113.9"},
		{"ipv4-mapped ipv6", LoginIPKey("::ffff:203.0.113.9"), "login:ip:203.0.113.9"},
		{"ipv4-mapped with port", LoginIPKey("[::ffff:203.0.113.9]:443"), "login:ip:203.0.113.9"},
		{"ipv6 is its /64", LoginIPKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "login:ip:2001:db8:1:2::/64"},
		{"ipv6 same /64", LoginIPKey("2001:DB8:1:2::1"), "login:ip:2001:db8:1:2::/64"},
		{"ipv6 with port", LoginIPKey("[2001:db8:1:2::1]:8443"), "login:ip:2001:db8:1:2::/64"},
		{"ipv6 with zone", LoginIPKey("fe80::1%eth0"), "login:ip:fe80::/64"},
		{"garbage", LoginIPKey("not an ip"), "login:ip:invalid"},
		{"other garbage, same key", LoginIPKey("1.2.3.4, 5.6.7.8"), "login:ip:invalid"},
		{"empty", LoginIPKey(""), "login:ip:invalid"},
		{"register", RegisterIPKey("203.0.113.9"), "register:ip:203.0.113.9"},
		{"reset ip", ResetIPKey("203.0.113.9"), "reset:ip:203.0.113.9"},
		{"2fa user", SecondFactorUserKey(42), "2fa:user:42"},
		{"2fa ip", SecondFactorIPKey("203.0.113.9"), "2fa:ip:203.0.113.9"},
		{"api token", APITokenKey(7), "api:token:7"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: key %q, want %q", tt.name, tt.got, tt.want)
		}
	}

	// Long input is hashed so every key fits a VARCHAR(255), and distinct
	// long inputs stay distinct.
	k1, k2 := LoginAccountKey(long), LoginAccountKey("b"+long)
	if len(k1) > 255 || !strings.HasPrefix(k1, "login:account:sha256:") || k1 == k2 {
		t.Errorf("long email keys %q, %q", k1, k2)
	}
	if LoginAccountKey(strings.ToUpper(long)) != k1 {
		t.Error("long email key is not normalised before hashing")
	}
	// Key families never collide.
	if LoginIPKey("1.2.3.4") == RegisterIPKey("1.2.3.4") || LoginAccountKey("a@b.co") == ResetAccountKey("a@b.co") {
		t.Error("key families collide")
	}
}
