package oauth2server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/oauth2server"
	"ezscale.cloud/platform/adapters/sqlstore"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/identity"
)

// stores is what a test needs of an opened SQLite or MySQL store.
type stores interface {
	OAuth2() *sqlstore.OAuth2Store
	Identity() *sqlstore.IdentityStore
}

// TestOAuth2 runs the authorization server over each store, with
// golang.org/x/oauth2 as the client.
func TestOAuth2(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { runOAuth2(t, storetest.OpenSQLite(t)) })
	t.Run("mysql", func(t *testing.T) { runOAuth2(t, storetest.OpenMySQL(t)) })
}

const (
	callback = "https://help.example/oauth/callback"
	state    = "state-0123456789"
	// userHeader is how the tests say who is logged in: the fake
	// LoggedIn reads it where the app reads its session cookie.
	userHeader = "X-Test-User"
)

// env is a running server with one confidential client (SupportPal) and
// one public one.
type env struct {
	srv     *oauth2server.Server
	ts      *httptest.Server
	users   *sqlstore.IdentityStore
	conf    *oauth2.Config // the confidential client
	public  *oauth2.Config
	browser *http.Client // does not follow redirects, to read them
	seq     int          // numbers the users' emails
}

func newEnv(t *testing.T, st stores) *env {
	t.Helper()
	srv, err := oauth2server.New(oauth2server.Config{
		Secret: []byte("0123456789abcdef0123456789abcdef"),
		Store:  st.OAuth2(),
		Users:  st.Identity(),
		LoggedIn: func(r *http.Request) (int64, bool) {
			id, err := strconv.ParseInt(r.Header.Get(userHeader), 10, 64)
			return id, err == nil
		},
		LoginURL: "/login",
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &env{
		srv: srv, ts: ts, users: st.Identity(),
		browser: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
	e.conf = e.register(t, "SupportPal", []string{string(identity.ScopeAccountRead)}, false)
	e.public = e.register(t, "Mobile app", nil, true)
	return e
}

// register registers a client redirecting to callback and returns its
// x/oauth2 configuration.
func (e *env) register(t *testing.T, name string, scopes []string, public bool) *oauth2.Config {
	t.Helper()
	id, secret, err := e.srv.RegisterClient(t.Context(), name, []string{callback}, scopes, public)
	if err != nil {
		t.Fatal(err)
	}
	if public != (secret == "") {
		t.Fatalf("public %v client got secret %q", public, secret)
	}
	style := oauth2.AuthStyleInHeader
	if public {
		style = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{
		ClientID: id, ClientSecret: secret, RedirectURL: callback, Scopes: scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL: e.ts.URL + oauth2server.AuthorizePath, TokenURL: e.ts.URL + oauth2server.TokenPath, AuthStyle: style,
		},
	}
}

// newUser creates an active customer.
func (e *env) newUser(t *testing.T) *identity.User {
	t.Helper()
	e.seq++
	u := &identity.User{
		Email: "user" + strconv.Itoa(e.seq) + "@example.com", Role: identity.RoleCustomer,
		Status: identity.UserActive, CreatedAt: platform.Truncate(time.Now()),
	}
	if err := e.users.CreateUser(t.Context(), u, "", identity.Profile{}); err != nil {
		t.Fatal(err)
	}
	return u
}

// visit makes a browser request to the authorize endpoint as userID (0:
// nobody logged in), a POST if it sends a form.
func (e *env) visit(t *testing.T, u string, userID int64, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if form != nil {
		req, err = http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err != nil {
		t.Fatal(err)
	}
	if userID != 0 {
		req.Header.Set(userHeader, strconv.FormatInt(userID, 10))
	}
	resp, err := e.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	// Read now so callers need not close; the page stays readable.
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(page))
	return resp
}

// redirectParams returns the query of a redirect back to the client, and
// fails unless the response is one.
func redirectParams(t *testing.T, resp *http.Response) url.Values {
	t.Helper()
	loc, err := resp.Location()
	if err != nil || !strings.HasPrefix(loc.String(), callback+"?") {
		t.Fatalf("want a redirect to %s, got %s to %v", callback, resp.Status, loc)
	}
	return loc.Query()
}

// authorize walks userID through the authorize endpoint, allowing on the
// consent page if one is shown, and returns the code.
func (e *env) authorize(t *testing.T, conf *oauth2.Config, userID int64, verifier string) string {
	t.Helper()
	u := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))
	resp := e.visit(t, u, userID, nil)
	if resp.StatusCode == http.StatusOK { // the consent page
		resp = e.visit(t, u, userID, url.Values{"consent": {"allow"}})
	}
	q := redirectParams(t, resp)
	if q.Get("state") != state || q.Get("code") == "" {
		t.Fatalf("redirect %v: want a code and the state back", q)
	}
	return q.Get("code")
}

// login runs the whole flow for a new user and returns the user and the
// tokens.
func (e *env) login(t *testing.T, conf *oauth2.Config) (*identity.User, *oauth2.Token) {
	t.Helper()
	u := e.newUser(t)
	verifier := oauth2.GenerateVerifier()
	code := e.authorize(t, conf, u.ID, verifier)
	tok, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return u, tok
}

// userInfo calls the userinfo endpoint with a bearer token.
func (e *env) userInfo(t *testing.T, token string) (int, oauth2server.UserInfo) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, e.ts.URL+oauth2server.UserInfoPath, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var info oauth2server.UserInfo
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, info
}

