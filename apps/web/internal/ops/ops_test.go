package ops_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"ezscale.cloud/platform/apps/web/internal/ops"
)

func TestScrapers(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("metrics")) })
	for _, tc := range []struct {
		name, token, remote, auth string
		want                      int
	}{
		{"loopback without a token", "", "127.0.0.1:5000", "", http.StatusOK},
		{"IPv6 loopback", "", "[::1]:5000", "", http.StatusOK},
		{"remote without a token", "", "203.0.113.9:5000", "", http.StatusNotFound},
		{"the token", "s3cret", "203.0.113.9:5000", "Bearer s3cret", http.StatusOK},
		{"a wrong token", "s3cret", "127.0.0.1:5000", "Bearer guess", http.StatusNotFound},
		{"no token when one is set", "s3cret", "127.0.0.1:5000", "", http.StatusNotFound},
	} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = tc.remote
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		ops.Scrapers(tc.token, ok).ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, rec.Code, tc.want)
		}
	}
}
