package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/passkey"
	"ezscale.cloud/platform/adapters/passkey/passkeytest"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/adapters/sqlstore"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/secretbox"
)

var ctx = context.Background()

type jobLister interface {
	ListJobs(ctx context.Context, kind string) ([]*platform.Job, error)
}

type env struct {
	t     *testing.T
	store identity.Store
	jobs  jobLister
	keys  *secretbox.Keyring
	clock *platform.ManualClock
	srv   *httptest.Server
}

func eachStore(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) {
		s := storetest.OpenSQLite(t)
		fn(t, newEnv(t, s.Identity(), s))
	})
	t.Run("mysql", func(t *testing.T) {
		s := storetest.OpenMySQL(t)
		fn(t, newEnv(t, s.Identity(), s))
	})
}

// newEnv serves the identity API over s; more adds services to mount.
func newEnv(t *testing.T, s identity.Store, jobs jobLister, more ...func(*httpapi.Services)) *env {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	keys, err := secretbox.NewKeyring("k1", map[string][]byte{"k1": key})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: s, jobs: jobs, keys: keys, clock: platform.NewManualClock(time.Now())}
	cfg := httpapi.DefaultConfig()
	cfg.InsecureCookies = true
	passkeys, err := passkey.New(passkey.Config{
		RPID: "ezscale.cloud", RPDisplayName: "EZSCALE", RPOrigins: []string{passkeyOrigin}, UserHandleKey: key,
	}, s, e.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	services := httpapi.Services{Identity: identity.NewService(s, keys, e.clock, identity.DefaultConfig()), Passkeys: passkeys}
	for _, add := range more {
		add(&services)
	}
	api, err := httpapi.New(cfg, services)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(api)
	t.Cleanup(e.srv.Close)
	return e
}

// client is a browser: it keeps cookies.
type client struct {
	e      *env
	http   *http.Client
	bearer string
	header http.Header
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar}, header: http.Header{}}
}

