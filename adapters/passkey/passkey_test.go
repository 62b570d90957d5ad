package passkey_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/passkey"
	"ezscale.cloud/platform/adapters/passkey/passkeytest"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/identity"
)

const origin = "https://my.ezscale.cloud"

var (
	ctx = context.Background()
	t0  = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
)

// fixture is a passkey service over a fresh store, on a clock that moves
// only when told.
type fixture struct {
	store identity.Store
	clock *platform.ManualClock
	svc   *passkey.Service
	users int
}

func newFixture(t *testing.T, store identity.Store) *fixture {
	t.Helper()
	f := &fixture{store: store, clock: platform.NewManualClock(t0)}
	svc, err := passkey.New(testConfig(), store, f.clock.Now)
	must(t, err)
	f.svc = svc
	return f
}

func testConfig() passkey.Config {
	return passkey.Config{
		RPID: "ezscale.cloud", RPDisplayName: "EZSCALE", RPOrigins: []string{origin},
		UserHandleKey: bytes.Repeat([]byte("k"), passkey.MinUserHandleKeyBytes),
	}
}

// newUser creates an active customer with an email of its own.
func (f *fixture) newUser(t *testing.T) *identity.User {
	t.Helper()
	f.users++
	return storetest.NewUser(t, f.store, fmt.Sprintf("user%d@example.com", f.users), identity.RoleCustomer)
}

// register runs a registration ceremony for user on a, naming the
// passkey name.
func (f *fixture) register(t *testing.T, user *identity.User, a *passkeytest.Authenticator, name string) *identity.Passkey {
	t.Helper()
	options, state, err := f.svc.BeginRegistration(ctx, user)
	must(t, err)
	response, err := a.Register(t, options)
	must(t, err)
	pk, err := f.svc.FinishRegistration(ctx, user, state, name, response)
	must(t, err)
	return pk
}

// login runs a discoverable login ceremony on a.
func (f *fixture) login(t *testing.T, a *passkeytest.Authenticator) (*identity.User, *identity.Passkey, error) {
	t.Helper()
	options, state, err := f.svc.BeginLogin(ctx)
	must(t, err)
	return f.svc.FinishLogin(ctx, state, a.Login(t, options))
}

// storedSignCount returns the signature counter stored with passkey id.
func (f *fixture) storedSignCount(t *testing.T, userID, id int64) uint32 {
	t.Helper()
	keys, err := f.store.ListPasskeys(ctx, userID)
	must(t, err)
	for _, k := range keys {
		if k.ID == id {
			var c webauthn.Credential
			must(t, json.Unmarshal(k.Credential, &c))
			return c.Authenticator.SignCount
		}
	}
	t.Fatalf("passkey %d not found", id)
	return 0
}

func TestPasskeys(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) identity.Store
	}{
		{"sqlite", func(t *testing.T) identity.Store { return storetest.OpenSQLite(t).Identity() }},
		{"mysql", func(t *testing.T) identity.Store { return storetest.OpenMySQL(t).Identity() }},
	}
	scenarios := []struct {
		name string
		fn   func(t *testing.T, f *fixture)
	}{
		{"RegisterTwoAndLogInWithEach", testRegisterTwoAndLogIn},
		{"CounterlessPasskey", testCounterless},
		{"SecondFactor", testSecondFactor},
		{"WrongOriginRefused", testWrongOrigin},
		{"ReplayAndStaleStateRefused", testReplay},
		{"SignCountRollbackRefused", testRollback},
		{"OtherUsersPasskeyRefused", testOtherUsersPasskey},
		{"DeletedPasskeyRefused", testDeletedPasskey},
		{"BannedUserRefused", testBannedUser},
		{"BadInput", testBadInput},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			// One store per dialect; each scenario makes its own users.
			f := newFixture(t, st.open(t))
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					f.clock.Set(t0)
					sc.fn(t, f)
				})
			}
		})
	}
}

