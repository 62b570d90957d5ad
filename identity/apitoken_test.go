package identity

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
)

func TestParseScopes(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []Scope // nil: EINVALID on field scopes
	}{
		{"one", []string{"services:read"}, []Scope{ScopeServicesRead}},
		{"order kept", []string{"billing:write", "services:read"}, []Scope{ScopeBillingWrite, ScopeServicesRead}},
		{"duplicates removed", []string{"billing:read", "services:read", "billing:read", " billing:read "}, []Scope{ScopeBillingRead, ScopeServicesRead}},
		{"trimmed", []string{"  account:write\t"}, []Scope{ScopeAccountWrite}},
		{"all", []string{"services:read", "services:write", "billing:read", "billing:write", "account:read", "account:write", "admin"}, AllScopes()},
		{"unknown", []string{"services:read", "services:delete"}, nil},
		{"wrong case", []string{"Services:Read"}, nil},
		{"wildcard", []string{"*"}, nil},
		{"empty name", []string{""}, nil},
		{"empty list", []string{}, nil},
		{"nil list", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseScopes(tt.in)
			if tt.want == nil {
				if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != "scopes" {
					t.Fatalf("ParseScopes = %v, %v; want EINVALID on field scopes", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseScopes = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestScopeAllowedFor(t *testing.T) {
	for _, s := range AllScopes() {
		if !s.Valid() {
			t.Errorf("%s reported invalid", s)
		}
		if !s.AllowedFor(RoleAdmin) {
			t.Errorf("%s not allowed for admins", s)
		}
		if got, want := s.AllowedFor(RoleCustomer), s != ScopeAdmin; got != want {
			t.Errorf("%s.AllowedFor(customer) = %v, want %v", s, got, want)
		}
	}
}

func TestNewAPIToken(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	customer := &User{ID: 7, Role: RoleCustomer, Status: UserActive}
	admin := &User{ID: 1, Role: RoleAdmin, Status: UserActive}

	tok, plain, err := NewAPIToken(customer, "  billing export ", []Scope{ScopeBillingRead, ScopeBillingRead, ScopeServicesRead}, now.Add(24*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	if !WellFormedToken(plain, TokenPrefixAPI) {
		t.Errorf("plain %q is not an API token", plain)
	}
	if tok.Prefix != plain[:12] || len(tok.Prefix) != 12 || !strings.HasPrefix(tok.Prefix, "ezs_pat_") {
		t.Errorf("Prefix = %q, want the first 12 characters of %q", tok.Prefix, plain)
	}
	if !bytes.Equal(tok.Hash, HashToken(plain)) {
		t.Error("Hash is not HashToken(plain)")
	}
	if tok.UserID != 7 || tok.Name != "billing export" || !tok.CreatedAt.Equal(now) || !tok.ExpiresAt.Equal(now.Add(24*time.Hour)) {
		t.Errorf("token = %+v", tok)
	}
	if !slices.Equal(tok.Scopes, []Scope{ScopeBillingRead, ScopeServicesRead}) {
		t.Errorf("Scopes = %v, want duplicates removed", tok.Scopes)
	}
	if !tok.LastUsedAt.IsZero() || !tok.RevokedAt.IsZero() {
		t.Error("new token is used or revoked")
	}

	if _, _, err := NewAPIToken(admin, "ops", []Scope{ScopeAdmin}, time.Time{}, now); err != nil {
		t.Errorf("admin token with the admin scope: %v", err)
	}
	if _, _, err := NewAPIToken(customer, strings.Repeat("é", 100), []Scope{ScopeServicesRead}, time.Time{}, now); err != nil {
		t.Errorf("100-character name: %v", err)
	}

	refused := []struct {
		name      string
		owner     *User
		tokenName string
		scopes    []Scope
		expires   time.Time
		field     string
	}{
		{"empty name", customer, "  ", []Scope{ScopeServicesRead}, time.Time{}, "name"},
		{"101-character name", customer, strings.Repeat("x", 101), []Scope{ScopeServicesRead}, time.Time{}, "name"},
		{"no scopes", customer, "t", nil, time.Time{}, "scopes"},
		{"unknown scope", customer, "t", []Scope{"services:delete"}, time.Time{}, "scopes"},
		{"admin scope for a customer", customer, "t", []Scope{ScopeServicesRead, ScopeAdmin}, time.Time{}, "scopes"},
		{"expires now", customer, "t", []Scope{ScopeServicesRead}, now, "expires_at"},
		{"expired", customer, "t", []Scope{ScopeServicesRead}, now.Add(-time.Second), "expires_at"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, plain, err := NewAPIToken(tt.owner, tt.tokenName, tt.scopes, tt.expires, now)
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tt.field {
				t.Fatalf("NewAPIToken = %v, want EINVALID on field %s", err, tt.field)
			}
			if plain != "" {
				t.Error("a refused token came with a plain token")
			}
		})
	}
}

func TestAPITokenHasScope(t *testing.T) {
	tests := []struct {
		held []Scope
		need Scope
		want bool
	}{
		{[]Scope{ScopeServicesRead}, ScopeServicesRead, true},
		{[]Scope{ScopeServicesWrite}, ScopeServicesRead, true},
		{[]Scope{ScopeBillingWrite}, ScopeBillingRead, true},
		{[]Scope{ScopeAccountWrite}, ScopeAccountRead, true},
		{[]Scope{ScopeServicesRead}, ScopeServicesWrite, false},
		{[]Scope{ScopeBillingWrite}, ScopeServicesRead, false},
		{[]Scope{ScopeServicesWrite}, ScopeBillingRead, false},
		{[]Scope{ScopeAdmin}, ScopeServicesRead, false},
		{[]Scope{ScopeAdmin}, ScopeBillingWrite, false},
		{AllScopes()[:6], ScopeAdmin, false},
		{nil, ScopeServicesRead, false},
		{[]Scope{ScopeServicesRead}, "", false},
	}
	for _, tt := range tests {
		if got := (APIToken{Scopes: tt.held}).HasScope(tt.need); got != tt.want {
			t.Errorf("%v.HasScope(%s) = %v, want %v", tt.held, tt.need, got, tt.want)
		}
	}
}

func TestAPITokenCheck(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	live := APIToken{ID: 1, UserID: 7, Scopes: []Scope{ScopeServicesRead, ScopeBillingWrite}, CreatedAt: now.Add(-time.Hour)}
	with := func(f func(*APIToken)) APIToken {
		t := live
		f(&t)
		return t
	}
	tests := []struct {
		name    string
		tok     APIToken
		need    Scope
		role    Role
		code    string
		message string
	}{
		{"granted", live, ScopeServicesRead, RoleCustomer, "", ""},
		{"write implies read", live, ScopeBillingRead, RoleCustomer, "", ""},
		{"expires later", with(func(t *APIToken) { t.ExpiresAt = now.Add(time.Second) }), ScopeServicesRead, RoleCustomer, "", ""},
		{"missing scope", live, ScopeServicesWrite, RoleCustomer, platform.EFORBIDDEN, "services:write"},
		{"missing area", live, ScopeAccountRead, RoleCustomer, platform.EFORBIDDEN, "account:read"},
		{"revoked", with(func(t *APIToken) { t.RevokedAt = now.Add(-time.Minute) }), ScopeServicesRead, RoleCustomer, platform.EUNAUTHORIZED, "revoked"},
		{"expires now", with(func(t *APIToken) { t.ExpiresAt = now }), ScopeServicesRead, RoleCustomer, platform.EUNAUTHORIZED, "expired"},
		{"expired", with(func(t *APIToken) { t.ExpiresAt = now.Add(-time.Hour) }), ScopeServicesRead, RoleCustomer, platform.EUNAUTHORIZED, "expired"},
		// Revoked and expired tokens are refused before scopes are looked
		// at: a dead token must say so, not "lacks scope".
		{"revoked without scope", with(func(t *APIToken) { t.RevokedAt = now }), ScopeAdmin, RoleAdmin, platform.EUNAUTHORIZED, "revoked"},
		{"admin scope, admin user", with(func(t *APIToken) { t.Scopes = []Scope{ScopeAdmin} }), ScopeAdmin, RoleAdmin, "", ""},
		// An admin's token whose owner was demoted stops reaching the
		// staff API although it still carries the scope.
		{"admin scope, demoted user", with(func(t *APIToken) { t.Scopes = []Scope{ScopeAdmin} }), ScopeAdmin, RoleCustomer, platform.EFORBIDDEN, "staff only"},
		{"admin scope, unknown role", with(func(t *APIToken) { t.Scopes = []Scope{ScopeAdmin} }), ScopeAdmin, "", platform.EFORBIDDEN, "staff only"},
		{"admin needs admin scope", live, ScopeAdmin, RoleAdmin, platform.EFORBIDDEN, "admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tok.Check(now, tt.need, tt.role)
			if platform.ErrorCode(err) != tt.code {
				t.Fatalf("Check = %v, want code %q", err, tt.code)
			}
			if err != nil && !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("Check = %v, want a message naming %q", err, tt.message)
			}
		})
	}
}
