package ui

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// serve runs one request through h and returns the response.
func serve(t *testing.T, h http.Handler, method, target string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func handler(t *testing.T, area, base string) http.Handler {
	t.Helper()
	h, err := Handler(area, base)
	if err != nil {
		t.Fatalf("Handler(%q, %q): %v", area, base, err)
	}
	return h
}

var configRE = regexp.MustCompile(`<script id="ezscale-config" type="application/json">(.*?)</script>`)

// injected is the configuration the page carries.
func injected(t *testing.T, page string) config {
	t.Helper()
	m := configRE.FindAllStringSubmatch(page, -1)
	if len(m) != 1 {
		t.Fatalf("page has %d configuration elements, want 1:\n%s", len(m), page)
	}
	var c config
	if err := json.Unmarshal([]byte(m[0][1]), &c); err != nil {
		t.Fatalf("configuration %q: %v", m[0][1], err)
	}
	return c
}

// assetOf is the URL of the page's first file ending in ext.
func assetOf(t *testing.T, page, ext string) string {
	t.Helper()
	m := regexp.MustCompile(`"(/_ui/assets/[^"]+\` + ext + `)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("page links no %s file:\n%s", ext, page)
	}
	return m[1]
}

func TestPageCarriesAreaAndBaseOnEveryPath(t *testing.T) {
	tests := []struct{ area, base, path string }{
		{AreaAccount, "/account/", "/"},
		{AreaAccount, "/account/", "/services/12"},
		{AreaAccount, "/", "/checkout?plan=vps-1&currency=USD"},
		{AreaAdmin, "/admin/", "/automation"},
		{AreaAdmin, "/", "/audit/deep/link"},
	}
	for _, tt := range tests {
		t.Run(tt.area+tt.base+tt.path, func(t *testing.T) {
			res := serve(t, handler(t, tt.area, tt.base), http.MethodGet, tt.path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			if got := res.Header.Get("Cache-Control"); got != "no-cache" {
				t.Errorf("Cache-Control %q", got)
			}
			page := body(t, res)
			if c := injected(t, page); c != (config{Area: tt.area, Base: tt.base}) {
				t.Errorf("configuration %+v", c)
			}
			if !strings.Contains(page, `src="/_ui/assets/`) {
				t.Errorf("page loads no script from /_ui/assets/:\n%s", page)
			}
		})
	}
}

func TestPageRevalidates(t *testing.T) {
	h := handler(t, AreaAccount, "/account/")
	first := serve(t, h, http.MethodGet, "/")
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	again := serve(t, h, http.MethodGet, "/services/1", "If-None-Match", etag)
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("status %d with a matching ETag, want 304", again.StatusCode)
	}
	other := serve(t, handler(t, AreaAdmin, "/admin/"), http.MethodGet, "/")
	if other.Header.Get("ETag") == etag {
		t.Error("both areas' pages have one ETag")
	}
}

func TestAssetsServedWithTypeAndLongCache(t *testing.T) {
	page := body(t, serve(t, handler(t, AreaAccount, "/"), http.MethodGet, "/"))
	for ext, want := range map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"} {
		url := assetOf(t, page, ext)
		for name, h := range map[string]http.Handler{"Handler": handler(t, AreaAdmin, "/admin/"), "Assets": Assets()} {
			res := serve(t, h, http.MethodGet, url)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s %s: status %d", name, url, res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != want {
				t.Errorf("%s %s: Content-Type %q, want %q", name, url, got, want)
			}
			if got := res.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") || !strings.Contains(got, "max-age=31536000") {
				t.Errorf("%s %s: Cache-Control %q", name, url, got)
			}
			if b := body(t, res); len(b) == 0 {
				t.Errorf("%s %s: empty", name, url)
			}
		}
	}
}

func TestUnknownAssetsAreNotFound(t *testing.T) {
	h := handler(t, AreaAccount, "/")
	for _, p := range []string{
		"/_ui/assets/missing-abc123.js",
		"/_ui/assets/",
		"/_ui/assets",
		"/_ui/",
		"/_ui/index.html",
		"/_ui/assets/../index.html",
		"/_ui/other.js",
	} {
		for name, h := range map[string]http.Handler{"Handler": h, "Assets": Assets()} {
			res := serve(t, h, http.MethodGet, p)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s: status %d, want 404", name, p, res.StatusCode)
			}
			if strings.Contains(body(t, res), "ezscale-config") {
				t.Errorf("%s %s: answered with the page", name, p)
			}
		}
	}
}

func TestHeadAnswersWithoutBody(t *testing.T) {
	h := handler(t, AreaAdmin, "/admin/")
	page := body(t, serve(t, h, http.MethodGet, "/"))
	for _, p := range []string{"/services", assetOf(t, page, ".js")} {
		res := serve(t, h, http.MethodHead, p)
		if res.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s: status %d", p, res.StatusCode)
		}
		if res.Header.Get("Content-Type") == "" || res.Header.Get("Content-Length") == "" {
			t.Errorf("HEAD %s: headers %v", p, res.Header)
		}
		if b := body(t, res); b != "" {
			t.Errorf("HEAD %s: body of %d bytes", p, len(b))
		}
	}
}

func TestOnlyReadsAreAllowed(t *testing.T) {
	h := handler(t, AreaAccount, "/account/")
	page := body(t, serve(t, h, http.MethodGet, "/"))
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		for _, p := range []string{"/", "/checkout", assetOf(t, page, ".js")} {
			for name, h := range map[string]http.Handler{"Handler": h, "Assets": Assets()} {
				if name == "Assets" && !strings.HasPrefix(p, AssetPrefix) {
					continue
				}
				res := serve(t, h, m, p)
				if res.StatusCode != http.StatusMethodNotAllowed {
					t.Errorf("%s %s %s: status %d, want 405", name, m, p, res.StatusCode)
				}
				if got := res.Header.Get("Allow"); got != "GET, HEAD" {
					t.Errorf("%s %s %s: Allow %q", name, m, p, got)
				}
			}
		}
	}
}

func TestHandlerRefusesBadAreaOrBase(t *testing.T) {
	for _, tt := range []struct{ area, base string }{
		{"storefront", "/"},
		{"", "/"},
		{AreaAccount, ""},
		{AreaAccount, "/account"},
		{AreaAccount, "account/"},
		{AreaAdmin, "//evil.example/"},
	} {
		if _, err := Handler(tt.area, tt.base); err == nil {
			t.Errorf("Handler(%q, %q) gave no error", tt.area, tt.base)
		}
	}
}

func TestConfigurationCannotEndTheScript(t *testing.T) {
	page := body(t, serve(t, handler(t, AreaAccount, "/a</script><b>/"), http.MethodGet, "/"))
	if c := injected(t, page); c.Base != "/a</script><b>/" {
		t.Errorf("base %q", c.Base)
	}
}
