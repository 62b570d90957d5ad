package cfaccess_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/cfaccess"
)

const (
	team = "https://ezscale.cloudflareaccess.com"
	aud  = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2"
)

var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// rsaKeys are generated once: RSA key generation is the slow part of
// these tests.
var rsaKeys = sync.OnceValue(func() []*rsa.PrivateKey {
	keys := make([]*rsa.PrivateKey, 4)
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

// signingKey is a team signing key as Cloudflare holds it.
type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
}

func testKey(i int, kid string) signingKey { return signingKey{kid: kid, priv: rsaKeys()[i]} }

// certsServer serves a team's certs document, shaped as Cloudflare's, and
// counts how often it is asked.
type certsServer struct {
	*httptest.Server
	hits atomic.Int32
	mu   sync.Mutex
	body []byte
}

func newCertsServer(t *testing.T, keys ...signingKey) *certsServer {
	t.Helper()
	s := &certsServer{}
	s.serve(t, keys...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(s.body)
	}))
	t.Cleanup(s.Close)
	return s
}

// serve makes the server publish keys from now on.
func (s *certsServer) serve(t *testing.T, keys ...signingKey) {
	t.Helper()
	type cert struct {
		Kid  string `json:"kid"`
		Cert string `json:"cert"`
	}
	doc := struct {
		Keys        []jose.JSONWebKey `json:"keys"`
		PublicCert  cert              `json:"public_cert"`
		PublicCerts []cert            `json:"public_certs"`
	}{}
	for _, k := range keys {
		doc.Keys = append(doc.Keys, jose.JSONWebKey{Key: &k.priv.PublicKey, KeyID: k.kid, Algorithm: "RS256", Use: "sig"})
		c := cert{Kid: k.kid, Cert: "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"}
		doc.PublicCerts = append(doc.PublicCerts, c)
		doc.PublicCert = c
	}
	s.serveRaw(t, mustJSON(t, doc))
}

// serveRaw makes the server answer body from now on.
func (s *certsServer) serveRaw(t *testing.T, body []byte) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body = body
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixture is a verifier for team and aud, over a certs server publishing
// key k1, with its clock stopped at t0.
type fixture struct {
	certs *certsServer
	clock *platform.ManualClock
	v     *cfaccess.Verifier
	k1    signingKey
}

func setup(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{k1: testKey(0, "k1"), clock: platform.NewManualClock(t0)}
	f.certs = newCertsServer(t, f.k1)
	v, err := cfaccess.NewVerifier(cfaccess.Config{
		TeamDomain: team,
		Audience:   aud,
		CertsURL:   f.certs.URL,
		Client:     f.certs.Client(),
		Now:        f.clock.Now,
	})
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	f.v = v
	return f
}

// claims returns the claims of a user's Access token issued at t0.
func claims() map[string]any {
	return map[string]any{
		"iss":            team,
		"aud":            []string{aud},
		"sub":            "7335d417-61da-459d-899c-0a01c76a2f94",
		"email":          "admin@ezscale.cloud",
		"type":           "app",
		"identity_nonce": "6ei69kawdKzMIAPF",
		"country":        "US",
		"iat":            t0.Unix(),
		"nbf":            t0.Unix(),
		"exp":            t0.Add(24 * time.Hour).Unix(),
	}
}