func testRegisterTwoAndLogIn(t *testing.T, f *fixture) {
	user := f.newUser(t)
	yubikey, phone := passkeytest.NewAuthenticator(origin), passkeytest.NewAuthenticator(origin)

	options, _, err := f.svc.BeginRegistration(ctx, user)
	must(t, err)
	o := passkeytest.DecodeOptions[passkeytest.CreationOptions](t, options).PublicKey
	if o.AuthenticatorSelection.ResidentKey != "required" || o.AuthenticatorSelection.UserVerification != "preferred" || o.Attestation != "none" {
		t.Fatalf("registration asks for %+v, attestation %q; want a resident key, preferred verification, no attestation", o.AuthenticatorSelection, o.Attestation)
	}
	if len(o.User.ID) != 32 || bytes.Contains(o.User.ID, binary.BigEndian.AppendUint64(nil, uint64(user.ID))) || o.User.Name != user.Email {
		t.Fatalf("user entity: handle %x (user id %d), name %q", o.User.ID, user.ID, o.User.Name)
	}

	first := f.register(t, user, yubikey, "YubiKey")
	second := f.register(t, user, phone, "  Phone ")
	if first.UserID != user.ID || first.Name != "YubiKey" || second.Name != "Phone" || !first.CreatedAt.Equal(t0) {
		t.Fatalf("registered %+v and %+v", first, second)
	}
	if want := sha256Of(yubikey.Creds[0].ID); !bytes.Equal(first.CredentialHash, want) {
		t.Fatalf("credential hash %x, want SHA-256 of the credential id %x", first.CredentialHash, want)
	}
	keys, err := f.store.ListPasskeys(ctx, user.ID)
	must(t, err)
	if len(keys) != 2 {
		t.Fatalf("%d passkeys stored, want 2", len(keys))
	}

	// The options exclude both passkeys, so an authenticator holding one
	// refuses to register again rather than replace it.
	options, _, err = f.svc.BeginRegistration(ctx, user)
	must(t, err)
	if n := len(passkeytest.DecodeOptions[passkeytest.CreationOptions](t, options).PublicKey.ExcludeCredentials); n != 2 {
		t.Fatalf("%d credentials excluded, want 2", n)
	}
	if _, err := yubikey.Register(t, options); !errors.Is(err, passkeytest.ErrExcluded) {
		t.Fatalf("registering an authenticator twice: %v, want it excluded", err)
	}

	for _, tc := range []struct {
		a    *passkeytest.Authenticator
		want *identity.Passkey
	}{{yubikey, first}, {phone, second}} {
		f.clock.Advance(time.Minute)
		got, pk, err := f.login(t, tc.a)
		must(t, err)
		if got.ID != user.ID || got.Email != user.Email || pk.ID != tc.want.ID || !pk.LastUsedAt.Equal(f.clock.Now()) {
			t.Fatalf("logged in as %d with passkey %d used at %v; want %d with %d at %v", got.ID, pk.ID, pk.LastUsedAt, user.ID, tc.want.ID, f.clock.Now())
		}
		if n := f.storedSignCount(t, user.ID, pk.ID); n != tc.a.Creds[0].SignCount {
			t.Fatalf("stored sign count %d, authenticator's %d", n, tc.a.Creds[0].SignCount)
		}
	}
}

// testCounterless: passkeys synced between devices report a counter of
// zero every time, and must keep working.
func testCounterless(t *testing.T, f *fixture) {
	user := f.newUser(t)
	synced := passkeytest.NewAuthenticator(origin)
	synced.Counterless = true
	f.register(t, user, synced, "iCloud Keychain")
	for range 3 {
		_, _, err := f.login(t, synced)
		must(t, err)
	}
}

func testSecondFactor(t *testing.T, f *fixture) {
	user := f.newUser(t)
	yubikey, phone := passkeytest.NewAuthenticator(origin), passkeytest.NewAuthenticator(origin)
	f.register(t, user, yubikey, "YubiKey")
	want := f.register(t, user, phone, "Phone")

	options, state, err := f.svc.BeginSecondFactor(ctx, user)
	must(t, err)
	allowed := passkeytest.DecodeOptions[passkeytest.RequestOptions](t, options).PublicKey.AllowCredentials
	if len(allowed) != 2 || !bytes.Equal(allowed[0].ID, yubikey.Creds[0].ID) || !bytes.Equal(allowed[1].ID, phone.Creds[0].ID) {
		t.Fatalf("allowed credentials %v, want the user's two", allowed)
	}
	pk, err := f.svc.FinishSecondFactor(ctx, user, state, phone.Login(t, options))
	must(t, err)
	if pk.ID != want.ID || !pk.LastUsedAt.Equal(t0) {
		t.Fatalf("second factor used passkey %d at %v, want %d at %v", pk.ID, pk.LastUsedAt, want.ID, t0)
	}

	_, _, err = f.svc.BeginSecondFactor(ctx, f.newUser(t))
	wantCode(t, err, platform.ENOTFOUND)
}