// wantUserInfo checks the token works on the userinfo endpoint and names
// the user.
func (e *env) wantUserInfo(t *testing.T, token string, want *identity.User) {
	t.Helper()
	status, info := e.userInfo(t, token)
	if status != http.StatusOK || info.ID != want.ID || info.Email != want.Email || info.Subject != strconv.FormatInt(want.ID, 10) {
		t.Fatalf("userinfo: %d %+v, want user %d %s", status, info, want.ID, want.Email)
	}
}

// wantTokenRefused checks the userinfo endpoint refuses the token.
func (e *env) wantTokenRefused(t *testing.T, token string) {
	t.Helper()
	if status, _ := e.userInfo(t, token); status != http.StatusUnauthorized {
		t.Fatalf("userinfo with a dead token: %d, want 401", status)
	}
}

// refresh exchanges a refresh token.
func refresh(t *testing.T, conf *oauth2.Config, refreshToken string) (*oauth2.Token, error) {
	t.Helper()
	return conf.TokenSource(t.Context(), &oauth2.Token{RefreshToken: refreshToken}).Token()
}

// wantGrantError checks err is the token endpoint's error response with
// the code, for the reason described.
func wantGrantError(t *testing.T, err error, code, why string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != code || !strings.Contains(re.ErrorDescription, why) {
		t.Fatalf("got %v, want the token endpoint to answer %s because %q", err, code, why)
	}
}