// do sends a JSON request and decodes a JSON answer into out (if given).
func (c *client) do(method, path string, body any, out any) int {
	c.e.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+httpapi.APIPrefix+path, r)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range c.header {
		req.Header[k] = v
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			c.e.t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

func (c *client) want(status int, method, path string, body any, out any) {
	c.e.t.Helper()
	var raw json.RawMessage
	if got := c.do(method, path, body, &raw); got != status {
		c.e.t.Fatalf("%s %s = %d, want %d: %s", method, path, got, status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.e.t.Fatal(err)
		}
	}
}

// mailedToken opens the newest link token of an email job kind.
func (e *env) mailedToken(kind string) string {
	e.t.Helper()
	jobs, err := e.jobs.ListJobs(ctx, kind)
	if err != nil || len(jobs) == 0 {
		e.t.Fatalf("no %s email (%v)", kind, err)
	}
	var job identity.EmailJob
	json.Unmarshal(jobs[len(jobs)-1].Payload, &job)
	plain, err := e.keys.Open(job.SealedToken, identity.LinkTokenAD(job.UserID))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(plain)
}

const password = "correct horse battery"

// customer registers, verifies and logs in a customer.
func (e *env) customer(email string) *client {
	e.t.Helper()
	c := e.client()
	c.want(http.StatusCreated, "POST", "/auth/register", map[string]string{"email": email, "password": password, "name": "Ada"}, nil)
	c.want(http.StatusNoContent, "POST", "/auth/verify-email", map[string]string{"token": e.mailedToken(platform.JobEmailVerify)}, nil)
	c.want(http.StatusOK, "POST", "/auth/login", map[string]string{"email": email, "password": password}, nil)
	return c
}

// staff creates a verified admin with the given permissions and logs in.
func (e *env) staff(email string, perms ...identity.Permission) *client {
	e.t.Helper()
	u := &identity.User{Email: email, Role: identity.RoleAdmin, Status: identity.UserActive, CreatedAt: e.clock.Now()}
	hash, _ := identity.HashPassword(password)
	if err := e.store.CreateUser(ctx, u, hash, identity.Profile{}); err != nil {
		e.t.Fatal(err)
	}
	e.store.MarkEmailVerified(ctx, u.ID, e.clock.Now())
	role, _ := e.store.EnsureRole(ctx, "role-"+email, perms)
	e.store.AssignRole(ctx, u.ID, role)
	c := e.client()
	c.want(http.StatusOK, "POST", "/auth/login", map[string]string{"email": email, "password": password}, nil)
	return c
}

// enrolTOTP sets up an authenticator app on the client's account and
// returns its secret.
func (c *client) enrolTOTP() string {
	c.e.t.Helper()
	var begin struct{ Secret string }
	c.want(http.StatusOK, "POST", "/account/second-factor/totp", nil, &begin)
	code, _ := totp.GenerateCode(begin.Secret, c.e.clock.Now())
	c.want(http.StatusOK, "POST", "/account/second-factor/totp/confirm", map[string]string{"code": code}, nil)
	return begin.Secret
}

type me struct {
	User struct {
		ID    int64
		Email string
	}
	Impersonating  bool  `json:"impersonating"`
	ImpersonatorID int64 `json:"impersonator_id"`
}

func TestRegisterVerifyLoginOverHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		c := e.client()
		c.want(http.StatusCreated, "POST", "/auth/register", map[string]string{"email": "ada@example.com", "password": password}, nil)
		var problem struct {
			Detail string
			Errors []struct{ Location, Message string }
		}
		c.want(http.StatusForbidden, "POST", "/auth/login", map[string]string{"email": "ada@example.com", "password": password}, &problem)
		if !strings.Contains(problem.Detail, "verify your email") {
			t.Fatalf("unverified login: %q", problem.Detail)
		}
		c.want(http.StatusNoContent, "POST", "/auth/verify-email", map[string]string{"token": e.mailedToken(platform.JobEmailVerify)}, nil)
		c.want(http.StatusUnauthorized, "POST", "/auth/login", map[string]string{"email": "ada@example.com", "password": "wrong password"}, nil)
		c.want(http.StatusOK, "POST", "/auth/login", map[string]string{"email": "ada@example.com", "password": password}, nil)
		var who me
		c.want(http.StatusOK, "GET", "/auth/me", nil, &who)
		if who.User.Email != "ada@example.com" {
			t.Fatalf("me: %+v", who)
		}
		c.want(http.StatusUnprocessableEntity, "POST", "/auth/register", map[string]string{"email": "bob@example.com", "password": "short"}, &problem)
		if len(problem.Errors) != 1 || problem.Errors[0].Location != "body.password" {
			t.Fatalf("bad password problem: %+v", problem)
		}
		c.want(http.StatusNoContent, "POST", "/auth/logout", nil, nil)
		c.want(http.StatusUnauthorized, "GET", "/auth/me", nil, nil)
	})
}

