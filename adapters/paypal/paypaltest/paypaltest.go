// Package paypaltest is a stateful fake of the PayPal REST API on an
// httptest server, for tests of code that talks to PayPal. It follows
// PayPal's documented requests and responses closely enough that a wrong
// request fails: OAuth2 client credentials, bearer tokens on every call,
// Orders v2 (create, approve, capture, refund), catalog products, billing
// plans, subscriptions, and webhook signature verification. Test hooks play
// the buyer and PayPal's own side (approving an order, activating a
// subscription, a completed recurring sale) and return the signed webhook
// deliveries PayPal would send.
//
// Where PayPal's behaviour is not needed by the platform the fake is
// smaller than PayPal: one purchase unit per order, intent CAPTURE only,
// and webhooks signed with a per-server HMAC key instead of PayPal's RSA
// certificate, which callers never see because verification happens on
// the server through verify-webhook-signature either way.
package paypaltest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The credentials and webhook id a new Server accepts.
const (
	ClientID  = "fake-client-id"
	Secret    = "fake-client-secret"
	WebhookID = "4JH86294D6297924G"
)

// Server is the fake PayPal API. Its zero value is not usable; call New.
type Server struct {
	// URL is the API base URL to give the client, like
	// https://api-m.sandbox.paypal.com.
	URL string

	srv *httptest.Server
	key []byte // signs webhook deliveries

	mu            sync.Mutex
	seq           int
	tokens        map[string]bool
	tokenRequests int
	orders        map[string]*Order
	orderIDs      []string
	captures      map[string]*Capture
	captureIDs    []string
	requestIDs    map[string]replay
	products      map[string]*product
	plans         map[string]*plan
	planIDs       []string
	subscriptions map[string]*Subscription
	deliveries    []Delivery
}

// replay is a response remembered under a PayPal-Request-Id, so a retried
// POST gets the original answer instead of doing the work twice.
type replay struct {
	status int
	body   any
}

// New starts a fake PayPal on a loopback port and stops it when the test
// ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		key:           make([]byte, 32),
		tokens:        map[string]bool{},
		orders:        map[string]*Order{},
		captures:      map[string]*Capture{},
		requestIDs:    map[string]replay{},
		products:      map[string]*product{},
		plans:         map[string]*plan{},
		subscriptions: map[string]*Subscription{},
	}
	if _, err := rand.Read(s.key); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/oauth2/token", s.token)
	api := map[string]http.HandlerFunc{
		"POST /v2/checkout/orders":                        s.createOrder,
		"GET /v2/checkout/orders/{id}":                    s.getOrder,
		"POST /v2/checkout/orders/{id}/capture":           s.captureOrder,
		"POST /v2/payments/captures/{id}/refund":          s.refundCapture,
		"POST /v1/catalogs/products":                      s.createProduct,
		"GET /v1/catalogs/products/{id}":                  s.getProduct,
		"POST /v1/billing/plans":                          s.createPlan,
		"GET /v1/billing/plans":                           s.listPlans,
		"GET /v1/billing/plans/{id}":                      s.getPlan,
		"POST /v1/billing/subscriptions":                  s.createSubscription,
		"GET /v1/billing/subscriptions/{id}":              s.getSubscription,
		"POST /v1/billing/subscriptions/{id}/cancel":      s.subscriptionAction,
		"POST /v1/billing/subscriptions/{id}/suspend":     s.subscriptionAction,
		"POST /v1/billing/subscriptions/{id}/activate":    s.subscriptionAction,
		"POST /v1/notifications/verify-webhook-signature": s.verifyWebhookSignature,
	}
	for pattern, h := range api {
		mux.Handle(pattern, s.authenticated(h))
	}
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// TokenRequests reports how many access tokens were issued.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenRequests
}

// token is POST /v1/oauth2/token: HTTP Basic client credentials and a form
// with grant_type=client_credentials, answered with a bearer token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id != ClientID || secret != Secret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{
			"error": "invalid_client", "error_description": "Client Authentication failed"})
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"error": "unsupported_grant_type", "error_description": "Grant Type is NULL"})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"error": "unsupported_grant_type", "error_description": "Grant Type is NULL"})
		return
	}
	s.mu.Lock()
	tok := "A21AA" + randomHex(24)
	s.tokens[tok] = true
	s.tokenRequests++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"scope":        "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/subscriptions",
		"access_token": tok,
		"token_type":   "Bearer",
		"app_id":       "APP-80W284485P519543T",
		"expires_in":   32400,
		"nonce":        time.Now().UTC().Format(time.RFC3339) + randomHex(8),
	})
}

