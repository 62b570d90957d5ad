package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

// AssetPrefix is the URL path under which the build's files are served;
// the app is built with it as its base (vite's base: '/_ui/').
const AssetPrefix = "/_ui/"

// The areas the app has.
const (
	AreaAccount = "account"
	AreaAdmin   = "admin"
)

// configElement is the element of index.html that carries the app's
// configuration, as the build leaves it; Handler fills it in.
const configElement = `<script id="ezscale-config" type="application/json">{}</script>`

// config is what the app reads from #ezscale-config.
type config struct {
	Area string `json:"area"`
	Base string `json:"base"`
}

// Handler serves one area of the app with its router's base path (with
// leading and trailing slashes: "/account/" under a prefix, "/" on a host
// of its own). It serves the build's files under /_ui/ as Assets does,
// and index.html with the area and base written in for every other GET
// or HEAD, so deep links and reloads open the app at that page.
func Handler(area, base string) (http.Handler, error) {
	if area != AreaAccount && area != AreaAdmin {
		return nil, fmt.Errorf("ui: unknown area %q", area)
	}
	if !strings.HasPrefix(base, "/") || !strings.HasSuffix(base, "/") || strings.HasPrefix(base, "//") {
		return nil, fmt.Errorf("ui: base %q must start and end with a slash", base)
	}
	index, err := fs.ReadFile(dist, "dist/index.html")
	if err != nil {
		return nil, fmt.Errorf("ui: the build has no index.html: run scripts/build-ui.sh: %w", err)
	}
	if n := bytes.Count(index, []byte(configElement)); n != 1 {
		return nil, fmt.Errorf("ui: index.html has %d configuration elements, want 1", n)
	}
	// json.Marshal escapes <, > and &, so the value cannot end the script.
	cfg, err := json.Marshal(config{Area: area, Base: base})
	if err != nil {
		return nil, err
	}
	filled := strings.Replace(configElement, "{}", string(cfg), 1)
	page := bytes.Replace(index, []byte(configElement), []byte(filled), 1)
	sum := sha256.Sum256(page)
	return &app{page: page, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}, nil
}

// app serves the build's files and, for every other path, the page.
type app struct {
	page []byte
	etag string
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, AssetPrefix) {
		serveAsset(w, r)
		return
	}
	if !readOnly(w, r) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The page names the current build's files: browsers revalidate it.
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(a.page))
}

// Assets serves the build's files under /_ui/ on any host, with long-lived
// caching: their names carry a hash of their contents. Paths under /_ui/
// that are no file of the build are 404s.
func Assets() http.Handler {
	return http.HandlerFunc(serveAsset)
}

// assetsDir is where vite writes the build's files (build.assetsDir).
const assetsDir = "assets/"

func serveAsset(w http.ResponseWriter, r *http.Request) {
	if !readOnly(w, r) {
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, AssetPrefix+assetsDir)
	if !ok || !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	data, err := fs.ReadFile(dist, "dist/"+assetsDir+name)
	if err != nil {
		// The embedded build fails a read only for a missing name or a
		// directory: either way no file of the build.
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

// contentTypes fixes the types of what the build emits, whatever the
// machine's MIME tables say.
var contentTypes = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".json":  "application/json",
}

func contentType(name string) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// readOnly answers anything but GET and HEAD with 405 and reports whether
// the request may go on.
func readOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}