// runOAuth2 runs the flows on one store.
func runOAuth2(t *testing.T, st stores) {
	e := newEnv(t, st)

	t.Run("authorization code with PKCE logs the user in", func(t *testing.T) {
		u, tok := e.login(t, e.conf)
		if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Extra("scope") != "account:read" {
			t.Fatalf("token %+v scope %v: want access and refresh tokens for account:read", tok, tok.Extra("scope"))
		}
		e.wantUserInfo(t, tok.AccessToken, u)
	})

	t.Run("a public client logs in with PKCE alone", func(t *testing.T) {
		u, tok := e.login(t, e.public)
		e.wantUserInfo(t, tok.AccessToken, u)
	})

	t.Run("consent is asked once per client and scopes", func(t *testing.T) {
		u := e.newUser(t)
		authURL := e.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
		resp := e.visit(t, authURL, u.ID, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Fatalf("first visit: %s, want the consent page, unframeable", resp.Status)
		}
		// The user is asked by the application's name, not its client_id.
		if page, _ := io.ReadAll(resp.Body); !strings.Contains(string(page), "SupportPal") {
			t.Fatalf("consent page does not name the client:\n%s", page)
		}
		redirectParams(t, e.visit(t, authURL, u.ID, url.Values{"consent": {"allow"}}))
		redirectParams(t, e.visit(t, authURL, u.ID, nil)) // straight back, no consent page
	})

	t.Run("a user who denies consent sends no code", func(t *testing.T) {
		u := e.newUser(t)
		resp := e.visit(t, e.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), u.ID, url.Values{"consent": {"deny"}})
		if q := redirectParams(t, resp); q.Get("error") != "access_denied" || q.Has("code") {
			t.Fatalf("denied: redirect %v, want access_denied and no code", q)
		}
	})

	t.Run("the refresh token rotates and the old one is refused", func(t *testing.T) {
		u, first := e.login(t, e.conf)
		second, err := refresh(t, e.conf, first.RefreshToken)
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
			t.Fatalf("refresh gave refresh token %q, want a new one", second.RefreshToken)
		}
		e.wantUserInfo(t, second.AccessToken, u)
		e.wantTokenRefused(t, first.AccessToken)

		_, err = refresh(t, e.conf, first.RefreshToken)
		wantGrantError(t, err, "invalid_grant", "already used")
		// Reuse means one of two holders is a thief: the grant dies.
		_, err = refresh(t, e.conf, second.RefreshToken)
		wantGrantError(t, err, "invalid_grant", "already used")
		e.wantTokenRefused(t, second.AccessToken)
	})

	t.Run("revocation kills the access and the refresh token", func(t *testing.T) {
		_, tok := e.login(t, e.conf)
		form := url.Values{"token": {tok.AccessToken}, "token_type_hint": {"access_token"}}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.ts.URL+oauth2server.RevokePath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(e.conf.ClientID, e.conf.ClientSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("revoke: %s", resp.Status)
		}
		e.wantTokenRefused(t, tok.AccessToken)
		_, err = refresh(t, e.conf, tok.RefreshToken)
		wantGrantError(t, err, "invalid_grant", "already used")
	})

	t.Run("a wrong code_verifier is refused and the code cannot be retried", func(t *testing.T) {
		u := e.newUser(t)
		verifier := oauth2.GenerateVerifier()
		code := e.authorize(t, e.conf, u.ID, verifier)
		_, err := e.conf.Exchange(t.Context(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
		wantGrantError(t, err, "invalid_grant", "code challenge did not match the code verifier")
		_, err = e.conf.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
		wantGrantError(t, err, "invalid_grant", "Unable to find initial PKCE data")
	})

	t.Run("a code without PKCE is refused", func(t *testing.T) {
		u := e.newUser(t)
		for _, conf := range []*oauth2.Config{e.conf, e.public} {
			resp := e.visit(t, conf.AuthCodeURL(state), u.ID, url.Values{"consent": {"allow"}})
			if q := redirectParams(t, resp); q.Get("error") != "invalid_request" || q.Has("code") {
				t.Fatalf("no PKCE: redirect %v, want invalid_request and no code", q)
			}
		}
	})

	t.Run("a code is single-use, and its replay revokes what it gave", func(t *testing.T) {
		u := e.newUser(t)
		verifier := oauth2.GenerateVerifier()
		code := e.authorize(t, e.conf, u.ID, verifier)
		tok, err := e.conf.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.conf.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
		wantGrantError(t, err, "invalid_grant", "already been used")
		e.wantTokenRefused(t, tok.AccessToken)
	})

	t.Run("of exchanges racing with one code, one gets tokens", func(t *testing.T) {
		u := e.newUser(t)
		verifier := oauth2.GenerateVerifier()
		code := e.authorize(t, e.conf, u.ID, verifier)
		const racers = 8
		won := make(chan bool, racers)
		var wg sync.WaitGroup
		for range racers {
			wg.Go(func() {
				_, err := e.conf.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
				won <- err == nil
			})
		}
		wg.Wait()
		close(won)
		wins := 0
		for w := range won {
			if w {
				wins++
			}
		}
		if wins != 1 {
			t.Fatalf("%d of %d racing exchanges got tokens, want 1", wins, racers)
		}
	})

	t.Run("an unregistered redirect URI is refused", func(t *testing.T) {
		u := e.newUser(t)
		evil := *e.conf
		evil.RedirectURL = "https://evil.example/callback"
		resp := e.visit(t, evil.AuthCodeURL(state, oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), u.ID, url.Values{"consent": {"allow"}})
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Fatalf("unregistered redirect URI: %s to %q, want 400 and no redirect", resp.Status, resp.Header.Get("Location"))
		}
	})

	t.Run("a visitor who is not logged in is sent to log in, not given a code", func(t *testing.T) {
		u := e.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
		for _, form := range []url.Values{nil, {"consent": {"allow"}}} {
			resp := e.visit(t, u, 0, form)
			loc, err := resp.Location()
			if resp.StatusCode != http.StatusSeeOther || err != nil || loc.Path != "/login" || !strings.HasPrefix(loc.Query().Get("next"), oauth2server.AuthorizePath+"?") {
				t.Fatalf("not logged in, form %v: %s to %v, want a redirect to /login?next=the authorize URL", form, resp.Status, loc)
			}
		}
	})

	t.Run("a cross-origin consent is refused", func(t *testing.T) {
		u := e.newUser(t)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost,
			e.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), strings.NewReader("consent=allow"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set(userHeader, strconv.FormatInt(u.ID, 10))
		resp, err := e.browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-origin consent: %s, want 403", resp.Status)
		}
	})

	t.Run("a refresh token is not a bearer token", func(t *testing.T) {
		_, tok := e.login(t, e.conf)
		e.wantTokenRefused(t, tok.RefreshToken)
	})

	t.Run("a wrong client secret is refused", func(t *testing.T) {
		u := e.newUser(t)
		verifier := oauth2.GenerateVerifier()
		code := e.authorize(t, e.conf, u.ID, verifier)
		wrong := *e.conf
		wrong.ClientSecret = "ezs_ocs_wrong"
		_, err := wrong.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
		wantGrantError(t, err, "invalid_client", "Client authentication failed")
	})

	t.Run("a banned user's tokens stop working", func(t *testing.T) {
		u, tok := e.login(t, e.conf)
		if err := e.users.SetUserStatus(t.Context(), u.ID, identity.UserBanned, time.Now()); err != nil {
			t.Fatal(err)
		}
		e.wantTokenRefused(t, tok.AccessToken)
		_, err := refresh(t, e.conf, tok.RefreshToken)
		wantGrantError(t, err, "invalid_grant", "account is not active")
	})

	t.Run("deleting a client ends its users' tokens", func(t *testing.T) {
		conf := e.register(t, "Short-lived", nil, false)
		_, tok := e.login(t, conf)
		if err := e.srv.DeleteClient(t.Context(), conf.ClientID); err != nil {
			t.Fatal(err)
		}
		e.wantTokenRefused(t, tok.AccessToken)
		clients, err := e.srv.Clients(t.Context())
		if err != nil || len(clients) != 2 {
			t.Fatalf("clients after delete: %d, %v; want the two others", len(clients), err)
		}
		if err := e.srv.DeleteClient(t.Context(), conf.ClientID); platform.ErrorCode(err) != platform.ENOTFOUND {
			t.Fatalf("deleting a deleted client: %v, want ENOTFOUND", err)
		}
	})

	t.Run("registration refuses unsafe clients", func(t *testing.T) {
		for _, tc := range []struct {
			name     string
			redirect string
			scopes   []string
		}{
			{"plain http", "http://help.example/callback", nil},
			{"a fragment", "https://help.example/callback#x", nil},
			{"a relative URI", "/callback", nil},
			{"the admin scope", callback, []string{"admin"}},
			{"an unknown scope", callback, []string{"everything"}},
		} {
			_, _, err := e.srv.RegisterClient(t.Context(), "Bad", []string{tc.redirect}, tc.scopes, false)
			if platform.ErrorCode(err) != platform.EINVALID {
				t.Errorf("%s: %v, want EINVALID", tc.name, err)
			}
		}
	})
}
