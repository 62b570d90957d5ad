package storetest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/identity"
)

// RunIdentity is the identity storage contract suite: every identity.Store
// adapter must pass it. open returns a fresh, empty, migrated store.
func RunIdentity(t *testing.T, open func(t *testing.T) identity.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s identity.Store)
	}{
		{"Users", testUsers},
		{"RolesAndPermissions", testRoles},
		{"StaffListing", testStaffListing},
		{"OneTimeTokensOnce", testOneTimeTokens},
		{"TOTPStepOnce", testTOTP},
		{"RecoveryCodesOnce", testRecoveryCodes},
		{"Passkeys", testPasskeys},
		{"CeremoniesTakenOnce", testCeremonies},
		{"Sessions", testSessions},
		{"APITokens", testAPITokens},
		{"AuditLog", testAuditLog},
		{"RateLimit", testRateLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// NewUser creates an active account with the given email and role.
func NewUser(t testing.TB, s identity.Store, email string, role identity.Role) *identity.User {
	t.Helper()
	u := &identity.User{Email: email, Role: role, Status: identity.UserActive, CreatedAt: t0}
	if err := s.CreateUser(ctx, u, "$argon2id$fake", identity.Profile{Name: "Test User", Country: "DE"}); err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

// concurrently runs fn n times at once and counts the calls that returned
// true.
func concurrently(t *testing.T, n int, fn func() (bool, error)) int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := fn()
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return wins
}

func testUsers(t *testing.T, s identity.Store) {
	u := NewUser(t, s, "ada@example.com", identity.RoleCustomer)
	got, err := s.GetUserByEmail(ctx, "ada@example.com")
	must(t, err)
	if got.ID != u.ID || got.Role != identity.RoleCustomer || got.Status != identity.UserActive || !got.EmailVerifiedAt.IsZero() {
		t.Fatalf("user round trip: %+v", got)
	}
	wantCode(t, s.CreateUser(ctx, &identity.User{Email: "ada@example.com", Role: identity.RoleCustomer, Status: identity.UserActive, CreatedAt: t0}, "", identity.Profile{}), platform.ECONFLICT)
	_, err = s.GetUserByEmail(ctx, "nobody@example.com")
	wantCode(t, err, platform.ENOTFOUND)

	must(t, s.SetPasswordHash(ctx, u.ID, "$argon2id$new", t0))
	hash, err := s.PasswordHash(ctx, u.ID)
	must(t, err)
	if hash != "$argon2id$new" {
		t.Fatalf("password hash %q", hash)
	}
	first, err := s.MarkEmailVerified(ctx, u.ID, t0)
	must(t, err)
	again, err := s.MarkEmailVerified(ctx, u.ID, t0.Add(time.Hour))
	must(t, err)
	got, _ = s.GetUser(ctx, u.ID)
	if !first || again || !got.EmailVerifiedAt.Equal(t0) {
		t.Fatalf("email verification: first %v, again %v, at %v", first, again, got.EmailVerifiedAt)
	}
	must(t, s.SetUserStatus(ctx, u.ID, identity.UserBanned, t0))
	got, _ = s.GetUser(ctx, u.ID)
	if got.Status != identity.UserBanned {
		t.Fatalf("status %s", got.Status)
	}
	p := identity.Profile{Name: "Ada", Company: "Engines", Phone: "+49 30 1234", Address: "1 Main St", City: "Berlin", Region: "BE",
		Postal: "10115", Country: "DE", VATID: "DE123456789", TaxExempt: true, AdminNotes: "VIP",
		ShippingAddress: "2 Dock Rd", ShippingCity: "Hamburg", ShippingPostal: "20095", ShippingCountry: "DE"}
	must(t, s.UpdateProfile(ctx, u.ID, p))
	gotP, err := s.GetProfile(ctx, u.ID)
	must(t, err)
	if gotP != p {
		t.Fatalf("profile round trip:\n got %+v\nwant %+v", gotP, p)
	}
	wantCode(t, s.UpdateProfile(ctx, u.ID+100, p), platform.ENOTFOUND)
}

func testRoles(t *testing.T, s identity.Store) {
	admin := NewUser(t, s, "staff@example.com", identity.RoleAdmin)
	billingRole, err := s.EnsureRole(ctx, "billing", []identity.Permission{identity.PermBillingRefund, identity.PermInvoicesWrite})
	must(t, err)
	same, err := s.EnsureRole(ctx, "billing", nil)
	must(t, err)
	ops, err := s.EnsureRole(ctx, "ops", []identity.Permission{identity.PermServicesTerminate, identity.PermInvoicesWrite})
	must(t, err)
	if same != billingRole {
		t.Fatal("EnsureRole made a second role of the same name")
	}
	must(t, s.AssignRole(ctx, admin.ID, billingRole))
	must(t, s.AssignRole(ctx, admin.ID, ops))
	got, err := s.GetUser(ctx, admin.ID)
	must(t, err)
	want := []identity.Permission{identity.PermBillingRefund, identity.PermInvoicesWrite, identity.PermServicesTerminate}
	if !reflect.DeepEqual(got.Permissions, want) {
		t.Fatalf("permissions %v, want %v", got.Permissions, want)
	}
	must(t, s.RemoveRole(ctx, admin.ID, ops))
	got, _ = s.GetUser(ctx, admin.ID)
	if len(got.Permissions) != 2 {
		t.Fatalf("after removing a role: %v", got.Permissions)
	}
	wantCode(t, s.RemoveRole(ctx, admin.ID, ops), platform.ENOTFOUND)
}

func testOneTimeTokens(t *testing.T, s identity.Store) {
	u := NewUser(t, s, "tok@example.com", identity.RoleCustomer)
	tok := &identity.OneTimeToken{UserID: u.ID, Purpose: identity.PurposeResetPassword, Hash: hashOf("reset"), ExpiresAt: t0.Add(time.Hour), CreatedAt: t0}
	must(t, s.CreateOneTimeToken(ctx, tok))
	got, err := s.GetOneTimeToken(ctx, hashOf("reset"))
	must(t, err)
	if got.ID != tok.ID || got.UserID != u.ID || got.Purpose != identity.PurposeResetPassword || !got.ExpiresAt.Equal(tok.ExpiresAt) || !got.UsedAt.IsZero() {
		t.Fatalf("token round trip: %+v", got)
	}
	if wins := concurrently(t, 6, func() (bool, error) { return s.UseOneTimeToken(ctx, tok.ID, t0) }); wins != 1 {
		t.Fatalf("a one-time token was used %d times", wins)
	}
	_, err = s.GetOneTimeToken(ctx, hashOf("other"))
	wantCode(t, err, platform.ENOTFOUND)
}

func testTOTP(t *testing.T, s identity.Store) {
	u := NewUser(t, s, "totp@example.com", identity.RoleAdmin)
	must(t, s.SaveTOTP(ctx, u.ID, "v1.k1.sealed", t0))
	wantCode(t, s.ConfirmTOTP(ctx, u.ID+99, t0), platform.ENOTFOUND)
	must(t, s.ConfirmTOTP(ctx, u.ID, t0))
	got, err := s.GetTOTP(ctx, u.ID)
	must(t, err)
	if got.SealedSecret != "v1.k1.sealed" || !got.ConfirmedAt.Equal(t0) || got.LastStep != 0 {
		t.Fatalf("totp round trip: %+v", got)
	}
	if wins := concurrently(t, 6, func() (bool, error) { return s.AdvanceTOTPStep(ctx, u.ID, 1000) }); wins != 1 {
		t.Fatalf("one time step was accepted %d times", wins)
	}
	older, err := s.AdvanceTOTPStep(ctx, u.ID, 999)
	must(t, err)
	newer, err := s.AdvanceTOTPStep(ctx, u.ID, 1001)
	must(t, err)
	if older || !newer {
		t.Fatalf("older step accepted %v, newer %v", older, newer)
	}
	must(t, s.SaveTOTP(ctx, u.ID, "v1.k1.other", t0))
	got, _ = s.GetTOTP(ctx, u.ID)
	if !got.ConfirmedAt.IsZero() || got.LastStep != 0 {
		t.Fatalf("a replaced secret kept its confirmation: %+v", got)
	}
	must(t, s.DeleteTOTP(ctx, u.ID))
	_, err = s.GetTOTP(ctx, u.ID)
	wantCode(t, err, platform.ENOTFOUND)
}

func testRecoveryCodes(t *testing.T, s identity.Store) {
	u := NewUser(t, s, "rc@example.com", identity.RoleCustomer)
	must(t, s.ReplaceRecoveryCodes(ctx, u.ID, [][]byte{hashOf("a"), hashOf("b"), hashOf("c")}, t0))
	if wins := concurrently(t, 5, func() (bool, error) { return s.UseRecoveryCode(ctx, u.ID, hashOf("a"), t0) }); wins != 1 {
		t.Fatalf("a recovery code was used %d times", wins)
	}
	n, err := s.CountRecoveryCodes(ctx, u.ID)
	must(t, err)
	if n != 2 {
		t.Fatalf("%d codes left, want 2", n)
	}
	other := NewUser(t, s, "rc2@example.com", identity.RoleCustomer)
	ok, err := s.UseRecoveryCode(ctx, other.ID, hashOf("b"), t0)
	must(t, err)
	if ok {
		t.Fatal("one user's recovery code worked for another")
	}
	must(t, s.ReplaceRecoveryCodes(ctx, u.ID, [][]byte{hashOf("d")}, t0))
	if n, _ := s.CountRecoveryCodes(ctx, u.ID); n != 1 {
		t.Fatalf("after replacing: %d codes", n)
	}
}

func testPasskeys(t *testing.T, s identity.Store) {
	u := NewUser(t, s, "pk@example.com", identity.RoleCustomer)
	other := NewUser(t, s, "pk2@example.com", identity.RoleCustomer)
	pk := &identity.Passkey{UserID: u.ID, Name: "YubiKey", CredentialHash: hashOf("cred-1"), Credential: []byte(`{"id":"Y3JlZC0x","signCount":0}`), CreatedAt: t0}
	must(t, s.CreatePasskey(ctx, pk))
	must(t, s.CreatePasskey(ctx, &identity.Passkey{UserID: u.ID, Name: "Phone", CredentialHash: hashOf("cred-2"), Credential: []byte(`{}`), CreatedAt: t0}))
	wantCode(t, s.CreatePasskey(ctx, &identity.Passkey{UserID: other.ID, Name: "dup", CredentialHash: hashOf("cred-1"), Credential: []byte(`{}`), CreatedAt: t0}), platform.ECONFLICT)
	got, err := s.GetPasskeyByCredentialHash(ctx, hashOf("cred-1"))
	must(t, err)
	if got.ID != pk.ID || got.UserID != u.ID || string(got.Credential) != string(pk.Credential) {
		t.Fatalf("passkey round trip: %+v", got)
	}
	must(t, s.UpdatePasskeyCredential(ctx, pk.ID, []byte(`{"id":"Y3JlZC0x","signCount":5}`), t0.Add(time.Minute)))
	must(t, s.RenamePasskey(ctx, u.ID, pk.ID, "Work key"))
	wantCode(t, s.RenamePasskey(ctx, other.ID, pk.ID, "stolen"), platform.ENOTFOUND)
	wantCode(t, s.DeletePasskey(ctx, other.ID, pk.ID), platform.ENOTFOUND)
	list, err := s.ListPasskeys(ctx, u.ID)
	must(t, err)
	if len(list) != 2 || list[0].Name != "Work key" || !list[0].LastUsedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("passkeys: %+v", list)
	}
	must(t, s.DeletePasskey(ctx, u.ID, pk.ID))
	if list, _ := s.ListPasskeys(ctx, u.ID); len(list) != 1 {
		t.Fatalf("after delete: %d passkeys", len(list))
	}
}

func testCeremonies(t *testing.T, s identity.Store) {
	u := NewUser(t, s, "cer@example.com", identity.RoleCustomer)
	must(t, s.SaveCeremony(ctx, hashOf("login"), 0, []byte(`{"challenge":"abc"}`), t0.Add(5*time.Minute), t0))
	must(t, s.SaveCeremony(ctx, hashOf("register"), u.ID, []byte(`{}`), t0.Add(5*time.Minute), t0))
	must(t, s.SaveCeremony(ctx, hashOf("old"), u.ID, []byte(`{}`), t0.Add(time.Minute), t0))
	wins := concurrently(t, 6, func() (bool, error) {
		id, state, err := s.TakeCeremony(ctx, hashOf("login"), t0)
		if platform.ErrorCode(err) == platform.ENOTFOUND {
			return false, nil
		}
		return err == nil && id == 0 && string(state) == `{"challenge":"abc"}`, err
	})
	if wins != 1 {
		t.Fatalf("a ceremony was taken %d times", wins)
	}
	id, _, err := s.TakeCeremony(ctx, hashOf("register"), t0)
	must(t, err)
	if id != u.ID {
		t.Fatalf("ceremony user %d, want %d", id, u.ID)
	}
	_, _, err = s.TakeCeremony(ctx, hashOf("old"), t0.Add(time.Minute))
	wantCode(t, err, platform.ENOTFOUND)
}

func testSessions(t *testing.T, s identity.Store) {
	u := NewUser(t, s, "sess@example.com", identity.RoleCustomer)
	admin := NewUser(t, s, "imp@example.com", identity.RoleAdmin)
	var sessions []*identity.Session
	for i := 0; i < 3; i++ {
		sess := &identity.Session{UserID: u.ID, TokenHash: hashOf(fmt.Sprint("s", i)), IP: "203.0.113.7", UserAgent: "Firefox",
			CreatedAt: t0, LastSeenAt: t0.Add(time.Duration(i) * time.Minute), ExpiresAt: t0.Add(24 * time.Hour)}
		must(t, s.CreateSession(ctx, sess))
		sessions = append(sessions, sess)
	}
	imp := &identity.Session{UserID: u.ID, ImpersonatorID: admin.ID, TokenHash: hashOf("imp"), CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}
	must(t, s.CreateSession(ctx, imp))
	got, data, err := s.GetSessionByTokenHash(ctx, hashOf("imp"))
	must(t, err)
	if got.ID != imp.ID || got.ImpersonatorID != admin.ID || string(data) != "{}" {
		t.Fatalf("session round trip: %+v %s", got, data)
	}
	must(t, s.TouchSession(ctx, sessions[0].ID, t0.Add(time.Hour), []byte(`{"flash":"hi"}`)))
	must(t, s.MarkSessionSecondFactor(ctx, sessions[0].ID, t0.Add(time.Hour)))
	got, data, _ = s.GetSessionByTokenHash(ctx, hashOf("s0"))
	if string(data) != `{"flash":"hi"}` || !got.SecondFactorAt.Equal(t0.Add(time.Hour)) || !got.LastSeenAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("touched session: %+v %s", got, data)
	}
	wantCode(t, s.TouchSession(ctx, sessions[0].ID, t0, []byte("not json")), platform.EINVALID)
	wantCode(t, s.RevokeSession(ctx, admin.ID, sessions[1].ID, t0), platform.ENOTFOUND) // not theirs
	must(t, s.RevokeSession(ctx, u.ID, sessions[1].ID, t0))
	wantCode(t, s.TouchSession(ctx, sessions[1].ID, t0, []byte(`{}`)), platform.ENOTFOUND)
	n, err := s.RevokeOtherSessions(ctx, u.ID, sessions[0].ID, t0)
	must(t, err)
	if n != 2 {
		t.Fatalf("revoked %d other sessions, want 2", n)
	}
	live, err := s.ListSessions(ctx, u.ID, t0)
	must(t, err)
	if len(live) != 1 || live[0].ID != sessions[0].ID {
		t.Fatalf("live sessions: %d", len(live))
	}
	if live, _ := s.ListSessions(ctx, u.ID, t0.Add(48*time.Hour)); len(live) != 0 {
		t.Fatal("an expired session is listed as live")
	}
}