func TestAdminRouteNeedsSecondFactor(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		admin := e.staff("ops@example.com", identity.PermAuditRead, identity.PermSettingsWrite)
		customer := e.customer("cust@example.com")
		var who me
		customer.want(http.StatusOK, "GET", "/auth/me", nil, &who)
		customer.want(http.StatusForbidden, "GET", "/admin/audit", nil, nil)
		admin.want(http.StatusForbidden, "GET", "/admin/audit", nil, nil)
		admin.want(http.StatusForbidden, "PUT", fmt.Sprintf("/admin/users/%d/status", who.User.ID), map[string]string{"status": "suspended"}, nil)
		var factors struct {
			TOTPEnabled bool `json:"totp_enabled"`
		}
		admin.want(http.StatusOK, "GET", "/auth/me", nil, &factors)
		if factors.TOTPEnabled {
			t.Fatal("totp_enabled before any authenticator was set up")
		}
		secret := admin.enrolTOTP()
		admin.want(http.StatusOK, "GET", "/auth/me", nil, &factors)
		if !factors.TOTPEnabled {
			t.Fatal("totp_enabled is false after setting up an authenticator")
		}
		admin.want(http.StatusOK, "GET", "/admin/audit", nil, nil)
		admin.want(http.StatusNoContent, "PUT", fmt.Sprintf("/admin/users/%d/status", who.User.ID), map[string]string{"status": "suspended"}, nil)
		var audit struct {
			Entries []struct {
				ActorID int64 `json:"actor_id"`
				IP      string
				Before  json.RawMessage
				After   json.RawMessage
			}
		}
		admin.want(http.StatusOK, "GET", "/admin/audit?action=user.status_changed", nil, &audit)
		if len(audit.Entries) != 1 || audit.Entries[0].IP != "127.0.0.1" || string(audit.Entries[0].After) != `{"status":"suspended"}` {
			t.Fatalf("audit of the admin action: %+v", audit.Entries)
		}
		// The suspended customer's session is gone.
		customer.want(http.StatusUnauthorized, "GET", "/auth/me", nil, nil)

		// Staff list and end another user's sessions.
		admin.want(http.StatusNoContent, "PUT", fmt.Sprintf("/admin/users/%d/status", who.User.ID), map[string]string{"status": "active"}, nil)
		laptop := e.client()
		laptop.want(http.StatusOK, "POST", "/auth/login", map[string]string{"email": "cust@example.com", "password": password}, nil)
		var listed struct{ Sessions []struct{ ID int64 } }
		admin.want(http.StatusOK, "GET", fmt.Sprintf("/admin/users/%d/sessions", who.User.ID), nil, &listed)
		if len(listed.Sessions) != 1 {
			t.Fatalf("staff see %d sessions, want 1", len(listed.Sessions))
		}
		admin.want(http.StatusNoContent, "DELETE", fmt.Sprintf("/admin/users/%d/sessions/%d", who.User.ID, listed.Sessions[0].ID), nil, nil)
		laptop.want(http.StatusUnauthorized, "GET", "/auth/me", nil, nil)

		// A new admin session owes the second factor before anything else.
		e.clock.Advance(time.Minute)
		again := e.client()
		var login struct {
			SecondFactorRequired bool `json:"second_factor_required"`
		}
		again.want(http.StatusOK, "POST", "/auth/login", map[string]string{"email": "ops@example.com", "password": password}, &login)
		if !login.SecondFactorRequired {
			t.Fatal("the second login did not ask for the second factor")
		}
		again.want(http.StatusForbidden, "GET", "/account/sessions", nil, nil)
		code, _ := totp.GenerateCode(secret, e.clock.Now())
		again.want(http.StatusNoContent, "POST", "/auth/second-factor/totp", map[string]string{"code": code}, nil)
		again.want(http.StatusOK, "GET", "/account/sessions", nil, nil)
		again.want(http.StatusOK, "GET", "/admin/audit", nil, nil)
	})
}

func TestRevokedSessionAndTokenScopes(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		laptop := e.customer("multi@example.com")
		phone := e.client()
		phone.want(http.StatusOK, "POST", "/auth/login", map[string]string{"email": "multi@example.com", "password": password}, nil)
		var revoked struct{ Revoked int }
		laptop.want(http.StatusOK, "POST", "/account/sessions/revoke-others", nil, &revoked)
		if revoked.Revoked != 1 {
			t.Fatalf("revoked %d sessions", revoked.Revoked)
		}
		phone.want(http.StatusUnauthorized, "GET", "/auth/me", nil, nil)

		var created struct{ Token string }
		laptop.want(http.StatusCreated, "POST", "/account/tokens", map[string]any{"name": "ci", "scopes": []string{"services:read"}}, &created)
		script := e.client()
		script.bearer = created.Token
		script.want(http.StatusForbidden, "GET", "/auth/me", nil, nil)             // needs account:read
		script.want(http.StatusUnauthorized, "GET", "/account/sessions", nil, nil) // sessions only
		laptop.want(http.StatusCreated, "POST", "/account/tokens", map[string]any{"name": "me", "scopes": []string{"account:read"}}, &created)
		script.bearer = created.Token
		script.want(http.StatusOK, "GET", "/auth/me", nil, nil)
		// account:read reads the profile; changing it needs account:write.
		script.want(http.StatusOK, "GET", "/account/profile", nil, nil)
		script.want(http.StatusForbidden, "PUT", "/account/profile", map[string]any{"name": "Scripted"}, nil)
		laptop.want(http.StatusCreated, "POST", "/account/tokens", map[string]any{"name": "crm", "scopes": []string{"account:read", "account:write"}}, &created)
		script.bearer = created.Token
		script.want(http.StatusNoContent, "PUT", "/account/profile", map[string]any{"name": "Scripted"}, nil)
		var p struct{ Name string }
		laptop.want(http.StatusOK, "GET", "/account/profile", nil, &p)
		if p.Name != "Scripted" {
			t.Fatalf("profile after a token's change: %+v", p)
		}
	})
}

