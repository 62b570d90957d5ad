// Package pterodactyltest is a stateful fake of the Pterodactyl Panel 1.x
// API on an httptest server, for tests of code that provisions game servers
// on Pterodactyl. It follows the panel's documented requests and responses
// closely enough that a wrong request fails:
//
//   - Bearer keys on both APIs: an unknown key is the panel's 401; the
//     application key is refused on the client API with the panel's 403.
//     Like the panel, the application API also takes an administrator's
//     client key. Without a JSON Accept header an unauthenticated request
//     is redirected to the login page, as Laravel does for a browser.
//   - Request bodies are read only when sent as JSON, and validated with the
//     panel's rules (users, servers, build changes, power signals, the
//     egg's own variable rules); failures are 422 with one entry per rule
//     in the panel's {"errors":[...]} shape.
//   - Fractal envelopes: {"object":"server","attributes":{...}} items,
//     {"object":"list","data":[...],"meta":{"pagination":{...}}} lists with
//     page and per_page, ?include=allocations and ?include=variables.
//   - State: users, servers (external_id unique), allocations on nodes in
//     locations, deploy by location, suspension, installs, power state, and
//     the Wings daemon being unreachable.
//
// Where the platform does not need the panel's behaviour the fake is
// smaller: one administrator owns both keys, deploy ignores node memory and
// disk overallocation, and resource figures are fixed numbers.
//
// Sources: pterodactyl/panel 1.x routes/api-application.php,
// routes/api-client.php, app/Models/Server.php and User.php validation
// rules, StoreServerRequest, UpdateServerBuildConfigurationRequest,
// SendPowerRequest, AuthenticateServerAccess, RequireClientApiKey,
// app/Exceptions/Handler.php and the application and client transformers.
package pterodactyltest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// The keys a new Server accepts. Both belong to its one administrator.
const (
	ApplicationKey = "ptla_FakeApplicationKey0000000000000000000000"
	ClientKey      = "ptlc_FakeClientKey000000000000000000000000000"
)

// The nest, eggs, location and node every new Server has.
const (
	MinecraftNest   = 1
	PaperEgg        = 1
	VanillaEgg      = 2
	DefaultLocation = 1
	DefaultNode     = 1
)

// Server is the fake panel. Its zero value is not usable; call New.
type Server struct {
	// URL is the panel's base URL, like https://panel.example.com.
	URL string

	srv *httptest.Server

	mu           sync.Mutex
	seq          map[string]int
	users        map[int]*user
	servers      map[int]*server
	nodes        map[int]*node
	allocations  map[int]*allocation
	eggs         map[int]*egg
	plans        map[string]PlanLimits
	holdInstalls bool
	wingsOffline bool
	requests     []Request
}

// Request is one API call the fake received, for tests that check what an
// adapter sent.
type Request struct {
	Method, Path, RawQuery string
	// Key is "application", "client" or "" for an unknown or missing key.
	Key  string
	Body []byte
}

// New starts a fake panel on a loopback port with the seed data described
// by the constants, and stops it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		seq:         map[string]int{},
		users:       map[int]*user{},
		servers:     map[int]*server{},
		nodes:       map[int]*node{},
		allocations: map[int]*allocation{},
		eggs:        map[int]*egg{},
	}
	s.seed()
	mux := http.NewServeMux()
	application := map[string]http.HandlerFunc{
		"GET /api/application/users":                          s.listUsers,
		"GET /api/application/users/{id}":                     s.getUser,
		"GET /api/application/users/external/{external_id}":   s.getExternalUser,
		"POST /api/application/users":                         s.createUser,
		"GET /api/application/servers/{id}":                   s.getServer,
		"GET /api/application/servers/external/{external_id}": s.getExternalServer,
		"POST /api/application/servers":                       s.createServer,
		"PATCH /api/application/servers/{id}/build":           s.updateBuild,
		"POST /api/application/servers/{id}/suspend":          s.suspend,
		"POST /api/application/servers/{id}/unsuspend":        s.unsuspend,
		"DELETE /api/application/servers/{id}":                s.deleteServer,
		"DELETE /api/application/servers/{id}/{force}":        s.deleteServer,
		"GET /api/application/nests/{nest}/eggs/{egg}":        s.getEgg,
		"GET /api/application/nodes/{node}/allocations":       s.listAllocations,
	}
	for pattern, h := range application {
		mux.Handle(pattern, s.authenticated(false, h))
	}
	client := map[string]http.HandlerFunc{
		"GET /api/client/account":                    s.account,
		"GET /api/client/servers/{server}/resources": s.resources,
		"POST /api/client/servers/{server}/power":    s.power,
	}
	for pattern, h := range client {
		mux.Handle(pattern, s.authenticated(true, h))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.record(r, "", nil)
		writeError(w, notFound("NotFoundHttpException", ""))
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// authenticated lets a request through only with a key the panel knows,
// answering as the panel's Sanctum guard and key-type middleware do.
func (s *Server) authenticated(clientAPI bool, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := keyKind(r.Header.Get("Authorization"))
		body := readBody(r)
		s.record(r, key, body)
		if key == "" {
			if !wantsJSON(r) {
				http.Redirect(w, r, "/auth/login", http.StatusFound)
				return
			}
			writeError(w, &apiError{Status: http.StatusUnauthorized, Code: "AuthenticationException", Detail: "Unauthenticated."})
			return
		}
		if clientAPI && key == "application" {
			writeError(w, &apiError{Status: http.StatusForbidden, Code: "AccessDeniedHttpException",
				Detail: "You are attempting to use an application API key on an endpoint that requires a client API key."})
			return
		}
		if e := checkJSONBody(r, body); e != nil {
			writeError(w, e)
			return
		}
		h(w, r)
	})
}

// keyKind names the key a bearer Authorization header carries.
func keyKind(header string) string {
	token, ok := strings.CutPrefix(header, "Bearer ")
	switch {
	case !ok:
		return ""
	case token == ApplicationKey:
		return "application"
	case token == ClientKey:
		return "client"
	}
	return ""
}

// wantsJSON is Laravel's Request::wantsJson: the first acceptable type
// is JSON.
func wantsJSON(r *http.Request) bool {
	first, _, _ := strings.Cut(r.Header.Get("Accept"), ",")
	first = strings.ToLower(first)
	return strings.Contains(first, "/json") || strings.Contains(first, "+json")
}

func (s *Server) record(r *http.Request, key string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Key: key, Body: body})
}

// Requests returns the API calls received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// nextID returns the next id of a kind of record. It must be called with
// s.mu held.
func (s *Server) nextID(kind string) int {
	s.seq[kind]++
	return s.seq[kind]
}