func testAPITokens(t *testing.T, s identity.Store) {
	u := NewUser(t, s, "api@example.com", identity.RoleCustomer)
	other := NewUser(t, s, "api2@example.com", identity.RoleCustomer)
	tok := &identity.APIToken{UserID: u.ID, Name: "CI deploy", Prefix: "ezs_pat_abcd", Hash: hashOf("tok"),
		Scopes: []identity.Scope{identity.ScopeServicesRead, identity.ScopeBillingRead}, CreatedAt: t0, ExpiresAt: t0.AddDate(0, 3, 0)}
	must(t, s.CreateAPIToken(ctx, tok))
	got, err := s.GetAPITokenByHash(ctx, hashOf("tok"))
	must(t, err)
	if !reflect.DeepEqual(got, tok) {
		t.Fatalf("token round trip:\n got %+v\nwant %+v", got, tok)
	}
	must(t, s.TouchAPIToken(ctx, tok.ID, t0.Add(time.Minute)))
	wantCode(t, s.RevokeAPIToken(ctx, other.ID, tok.ID, t0), platform.ENOTFOUND)
	must(t, s.RevokeAPIToken(ctx, u.ID, tok.ID, t0.Add(time.Hour)))
	wantCode(t, s.RevokeAPIToken(ctx, u.ID, tok.ID, t0.Add(time.Hour)), platform.ENOTFOUND)
	list, err := s.ListAPITokens(ctx, u.ID)
	must(t, err)
	if len(list) != 1 || !list[0].LastUsedAt.Equal(t0.Add(time.Minute)) || !list[0].RevokedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("tokens: %+v", list)
	}
}

