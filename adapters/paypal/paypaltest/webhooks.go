package paypaltest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"net/http"
	"regexp"
	"time"
)

// authAlgo is the PAYPAL-AUTH-ALGO PayPal sends.
const authAlgo = "SHA256withRSA"

// Delivery is a webhook delivery as PayPal would POST it to the listener:
// the PAYPAL-* signature headers and the event's JSON body.
type Delivery struct {
	EventID   string
	EventType string
	Header    http.Header
	Body      []byte
}

// Deliveries returns every webhook delivery the fake has sent, oldest
// first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// certURL is where the fake's signing certificate would live.
func (s *Server) certURL() string {
	return s.URL + "/v1/notifications/certs/CERT-360caa42-fca2a594-fake"
}

// deliver builds, signs and records a webhook event. It must be called with
// s.mu held.
func (s *Server) deliver(eventType, resourceType, summary string, resource any) Delivery {
	id := s.nextID("WH-", 17)
	body, err := json.Marshal(map[string]any{
		"id": id, "event_version": "1.0", "resource_version": "2.0", "create_time": now(),
		"resource_type": resourceType, "event_type": eventType, "summary": summary, "resource": resource,
		"links": []link{{Href: s.URL + "/v1/notifications/webhooks-events/" + id, Rel: "self", Method: "GET"}},
	})
	if err != nil {
		panic(err) // the fake only marshals its own maps of strings and numbers
	}
	transmission := fmt.Sprintf("%08x-fake-%04d", crc32.ChecksumIEEE(body), s.seq)
	at := time.Now().UTC().Format(time.RFC3339)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Paypal-Auth-Algo", authAlgo)
	h.Set("Paypal-Cert-Url", s.certURL())
	h.Set("Paypal-Transmission-Id", transmission)
	h.Set("Paypal-Transmission-Time", at)
	h.Set("Paypal-Transmission-Sig", s.sign(transmission, at, WebhookID, body))
	d := Delivery{EventID: id, EventType: eventType, Header: h, Body: body}
	s.deliveries = append(s.deliveries, d)
	return d
}

// sign signs what PayPal signs, transmission id, time, webhook id and the
// CRC32 of the body joined by |, with the fake's key.
func (s *Server) sign(transmission, at, webhookID string, body []byte) string {
	mac := hmac.New(sha256.New, s.key)
	fmt.Fprintf(mac, "%s|%s|%s|%d", transmission, at, webhookID, crc32.ChecksumIEEE(body))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// webhookIDPattern is the pattern PayPal documents for webhook_id.
var webhookIDPattern = regexp.MustCompile(`^[a-zA-Z0-9]+$`)

// verifyWebhookSignature is POST /v1/notifications/verify-webhook-signature.
// It answers SUCCESS only for an event this fake sent, unchanged, with its
// headers, for the configured webhook id; FAILURE for any other well-formed
// request.
func (s *Server) verifyWebhookSignature(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AuthAlgo         string          `json:"auth_algo"`
		CertURL          string          `json:"cert_url"`
		TransmissionID   string          `json:"transmission_id"`
		TransmissionSig  string          `json:"transmission_sig"`
		TransmissionTime string          `json:"transmission_time"`
		WebhookID        string          `json:"webhook_id"`
		WebhookEvent     json.RawMessage `json:"webhook_event"`
	}
	if e := decode(r, &req, false); e != nil {
		writeError(w, e)
		return
	}
	for field, v := range map[string]string{"auth_algo": req.AuthAlgo, "cert_url": req.CertURL,
		"transmission_id": req.TransmissionID, "transmission_sig": req.TransmissionSig,
		"transmission_time": req.TransmissionTime, "webhook_id": req.WebhookID} {
		if v == "" {
			writeError(w, invalid("/"+field, "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing."))
			return
		}
	}
	var event map[string]any
	if len(req.WebhookEvent) == 0 || json.Unmarshal(req.WebhookEvent, &event) != nil || event == nil {
		writeError(w, invalid("/webhook_event", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing."))
		return
	}
	if !webhookIDPattern.MatchString(req.WebhookID) {
		writeError(w, invalid("/webhook_id", "INVALID_PARAMETER_SYNTAX", "The value of a field does not conform to the expected format."))
		return
	}
	if _, err := time.Parse(time.RFC3339, req.TransmissionTime); err != nil {
		writeError(w, invalid("/transmission_time", "INVALID_PARAMETER_SYNTAX", "The value of a field does not conform to the expected format."))
		return
	}
	// The event arrives re-encoded inside this request; the fake signed its
	// compact encoding, so compact it again before checking.
	var body bytes.Buffer
	if err := json.Compact(&body, req.WebhookEvent); err != nil {
		writeError(w, invalid("/webhook_event", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed."))
		return
	}
	want := s.sign(req.TransmissionID, req.TransmissionTime, req.WebhookID, body.Bytes())
	status := "FAILURE"
	if req.WebhookID == WebhookID && req.AuthAlgo == authAlgo && req.CertURL == s.certURL() &&
		hmac.Equal([]byte(want), []byte(req.TransmissionSig)) {
		status = "SUCCESS"
	}
	writeJSON(w, http.StatusOK, map[string]string{"verification_status": status})
}
