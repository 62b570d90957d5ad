// Package enhancetest is a stateful fake of the Enhance control panel's
// orchestrator API (orchd) on an httptest server, for tests of code that
// provisions web hosting on Enhance. It follows the requests and responses
// of orchd's OpenAPI spec (https://apidocs.enhance.com, vendored as
// open-api.yml in github.com/upmind/enhance-sdk-php) for the calls a
// hosting provisioner makes: customer organisations under the master
// organisation, logins and owner memberships, plans, subscriptions
// (suspension, plan change, soft and forced deletion, bandwidth), websites
// and one-time-password login links.
//
// The fake is strict so that a wrong request fails: every call needs the
// bearer access token, request bodies must be JSON with the schema's
// required fields and no unknown ones, ids must exist and belong to the
// organisation in the path, and a customer's website must name its
// subscription (orchd lets an MO admin omit it). Failures answer with orchd's status codes and
// its HttpError body {code, message}. Listings honour offset and limit and
// report the total, and MaxPageSize caps a page the way a server may, so
// clients that trust limit instead of total are caught.
package enhancetest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The credentials and ids a new Server has.
const (
	// Token is the access token the fake accepts as a bearer token.
	Token = "fake-enhance-access-token"
	// MasterOrgID is the id of the master organisation (MO) that owns the
	// token, the plans and the customers.
	MasterOrgID = "5f0c1d8e-0000-4000-8000-00000000a001"
	// StarterPlanID and BusinessPlanID are the MO's two hosting plans.
	StarterPlanID  = 1
	BusinessPlanID = 2
)

// Server is the fake orchd API. Make one with New.
type Server struct {
	// URL is the API base URL to give a client, like
	// https://cp.example.com/api.
	URL string

	srv *httptest.Server

	mu            sync.Mutex
	maxPageSize   int
	nextID        int64
	orgs          map[string]*org
	orgOrder      []string
	logins        map[string]*login
	members       map[string]*member
	memberOrder   []string
	plans         map[int64]string
	subscriptions map[int64]*subscription
	websites      map[string]*website
	websiteOrder  []string
	requests      []Request
}

// Request is a call the fake received, kept for tests that check what a
// client sent.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	// Body is the raw request body; empty for calls without one.
	Body json.RawMessage
}

// New starts a fake Enhance API on a loopback port with the master
// organisation and two plans, and stops it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		orgs:          map[string]*org{MasterOrgID: {id: MasterOrgID, name: "Master org", status: "active", createdAt: now()}},
		logins:        map[string]*login{},
		members:       map[string]*member{},
		plans:         map[int64]string{StarterPlanID: "Starter", BusinessPlanID: "Business"},
		subscriptions: map[int64]*subscription{},
		websites:      map[string]*website{},
		nextID:        100,
	}
	routes := map[string]http.HandlerFunc{
		"GET /api/orgs/{org_id}":                                            s.getOrg,
		"DELETE /api/orgs/{org_id}":                                         s.deleteOrg,
		"GET /api/orgs/{org_id}/customers":                                  s.getCustomers,
		"POST /api/orgs/{org_id}/customers":                                 s.createCustomer,
		"POST /api/logins":                                                  s.createLogin,
		"GET /api/orgs/{org_id}/members":                                    s.getMembers,
		"POST /api/orgs/{org_id}/members":                                   s.createMember,
		"GET /api/orgs/{org_id}/members/{member_id}/sso":                    s.memberSSO,
		"GET /api/orgs/{org_id}/plans/{plan_id}":                            s.getPlan,
		"GET /api/orgs/{org_id}/customers/{customer_org_id}/subscriptions":  s.getCustomerSubscriptions,
		"POST /api/orgs/{org_id}/customers/{customer_org_id}/subscriptions": s.createSubscription,
		"GET /api/orgs/{org_id}/subscriptions/{subscription_id}":            s.getSubscription,
		"PATCH /api/orgs/{org_id}/subscriptions/{subscription_id}":          s.updateSubscription,
		"DELETE /api/orgs/{org_id}/subscriptions/{subscription_id}":         s.deleteSubscription,
		"GET /api/orgs/{org_id}/subscriptions/{subscription_id}/bandwidth":  s.getBandwidth,
		"GET /api/orgs/{org_id}/websites":                                   s.getWebsites,
		"POST /api/orgs/{org_id}/websites":                                  s.createWebsite,
		"GET /api/orgs/{org_id}/websites/{website_id}":                      s.getWebsite,
	}
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.Handle(pattern, s.authenticated(h))
	}
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/api"
	t.Cleanup(s.srv.Close)
	return s
}

// SetMaxPageSize caps every listing page at n items whatever limit the
// client asks for; 0 removes the cap.
func (s *Server) SetMaxPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxPageSize = n
}

// Requests returns the calls received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// authenticated records the request, then refuses it with orchd's 401
// unless it carries the bearer token.
func (s *Server) authenticated(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_input", "unreadable body")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body})
		s.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+Token {
			writeError(w, http.StatusUnauthorized, "unauthorized", "Invalid session")
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r)
	})
}

// readBody decodes a JSON request body into v, refusing a wrong content
// type, malformed JSON and unknown fields with orchd's 400. It reports
// whether the handler may go on.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeError(w, http.StatusBadRequest, "invalid_input", fmt.Sprintf("Content-Type %q is not application/json", ct))
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_input", "Invalid request body: "+err.Error())
		return false
	}
	return true
}

// page applies offset and limit (and the server's cap) to n items,
// answering with the bounds to slice, or false after writing a 400.
func (s *Server) page(w http.ResponseWriter, r *http.Request, n int) (from, to int, ok bool) {
	q := r.URL.Query()
	offset, limit := 0, n
	for name, dst := range map[string]*int{"offset": &offset, "limit": &limit} {
		if v := q.Get(name); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil || i < 0 {
				writeError(w, http.StatusBadRequest, "invalid_input", name+" must be a non-negative integer")
				return 0, 0, false
			}
			*dst = i
		}
	}
	if s.maxPageSize > 0 && limit > s.maxPageSize {
		limit = s.maxPageSize
	}
	from = min(offset, n)
	return from, min(from+limit, n), true
}

// listing is orchd's paginated listing envelope.
type listing struct {
	Items any `json:"items"`
	Total int `json:"total"`
}

// httpError is orchd's HttpError schema.
type httpError struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, httpError{Code: code, Message: message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func notFound(w http.ResponseWriter, what string) {
	writeError(w, http.StatusNotFound, "not_found", what+" not found")
}

// newUUID returns a random version 4 UUID, the form of orchd's ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }
