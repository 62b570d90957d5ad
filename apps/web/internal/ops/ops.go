// Package ops holds what operators need from the web app: liveness and
// readiness checks, a structured log line per request that carries a
// request id (also returned to the client, so a support ticket can quote
// it), and access control for the metrics.
package ops

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// Health serves /healthz (the process answers) and /readyz (it can reach
// its database) in front of next.
func Health(ready func(ctx context.Context) error, next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			http.Error(w, "not ready: database unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("/", next)
	return mux
}

// RequestIDHeader carries the request id back to the client.
const RequestIDHeader = "X-Request-Id"

// LogRequests logs each request as one structured line with its id,
// method, path, status and duration, and hands the same facts to observe
// (the metrics) when it is set. Query strings are left out: they can carry
// one-time tokens.
func LogRequests(logger *slog.Logger, observe func(r *http.Request, status int, took time.Duration), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := rand.Text()[:16]
		w.Header().Set(RequestIDHeader, id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", id), slog.String("method", r.Method), slog.String("host", r.Host),
			slog.String("path", r.URL.Path), slog.Int("status", rec.status), slog.Duration("duration", took))
		if observe != nil {
			observe(r, rec.status, took)
		}
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Scrapers lets only Prometheus read metrics: with a token, requests that
// present it as a bearer token; without one, requests from loopback.
// Anyone else gets a 404, as if there were no metrics.
func Scrapers(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !scraper(token, r) {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func scraper(token string, r *http.Request) bool {
	if token != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