// sign returns a token over c signed by k with alg, as Cloudflare would if
// alg is RS256.
func sign(t *testing.T, k signingKey, alg jose.SignatureAlgorithm, c map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	token, err := jwt.Signed(signer).Claims(c).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func mustVerify(t *testing.T, v *cfaccess.Verifier, token string) cfaccess.Identity {
	t.Helper()
	id, err := v.Verify(context.Background(), token)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return id
}

func mustRefuse(t *testing.T, v *cfaccess.Verifier, token, code string) {
	t.Helper()
	id, err := v.Verify(context.Background(), token)
	if err == nil {
		t.Fatalf("Verify = %+v, want error", id)
	}
	if got := platform.ErrorCode(err); got != code {
		t.Fatalf("Verify error code = %q, want %q (%v)", got, code, err)
	}
	t.Logf("refused: %v", err)
}

func TestVerifyUser(t *testing.T) {
	f := setup(t)
	id := mustVerify(t, f.v, sign(t, f.k1, jose.RS256, claims()))
	want := cfaccess.Identity{Email: "admin@ezscale.cloud", Subject: "7335d417-61da-459d-899c-0a01c76a2f94"}
	if id != want || id.Name() != "admin@ezscale.cloud" {
		t.Errorf("Verify = %+v, want %+v", id, want)
	}
}

func TestVerifyServiceToken(t *testing.T) {
	f := setup(t)
	c := claims()
	delete(c, "email")
	c["sub"] = ""
	c["common_name"] = "88bf3b6d86161464f6509f7219099e57.access"
	id := mustVerify(t, f.v, sign(t, f.k1, jose.RS256, c))
	if id.CommonName != "88bf3b6d86161464f6509f7219099e57.access" || id.Name() != id.CommonName {
		t.Errorf("Verify = %+v, want the service token's common name", id)
	}
}

func TestVerifyClaims(t *testing.T) {
	tests := []struct {
		name   string
		change func(c map[string]any)
		ok     bool
	}{
		{"audience among others", func(c map[string]any) { c["aud"] = []string{"other", aud} }, true},
		{"audience as a string", func(c map[string]any) { c["aud"] = aud }, true},
		{"wrong audience", func(c map[string]any) { c["aud"] = []string{strings.Repeat("0", 64)} }, false},
		{"no audience", func(c map[string]any) { delete(c, "aud") }, false},
		{"wrong issuer", func(c map[string]any) { c["iss"] = "https://evil.cloudflareaccess.com" }, false},
		{"issuer with a trailing slash", func(c map[string]any) { c["iss"] = team + "/" }, false},
		{"no issuer", func(c map[string]any) { delete(c, "iss") }, false},
		{"expired within leeway", func(c map[string]any) { c["exp"] = t0.Add(-30 * time.Second).Unix() }, true},
		{"expired", func(c map[string]any) { c["exp"] = t0.Add(-2 * time.Minute).Unix() }, false},
		{"no expiry", func(c map[string]any) { delete(c, "exp") }, false},
		{"valid soon, within leeway", func(c map[string]any) { c["nbf"] = t0.Add(30 * time.Second).Unix() }, true},
		{"not yet valid", func(c map[string]any) { c["nbf"] = t0.Add(2 * time.Minute).Unix() }, false},
		{"issued in the future", func(c map[string]any) { c["iat"] = t0.Add(2 * time.Minute).Unix() }, false},
		{"no user", func(c map[string]any) { delete(c, "email") }, false},
	}
	f := setup(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := claims()
			tt.change(c)
			token := sign(t, f.k1, jose.RS256, c)
			if tt.ok {
				mustVerify(t, f.v, token)
			} else {
				mustRefuse(t, f.v, token, platform.EUNAUTHORIZED)
			}
		})
	}
}

func TestVerifyRefusesForgedTokens(t *testing.T) {
	f := setup(t)
	good := sign(t, f.k1, jose.RS256, claims())
	parts := strings.Split(good, ".")
	b64 := base64.RawURLEncoding.EncodeToString

	pubDER, err := x509.MarshalPKIXPublicKey(&f.k1.priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hmacSigner, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: pubPEM},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	confused, err := jwt.Signed(hmacSigner).Claims(claims()).Serialize()
	if err != nil {
		t.Fatal(err)
	}

	otherClaims := claims()
	otherClaims["email"] = "attacker@example.com"

	tests := map[string]string{
		"signed by an unknown key":        sign(t, testKey(1, "k9"), jose.RS256, claims()),
		"another key under a known kid":   sign(t, testKey(1, "k1"), jose.RS256, claims()),
		"no key id":                       sign(t, testKey(0, ""), jose.RS256, claims()),
		"RS512":                           sign(t, f.k1, jose.RS512, claims()),
		"alg none":                        b64([]byte(`{"alg":"none","kid":"k1","typ":"JWT"}`)) + "." + parts[1] + ".",
		"HS256 keyed with the public key": confused,
		"payload swapped":                 parts[0] + "." + strings.Split(sign(t, f.k1, jose.RS256, otherClaims), ".")[1] + "." + parts[2],
		"signature cut":                   parts[0] + "." + parts[1] + ".",
		"garbage":                         "not a token",
		"three garbage parts":             "a.b.c",
		"JSON serialization":              `{"payload":"` + parts[1] + `","signatures":[]}`,
		"empty":                           "",
	}
	for name, token := range tests {
		t.Run(name, func(t *testing.T) {
			mustRefuse(t, f.v, token, platform.EUNAUTHORIZED)
		})
	}
}

func TestKeyRotation(t *testing.T) {
	f := setup(t)
	mustVerify(t, f.v, sign(t, f.k1, jose.RS256, claims()))

	// Cloudflare starts signing with k2 and publishes it beside k1.
	k2 := testKey(1, "k2")
	f.certs.serve(t, k2, f.k1)
	f.clock.Advance(time.Minute)
	mustVerify(t, f.v, sign(t, k2, jose.RS256, claims()))
	if hits := f.certs.hits.Load(); hits != 2 {
		t.Errorf("certs fetched %d times, want 2: once at start, once for k2", hits)
	}
	mustVerify(t, f.v, sign(t, f.k1, jose.RS256, claims()))
	if hits := f.certs.hits.Load(); hits != 2 {
		t.Errorf("certs fetched %d times, want k1 still cached", hits)
	}

	// Once k1 is withdrawn, a refetch forgets it.
	k3 := testKey(2, "k3")
	f.certs.serve(t, k3, k2)
	f.clock.Advance(time.Minute)
	mustVerify(t, f.v, sign(t, k3, jose.RS256, claims()))
	mustRefuse(t, f.v, sign(t, f.k1, jose.RS256, claims()), platform.EUNAUTHORIZED)
}

