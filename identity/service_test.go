package identity_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/bcrypt"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/secretbox"
)

var ctx = context.Background()

var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

var meta = identity.Meta{IP: "203.0.113.9", UserAgent: "Firefox/140"}

// jobLister reads the outbox, as the mailer does.
type jobLister interface {
	ListJobs(ctx context.Context, kind string) ([]*platform.Job, error)
}

type harness struct {
	store    identity.Store
	jobs     jobLister
	clock    *platform.ManualClock
	keys     *secretbox.Keyring
	keyBytes []byte
	svc      *identity.Service
}

// eachStore runs fn on fresh SQLite and MariaDB stores.
func eachStore(t *testing.T, fn func(t *testing.T, h *harness)) {
	t.Run("sqlite", func(t *testing.T) {
		s := storetest.OpenSQLite(t)
		fn(t, newHarness(t, s.Identity(), s))
	})
	t.Run("mysql", func(t *testing.T) {
		s := storetest.OpenMySQL(t)
		fn(t, newHarness(t, s.Identity(), s))
	})
}

func newHarness(t *testing.T, s identity.Store, jobs jobLister) *harness {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	keys, err := secretbox.NewKeyring("k1", map[string][]byte{"k1": key})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{store: s, jobs: jobs, clock: platform.NewManualClock(start), keys: keys, keyBytes: key}
	h.svc = identity.NewService(s, keys, h.clock, identity.DefaultConfig())
	return h
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := platform.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// mailedToken opens the link token of the newest email job of a kind, as
// the mailer would.
func (h *harness) mailedToken(t *testing.T, kind string) string {
	t.Helper()
	jobs, err := h.jobs.ListJobs(ctx, kind)
	mustOK(t, err)
	if len(jobs) == 0 {
		t.Fatalf("no %s email was queued", kind)
	}
	var job identity.EmailJob
	mustOK(t, json.Unmarshal(jobs[len(jobs)-1].Payload, &job))
	plain, err := h.keys.Open(job.SealedToken, identity.LinkTokenAD(job.UserID))
	mustOK(t, err)
	return string(plain)
}

// verifiedCustomer registers and verifies a customer.
func (h *harness) verifiedCustomer(t *testing.T, email string) *identity.User {
	t.Helper()
	u, err := h.svc.Register(ctx, identity.Registration{Email: email, Password: "correct horse battery", Profile: identity.Profile{Name: "Ada"}}, meta)
	mustOK(t, err)
	mustOK(t, h.svc.VerifyEmail(ctx, h.mailedToken(t, platform.JobEmailVerify), meta))
	return u
}

func (h *harness) login(t *testing.T, email string) (*identity.LoginResult, *identity.Authenticated) {
	t.Helper()
	res, err := h.svc.Login(ctx, email, "correct horse battery", meta)
	mustOK(t, err)
	a, err := h.svc.Authenticate(ctx, res.Token)
	mustOK(t, err)
	return res, a
}

func TestRegisterVerifyLogin(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		u, err := h.svc.Register(ctx, identity.Registration{Email: " Ada@Example.com ", Password: "correct horse battery"}, meta)
		mustOK(t, err)
		if u.Email != "ada@example.com" {
			t.Fatalf("email stored as %q", u.Email)
		}
		_, err = h.svc.Login(ctx, "ada@example.com", "correct horse battery", meta)
		if platform.ErrorCode(err) != platform.EFORBIDDEN {
			t.Fatalf("an unverified account logged in: %v", err)
		}
		token := h.mailedToken(t, platform.JobEmailVerify)
		mustOK(t, h.svc.VerifyEmail(ctx, token, meta))
		wantCode(t, h.svc.VerifyEmail(ctx, token, meta), platform.EUNAUTHORIZED) // once only
		wantCode(t, h.svc.VerifyEmail(ctx, "ezs_vfy_forged", meta), platform.EUNAUTHORIZED)

		res, err := h.svc.Login(ctx, "ADA@example.com", "correct horse battery", meta)
		mustOK(t, err)
		if res.SecondFactorRequired || res.Token == "" {
			t.Fatalf("login: %+v", res)
		}
		a, err := h.svc.Authenticate(ctx, res.Token)
		mustOK(t, err)
		if a.User.ID != u.ID {
			t.Fatalf("session is for user %d", a.User.ID)
		}
		_, err = h.svc.Login(ctx, "ada@example.com", "wrong password!", meta)
		wrong, _ := err.(*platform.Error)
		_, err2 := h.svc.Login(ctx, "nobody@example.com", "wrong password!", meta)
		nobody, _ := err2.(*platform.Error)
		if wrong == nil || nobody == nil || wrong.Code != platform.EUNAUTHORIZED || wrong.Message != nobody.Message {
			t.Fatalf("wrong password %v and unknown email %v must be refused alike", err, err2)
		}
		_, err = h.svc.Register(ctx, identity.Registration{Email: "ada@example.com", Password: "another password"}, meta)
		if platform.ErrorField(err) != "email" {
			t.Fatalf("a second account for one email: %v", err)
		}
		_, err = h.svc.Register(ctx, identity.Registration{Email: "bob@example.com", Password: "short"}, meta)
		if platform.ErrorField(err) != "password" {
			t.Fatalf("a short password: %v", err)
		}

		// Signing up from a checkout: the link carries the way back.
		_, err = h.svc.Register(ctx, identity.Registration{Email: "eve@example.com", Password: "correct horse battery", Next: "//evil.example/x"}, meta)
		if platform.ErrorField(err) != "next" {
			t.Fatalf("a return path to another site: %v", err)
		}
		_, err = h.svc.Register(ctx, identity.Registration{Email: "cat@example.com", Password: "correct horse battery", Next: "/checkout?plan=vps-2g"}, meta)
		mustOK(t, err)
		jobs, err := h.jobs.ListJobs(ctx, platform.JobEmailVerify)
		mustOK(t, err)
		var job identity.EmailJob
		mustOK(t, json.Unmarshal(jobs[len(jobs)-1].Payload, &job))
		if job.Next != "/checkout?plan=vps-2g" {
			t.Fatalf("the verification email returns to %q", job.Next)
		}
	})
}

