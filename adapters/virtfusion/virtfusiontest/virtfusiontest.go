// Package virtfusiontest is a stateful fake of the VirtFusion REST API
// (/api/v1) on an httptest server, for tests of code that provisions VPSes
// on VirtFusion. It follows the documented requests and answers closely
// enough that a wrong request fails: a bearer token on every call (401
// {"message":"Unauthenticated."} otherwise), Accept: application/json,
// JSON bodies with the documented required fields and types (422
// {"errors":[...]} otherwise), and it keeps users, servers, packages,
// suspension, power state, IPv4 addresses, traffic and delayed deletion.
//
// Sources are those of package virtfusion: the API reference generated
// from VirtFusion's OpenAPI spec, and the WHMCS module for real answers
// (404 {"msg":"server not found"}, {"msg":"ext_relation_id not found"}).
//
// Where VirtFusion's behaviour is undocumented the fake picks the
// plausible, simplest one and says so: it is stricter than VirtFusion in
// refusing unknown JSON fields (so a misspelled field fails a test instead
// of being ignored), it builds, powers and deletes at once instead of
// through VirtFusion's task queue, a repeated suspend, unsuspend or delete
// succeeds, a package change without flags only moves the package id, and
// the live state under ?remoteState=true is {"state", "running", "agent":
// {"fsinfo": [{"used-bytes"}]}} (only agent.fsinfo is confirmed, by the
// WHMCS module's usage sync).
package virtfusiontest

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"
	"time"
)

// Token is the API token a new Server accepts.
const Token = "vf-test-token"

// Server is the fake VirtFusion. Its zero value is not usable; call New.
type Server struct {
	// URL is the panel's address, like https://cp.example.com; the API
	// is under URL + "/api/v1".
	URL string

	srv *httptest.Server

	mu        sync.Mutex
	offset    time.Duration // how far Advance moved the clock
	seq       int64
	nextIP    int
	packages  map[int64]*Package
	groups    map[int64]string
	templates map[int64]string
	users     map[int64]*User
	servers   map[int64]*VPS
	queue     int64
	requests  []Request
	overrides []override
}

// Request is a call the fake received, for tests to inspect.
type Request struct {
	Method string
	Path   string // without the /api/v1 prefix
	Query  url.Values
	// Body is the decoded JSON body, or nil when there was none.
	Body map[string]any
}

// override is a one-shot answer set by Respond.
type override struct {
	method, pattern string
	status          int
	body            any
}

// New starts a fake VirtFusion on a loopback port, seeded with the
// packages, hypervisor group and OS templates in catalog.go, and stops it
// when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		packages: map[int64]*Package{}, groups: map[int64]string{}, templates: map[int64]string{},
		users: map[int64]*User{}, servers: map[int64]*VPS{},
	}
	s.seedCatalog()
	mux := http.NewServeMux()
	routes := map[string]http.HandlerFunc{
		"GET /connect":                   s.connect,
		"GET /users/{ext}/byExtRelation": s.getUserByExt,
		"POST /users":                    s.createUser,
		"POST /users/{ext}/serverAuthenticationTokens/{id}": s.serverLoginTokens,
		"POST /servers":                         s.createServer,
		"GET /servers/{id}":                     s.getServer,
		"DELETE /servers/{id}":                  s.deleteServer,
		"PUT /servers/{id}/modify/name":         s.modifyName,
		"POST /servers/{id}/build":              s.buildServer,
		"POST /servers/{id}/resetPassword":      s.resetPassword,
		"POST /servers/{id}/suspend":            s.suspend,
		"POST /servers/{id}/unsuspend":          s.unsuspend,
		"PUT /servers/{id}/package/{packageId}": s.changePackage,
		"PUT /servers/{id}/modify/memory":       s.modifyMemory,
		"PUT /servers/{id}/modify/cpuCores":     s.modifyCPUCores,
		"PUT /servers/{id}/modify/traffic":      s.modifyTraffic,
		"POST /servers/{id}/ipv4Qty":            s.addIPv4Qty,
		"DELETE /servers/{id}/ipv4":             s.removeIPv4,
		"POST /servers/{id}/power/{action}":     s.power,
		"GET /servers/{id}/{sub}":               s.getServerSub,
	}
	for pattern, h := range routes {
		method, route, _ := strings.Cut(pattern, " ")
		mux.Handle(method+" /api/v1"+route, s.api(h))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "The route " + r.URL.Path + " could not be found."})
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// api wraps a handler with what every VirtFusion API call goes through:
// the bearer token, the JSON Accept header, the request log, due delayed
// deletions and one-shot overrides.
func (s *Server) api(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+Token {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unauthenticated."})
			return
		}
		if r.Header.Get("Accept") != "application/json" {
			writeJSON(w, http.StatusNotAcceptable, map[string]string{"message": "send Accept: application/json"})
			return
		}
		body, bad := readBody(r)
		apiPath := r.URL.Path[len("/api/v1"):]
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: apiPath, Query: r.URL.Query(), Body: body})
		s.purgeDeleted()
		o, ok := s.takeOverride(r.Method, apiPath)
		s.mu.Unlock()
		switch {
		case ok:
			writeJSON(w, o.status, o.body)
		case bad != nil:
			writeError(w, bad)
		default:
			h(w, r)
		}
	})
}

// Respond makes the next request with this method and a path matching
// pattern (without /api/v1, like "/servers/*/build"; see path.Match) get
// status and body instead of the fake's own answer, to play outages,
// locks and odd answers. The request is still logged.
func (s *Server) Respond(method, pattern string, status int, body any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overrides = append(s.overrides, override{method, pattern, status, body})
}

func (s *Server) takeOverride(method, apiPath string) (override, bool) {
	for i, o := range s.overrides {
		if ok, _ := path.Match(o.pattern, apiPath); ok && o.method == method {
			s.overrides = append(s.overrides[:i], s.overrides[i+1:]...)
			return o, true
		}
	}
	return override{}, false
}

// Requests returns every API call received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Advance moves the fake's clock forward, carrying out delayed deletions
// that fall due.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
	s.purgeDeleted()
}

// getServerSub routes GET /servers/user/{userId} and GET
// /servers/{id}/traffic, which one ServeMux pattern cannot tell apart.
func (s *Server) getServerSub(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.PathValue("id") == "user":
		r.SetPathValue("userId", r.PathValue("sub"))
		s.listUserServers(w, r)
	case r.PathValue("sub") == "traffic":
		s.traffic(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "The route " + r.URL.Path + " could not be found."})
	}
}

// connect is GET /connect, VirtFusion's connectivity check.
func (s *Server) connect(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{})
}

// now is the fake's clock. It must be called with s.mu held.
func (s *Server) now() time.Time { return time.Now().UTC().Add(s.offset) }

// nextID returns a new id. It must be called with s.mu held.
func (s *Server) nextID() int64 {
	s.seq++
	return s.seq
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if body != nil {
		_ = json.NewEncoder(w).Encode(body)
	}
}

func randomPassword() string { return rand.Text()[:16] }
