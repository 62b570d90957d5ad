package httpapi_test

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/secretbox"
)

// FuzzLoginAndRegister sends arbitrary bodies to the login and registration
// operations. Whatever arrives, the answer is a client error or success
// with a JSON body, never a 500 and never a panic. CI runs it for a bounded
// time on every build.
func FuzzLoginAndRegister(f *testing.F) {
	for _, seed := range []string{
		`{"email":"ada@example.com","password":"correct horse battery"}`,
		`{"email":"","password":""}`,
		`{"email":42,"password":null}`,
		`{"email":"a@b.c","password":"` + string(bytes.Repeat([]byte("x"), 300)) + `"}`,
		`{"email":"ünïcode@exämple.com","password":"pässwörd wïth ünïcode"}`,
		`{"email":"a@b.co","password":"x","extra":{"nested":[1,2,3]}}`,
		`[]`, `null`, `{`, "\x00\xff", `{"email":"\u0000@x.y","password":"\ud800"}`,
	} {
		f.Add([]byte(seed), true)
		f.Add([]byte(seed), false)
	}
	s := storetest.OpenSQLiteMemory(f)
	key := make([]byte, 32)
	rand.Read(key)
	keys, _ := secretbox.NewKeyring("k1", map[string][]byte{"k1": key})
	api, err := httpapi.New(httpapi.DefaultConfig(), httpapi.Services{Identity: identity.NewService(s.Identity(), keys, platform.SystemClock{}, identity.DefaultConfig())})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, login bool) {
		path := httpapi.APIPrefix + "/auth/register"
		if login {
			path = httpapi.APIPrefix + "/auth/login"
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %s with %q: %d %s", path, body, rec.Code, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); rec.Code >= 400 && ct != "application/problem+json" {
			t.Fatalf("POST %s with %q: error %d answered as %q", path, body, rec.Code, ct)
		}
	})
}