func TestValidateReturnPath(t *testing.T) {
	for p, ok := range map[string]bool{
		"": true, "/": true, "/checkout?plan=vps-2g&cycle=monthly": true, "/services/12": true,
		"checkout": false, "//evil.example": false, "/\\evil.example": false, "https://evil.example/": false,
		"/a\nb": false, "/" + strings.Repeat("a", 512): false,
	} {
		if err := identity.ValidateReturnPath("next", p); (err == nil) != ok {
			t.Errorf("ValidateReturnPath(%q) = %v, want ok %v", p, err, ok)
		}
	}
}

func TestBannedAccountRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		u := h.verifiedCustomer(t, "banned@example.com")
		res, _ := h.login(t, "banned@example.com")
		mustOK(t, h.store.SetUserStatus(ctx, u.ID, identity.UserBanned, start))
		_, err := h.svc.Login(ctx, "banned@example.com", "correct horse battery", meta)
		wantCode(t, err, platform.EFORBIDDEN)
		_, err = h.svc.Authenticate(ctx, res.Token)
		wantCode(t, err, platform.EUNAUTHORIZED)
	})
}

func TestLoginRateLimitPerAccount(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		h.verifiedCustomer(t, "target@example.com")
		for i := 0; i < 5; i++ {
			_, err := h.svc.Login(ctx, "target@example.com", "guess number "+string(rune('a'+i)), meta)
			wantCode(t, err, platform.EUNAUTHORIZED)
		}
		_, err := h.svc.Login(ctx, "target@example.com", "correct horse battery", identity.Meta{IP: "198.51.100.7"})
		wantCode(t, err, platform.ERATELIMITED)
		h.clock.Advance(time.Minute)
		_, err = h.svc.Login(ctx, "target@example.com", "correct horse battery", meta)
		mustOK(t, err)
	})
}

