package pterodactyl_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/pterodactyl"
	"ezscale.cloud/platform/provisioning"
)

// TestPanelErrorsMapToPlatformCodes checks translate on the panel's own
// error bodies.
func TestPanelErrorsMapToPlatformCodes(t *testing.T) {
	for _, c := range []struct {
		name        string
		status      int
		body        string
		code, field string
		inMessage   string
	}{
		{"unknown key", 401, `{"errors":[{"code":"AuthenticationException","status":"401","detail":"Unauthenticated."}]}`,
			platform.EUNAUTHORIZED, "", "Unauthenticated."},
		{"key of the wrong kind", 403, `{"errors":[{"code":"AccessDeniedHttpException","status":"403","detail":"This action is unauthorized."}]}`,
			platform.EUNAUTHORIZED, "", "unauthorized"},
		{"missing server", 404, `{"errors":[{"code":"NotFoundHttpException","status":"404","detail":"The requested resource could not be found on the server."}]}`,
			platform.ENOTFOUND, "", "could not be found"},
		{"validation", 422, `{"errors":[{"code":"ValidationException","status":"422","detail":"The limits.memory field is required.","meta":{"source_field":"limits.memory","rule":"required"}},{"code":"ValidationException","status":"422","detail":"The name field is required.","meta":{"source_field":"name","rule":"required"}}]}`,
			platform.EINVALID, "limits.memory", "The name field is required."},
		{"no node", 400, `{"errors":[{"code":"NoViableNodeException","status":"400","detail":"No nodes satisfying the requirements specified for automatic deployment could be found."}]}`,
			provisioning.ENEEDSHARDWARE, "", "No nodes"},
		{"display exception", 400, `{"errors":[{"code":"DisplayException","status":"400","detail":"The requested default allocation is not currently assigned to this server."}]}`,
			platform.EINVALID, "", "not currently assigned"},
		{"server state", 409, `{"errors":[{"code":"ServerStateConflictException","status":"409","detail":"This server is currently suspended and the functionality requested is unavailable."}]}`,
			platform.ECONFLICT, "", "suspended"},
		{"rate limit", 429, `{"errors":[{"code":"TooManyRequestsHttpException","status":"429","detail":"Too Many Attempts."}]}`,
			platform.ERATELIMITED, "", "Too Many"},
		{"wings down", 504, `{"errors":[{"code":"DaemonConnectionException","status":"504","detail":"There was an error while attempting to contact the remote service."}]}`,
			platform.EINTERNAL, "", "DaemonConnectionException"},
		{"proxy page", 502, `<html>Bad Gateway</html>`, platform.EINTERNAL, "", "502 Bad Gateway"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			}))
			defer srv.Close()
			p, err := pterodactyl.New(pterodactyl.Config{BaseURL: srv.URL, ApplicationKey: "ptla_secret", ClientKey: "ptlc_secret",
				Plans: testPlans})
			if err != nil {
				t.Fatal(err)
			}
			err = p.Suspend(context.Background(), "12")
			if platform.ErrorCode(err) != c.code || platform.ErrorField(err) != c.field {
				t.Fatalf("%v: code %q field %q, want %q %q", err, platform.ErrorCode(err), platform.ErrorField(err), c.code, c.field)
			}
			if !strings.Contains(err.Error(), c.inMessage) || strings.Contains(err.Error(), "secret") {
				t.Fatalf("message %q should quote %q and no key", err.Error(), c.inMessage)
			}
		})
	}
}

// TestRequestsFollowTheAPIConventions checks the headers every call sends.
func TestRequestsFollowTheAPIConventions(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	p, err := pterodactyl.New(pterodactyl.Config{BaseURL: srv.URL + "/", ApplicationKey: "ptla_k", ClientKey: "ptlc_k", Plans: testPlans})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ChangePlan(context.Background(), "x", "mc-small", nil); platform.ErrorCode(err) != platform.ENOTFOUND {
		t.Fatalf("an id that is no server id: %v", err)
	}
	if err := p.Unsuspend(context.Background(), "12"); err != nil {
		t.Fatal(err)
	}
	if got.Get("Authorization") != "Bearer ptla_k" || got.Get("Accept") != "Application/vnd.pterodactyl.v1+json" {
		t.Fatalf("headers %v", got)
	}
}
