package hosts_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"ezscale.cloud/platform/apps/web/internal/hosts"
)

func named(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, name+" "+r.URL.Path) })
}

func TestRouter(t *testing.T) {
	h := hosts.Router(
		hosts.Names{Storefront: "ezscale.cloud", Account: "account.ezscale.cloud", Admin: "admin.ezscale.cloud"},
		hosts.Sites{Storefront: named("store"), Account: named("account"), Admin: named("admin"), API: named("api")},
	)
	for _, tc := range []struct{ host, path, want string }{
		{"ezscale.cloud", "/vps", "store /vps"},
		{"account.ezscale.cloud", "/services", "account /services"},
		{"ADMIN.ezscale.cloud:443", "/", "admin /"},
		{"admin.ezscale.cloud", "/api/v1/auth/me", "api /api/v1/auth/me"},
		{"ezscale.cloud", "/webhooks/stripe", "api /webhooks/stripe"},
		{"localhost:8080", "/", "store /"},
		{"localhost:8080", "/account/services", "account /services"},
		{"localhost:8080", "/admin", "admin "},
		{"localhost:8080", "/administrator", "store /administrator"},
		{"127.0.0.1", "/api/v1/openapi.json", "api /api/v1/openapi.json"},
	} {
		req := httptest.NewRequest("GET", "http://"+tc.host+tc.path, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Body.String(); got != tc.want {
			t.Errorf("%s%s went to %q, want %q", tc.host, tc.path, got, tc.want)
		}
	}
}

func TestRouterGivesNamedHostsTheirRootHandlers(t *testing.T) {
	h := hosts.Router(hosts.Names{Account: "account.ezscale.cloud"},
		hosts.Sites{Storefront: named("store"), Account: named("account-prefix"), AccountHost: named("account-root"), Admin: named("admin"), API: named("api")})
	for _, tc := range []struct{ host, path, want string }{
		{"account.ezscale.cloud", "/services", "account-root /services"},
		{"localhost", "/account/services", "account-prefix /services"},
		{"localhost", "/admin/", "admin /"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "http://"+tc.host+tc.path, nil))
		if got := rec.Body.String(); got != tc.want {
			t.Errorf("%s%s went to %q, want %q", tc.host, tc.path, got, tc.want)
		}
	}
}