func testWrongOrigin(t *testing.T, f *fixture) {
	user := f.newUser(t)
	phishing := passkeytest.NewAuthenticator("https://ezscale-cloud.example")

	options, state, err := f.svc.BeginRegistration(ctx, user)
	must(t, err)
	response, err := phishing.Register(t, options)
	must(t, err)
	_, err = f.svc.FinishRegistration(ctx, user, state, "Phished", response)
	wantCode(t, err, platform.EUNAUTHORIZED)

	// The same credential presented through a phishing page at login.
	a := passkeytest.NewAuthenticator(origin)
	f.register(t, user, a, "YubiKey")
	a.Origin = "https://ezscale-cloud.example"
	_, _, err = f.login(t, a)
	wantCode(t, err, platform.EUNAUTHORIZED)
}

func testReplay(t *testing.T, f *fixture) {
	user := f.newUser(t)
	a := passkeytest.NewAuthenticator(origin)
	f.register(t, user, a, "YubiKey")

	options, state, err := f.svc.BeginLogin(ctx)
	must(t, err)
	response := a.Login(t, options)
	_, _, err = f.svc.FinishLogin(ctx, state, response)
	must(t, err)

	// A caller that forgot to delete the state: the response replayed
	// with it is caught by the signature counter.
	_, _, err = f.svc.FinishLogin(ctx, state, response)
	wantCode(t, err, platform.EUNAUTHORIZED)

	// The old response against a new ceremony fails on the challenge.
	_, fresh, err := f.svc.BeginLogin(ctx)
	must(t, err)
	_, _, err = f.svc.FinishLogin(ctx, fresh, response)
	wantCode(t, err, platform.EUNAUTHORIZED)

	// A state past its five minutes, even with a good response.
	options, state, err = f.svc.BeginLogin(ctx)
	must(t, err)
	f.clock.Advance(passkey.CeremonyTimeout)
	_, _, err = f.svc.FinishLogin(ctx, state, a.Login(t, options))
	wantCode(t, err, platform.EUNAUTHORIZED)

	// No state (the caller deleted it), and the state of another ceremony.
	_, _, err = f.svc.FinishLogin(ctx, nil, response)
	wantCode(t, err, platform.EUNAUTHORIZED)
	options, state, err = f.svc.BeginSecondFactor(ctx, user)
	must(t, err)
	_, _, err = f.svc.FinishLogin(ctx, state, a.Login(t, options))
	wantCode(t, err, platform.EUNAUTHORIZED)

	// A registration state is bound to the user it was begun for.
	other := f.newUser(t)
	options, state, err = f.svc.BeginRegistration(ctx, user)
	must(t, err)
	response, err = passkeytest.NewAuthenticator(origin).Register(t, options)
	must(t, err)
	_, err = f.svc.FinishRegistration(ctx, other, state, "Stolen", response)
	wantCode(t, err, platform.EUNAUTHORIZED)
}

func testRollback(t *testing.T, f *fixture) {
	user := f.newUser(t)
	a := passkeytest.NewAuthenticator(origin)
	pk := f.register(t, user, a, "YubiKey")
	for range 5 {
		_, _, err := f.login(t, a)
		must(t, err)
	}
	// A copy of the key made after its second use signs with the copy's
	// counter.
	a.Creds[0].SignCount = 2
	_, _, err := f.login(t, a)
	wantCode(t, err, platform.EUNAUTHORIZED)
	if n := f.storedSignCount(t, user.ID, pk.ID); n != 5 {
		t.Fatalf("stored sign count %d after a refused login, want 5", n)
	}
}

func testOtherUsersPasskey(t *testing.T, f *fixture) {
	alice, mallory := f.newUser(t), f.newUser(t)
	alicesKey, mallorysKey := passkeytest.NewAuthenticator(origin), passkeytest.NewAuthenticator(origin)
	f.register(t, alice, alicesKey, "YubiKey")
	f.register(t, mallory, mallorysKey, "YubiKey")

	// Mallory answers Alice's second-factor challenge with her own key.
	options, state, err := f.svc.BeginSecondFactor(ctx, alice)
	must(t, err)
	_, err = f.svc.FinishSecondFactor(ctx, alice, state, mallorysKey.Creds[0].Assert(t, options))
	wantCode(t, err, platform.EUNAUTHORIZED)

	// Mallory logs in with her key but claims Alice's user handle.
	aliceHandle := alicesKey.Creds[0].UserHandle
	options, state, err = f.svc.BeginLogin(ctx)
	must(t, err)
	_, _, err = f.svc.FinishLogin(ctx, state, mallorysKey.Creds[0].AssertAs(t, options, aliceHandle))
	wantCode(t, err, platform.EUNAUTHORIZED)
}

