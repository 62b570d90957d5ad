// Package mailpittest reads back what a real Mailpit server received, for
// tests that send email: scripts/test.sh starts Mailpit and names it in
// EZSCALE_TEST_MAILPIT_SMTP and EZSCALE_TEST_MAILPIT_API.
package mailpittest

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"
)

// Server is the Mailpit server scripts/test.sh starts: SMTP to send to, and
// an HTTP API to read back what arrived.
type Server struct {
	Host string
	Port int
	API  string
}

// FromEnv returns the Mailpit named by EZSCALE_TEST_MAILPIT_SMTP and
// _API. Without them the test is skipped, loudly, or fails when
// EZSCALE_REQUIRE_MAILPIT=1 (as CI sets it) so a missing server is never
// mistaken for a pass.
func FromEnv(t *testing.T) Server {
	t.Helper()
	addr, api := os.Getenv("EZSCALE_TEST_MAILPIT_SMTP"), os.Getenv("EZSCALE_TEST_MAILPIT_API")
	if addr == "" || api == "" {
		const msg = "EZSCALE_TEST_MAILPIT_SMTP and EZSCALE_TEST_MAILPIT_API are not set"
		if os.Getenv("EZSCALE_REQUIRE_MAILPIT") == "1" {
			t.Fatal(msg + " but EZSCALE_REQUIRE_MAILPIT=1")
		}
		t.Skip("SKIPPING MAILPIT TEST: " + msg + "; run scripts/test.sh, which starts Mailpit and sets them")
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("EZSCALE_TEST_MAILPIT_SMTP=%q: %v", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		t.Fatalf("EZSCALE_TEST_MAILPIT_SMTP=%q: %v", addr, err)
	}
	return Server{Host: host, Port: port, API: api}
}

// Message is the part of Mailpit's GET /api/v1/message/{ID} the
// tests read.
type Message struct {
	ID        string
	MessageID string
	From      Address
	To        []Address
	ReplyTo   []Address
	Subject   string
	Username  string
	Text      string
	HTML      string
	// Attachments lists the files, whose bytes are at
	// /api/v1/message/{ID}/part/{PartID}.
	Attachments []struct {
		PartID      string
		FileName    string
		ContentType string
	}
}

// Address is a mailbox as Mailpit reports it.
type Address struct{ Name, Address string }

// Only returns the one message sent to the address to, waiting briefly for
// it to be stored. Searching by a recipient unique to the test keeps tests
// that share the server apart without deleting anyone else's mail.
func (mp Server) Only(t *testing.T, to string) Message {
	t.Helper()
	msgs := mp.Wait(t, to, 1)
	if len(msgs) != 1 {
		t.Fatalf("Mailpit has %d messages to %s, want 1", len(msgs), to)
	}
	return msgs[0]
}

// Wait returns every message sent to the address to, once at least n have
// arrived or five seconds have passed.
func (mp Server) Wait(t *testing.T, to string, n int) []Message {
	t.Helper()
	var found struct {
		Messages []struct{ ID string }
	}
	query := url.Values{"query": {`to:"` + to + `"`}}.Encode()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		mp.getJSON(t, "/api/v1/search?"+query, &found)
		if len(found.Messages) >= n || time.Now().After(deadline) {
			break
		}
	}
	msgs := make([]Message, len(found.Messages))
	for i, m := range found.Messages {
		mp.getJSON(t, "/api/v1/message/"+m.ID, &msgs[i])
	}
	return msgs
}

// Part returns the raw bytes of one part of a message, such as an
// attachment.
func (mp Server) Part(t *testing.T, id, partID string) []byte {
	t.Helper()
	return mp.get(t, "/api/v1/message/"+id+"/part/"+partID)
}

func (mp Server) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(mp.get(t, path), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func (mp Server) get(t *testing.T, path string) []byte {
	t.Helper()
	resp, err := http.Get(mp.API + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v: %s", path, resp.Status, err, body)
	}
	return body
}
