package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
)

// securityHeaders sets the headers every response carries. The policy is
// strict because the API serves only JSON: nothing may be framed, sniffed,
// run as script or leak the URL to another site.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies; a larger one fails to decode with 413
// instead of filling memory.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeProblem(w, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// cardField matches JSON keys that would carry card data. Card numbers and
// security codes never reach this server (the gateways' own page elements
// collect them, PCI SAQ A), so no endpoint accepts a body with such a key,
// at any depth.
var cardField = regexp.MustCompile(`(?i)^(card_?num(ber)?|cc_?num(ber)?|pan|primary_?account_?number|cvc2?|cvv2?|csc|cid|security_?code|card_?code|card_?verification)$`)

// refuseCardData refuses JSON bodies that carry a card-data key.
func refuseCardData(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			writeProblem(w, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		if key, found := cardKey(body); found {
			writeProblem(w, http.StatusUnprocessableEntity, fmt.Sprintf("field %q looks like card data; card details are entered in the payment form and never sent here", key))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// cardKey reports an object key anywhere in a JSON document that looks
// like card data; a body that is not JSON has none (the API refuses it
// later).
func cardKey(body []byte) (string, bool) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return "", false
	}
	return findCardKey(v)
}

func findCardKey(v any) (string, bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if cardField.MatchString(k) {
				return k, true
			}
			if key, ok := findCardKey(e); ok {
				return key, true
			}
		}
	case []any:
		for _, e := range x {
			if key, ok := findCardKey(e); ok {
				return key, true
			}
		}
	}
	return "", false
}

// writeProblem writes an RFC 9457 problem from a plain middleware.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
}