func testAuditLog(t *testing.T, s identity.Store) {
	admin := NewUser(t, s, "auditor@example.com", identity.RoleAdmin)
	before, _ := json.Marshal(map[string]string{"status": "active"})
	after, _ := json.Marshal(map[string]string{"status": "suspended"})
	for i := 0; i < 3; i++ {
		must(t, s.Append(ctx, identity.AuditEntry{At: t0.Add(time.Duration(i) * time.Hour), ActorID: admin.ID, Action: "service.suspend",
			ResourceType: "service", ResourceID: fmt.Sprint(i), IP: "198.51.100.4", UserAgent: "curl", Before: before, After: after}))
	}
	must(t, s.Append(ctx, identity.AuditEntry{At: t0, Action: "login.failed", ResourceType: "user", ResourceID: "7", IP: "192.0.2.1"}))
	wantCode(t, s.Append(ctx, identity.AuditEntry{Action: "no time"}), platform.EINVALID)

	byActor, err := s.ListAudit(ctx, identity.AuditFilter{ActorID: admin.ID})
	must(t, err)
	if len(byActor) != 3 || byActor[0].ResourceID != "2" || string(byActor[0].Before) != string(before) || byActor[0].IP != "198.51.100.4" {
		t.Fatalf("by actor: %+v", byActor)
	}
	byResource, _ := s.ListAudit(ctx, identity.AuditFilter{ResourceType: "service", ResourceID: "1"})
	byAction, _ := s.ListAudit(ctx, identity.AuditFilter{Action: "login.failed"})
	byTime, _ := s.ListAudit(ctx, identity.AuditFilter{From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)})
	page, _ := s.ListAudit(ctx, identity.AuditFilter{BeforeID: byActor[1].ID})
	if len(byResource) != 1 || len(byAction) != 1 || byAction[0].ActorID != 0 || len(byTime) != 1 || byTime[0].ResourceID != "1" || len(page) != 1 || page[0].ResourceID != "0" {
		t.Fatalf("filters: resource %d, action %d, time %d, page %d", len(byResource), len(byAction), len(byTime), len(page))
	}
}