// TestLoginRateLimitSharedByTwoProcesses runs two services on two stores
// opened on one MariaDB database, as two web processes would: their
// attempts on one account add up.
func TestLoginRateLimitSharedByTwoProcesses(t *testing.T) {
	dsn := storetest.MySQLDatabase(t)
	one, two := storetest.OpenMySQLAt(t, dsn), storetest.OpenMySQLAt(t, dsn)
	h1, h2 := newHarness(t, one.Identity(), one), newHarness(t, two.Identity(), two)
	h1.verifiedCustomer(t, "shared@example.com")
	for i := 0; i < 5; i++ {
		h := h1
		if i%2 == 1 {
			h = h2
		}
		_, err := h.svc.Login(ctx, "shared@example.com", "not the password", meta)
		wantCode(t, err, platform.EUNAUTHORIZED)
	}
	_, err := h2.svc.Login(ctx, "shared@example.com", "correct horse battery", meta)
	wantCode(t, err, platform.ERATELIMITED)
}

func TestTOTPAndRecoveryCodes(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		h.verifiedCustomer(t, "totp@example.com")
		_, a := h.login(t, "totp@example.com")
		secret, url, err := h.svc.BeginTOTP(ctx, a)
		mustOK(t, err)
		if url == "" {
			t.Fatal("no otpauth URL")
		}
		code, _ := totp.GenerateCode(secret, h.clock.Now())
		codes, err := h.svc.ConfirmTOTP(ctx, a, code, meta)
		mustOK(t, err)
		if len(codes) != identity.RecoveryCodeCount || a.Session.SecondFactorAt.IsZero() {
			t.Fatalf("confirm: %d codes, second factor at %v", len(codes), a.Session.SecondFactorAt)
		}
		// A new login must pass the second factor.
		h.clock.Advance(2 * time.Minute)
		res, b := h.login(t, "totp@example.com")
		if !res.SecondFactorRequired || !b.Session.SecondFactorAt.IsZero() {
			t.Fatalf("second login: %+v", res)
		}
		// The code of the previous step is accepted (clock skew)...
		skewed, _ := totp.GenerateCode(secret, h.clock.Now().Add(-30*time.Second))
		mustOK(t, h.svc.VerifyTOTP(ctx, b, skewed, meta))
		// ...once only, and one from two minutes ago never.
		wantCode(t, h.svc.VerifyTOTP(ctx, b, skewed, meta), platform.EUNAUTHORIZED)
		stale, _ := totp.GenerateCode(secret, h.clock.Now().Add(-2*time.Minute))
		wantCode(t, h.svc.VerifyTOTP(ctx, b, stale, meta), platform.EUNAUTHORIZED)
		// Passing the second factor gave the session a new token.
		_, err = h.svc.Authenticate(ctx, res.Token)
		wantCode(t, err, platform.EUNAUTHORIZED)
		again, err := h.svc.Authenticate(ctx, b.NewToken)
		mustOK(t, err)
		if again.Session.SecondFactorAt.IsZero() {
			t.Fatal("the passed second factor was not saved on the session")
		}
		// A recovery code works once.
		_, c := h.login(t, "totp@example.com")
		mustOK(t, h.svc.UseRecoveryCode(ctx, c, codes[3], meta))
		_, d := h.login(t, "totp@example.com")
		wantCode(t, h.svc.UseRecoveryCode(ctx, d, codes[3], meta), platform.EUNAUTHORIZED)
		mustOK(t, h.svc.UseRecoveryCode(ctx, d, " "+codes[4]+" ", meta))
	})
}

func TestSessionsRevokedAndTimedOut(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		h.verifiedCustomer(t, "sess@example.com")
		first, a := h.login(t, "sess@example.com")
		second, _ := h.login(t, "sess@example.com")
		third, c := h.login(t, "sess@example.com")
		mustOK(t, h.svc.Logout(ctx, a, meta))
		_, err := h.svc.Authenticate(ctx, first.Token)
		wantCode(t, err, platform.EUNAUTHORIZED)
		n, err := h.svc.RevokeOtherSessions(ctx, c, meta)
		mustOK(t, err)
		if n != 1 {
			t.Fatalf("revoked %d other sessions, want 1", n)
		}
		_, err = h.svc.Authenticate(ctx, second.Token)
		wantCode(t, err, platform.EUNAUTHORIZED)
		// Activity keeps a session alive; 7 idle days end it.
		h.clock.Advance(6 * 24 * time.Hour)
		_, err = h.svc.Authenticate(ctx, third.Token)
		mustOK(t, err)
		h.clock.Advance(7*24*time.Hour + time.Minute)
		_, err = h.svc.Authenticate(ctx, third.Token)
		wantCode(t, err, platform.EUNAUTHORIZED)
	})
}

func TestAPITokenScopes(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		h.verifiedCustomer(t, "api@example.com")
		_, a := h.login(t, "api@example.com")
		plain, tok, err := h.svc.CreateAPIToken(ctx, a, "deploy", []string{"services:read"}, time.Time{}, meta)
		mustOK(t, err)
		if tok.Prefix != plain[:identity.APITokenPrefixLen] {
			t.Fatalf("prefix %q of %q", tok.Prefix, plain)
		}
		u, _, err := h.svc.AuthenticateToken(ctx, plain, identity.ScopeServicesRead)
		mustOK(t, err)
		if u.ID != a.User.ID {
			t.Fatal("token authenticated the wrong user")
		}
		_, _, err = h.svc.AuthenticateToken(ctx, plain, identity.ScopeBillingRead)
		wantCode(t, err, platform.EFORBIDDEN)
		_, _, err = h.svc.CreateAPIToken(ctx, a, "root", []string{"admin"}, time.Time{}, meta)
		wantCode(t, err, platform.EINVALID)
		mustOK(t, h.svc.RevokeAPIToken(ctx, a, tok.ID, meta))
		_, _, err = h.svc.AuthenticateToken(ctx, plain, identity.ScopeServicesRead)
		wantCode(t, err, platform.EUNAUTHORIZED)
		_, _, err = h.svc.AuthenticateToken(ctx, "ezs_pat_not-a-token", identity.ScopeServicesRead)
		wantCode(t, err, platform.EUNAUTHORIZED)
	})
}

func TestPasswordResetEndsSessions(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		h.verifiedCustomer(t, "reset@example.com")
		old, _ := h.login(t, "reset@example.com")
		mustOK(t, h.svc.RequestPasswordReset(ctx, "nobody@example.com", meta)) // same answer, no email
		mustOK(t, h.svc.RequestPasswordReset(ctx, "reset@example.com", meta))
		token := h.mailedToken(t, platform.JobEmailPasswordReset)
		wantCode(t, h.svc.ResetPassword(ctx, token, "short", meta), platform.EINVALID)
		mustOK(t, h.svc.ResetPassword(ctx, token, "a brand new passphrase", meta))
		wantCode(t, h.svc.ResetPassword(ctx, token, "a second new passphrase", meta), platform.EUNAUTHORIZED)
		_, err := h.svc.Authenticate(ctx, old.Token)
		wantCode(t, err, platform.EUNAUTHORIZED)
		_, err = h.svc.Login(ctx, "reset@example.com", "a brand new passphrase", meta)
		mustOK(t, err)
		jobs, _ := h.jobs.ListJobs(ctx, platform.JobEmailPasswordReset)
		if len(jobs) != 1 {
			t.Fatalf("%d reset emails, want 1 (none for an unknown address)", len(jobs))
		}
	})
}

func TestImportedBcryptHashIsRehashed(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		u := h.verifiedCustomer(t, "whmcs@example.com")
		legacy, _ := bcrypt.GenerateFromPassword([]byte("password from whmcs"), bcrypt.MinCost)
		whmcs := "$2y$" + string(legacy[4:]) // PHP's password_hash prefix
		mustOK(t, h.store.SetPasswordHash(ctx, u.ID, whmcs, start))
		_, err := h.svc.Login(ctx, "whmcs@example.com", "password from whmcs", meta)
		mustOK(t, err)
		hash, _ := h.store.PasswordHash(ctx, u.ID)
		if hash[:10] != "$argon2id$" {
			t.Fatalf("the imported hash was not upgraded: %q", hash[:10])
		}
		_, err = h.svc.Login(ctx, "whmcs@example.com", "password from whmcs", meta)
		mustOK(t, err)
	})
}

// staff creates an admin with the given permissions, logged in.
func (h *harness) staff(t *testing.T, email string, perms ...identity.Permission) *identity.Authenticated {
	t.Helper()
	u := &identity.User{Email: email, Role: identity.RoleAdmin, Status: identity.UserActive, CreatedAt: start}
	hash, _ := identity.HashPassword("correct horse battery")
	mustOK(t, h.store.CreateUser(ctx, u, hash, identity.Profile{Name: "Staff"}))
	_, err := h.store.MarkEmailVerified(ctx, u.ID, start)
	mustOK(t, err)
	role, err := h.store.EnsureRole(ctx, "role-"+email, perms)
	mustOK(t, err)
	mustOK(t, h.store.AssignRole(ctx, u.ID, role))
	_, a := h.login(t, email)
	return a
}

// passTOTP enrols and uses an authenticator app on the session.
func (h *harness) passTOTP(t *testing.T, a *identity.Authenticated) {
	t.Helper()
	secret, _, err := h.svc.BeginTOTP(ctx, a)
	mustOK(t, err)
	code, _ := totp.GenerateCode(secret, h.clock.Now())
	_, err = h.svc.ConfirmTOTP(ctx, a, code, meta)
	mustOK(t, err)
}

func TestAdminNeedsSecondFactorAndLeavesAuditTrail(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		customer := h.verifiedCustomer(t, "victim@example.com")
		admin := h.staff(t, "ops@example.com", identity.PermSettingsWrite, identity.PermCustomersImpersonate)
		err := h.svc.SetUserStatus(ctx, admin, customer.ID, identity.UserSuspended, meta)
		wantCode(t, err, platform.EFORBIDDEN) // no second factor yet
		h.passTOTP(t, admin)
		mustOK(t, h.svc.SetUserStatus(ctx, admin, customer.ID, identity.UserSuspended, meta))
		entries, err := h.store.ListAudit(ctx, identity.AuditFilter{Action: "user.status_changed"})
		mustOK(t, err)
		if len(entries) != 1 {
			t.Fatalf("%d audit rows for one admin action", len(entries))
		}
		e := entries[0]
		if e.ActorID != admin.User.ID || e.IP != meta.IP || string(e.Before) != `{"status":"active"}` || string(e.After) != `{"status":"suspended"}` {
			t.Fatalf("audit row: %+v (before %s after %s)", e, e.Before, e.After)
		}
		// Impersonation: an active customer only, audited with both ids.
		mustOK(t, h.svc.SetUserStatus(ctx, admin, customer.ID, identity.UserActive, meta))
		imp, err := h.svc.StartImpersonation(ctx, admin, customer.ID, meta)
		mustOK(t, err)
		as, err := h.svc.Authenticate(ctx, imp.Token)
		mustOK(t, err)
		if as.User.ID != customer.ID || as.Session.ImpersonatorID != admin.User.ID {
			t.Fatalf("impersonation session: user %d, impersonator %d", as.User.ID, as.Session.ImpersonatorID)
		}
		_, _, err = h.svc.CreateAPIToken(ctx, as, "sneaky", []string{"services:read"}, time.Time{}, meta)
		wantCode(t, err, platform.EFORBIDDEN)
		// Acting as the customer, staff see the sessions but cannot sign
		// the customer out of them.
		sessions, err := h.svc.ListSessions(ctx, as)
		mustOK(t, err)
		if len(sessions) == 0 {
			t.Fatal("no sessions listed while impersonating")
		}
		wantCode(t, h.svc.RevokeSession(ctx, as, sessions[0].ID, meta), platform.EFORBIDDEN)
		_, err = h.svc.RevokeOtherSessions(ctx, as, meta)
		wantCode(t, err, platform.EFORBIDDEN)
		_, err = h.svc.StartImpersonation(ctx, admin, admin.User.ID, meta)
		wantCode(t, err, platform.EFORBIDDEN)
		mustOK(t, h.svc.StopImpersonation(ctx, as, meta))
		_, err = h.svc.Authenticate(ctx, imp.Token)
		wantCode(t, err, platform.EUNAUTHORIZED)
		started, _ := h.store.ListAudit(ctx, identity.AuditFilter{Action: "impersonation.started"})
		stopped, _ := h.store.ListAudit(ctx, identity.AuditFilter{Action: "impersonation.stopped"})
		if len(started) != 1 || started[0].ActorID != admin.User.ID || len(stopped) != 1 {
			t.Fatalf("impersonation audit: %d started, %d stopped", len(started), len(stopped))
		}
	})
}

func TestCustomerSeesOthersResourcesAsNotFound(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		h.verifiedCustomer(t, "alice@example.com")
		h.verifiedCustomer(t, "mallory@example.com")
		_, alice := h.login(t, "alice@example.com")
		_, mallory := h.login(t, "mallory@example.com")
		err := h.svc.RevokeSession(ctx, mallory, alice.Session.ID, meta)
		wantCode(t, err, platform.ENOTFOUND)
		err = identity.Authorize(mallory.Actor(), identity.ActionRead, identity.KindInvoice, alice.User.ID)
		wantCode(t, err, platform.ENOTFOUND)
	})
}

func TestProfileAndStaffFields(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		h.verifiedCustomer(t, "prof@example.com")
		_, a := h.login(t, "prof@example.com")
		admin := h.staff(t, "desk@example.com", identity.PermSettingsWrite)
		h.passTOTP(t, admin)
		mustOK(t, h.svc.UpdateCustomerProfile(ctx, admin, a.User.ID, identity.Profile{Name: "Ada", TaxExempt: true, AdminNotes: "reseller"}, meta))
		// The customer edits their profile but cannot touch the exemption
		// or the notes, and does not see the notes.
		mustOK(t, h.svc.UpdateProfile(ctx, a, identity.Profile{Name: "Ada L.", Country: "de", Phone: "+49 30 1", TaxExempt: false, AdminNotes: "mine now"}, meta))
		stored, _ := h.store.GetProfile(ctx, a.User.ID)
		if stored.Name != "Ada L." || stored.Country != "DE" || !stored.TaxExempt || stored.AdminNotes != "reseller" {
			t.Fatalf("stored profile: %+v", stored)
		}
		own, err := h.svc.GetProfile(ctx, a)
		mustOK(t, err)
		if own.AdminNotes != "" {
			t.Fatal("a customer sees the staff notes")
		}
		err = h.svc.UpdateProfile(ctx, a, identity.Profile{Country: "Germany"}, meta)
		if platform.ErrorField(err) != "country" {
			t.Fatalf("a bad country: %v", err)
		}
		entries, _ := h.store.ListAudit(ctx, identity.AuditFilter{Action: "profile.updated", ResourceID: fmt.Sprint(a.User.ID)})
		if len(entries) != 2 {
			t.Fatalf("%d profile audit rows, want 2", len(entries))
		}
	})
}