func TestOtherCustomersResourcesAreNotFound(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		alice := e.customer("alice@example.com")
		mallory := e.customer("mallory@example.com")
		var sessions struct {
			Sessions []struct{ ID int64 }
		}
		alice.want(http.StatusOK, "GET", "/account/sessions", nil, &sessions)
		mallory.want(http.StatusNotFound, "DELETE", fmt.Sprintf("/account/sessions/%d", sessions.Sessions[0].ID), nil, nil)
		alice.want(http.StatusOK, "GET", "/auth/me", nil, nil)
	})
}

func TestSixthFailedLoginIs429(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		e.customer("brute@example.com")
		e.clock.Advance(time.Minute) // the sign-up's own login is in another window
		c := e.client()
		for i := 0; i < 5; i++ {
			c.want(http.StatusUnauthorized, "POST", "/auth/login", map[string]string{"email": "brute@example.com", "password": "guess guess " + fmt.Sprint(i)}, nil)
		}
		c.want(http.StatusTooManyRequests, "POST", "/auth/login", map[string]string{"email": "brute@example.com", "password": password}, nil)
	})
}

func TestImpersonationRoundTrip(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		customer := e.customer("imp@example.com")
		var who me
		customer.want(http.StatusOK, "GET", "/auth/me", nil, &who)
		admin := e.staff("support@example.com", identity.PermCustomersImpersonate)
		admin.want(http.StatusForbidden, "POST", fmt.Sprintf("/admin/customers/%d/impersonate", who.User.ID), nil, nil)
		admin.enrolTOTP()
		admin.want(http.StatusOK, "POST", fmt.Sprintf("/admin/customers/%d/impersonate", who.User.ID), nil, nil)
		var as me
		admin.want(http.StatusOK, "GET", "/auth/me", nil, &as)
		if as.User.ID != who.User.ID || !as.Impersonating || as.ImpersonatorID == 0 {
			t.Fatalf("impersonating: %+v", as)
		}
		admin.want(http.StatusForbidden, "GET", "/admin/audit", nil, nil) // staff powers are off meanwhile
		admin.want(http.StatusOK, "POST", "/auth/impersonation/stop", nil, nil)
		var back me
		admin.want(http.StatusOK, "GET", "/auth/me", nil, &back)
		if back.User.ID != as.ImpersonatorID || back.Impersonating {
			t.Fatalf("after stopping: %+v", back)
		}
		entries, _ := e.store.ListAudit(ctx, identity.AuditFilter{Action: "impersonation.request"})
		if len(entries) == 0 || entries[0].ImpersonatorID != as.ImpersonatorID || entries[0].ActorID != who.User.ID {
			t.Fatalf("impersonated requests are not audited with both ids: %+v", entries)
		}
	})
}

