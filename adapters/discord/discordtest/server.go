// Package discordtest is a fake of Discord's Execute Webhook endpoint
// (POST /api/webhooks/{webhook.id}/{webhook.token}) on an httptest server,
// for tests of code that posts to a Discord webhook. It follows Discord's
// documented requests and responses closely enough that a wrong request
// fails:
//
//   - an unknown webhook id is a 404 {"message": "Unknown Webhook", "code":
//     10015}, a wrong token a 401 {"message": "Invalid Webhook Token",
//     "code": 50027}, another method a 405;
//   - the body must be JSON (Content-Type application/json) with content or
//     embeds (else 400 code 50006, "Cannot send an empty message") within
//     Discord's limits (else 400 code 50035, "Invalid Form Body", with
//     Discord's per-field errors);
//   - each webhook has a rate-limit bucket, 5 requests per 2 seconds unless
//     configured: every response carries the X-RateLimit-* headers, and a
//     request on an empty bucket is a 429 with Retry-After and Discord's
//     {"message", "retry_after", "global"} body;
//   - ?wait=true answers 200 with the saved message, otherwise 204.
//
// Accepted messages are kept for the test to read. Only message sending is
// modelled: getting, editing or deleting the webhook or its messages is
// not.
//
// Sources: https://discord.com/developers/docs/resources/webhook#execute-webhook,
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits,
// https://discord.com/developers/docs/topics/rate-limits and
// https://discord.com/developers/docs/topics/opcodes-and-status-codes#json.
package discordtest

import (
	"encoding/json"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The webhook a Server accepts.
const (
	WebhookID    = "1184526938725203978"
	WebhookToken = "fAkE-t0ken_Xq3vN8sLp2RwYz7KmB4cHdJgT6uVe9iOa1Sn5Qr0WxMd"
)

// Config sets up a Server; its zero value is Discord's usual webhook limit
// on the wall clock.
type Config struct {
	// Limit and Window size each webhook's bucket: Limit requests per
	// Window. Zero means 5 per 2 seconds.
	Limit  int
	Window time.Duration
	// Now is the server's clock; nil means time.Now. Share a Clock with
	// the client under test to wait out limits in no real time.
	Now func() time.Time
}

// Server is the fake Discord. Its zero value is not usable; call New.
type Server struct {
	// URL is the base URL, standing for https://discord.com.
	URL string

	cfg Config

	mu        sync.Mutex
	buckets   map[string]*bucket // by webhook id
	messages  []Message
	throttled int
}

// New starts a fake Discord on a loopback port and stops it when the test
// ends.
func New(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Limit <= 0 {
		cfg.Limit = 5
	}
	if cfg.Window <= 0 {
		cfg.Window = 2 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, buckets: map[string]*bucket{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/webhooks/{id}/{token}", s.execute)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError(0, "404: Not Found"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// WebhookURL is the URL of the webhook the server accepts, as Discord
// shows it to the channel's admins.
func (s *Server) WebhookURL() string {
	return s.URL + "/api/webhooks/" + WebhookID + "/" + WebhookToken
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Throttled reports how many requests were refused with a 429.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// execute is POST /api/webhooks/{id}/{token}. The rate limit is checked
// first, as Discord's limiter sits in front of the route, so every request
// on the route spends from the bucket, failed ones too.
func (s *Server) execute(w http.ResponseWriter, r *http.Request) {
	id, token := r.PathValue("id"), r.PathValue("token")
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()

	b := s.bucket(id)
	allowed := b.take(now)
	b.setHeaders(w.Header(), now)
	if !allowed {
		s.throttled++
		wait := ceilSeconds(b.resetAfter(now))
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait))))
		w.Header().Set("X-RateLimit-Scope", "user")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{
			"message": "You are being rate limited.", "retry_after": wait, "global": false})
		return
	}

	switch {
	case r.Method != http.MethodPost:
		writeJSON(w, http.StatusMethodNotAllowed, apiError(0, "405: Method Not Allowed"))
		return
	case id != WebhookID:
		writeJSON(w, http.StatusNotFound, apiError(10015, "Unknown Webhook"))
		return
	case token != WebhookToken:
		writeJSON(w, http.StatusUnauthorized, apiError(50027, "Invalid Webhook Token"))
		return
	}

	var m Message
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		// Discord reads any other body as a form, which here has no
		// content and no embeds.
		writeJSON(w, http.StatusBadRequest, emptyMessage)
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError(50109, "The request body contains invalid JSON."))
		return
	}
	if strings.TrimSpace(m.Content) == "" && len(m.Embeds) == 0 {
		writeJSON(w, http.StatusBadRequest, emptyMessage)
		return
	}
	if errs := validate(&m); len(errs) > 0 {
		body := apiError(50035, "Invalid Form Body")
		body["errors"] = formErrors(errs)
		writeJSON(w, http.StatusBadRequest, body)
		return
	}

	m.ID = strconv.Itoa(len(s.messages) + 1)
	s.messages = append(s.messages, m)
	if wait, _ := strconv.ParseBool(r.URL.Query().Get("wait")); !wait {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, savedMessage(m, now))
}

// bucket returns the webhook's bucket, making it on first use.
func (s *Server) bucket(id string) *bucket {
	b, ok := s.buckets[id]
	if !ok {
		b = &bucket{name: "webhook-" + id, limit: s.cfg.Limit, window: s.cfg.Window}
		s.buckets[id] = b
	}
	return b
}

// emptyMessage is Discord's answer to a message with nothing to show.
var emptyMessage = apiError(50006, "Cannot send an empty message")

// apiError is Discord's JSON error body.
func apiError(code int, message string) map[string]any {
	return map[string]any{"code": code, "message": message}
}

// savedMessage is the message object ?wait=true answers with.
func savedMessage(m Message, now time.Time) map[string]any {
	return map[string]any{
		"id":         m.ID,
		"type":       0,
		"channel_id": "1184526938725200000",
		"webhook_id": WebhookID,
		"author":     map[string]any{"id": WebhookID, "username": m.Username, "bot": true},
		"content":    m.Content,
		"embeds":     m.Embeds,
		"timestamp":  now.UTC().Format(time.RFC3339Nano),
	}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
