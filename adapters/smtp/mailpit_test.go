package smtp_test

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

// mailpit is the Mailpit server scripts/test.sh starts: SMTP to send to, and
// an HTTP API to read back what arrived.
type mailpit struct {
	host string
	port int
	api  string
}

// mailpitFromEnv returns the Mailpit named by EZSCALE_TEST_MAILPIT_SMTP and
// _API. Without them the test is skipped, loudly, or fails when
// EZSCALE_REQUIRE_MAILPIT=1 (as CI sets it) so a missing server is never
// mistaken for a pass.
func mailpitFromEnv(t *testing.T) mailpit {
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
	return mailpit{host: host, port: port, api: api}
}

// mailpitMessage is the part of Mailpit's GET /api/v1/message/{ID} the
// tests read.
type mailpitMessage struct {
	ID        string
	MessageID string
	From      mailpitAddress
	To        []mailpitAddress
	ReplyTo   []mailpitAddress
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

type mailpitAddress struct{ Name, Address string }

// only returns the one message sent to the address to, waiting briefly for
// it to be stored. Searching by a recipient unique to the test keeps tests
// that share the server apart without deleting anyone else's mail.
func (mp mailpit) only(t *testing.T, to string) mailpitMessage {
	t.Helper()
	var found struct {
		Messages []struct{ ID string }
	}
	query := url.Values{"query": {`to:"` + to + `"`}}.Encode()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		mp.getJSON(t, "/api/v1/search?"+query, &found)
		if len(found.Messages) > 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(found.Messages) != 1 {
		t.Fatalf("Mailpit has %d messages to %s, want 1", len(found.Messages), to)
	}
	var msg mailpitMessage
	mp.getJSON(t, "/api/v1/message/"+found.Messages[0].ID, &msg)
	return msg
}

// part returns the raw bytes of one part of a message, such as an
// attachment.
func (mp mailpit) part(t *testing.T, id, partID string) []byte {
	t.Helper()
	return mp.get(t, "/api/v1/message/"+id+"/part/"+partID)
}

func (mp mailpit) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(mp.get(t, path), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func (mp mailpit) get(t *testing.T, path string) []byte {
	t.Helper()
	resp, err := http.Get(mp.api + path)
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