func TestHTTPSafety(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t).Identity(), nil)
	c := e.client()
	req, _ := http.NewRequest("POST", e.srv.URL+httpapi.APIPrefix+"/auth/login", strings.NewReader(`{"email":"a@b.co","password":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a cross-site POST got %d, want 403", resp.StatusCode)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
		"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	big := strings.NewReader(`{"email":"` + strings.Repeat("a", 2<<20) + `"}`)
	resp, err = http.Post(e.srv.URL+httpapi.APIPrefix+"/auth/login", "application/json", big)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 2 MiB body got %d, want 413", resp.StatusCode)
	}
	var problem struct{ Errors []struct{ Location string } }
	if got := c.do("POST", "/auth/login", map[string]any{"email": 42}, &problem); got != http.StatusUnprocessableEntity {
		t.Fatalf("a number for an email got %d", got)
	}
}

// TestAdminGateGuardsAdminRoutesOnly wires a gate (Cloudflare Access in
// production) and checks it stands in front of the admin operations alone.
func TestAdminGateGuardsAdminRoutesOnly(t *testing.T) {
	s := storetest.OpenSQLite(t)
	key := make([]byte, 32)
	keys, _ := secretbox.NewKeyring("k1", map[string][]byte{"k1": key})
	cfg := httpapi.DefaultConfig()
	cfg.InsecureCookies = true
	gated := 0
	cfg.AdminGate = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			gated++
			http.Error(w, "no Access token", http.StatusForbidden)
		})
	}
	api, err := httpapi.New(cfg, httpapi.Services{Identity: identity.NewService(s.Identity(), keys, platform.SystemClock{}, identity.DefaultConfig())})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	defer srv.Close()
	for path, want := range map[string]int{"/admin/audit": http.StatusForbidden, "/auth/me": http.StatusUnauthorized} {
		resp, err := http.Get(srv.URL + httpapi.APIPrefix + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	if gated != 1 {
		t.Fatalf("the gate saw %d requests, want only the admin one", gated)
	}
}

// passkeyOrigin is the page the software authenticator's browser is on.
const passkeyOrigin = "https://my.ezscale.cloud"

// ceremony runs a WebAuthn ceremony through the API: begin, let the
// authenticator answer, finish; it returns the finish's status.
func (c *client) ceremony(begin, finish string, answer func(options json.RawMessage) []byte, extra map[string]any, out any) int {
	c.e.t.Helper()
	var started struct{ Options json.RawMessage }
	c.want(http.StatusOK, "POST", begin, nil, &started)
	var cred map[string]any
	if err := json.Unmarshal(answer(started.Options), &cred); err != nil {
		c.e.t.Fatal(err)
	}
	body := map[string]any{"credential": cred}
	for k, v := range extra {
		body[k] = v
	}
	return c.do("POST", finish, body, out)
}

func TestPasskeysOverHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		c := e.customer("keys@example.com")
		phone := passkeytest.NewAuthenticator(passkeyOrigin)
		register := func(o json.RawMessage) []byte {
			resp, err := phone.Register(t, o)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		// A bad name is refused before the ceremony is used up: the same
		// credential goes through once the name is fixed.
		var begun struct{ Options json.RawMessage }
		c.want(http.StatusOK, "POST", "/account/passkeys/begin", nil, &begun)
		var created map[string]any
		if err := json.Unmarshal(register(begun.Options), &created); err != nil {
			t.Fatal(err)
		}
		c.want(http.StatusUnprocessableEntity, "POST", "/account/passkeys/finish", map[string]any{"name": "  ", "credential": created}, nil)
		if got := c.do("POST", "/account/passkeys/finish", map[string]any{"name": "Phone", "credential": created}, nil); got != http.StatusCreated {
			t.Fatalf("registering a passkey after fixing its name: %d", got)
		}
		var keys struct{ Passkeys []struct{ Name string } }
		c.want(http.StatusOK, "GET", "/account/passkeys", nil, &keys)
		if len(keys.Passkeys) != 1 || keys.Passkeys[0].Name != "Phone" {
			t.Fatalf("passkeys: %+v", keys)
		}

		// Log in on a new browser with the passkey alone: no email typed,
		// and the session has passed its second factor.
		fresh := e.client()
		login := func(o json.RawMessage) []byte { return phone.Login(t, o) }
		var res struct{ User struct{ Email string } }
		if got := fresh.ceremony("/auth/passkey/begin", "/auth/passkey/finish", login, nil, &res); got != http.StatusOK || res.User.Email != "keys@example.com" {
			t.Fatalf("passkey login: %d %+v", got, res)
		}
		var who struct {
			SecondFactor bool `json:"second_factor_passed"`
		}
		fresh.want(http.StatusOK, "GET", "/auth/me", nil, &who)
		if !who.SecondFactor {
			t.Fatal("a passkey login did not count as the second factor")
		}

		// A finish replayed with the same ceremony cookie finds nothing.
		var started struct{ Options json.RawMessage }
		replay := e.client()
		replay.want(http.StatusOK, "POST", "/auth/passkey/begin", nil, &started)
		var cred map[string]any
		json.Unmarshal(phone.Login(t, started.Options), &cred)
		replay.want(http.StatusOK, "POST", "/auth/passkey/finish", map[string]any{"credential": cred}, nil)
		replay.want(http.StatusUnauthorized, "POST", "/auth/passkey/finish", map[string]any{"credential": cred}, nil)

		// The passkey also passes the second factor after a password login.
		e.clock.Advance(time.Minute)
		pw := e.client()
		var first struct {
			SecondFactorRequired bool `json:"second_factor_required"`
		}
		pw.want(http.StatusOK, "POST", "/auth/login", map[string]string{"email": "keys@example.com", "password": password}, &first)
		if !first.SecondFactorRequired {
			t.Fatal("an account with a passkey did not owe a second factor")
		}
		pw.want(http.StatusForbidden, "GET", "/account/passkeys", nil, nil)
		if got := pw.ceremony("/auth/second-factor/passkey/begin", "/auth/second-factor/passkey/finish", login, nil, nil); got != http.StatusNoContent {
			t.Fatalf("passkey second factor: %d", got)
		}
		pw.want(http.StatusOK, "GET", "/account/passkeys", nil, nil)
	})
}

func TestProfileOverHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		c := e.customer("addr@example.com")
		c.want(http.StatusNoContent, "PUT", "/account/profile", map[string]any{"name": "Ada", "country": "DE", "shipping_city": "Hamburg", "tax_exempt": true}, nil)
		var p struct {
			Name         string
			ShippingCity string `json:"shipping_city"`
			TaxExempt    bool   `json:"tax_exempt"`
		}
		c.want(http.StatusOK, "GET", "/account/profile", nil, &p)
		if p.Name != "Ada" || p.ShippingCity != "Hamburg" || p.TaxExempt {
			t.Fatalf("profile: %+v (a customer must not exempt themselves from tax)", p)
		}
		var problem struct{ Errors []struct{ Location string } }
		c.want(http.StatusUnprocessableEntity, "PUT", "/account/profile", map[string]any{"country": "D1"}, &problem)
		if len(problem.Errors) != 1 || problem.Errors[0].Location != "body.country" {
			t.Fatalf("bad country problem: %+v", problem)
		}

		// Staff read the whole profile, notes included, so an edit saves
		// back every field it was given.
		var me me
		c.want(http.StatusOK, "GET", "/auth/me", nil, &me)
		path := fmt.Sprintf("/admin/customers/%d/profile", me.User.ID)
		c.want(http.StatusForbidden, "GET", path, nil, nil)
		ops := e.staff("ops@example.com", identity.PermSettingsWrite)
		ops.enrolTOTP()
		ops.want(http.StatusNoContent, "PUT", path, map[string]any{"name": "Ada", "country": "DE", "shipping_city": "Hamburg", "admin_notes": "reseller"}, nil)
		var staffView struct {
			Email, Status string
			Profile       struct {
				ShippingCity string `json:"shipping_city"`
				AdminNotes   string `json:"admin_notes"`
			}
		}
		ops.want(http.StatusOK, "GET", path, nil, &staffView)
		if staffView.Email != "addr@example.com" || staffView.Status != "active" || staffView.Profile.ShippingCity != "Hamburg" || staffView.Profile.AdminNotes != "reseller" {
			t.Fatalf("staff's view of the profile: %+v", staffView)
		}
		ops.want(http.StatusNotFound, "GET", "/admin/customers/999999/profile", nil, nil)
	})
}

func TestOpenAPIDocument(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLiteMemory(t).Identity(), nil)
	resp, err := http.Get(e.srv.URL + httpapi.APIPrefix + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]any
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("openapi: %d %v", resp.StatusCode, err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Paths[httpapi.APIPrefix+"/auth/login"] == nil || doc.Paths[httpapi.APIPrefix+"/auth/passkey/finish"] == nil {
		t.Fatalf("openapi %q with %d paths", doc.OpenAPI, len(doc.Paths))
	}
}

func TestAdminGetsInAfterPasskey(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		admin := e.staff("keyed@example.com", identity.PermAuditRead)
		admin.want(http.StatusForbidden, "GET", "/admin/audit", nil, nil)
		key := passkeytest.NewAuthenticator(passkeyOrigin)
		register := func(o json.RawMessage) []byte {
			resp, err := key.Register(t, o)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		if got := admin.ceremony("/account/passkeys/begin", "/account/passkeys/finish", register, map[string]any{"name": "YubiKey"}, nil); got != http.StatusCreated {
			t.Fatalf("registering: %d", got)
		}
		// Registering is not passing: a second factor must be used.
		admin.want(http.StatusForbidden, "GET", "/admin/audit", nil, nil)
		login := func(o json.RawMessage) []byte { return key.Login(t, o) }
		if got := admin.ceremony("/auth/second-factor/passkey/begin", "/auth/second-factor/passkey/finish", login, nil, nil); got != http.StatusNoContent {
			t.Fatalf("passkey second factor: %d", got)
		}
		admin.want(http.StatusOK, "GET", "/admin/audit", nil, nil)
	})
}

// TestNoEndpointTakesCardData posts card numbers and security codes, under
// many spellings and at any depth, to every operation of the OpenAPI
// document as a logged-in admin who passed a second factor: none accepts.
func TestNoEndpointTakesCardData(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLiteMemory(t).Identity(), nil)
	admin := e.staff("pci@example.com", identity.AllPermissions()...)
	admin.enrolTOTP()
	resp, err := http.Get(e.srv.URL + httpapi.APIPrefix + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody any `json:"requestBody"`
		}
	}
	json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	bodies := []map[string]any{
		{"card_number": "4242424242424242"},
		{"cardNumber": "4242424242424242", "exp_month": 12},
		{"email": "a@example.com", "password": "x", "cvc": "123"},
		{"credential": map[string]any{"nested": []any{map[string]any{"CVV": "123"}}}},
		{"name": "x", "pan": "4000056655665556", "security_code": "999"},
	}
	tried := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if op.RequestBody == nil {
				continue
			}
			url := strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(path, "{id}", "1"), "{session}", "1"), "{role}", "x")
			for _, b := range bodies {
				tried++
				got := admin.do(strings.ToUpper(method), strings.TrimPrefix(url, httpapi.APIPrefix), b, nil)
				if got < 400 {
					t.Errorf("%s %s accepted card data %v with %d", method, path, b, got)
				}
			}
		}
	}
	if tried < 50 {
		t.Fatalf("only %d requests tried; the OpenAPI walk found too few operations", tried)
	}
}

// newStaffBillingEnv mounts billing with the staff's audited operations on
// the sandbox gateway, its clock standing at now.
func newStaffBillingEnv(t *testing.T, s *sqlstore.Store, now time.Time) (*env, *billing.Service) {
	t.Helper()
	clock := platform.NewManualClock(now)
	bill, err := billing.NewService(s, sandbox.New(), clock, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, s.Identity(), s, func(svc *httpapi.Services) {
		svc.Billing, svc.Catalog, svc.Audit, svc.Clock = bill, s, s.Identity(), clock
	})
	return e, bill
}