func testRateLimit(t *testing.T, s identity.Store) {
	at := t0.Add(10 * time.Second)
	for i := 1; i <= 5; i++ {
		d, err := s.Hit(ctx, "login:acct:ada@example.com", time.Minute, 5, at)
		must(t, err)
		if !d.Allowed || d.Remaining != 5-i {
			t.Fatalf("hit %d: %+v", i, d)
		}
	}
	d, err := s.Hit(ctx, "login:acct:ada@example.com", time.Minute, 5, at)
	must(t, err)
	if d.Allowed || d.RetryAfter != 50*time.Second {
		t.Fatalf("sixth hit: %+v, want refused with 50s to wait", d)
	}
	other, _ := s.Hit(ctx, "login:acct:bob@example.com", time.Minute, 5, at)
	next, _ := s.Hit(ctx, "login:acct:ada@example.com", time.Minute, 5, t0.Add(time.Minute))
	if !other.Allowed || !next.Allowed {
		t.Fatalf("another key %+v or the next window %+v was limited", other, next)
	}
	_, err = s.Hit(ctx, "k", 0, 5, at)
	wantCode(t, err, platform.EINVALID)
}

// RunSharedLimiter checks that two stores on one database (two processes)
// share rate limits: of 12 concurrent hits on one key with a limit of 5,
// exactly 5 are allowed, whichever store takes them.
func RunSharedLimiter(t *testing.T, a, b identity.Store) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for i := 0; i < 12; i++ {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := s.Hit(ctx, "login:acct:shared@example.com", time.Minute, 5, t0)
			if err != nil {
				t.Error(err)
				return
			}
			if d.Allowed {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 5 {
		t.Fatalf("%d of 12 hits shared by two processes were allowed, want 5", allowed)
	}
}