// authenticated lets a request through only with a bearer token this server
// issued, answering PayPal's 401 otherwise.
func (s *Server) authenticated(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		ok = ok && s.tokens[tok]
		s.mu.Unlock()
		if !ok {
			writeJSON(w, http.StatusUnauthorized, map[string]any{
				"name":    "AUTHENTICATION_FAILURE",
				"message": "Authentication failed due to invalid authentication credentials or a missing Authorization header.",
				"links": []link{{Href: "https://developer.paypal.com/docs/api/overview/#error",
					Rel: "information_link"}},
			})
			return
		}
		h(w, r)
	})
}

// detail is one entry of the details array of PayPal's error body.
type detail struct {
	Field       string `json:"field,omitempty"`
	Value       string `json:"value,omitempty"`
	Location    string `json:"location,omitempty"`
	Issue       string `json:"issue"`
	Description string `json:"description"`
}

// apiError is a PayPal error answer: status, name, message and details.
type apiError struct {
	status  int
	name    string
	message string
	details []detail
}

func (e *apiError) Error() string { return e.name + ": " + e.message }

// invalid is PayPal's 400 for a request that breaks the schema.
func invalid(field, issue, description string) *apiError {
	return &apiError{http.StatusBadRequest, "INVALID_REQUEST",
		"Request is not well-formed, syntactically incorrect, or violates schema.",
		[]detail{{Field: field, Location: "body", Issue: issue, Description: description}}}
}

// unprocessable is PayPal's 422 for a request that fails a business rule.
func unprocessable(issue, description string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, "UNPROCESSABLE_ENTITY",
		"The requested action could not be performed, semantically incorrect, or failed business validation.",
		[]detail{{Issue: issue, Description: description}}}
}

// notFound is PayPal's 404 for an unknown resource id.
func notFound(id string) *apiError {
	return &apiError{http.StatusNotFound, "RESOURCE_NOT_FOUND", "The specified resource does not exist.",
		[]detail{{Field: "id", Value: id, Location: "path", Issue: "INVALID_RESOURCE_ID",
			Description: "Specified resource ID does not exist. Please check the resource ID and try again."}}}
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{
		"name": e.name, "message": e.message, "debug_id": randomHex(6), "details": e.details,
		"links": []link{{Href: "https://developer.paypal.com/api/rest/reference/orders/v2/errors/",
			Rel: "information_link"}},
	}
	writeJSON(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// decode reads a JSON request body into v. An empty body decodes as {} for
// the calls where PayPal allows one; a body that is not JSON of the right
// shape is PayPal's 400 MALFORMED_REQUEST_JSON.
func decode(r *http.Request, v any, emptyOK bool) *apiError {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return invalid("", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed.")
	}
	if len(strings.TrimSpace(string(b))) == 0 && emptyOK {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return invalid("/"+strings.ReplaceAll(te.Field, ".", "/"), "INVALID_PARAMETER_SYNTAX",
				"The value of a field does not conform to the expected format.")
		}
		return invalid("", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed.")
	}
	return nil
}

// idempotent runs do once per PayPal-Request-Id: a request carrying an id
// seen before gets the first answer again, as PayPal replays it.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, do func() (int, any, *apiError)) {
	key := r.Header.Get("PayPal-Request-Id")
	if key != "" {
		key = r.Method + " " + r.URL.Path + " " + key
		s.mu.Lock()
		prev, ok := s.requestIDs[key]
		s.mu.Unlock()
		if ok {
			writeJSON(w, prev.status, prev.body)
			return
		}
	}
	status, body, e := do()
	if e != nil {
		writeError(w, e)
		return
	}
	if key != "" {
		s.mu.Lock()
		s.requestIDs[key] = replay{status, body}
		s.mu.Unlock()
	}
	writeJSON(w, status, body)
}

// link is a HATEOAS link.
type link struct {
	Href   string `json:"href"`
	Rel    string `json:"rel"`
	Method string `json:"method,omitempty"`
}

// nextID returns a new PayPal-looking id: prefix and zero-padded sequence.
// It must be called with s.mu held.
func (s *Server) nextID(prefix string, width int) string {
	s.seq++
	return fmt.Sprintf("%s%0*d", prefix, width, s.seq)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))[:n]
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }
