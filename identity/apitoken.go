package identity

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ezscale.cloud/platform"
)

// Scope is one area of the REST API a personal access token may reach.
// Scopes narrow what a token can do; they never widen what its user can
// do: every request made with a token is still authorized as the token's
// user by Authorize.
type Scope string

// The scopes. A write scope implies the read scope of the same area (see
// APIToken.HasScope): an integration that changes services must be able
// to see them.
const (
	// ScopeServicesRead reads the user's services: status, plan, IPs,
	// bandwidth usage.
	ScopeServicesRead Scope = "services:read"
	// ScopeServicesWrite acts on the user's services: power, reinstall,
	// rename, cancellation requests.
	ScopeServicesWrite Scope = "services:write"
	// ScopeBillingRead reads invoices, subscriptions, payments and the
	// credit balance.
	ScopeBillingRead Scope = "billing:read"
	// ScopeBillingWrite places orders, pays invoices and changes
	// subscriptions.
	ScopeBillingWrite Scope = "billing:write"
	// ScopeAccountRead reads the profile, sessions and API tokens.
	ScopeAccountRead Scope = "account:read"
	// ScopeAccountWrite changes the profile and contact details.
	ScopeAccountWrite Scope = "account:write"
	// ScopeAdmin reaches the staff API. It works only for admin users
	// (APIToken.Check refuses it for anyone else), and implies no other
	// scope: each staff action is still authorized against the admin's
	// permissions.
	ScopeAdmin Scope = "admin"
)

// AllScopes returns every scope, for the token form.
func AllScopes() []Scope {
	return []Scope{
		ScopeServicesRead, ScopeServicesWrite, ScopeBillingRead, ScopeBillingWrite,
		ScopeAccountRead, ScopeAccountWrite, ScopeAdmin,
	}
}

// Valid reports whether s is one of the known scopes.
func (s Scope) Valid() bool { return slices.Contains(AllScopes(), s) }

// AllowedFor reports whether a user with the role may hold the scope:
// admin only for admins, every other scope for everyone.
func (s Scope) AllowedFor(r Role) bool { return s != ScopeAdmin || r == RoleAdmin }

// ParseScopes turns the scope names of a token request into scopes, in the
// order given, with duplicates removed. Surrounding space is trimmed; an
// unknown scope or an empty list is EINVALID on field "scopes" (a token
// with no scope could do nothing).
func ParseScopes(names []string) ([]Scope, error) {
	var out []Scope
	for _, n := range names {
		s := Scope(strings.TrimSpace(n))
		if !s.Valid() {
			return nil, platform.Invalid("scopes", "unknown scope %q", n)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, platform.Invalid("scopes", "choose at least one scope")
	}
	return out, nil
}

// APITokenPrefixLen is how much of a plain token APIToken.Prefix keeps:
// "ezs_pat_" and four random characters, enough for a user to tell their
// tokens apart in a list and nowhere near enough to guess the rest.
const APITokenPrefixLen = 12

// maxAPITokenNameChars bounds a token's name, a label for lists.
const maxAPITokenNameChars = 100

// APIToken is a personal access token for the REST API. The plain token is
// shown once, when it is made; only its hash is stored.
type APIToken struct {
	ID     int64
	UserID int64
	// Name is the owner's label for the token ("billing export").
	Name string
	// Prefix is the first APITokenPrefixLen characters of the plain
	// token, shown in lists.
	Prefix     string
	Hash       []byte
	Scopes     []Scope
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used
	ExpiresAt  time.Time // zero: never expires
	RevokedAt  time.Time // zero: not revoked
}

// NewAPIToken returns a token for owner with a name, scopes and an optional
// expiry (zero for none), and the plain token to show once. Errors are
// EINVALID: field "name" when the trimmed name is empty or longer than 100
// characters, "scopes" when there are none, one is unknown, or one is not
// allowed for the owner's role (admin for a customer), and "expires_at"
// when the expiry is not after now.
func NewAPIToken(owner *User, name string, scopes []Scope, expiresAt, now time.Time) (APIToken, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return APIToken{}, "", platform.Invalid("name", "token name is required")
	}
	if utf8.RuneCountInString(name) > maxAPITokenNameChars {
		return APIToken{}, "", platform.Invalid("name", "token name is longer than %d characters", maxAPITokenNameChars)
	}
	if len(scopes) == 0 {
		return APIToken{}, "", platform.Invalid("scopes", "choose at least one scope")
	}
	var uniq []Scope
	for _, s := range scopes {
		if !s.Valid() {
			return APIToken{}, "", platform.Invalid("scopes", "unknown scope %q", s)
		}
		if !s.AllowedFor(owner.Role) {
			return APIToken{}, "", platform.Invalid("scopes", "scope %q is for staff only", s)
		}
		if !slices.Contains(uniq, s) {
			uniq = append(uniq, s)
		}
	}
	if !expiresAt.IsZero() && !expiresAt.After(now) {
		return APIToken{}, "", platform.Invalid("expires_at", "expiry must be in the future")
	}
	plain, hash := NewToken(TokenPrefixAPI)
	return APIToken{
		UserID:    owner.ID,
		Name:      name,
		Prefix:    plain[:APITokenPrefixLen],
		Hash:      hash,
		Scopes:    uniq,
		CreatedAt: now,
		ExpiresAt: expiresAt,
	}, plain, nil
}

// HasScope reports whether the token grants s, directly or because it
// holds the write scope of the same area.
func (t APIToken) HasScope(s Scope) bool {
	if slices.Contains(t.Scopes, s) {
		return true
	}
	switch s {
	case ScopeServicesRead:
		return slices.Contains(t.Scopes, ScopeServicesWrite)
	case ScopeBillingRead:
		return slices.Contains(t.Scopes, ScopeBillingWrite)
	case ScopeAccountRead:
		return slices.Contains(t.Scopes, ScopeAccountWrite)
	}
	return false
}

// Check returns nil when the token may be used at now for a request that
// needs the scope need, made for a user whose current role is ownerRole.
//
// A revoked or expired token is EUNAUTHORIZED (the client must get a new
// token). A token without the scope is EFORBIDDEN naming the scope. The
// admin scope is EFORBIDDEN unless ownerRole is RoleAdmin: the role is
// read from the user at request time, so a token made by an admin who was
// later demoted stops reaching the staff API. Check does not look at the
// user's status: the caller refuses tokens of users who cannot log in
// (User.CanLogIn), and authorizes the request itself with Authorize.
func (t APIToken) Check(now time.Time, need Scope, ownerRole Role) error {
	if !t.RevokedAt.IsZero() {
		return platform.Errorf(platform.EUNAUTHORIZED, "API token revoked")
	}
	if !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) {
		return platform.Errorf(platform.EUNAUTHORIZED, "API token expired")
	}
	if !t.HasScope(need) {
		return platform.Errorf(platform.EFORBIDDEN, "API token lacks the %s scope", need)
	}
	if !need.AllowedFor(ownerRole) {
		return platform.Errorf(platform.EFORBIDDEN, "the %s scope is for staff only", need)
	}
	return nil
}