func TestRefetchIsRateLimited(t *testing.T) {
	f := setup(t)
	mustVerify(t, f.v, sign(t, f.k1, jose.RS256, claims()))
	bogus := sign(t, testKey(1, "bogus"), jose.RS256, claims())

	flood := func() {
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() { mustRefuse(t, f.v, bogus, platform.EUNAUTHORIZED) })
		}
		wg.Wait()
	}
	flood()
	if hits := f.certs.hits.Load(); hits != 1 {
		t.Errorf("certs fetched %d times within 30 s, want 1", hits)
	}
	f.clock.Advance(31 * time.Second)
	flood()
	if hits := f.certs.hits.Load(); hits != 2 {
		t.Errorf("certs fetched %d times after 30 s, want 2", hits)
	}

	// A new key published inside the window waits for the next one.
	k2 := testKey(2, "k2")
	f.certs.serve(t, k2, f.k1)
	f.clock.Advance(10 * time.Second)
	mustRefuse(t, f.v, sign(t, k2, jose.RS256, claims()), platform.EUNAUTHORIZED)
	f.clock.Advance(21 * time.Second)
	mustVerify(t, f.v, sign(t, k2, jose.RS256, claims()))
	if hits := f.certs.hits.Load(); hits != 3 {
		t.Errorf("certs fetched %d times, want 3", hits)
	}
}

func TestCertsUnavailable(t *testing.T) {
	odd := []byte(`{"keys":[{"kty":"oct","kid":"h1","k":"c2VjcmV0"}]}`)
	tests := map[string]func(t *testing.T, f *fixture){
		"server down":      func(t *testing.T, f *fixture) { f.certs.Close() },
		"server error":     func(t *testing.T, f *fixture) { f.certs.Config.Handler = http.NotFoundHandler() },
		"not JSON":         func(t *testing.T, f *fixture) { f.certs.serveRaw(t, []byte("<html>")) },
		"no keys":          func(t *testing.T, f *fixture) { f.certs.serveRaw(t, []byte(`{"keys":[]}`)) },
		"only an HMAC key": func(t *testing.T, f *fixture) { f.certs.serveRaw(t, odd) },
	}
	for name, breakIt := range tests {
		t.Run(name, func(t *testing.T) {
			f := setup(t)
			breakIt(t, f)
			mustRefuse(t, f.v, sign(t, f.k1, jose.RS256, claims()), platform.EINTERNAL)
		})
	}
}

func TestCachedKeysOutliveCertsOutage(t *testing.T) {
	f := setup(t)
	token := sign(t, f.k1, jose.RS256, claims())
	mustVerify(t, f.v, token)
	f.certs.Close()
	f.clock.Advance(time.Hour)
	mustVerify(t, f.v, token)
}

func TestUnusableKeysAreSkipped(t *testing.T) {
	f := setup(t)
	k1 := mustJSON(t, jose.JSONWebKey{Key: &f.k1.priv.PublicKey, KeyID: f.k1.kid})
	f.certs.serveRaw(t, []byte(`{"keys":[{"kty":"oct","kid":"h1","k":"c2VjcmV0"},{"kty":"XYZ","kid":"x1"},`+string(k1)+`]}`))
	mustVerify(t, f.v, sign(t, f.k1, jose.RS256, claims()))
}

func TestFetchSurvivesCancelledRequest(t *testing.T) {
	// A client that hangs up must not spend the refetch allowance.
	f := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.v.Verify(ctx, sign(t, f.k1, jose.RS256, claims())); err != nil {
		t.Fatalf("Verify with a cancelled context: %v", err)
	}
}

// roundTripFunc lets a test see the requests a client makes.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDefaultCertsURL(t *testing.T) {
	f := setup(t)
	var body []byte
	f.certs.mu.Lock()
	body = f.certs.body
	f.certs.mu.Unlock()

	var asked string
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		asked = r.URL.String()
		return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Body: io.NopCloser(strings.NewReader(string(body)))}, nil
	})}
	v, err := cfaccess.NewVerifier(cfaccess.Config{TeamDomain: team + "/", Audience: aud, Client: client, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, v, sign(t, f.k1, jose.RS256, claims()))
	if want := team + "/cdn-cgi/access/certs"; asked != want {
		t.Errorf("fetched %q, want %q", asked, want)
	}
}

func TestNewVerifierValidates(t *testing.T) {
	tests := []struct {
		name  string
		cfg   cfaccess.Config
		field string
	}{
		{"no team domain", cfaccess.Config{Audience: aud}, "TeamDomain"},
		{"plain http", cfaccess.Config{TeamDomain: "http://ezscale.cloudflareaccess.com", Audience: aud}, "TeamDomain"},
		{"no scheme", cfaccess.Config{TeamDomain: "ezscale.cloudflareaccess.com", Audience: aud}, "TeamDomain"},
		{"no audience", cfaccess.Config{TeamDomain: team}, "Audience"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cfaccess.NewVerifier(tt.cfg)
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tt.field {
				t.Errorf("err = %v, want EINVALID on field %q", err, tt.field)
			}
		})
	}
}
