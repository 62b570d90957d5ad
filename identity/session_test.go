package identity

import (
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
)

func TestDefaultSessionPolicy(t *testing.T) {
	tests := []struct {
		role           Role
		idle, absolute time.Duration
	}{
		{RoleCustomer, 7 * 24 * time.Hour, 30 * 24 * time.Hour},
		{RoleAdmin, 30 * time.Minute, 12 * time.Hour},
		// Anything that is not an admin gets the customer lifetimes, and
		// never a longer one.
		{Role(""), 7 * 24 * time.Hour, 30 * 24 * time.Hour},
	}
	for _, tt := range tests {
		p := DefaultSessionPolicy(tt.role)
		if p.IdleTimeout != tt.idle || p.AbsoluteTimeout != tt.absolute {
			t.Errorf("DefaultSessionPolicy(%q) = %+v, want idle %v, absolute %v", tt.role, p, tt.idle, tt.absolute)
		}
	}
}

func TestSessionCheck(t *testing.T) {
	login := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	admin := DefaultSessionPolicy(RoleAdmin)       // 30 min idle, 12 h absolute
	customer := DefaultSessionPolicy(RoleCustomer) // 7 d idle, 30 d absolute
	s := Session{ID: 1, UserID: 1, CreatedAt: login, LastSeenAt: login, ExpiresAt: login.Add(12 * time.Hour)}
	with := func(f func(*Session)) Session {
		c := s
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		s       Session
		now     time.Time
		policy  SessionPolicy
		message string // "" when the session is good
	}{
		{"fresh", s, login.Add(time.Minute), admin, ""},
		{"idle just under the limit", s, login.Add(30*time.Minute - time.Second), admin, ""},
		{"idle at the limit", s, login.Add(30 * time.Minute), admin, "inactivity"},
		{"kept alive by requests", with(func(s *Session) { s.LastSeenAt = login.Add(11*time.Hour + 45*time.Minute) }), login.Add(12*time.Hour - time.Second), admin, ""},
		{"absolute limit despite activity", with(func(s *Session) { s.LastSeenAt = login.Add(11*time.Hour + 59*time.Minute) }), login.Add(12 * time.Hour), admin, "session expired"},
		{"never seen falls back to login time", with(func(s *Session) { s.LastSeenAt = time.Time{} }), login.Add(31 * time.Minute), admin, "inactivity"},
		{"never seen, recent login", with(func(s *Session) { s.LastSeenAt = time.Time{} }), login.Add(29 * time.Minute), admin, ""},
		{"revoked", with(func(s *Session) { s.RevokedAt = login.Add(time.Minute) }), login.Add(2 * time.Minute), admin, "session revoked"},
		// Revocation is reported over expiry: the user was logged out on
		// purpose, which is what they should read.
		{"revoked and expired", with(func(s *Session) { s.RevokedAt = login.Add(time.Minute) }), login.Add(48 * time.Hour), admin, "session revoked"},
		{"customer idle for six days", with(func(s *Session) { s.ExpiresAt = login.Add(30 * 24 * time.Hour) }), login.Add(6 * 24 * time.Hour), customer, ""},
		{"customer idle for seven days", with(func(s *Session) { s.ExpiresAt = login.Add(30 * 24 * time.Hour) }), login.Add(7 * 24 * time.Hour), customer, "inactivity"},
		{"customer at 30 days", with(func(s *Session) {
			s.ExpiresAt = login.Add(30 * 24 * time.Hour)
			s.LastSeenAt = login.Add(29 * 24 * time.Hour)
		}), login.Add(30 * 24 * time.Hour), customer, "session expired"},
		// The stored expiry caps a session even under a longer policy (a
		// session made as admin, checked with customer lifetimes).
		{"stored expiry caps a longer policy", s, login.Add(12 * time.Hour), customer, "session expired"},
		// A shorter policy applies to sessions made under a longer one.
		{"shorter policy applies to live sessions", with(func(s *Session) {
			s.ExpiresAt = login.Add(30 * 24 * time.Hour)
			s.LastSeenAt = login.Add(12 * time.Hour)
		}), login.Add(12*time.Hour + time.Minute), admin, "session expired"},
		{"no stored expiry", with(func(s *Session) { s.ExpiresAt = time.Time{} }), login.Add(10 * time.Minute), admin, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Check(tt.now, tt.policy)
			if tt.message == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if platform.ErrorCode(err) != platform.EUNAUTHORIZED || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("Check = %v, want EUNAUTHORIZED %q", err, tt.message)
			}
		})
	}
}

func TestSessionCheckBadPolicy(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := Session{CreatedAt: now, LastSeenAt: now}
	for _, p := range []SessionPolicy{{}, {IdleTimeout: time.Hour}, {AbsoluteTimeout: time.Hour}, {IdleTimeout: -1, AbsoluteTimeout: time.Hour}} {
		if err := s.Check(now, p); platform.ErrorCode(err) != platform.EINTERNAL {
			t.Errorf("Check with %+v = %v, want an internal error", p, err)
		}
	}
}