func testDeletedPasskey(t *testing.T, f *fixture) {
	user := f.newUser(t)
	lost, kept := passkeytest.NewAuthenticator(origin), passkeytest.NewAuthenticator(origin)
	pk := f.register(t, user, lost, "Lost key")
	f.register(t, user, kept, "Kept key")
	must(t, f.store.DeletePasskey(ctx, user.ID, pk.ID))

	_, _, err := f.login(t, lost)
	wantCode(t, err, platform.EUNAUTHORIZED)

	options, state, err := f.svc.BeginSecondFactor(ctx, user)
	must(t, err)
	if n := len(passkeytest.DecodeOptions[passkeytest.RequestOptions](t, options).PublicKey.AllowCredentials); n != 1 {
		t.Fatalf("%d credentials allowed after a delete, want 1", n)
	}
	_, err = f.svc.FinishSecondFactor(ctx, user, state, lost.Creds[0].Assert(t, options))
	wantCode(t, err, platform.EUNAUTHORIZED)
}

func testBannedUser(t *testing.T, f *fixture) {
	user := f.newUser(t)
	a := passkeytest.NewAuthenticator(origin)
	f.register(t, user, a, "YubiKey")
	must(t, f.store.SetUserStatus(ctx, user.ID, identity.UserBanned, t0))
	_, _, err := f.login(t, a)
	wantCode(t, err, platform.EFORBIDDEN)
}

func testBadInput(t *testing.T, f *fixture) {
	user := f.newUser(t)
	for _, name := range []string{"", "   ", strings.Repeat("é", passkey.MaxNameLength+1), "tab\tname", "\xff"} {
		options, state, err := f.svc.BeginRegistration(ctx, user)
		must(t, err)
		response, err := passkeytest.NewAuthenticator(origin).Register(t, options)
		must(t, err)
		_, err = f.svc.FinishRegistration(ctx, user, state, name, response)
		wantField(t, err, "name")
	}

	options, state, err := f.svc.BeginRegistration(ctx, user)
	must(t, err)
	_, err = f.svc.FinishRegistration(ctx, user, state, "YubiKey", []byte(`{"id":"not a credential"}`))
	wantField(t, err, "response")

	// A response whose signature does not match what was signed.
	a := passkeytest.NewAuthenticator(origin)
	f.register(t, user, a, strings.Repeat("é", passkey.MaxNameLength))
	options, state, err = f.svc.BeginLogin(ctx)
	must(t, err)
	var tampered map[string]any
	must(t, json.Unmarshal(a.Login(t, options), &tampered))
	junk := make([]byte, 70)
	rand.Read(junk)
	tampered["response"].(map[string]any)["signature"] = base64.RawURLEncoding.EncodeToString(junk)
	response, _ := json.Marshal(tampered)
	_, _, err = f.svc.FinishLogin(ctx, state, response)
	wantCode(t, err, platform.EUNAUTHORIZED)
	_, _, err = f.svc.FinishLogin(ctx, state, []byte("garbage"))
	wantField(t, err, "response")
}

func TestNewValidatesConfig(t *testing.T) {
	for field, change := range map[string]func(*passkey.Config){
		"RPID":          func(c *passkey.Config) { c.RPID = "" },
		"RPDisplayName": func(c *passkey.Config) { c.RPDisplayName = "" },
		"RPOrigins":     func(c *passkey.Config) { c.RPOrigins = nil },
		"UserHandleKey": func(c *passkey.Config) { c.UserHandleKey = []byte("short") },
	} {
		cfg := testConfig()
		change(&cfg)
		_, err := passkey.New(cfg, nil, time.Now)
		wantField(t, err, field)
	}
	cfg := testConfig()
	cfg.RPID = "not a domain!"
	_, err := passkey.New(cfg, nil, time.Now)
	wantCode(t, err, platform.EINVALID)
}

func sha256Of(b []byte) []byte {
	h := sha256.Sum256(b)
	return h[:]
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := platform.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func wantField(t testing.TB, err error, field string) {
	t.Helper()
	wantCode(t, err, platform.EINVALID)
	if got := platform.ErrorField(err); got != field {
		t.Fatalf("error %v: field %q, want %q", err, got, field)
	}
}
