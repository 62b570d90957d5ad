package cfaccess_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	jose "github.com/go-jose/go-jose/v4"

	"ezscale.cloud/platform/adapters/cfaccess"
)

// serve runs one request with the given token (none if empty) through the
// middleware and reports whether the handler behind it ran.
func serve(t *testing.T, v *cfaccess.Verifier, token string) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	var reached bool
	h := v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		id, ok := cfaccess.IdentityFrom(r.Context())
		if !ok {
			t.Error("no identity in the request context")
		}
		w.Write([]byte(id.Name()))
	}))
	r := httptest.NewRequest(http.MethodGet, "https://admin.ezscale.cloud/admin/invoices", nil)
	if token != "" {
		r.Header.Set(cfaccess.Header, token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w, reached
}

func TestMiddlewarePassesValidToken(t *testing.T) {
	f := setup(t)
	w, reached := serve(t, f.v, sign(t, f.k1, jose.RS256, claims()))
	if !reached || w.Code != http.StatusOK || w.Body.String() != "admin@ezscale.cloud" {
		t.Errorf("reached=%v status=%d body=%q, want the handler to see the user", reached, w.Code, w.Body)
	}
}

func TestMiddlewareRefuses(t *testing.T) {
	f := setup(t)
	expired := claims()
	expired["exp"] = t0.Unix() - 3600
	tests := map[string]string{
		"missing header": "",
		"garbage header": "Bearer xyz",
		"expired token":  sign(t, f.k1, jose.RS256, expired),
	}
	for name, token := range tests {
		t.Run(name, func(t *testing.T) {
			w, reached := serve(t, f.v, token)
			if reached {
				t.Error("handler ran for a refused request")
			}
			if w.Code != http.StatusForbidden {
				t.Errorf("status = %d, want 403", w.Code)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var body struct{ Error, Message string }
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error != "forbidden" || body.Message == "" {
				t.Errorf("body = %s, want {\"error\":\"forbidden\",\"message\":...}", w.Body)
			}
		})
	}
}

func TestMiddlewareRefusesWhenCertsDown(t *testing.T) {
	f := setup(t)
	f.certs.Close()
	w, reached := serve(t, f.v, sign(t, f.k1, jose.RS256, claims()))
	if reached || w.Code != http.StatusForbidden {
		t.Errorf("reached=%v status=%d, want 403", reached, w.Code)
	}
}

func TestIdentityFromEmptyContext(t *testing.T) {
	if id, ok := cfaccess.IdentityFrom(t.Context()); ok {
		t.Errorf("IdentityFrom = %+v, true; want none", id)
	}
}
