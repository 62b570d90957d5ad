package identity

import (
	"time"

	"ezscale.cloud/platform"
)

// Session is a logged-in browser. The cookie holds the plain session token
// (TokenPrefixSession); the store keeps only its hash, so that a user and
// an admin can list and revoke sessions and a leaked database holds no
// usable cookie.
type Session struct {
	ID        int64
	UserID    int64
	TokenHash []byte
	// ImpersonatorID is the admin acting as UserID, zero for a user's own
	// session. Such a session is the admin's, and times out like one; see
	// DefaultSessionPolicy.
	ImpersonatorID int64
	// SecondFactorAt is when a second factor was verified in this session,
	// zero if never.
	SecondFactorAt time.Time
	IP, UserAgent  string
	CreatedAt      time.Time
	LastSeenAt     time.Time
	// ExpiresAt is the absolute expiry fixed at login (CreatedAt plus the
	// policy's AbsoluteTimeout then), stored so that the store can purge
	// dead sessions and the cookie can carry a matching lifetime.
	ExpiresAt time.Time
	RevokedAt time.Time // zero: not revoked
}

// SessionPolicy is how long a session lives: IdleTimeout after its last
// request and AbsoluteTimeout after login, whatever the activity. Both must
// be positive.
type SessionPolicy struct {
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
}

// The default session lifetimes. A customer stays logged in for a week of
// inactivity and at most 30 days, as a storefront should: the account
// reaches only its owner's data. An admin session can terminate any
// server and refund any payment, so it dies after 30 minutes of inactivity
// and at most 12 hours, one working day, after login (OWASP's session
// management guidance suggests 15-30 minutes of idle time for high-value
// applications).
const (
	CustomerIdleTimeout     = 7 * 24 * time.Hour
	CustomerAbsoluteTimeout = 30 * 24 * time.Hour
	AdminIdleTimeout        = 30 * time.Minute
	AdminAbsoluteTimeout    = 12 * time.Hour
)

// DefaultSessionPolicy returns the session lifetimes for a user with the
// role: the admin ones for RoleAdmin, the customer ones for anyone else.
// For an impersonation session pass RoleAdmin, although the session's user
// is a customer: the person at the keyboard is staff.
func DefaultSessionPolicy(role Role) SessionPolicy {
	if role == RoleAdmin {
		return SessionPolicy{IdleTimeout: AdminIdleTimeout, AbsoluteTimeout: AdminAbsoluteTimeout}
	}
	return SessionPolicy{IdleTimeout: CustomerIdleTimeout, AbsoluteTimeout: CustomerAbsoluteTimeout}
}

// Check returns nil when the session may serve a request at now under the
// policy, and EUNAUTHORIZED otherwise, with a message the login page can
// show: "session revoked" (logged out, or revoked from another session or
// by staff), "session expired" (past the absolute timeout, counted from
// CreatedAt and capped by ExpiresAt when set, so shortening the policy
// takes effect on live sessions), or "session timed out after inactivity"
// (nothing for IdleTimeout since LastSeenAt, or CreatedAt before the first
// request). A policy with a timeout that is not positive is a
// misconfiguration and an internal error: a session must not silently live
// forever.
func (s Session) Check(now time.Time, p SessionPolicy) error {
	if p.IdleTimeout <= 0 || p.AbsoluteTimeout <= 0 {
		return platform.Errorf(platform.EINTERNAL, "session policy needs positive timeouts, got idle %v, absolute %v", p.IdleTimeout, p.AbsoluteTimeout)
	}
	if !s.RevokedAt.IsZero() {
		return platform.Errorf(platform.EUNAUTHORIZED, "session revoked")
	}
	if !now.Before(s.CreatedAt.Add(p.AbsoluteTimeout)) || (!s.ExpiresAt.IsZero() && !now.Before(s.ExpiresAt)) {
		return platform.Errorf(platform.EUNAUTHORIZED, "session expired")
	}
	seen := s.LastSeenAt
	if seen.IsZero() {
		seen = s.CreatedAt
	}
	if !now.Before(seen.Add(p.IdleTimeout)) {
		return platform.Errorf(platform.EUNAUTHORIZED, "session timed out after inactivity")
	}
	return nil
}