func TestGrantAndRevokeRoleAudited(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		boss := h.staff(t, "boss@example.com", identity.PermStaffWrite, identity.PermBillingRefund)
		h.passTOTP(t, boss)
		newbie := h.staff(t, "newbie@example.com")
		// Staff give only permissions they hold, whatever the role is named.
		wantCode(t, h.svc.GrantRole(ctx, boss, newbie.User.ID, "payments", []identity.Permission{identity.PermInvoicesWrite}, meta), platform.EFORBIDDEN)
		mustOK(t, h.svc.GrantRole(ctx, boss, newbie.User.ID, "billing", []identity.Permission{identity.PermBillingRefund}, meta))
		u, _ := h.store.GetUser(ctx, newbie.User.ID)
		if !u.Can(identity.PermBillingRefund) {
			t.Fatalf("granted permissions: %v", u.Permissions)
		}
		wantCode(t, h.svc.GrantRole(ctx, boss, boss.User.ID, "everything", identity.AllPermissions(), meta), platform.EFORBIDDEN)
		customer := h.verifiedCustomer(t, "c@example.com")
		err := h.svc.GrantRole(ctx, boss, customer.ID, "billing", nil, meta)
		if platform.ErrorField(err) != "user" {
			t.Fatalf("a role for a customer: %v", err)
		}
		mustOK(t, h.svc.RevokeRole(ctx, boss, newbie.User.ID, "billing", meta))
		granted, _ := h.store.ListAudit(ctx, identity.AuditFilter{Action: "permission.granted"})
		revoked, _ := h.store.ListAudit(ctx, identity.AuditFilter{Action: "permission.revoked"})
		if len(granted) != 1 || len(revoked) != 1 || granted[0].ActorID != boss.User.ID || !strings.Contains(string(granted[0].After), "billing.refund") {
			t.Fatalf("permission audit: %+v / %+v", granted, revoked)
		}
	})
}

func TestRotateSecretsReSealsTOTP(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		h.verifiedCustomer(t, "rot@example.com")
		_, a := h.login(t, "rot@example.com")
		secret, _, err := h.svc.BeginTOTP(ctx, a)
		mustOK(t, err)
		code, _ := totp.GenerateCode(secret, h.clock.Now())
		_, err = h.svc.ConfirmTOTP(ctx, a, code, meta)
		mustOK(t, err)
		// A new primary key arrives; the old one stays until rotation ends.
		k2 := make([]byte, 32)
		rand.Read(k2)
		old, _ := h.store.GetTOTP(ctx, a.User.ID)
		rotated, err := secretbox.NewKeyring("k2", map[string][]byte{"k2": k2, "k1": h.keyBytes})
		mustOK(t, err)
		n, err := h.svc.RotateSecrets(ctx, rotated)
		mustOK(t, err)
		again, _ := h.svc.RotateSecrets(ctx, rotated)
		if n != 1 || again != 0 {
			t.Fatalf("rotated %d then %d, want 1 then 0", n, again)
		}
		now, _ := h.store.GetTOTP(ctx, a.User.ID)
		if now.SealedSecret == old.SealedSecret || !strings.HasPrefix(now.SealedSecret, "v1.k2.") {
			t.Fatalf("secret not re-sealed with k2: %q", now.SealedSecret[:8])
		}
		// The service, now on the new keyring alone, still checks codes.
		svc := identity.NewService(h.store, mustKeyring(t, "k2", k2), h.clock, identity.DefaultConfig())
		h.clock.Advance(time.Minute)
		res, err := svc.Login(ctx, "rot@example.com", "correct horse battery", meta)
		mustOK(t, err)
		b, _ := svc.Authenticate(ctx, res.Token)
		code, _ = totp.GenerateCode(secret, h.clock.Now())
		mustOK(t, svc.VerifyTOTP(ctx, b, code, meta))
	})
}

func mustKeyring(t *testing.T, id string, key []byte) *secretbox.Keyring {
	t.Helper()
	k, err := secretbox.NewKeyring(id, map[string][]byte{id: key})
	mustOK(t, err)
	return k
}
