package smtp_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net"
	"strconv"
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/smtp"
	"ezscale.cloud/platform/adapters/smtp/mailpittest"
	"ezscale.cloud/platform/notify"
)

// uniqueRecipient returns an address no other test sends to.
func uniqueRecipient() string {
	return "customer-" + strings.ToLower(rand.Text()) + "@example.com"
}

// mailpitMailer returns a Mailer for mp with the given TLS policy.
func mailpitMailer(t *testing.T, mp mailpittest.Server, tls smtp.TLSPolicy) *smtp.Mailer {
	t.Helper()
	m, err := smtp.New(smtp.Config{
		Host: mp.Host, Port: mp.Port, TLS: tls,
		Username: "ezscale", Password: "not-a-real-secret",
		From:    "EZSCALE Hosting <billing@ezscale.test>",
		ReplyTo: "support@ezscale.test",
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSendDeliversTextHTMLAndAttachment(t *testing.T) {
	mp := mailpittest.FromEnv(t)
	m := mailpitMailer(t, mp, smtp.TLSNone)

	var templates notify.Templates
	data := notify.Example(notify.KindInvoiceCreated)
	data["Amount"] = "24,00 €"
	rendered, err := templates.Render(notify.KindInvoiceCreated, data)
	if err != nil {
		t.Fatal(err)
	}
	to := uniqueRecipient()
	msg := rendered.Message(to)
	pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")
	msg.Attachments = []notify.Attachment{{Filename: "INV-2025-0042.pdf", ContentType: "application/pdf", Data: pdf}}

	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}

	got := mp.Only(t, to)
	if len(got.To) != 1 || got.To[0].Address != to {
		t.Errorf("To = %+v, want %s", got.To, to)
	}
	if got.From != (mailpittest.Address{Name: "EZSCALE Hosting", Address: "billing@ezscale.test"}) {
		t.Errorf("From = %+v", got.From)
	}
	if len(got.ReplyTo) != 1 || got.ReplyTo[0].Address != "support@ezscale.test" {
		t.Errorf("Reply-To = %+v", got.ReplyTo)
	}
	if got.Subject != "Invoice INV-2025-0042 for 24,00 €" {
		t.Errorf("Subject = %q", got.Subject)
	}
	if !strings.HasSuffix(got.MessageID, "@ezscale.test") {
		t.Errorf("Message-ID %q is not on the sender's domain", got.MessageID)
	}
	if got.Username != "ezscale" {
		t.Errorf("authenticated as %q, want ezscale", got.Username)
	}
	// SMTP carries lines ending in CRLF; Mailpit shows them as sent.
	if text := strings.ReplaceAll(got.Text, "\r\n", "\n"); text != rendered.Text {
		t.Errorf("text part:\n%s\nwant:\n%s", text, rendered.Text)
	}
	if html := strings.ReplaceAll(got.HTML, "\r\n", "\n"); html != rendered.HTML {
		t.Errorf("HTML part:\n%s\nwant:\n%s", html, rendered.HTML)
	}
	if len(got.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1", len(got.Attachments))
	}
	a := got.Attachments[0]
	if a.FileName != "INV-2025-0042.pdf" || a.ContentType != "application/pdf" {
		t.Errorf("attachment %q of type %q", a.FileName, a.ContentType)
	}
	if data := mp.Part(t, got.ID, a.PartID); !bytes.Equal(data, pdf) {
		t.Errorf("attachment bytes %q, want %q", data, pdf)
	}
}

// TestPermanentRefusalIsInvalid sends to an address Mailpit refuses for
// good (a local part over its 1024-character limit answers "500 The address
// is too long"), which must come back EINVALID so the job is dead-lettered
// rather than retried.
func TestPermanentRefusalIsInvalid(t *testing.T) {
	mp := mailpittest.FromEnv(t)
	m := mailpitMailer(t, mp, smtp.TLSNone)
	to := strings.Repeat("a", 1100) + "@example.com"
	err := m.Send(context.Background(), notify.Message{To: []string{to}, Subject: "Hi", Text: "Hello"})
	if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != "to" || !strings.Contains(err.Error(), "500") {
		t.Errorf("got %v, want EINVALID on to with the server's 500", err)
	}
}

// TestMandatoryTLSRefusesAPlainServer checks the default policy is enforced:
// Mailpit here offers no STARTTLS, so nothing may be sent, and the failure
// is retryable (the server's configuration can change).
func TestMandatoryTLSRefusesAPlainServer(t *testing.T) {
	mp := mailpittest.FromEnv(t)
	m := mailpitMailer(t, mp, smtp.TLSMandatory)
	err := m.Send(context.Background(), notify.Message{To: []string{uniqueRecipient()}, Subject: "Hi", Text: "Hello"})
	if platform.ErrorCode(err) != platform.EINTERNAL || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("got %v, want EINTERNAL about STARTTLS", err)
	}
}

// TestOpportunisticTLSKeepsPasswordsEncrypted checks that when the server
// offers no STARTTLS, the opportunistic policy falls back to plain text but
// will not send the password in the clear (Mailpit offers only PLAIN and
// LOGIN), so the send fails, retryably, instead.
func TestOpportunisticTLSKeepsPasswordsEncrypted(t *testing.T) {
	mp := mailpittest.FromEnv(t)
	m := mailpitMailer(t, mp, smtp.TLSOpportunistic)
	err := m.Send(context.Background(), notify.Message{To: []string{uniqueRecipient()}, Subject: "Hi", Text: "Hello"})
	if platform.ErrorCode(err) != platform.EINTERNAL || !strings.Contains(err.Error(), "authentication mechanism") {
		t.Errorf("got %v, want EINTERNAL about the authentication mechanism", err)
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	n, _ := strconv.Atoi(port)
	return n
}

func TestConnectionFailureIsInternal(t *testing.T) {
	m, err := smtp.New(smtp.Config{Host: "127.0.0.1", Port: closedPort(t), TLS: smtp.TLSNone, From: "billing@ezscale.test"})
	if err != nil {
		t.Fatal(err)
	}
	err = m.Send(context.Background(), notify.Message{To: []string{"ada@example.com"}, Subject: "Hi", Text: "Hello"})
	if platform.ErrorCode(err) != platform.EINTERNAL {
		t.Errorf("got %v, want EINTERNAL", err)
	}
}

// TestBadMessagesAreInvalid covers messages refused before connecting (the
// mailer points at a closed port, so reaching the network would fail
// differently).
func TestBadMessagesAreInvalid(t *testing.T) {
	m, err := smtp.New(smtp.Config{Host: "localhost", Port: closedPort(t), TLS: smtp.TLSNone, From: "billing@ezscale.test"})
	if err != nil {
		t.Fatal(err)
	}
	good := func() notify.Message {
		return notify.Message{To: []string{"ada@example.com"}, Subject: "Hi", Text: "Hello"}
	}
	pdf := func(name, contentType string) []notify.Attachment {
		return []notify.Attachment{{Filename: name, ContentType: contentType, Data: []byte("%PDF-1.4")}}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*notify.Message)
		field string
	}{
		{"no recipient", func(m *notify.Message) { m.To = nil }, "to"},
		{"bad recipient", func(m *notify.Message) { m.To = []string{"not an address"} }, "to"},
		{"bad sender", func(m *notify.Message) { m.From = "billing at ezscale" }, "from"},
		{"no body", func(m *notify.Message) { m.Text = "" }, "text"},
		{"no filename", func(m *notify.Message) { m.Attachments = pdf("", "application/pdf") }, "attachments"},
		{"filename with a newline", func(m *notify.Message) { m.Attachments = pdf("a\r\nBcc: x@example.com", "application/pdf") }, "attachments"},
		{"filename with a path", func(m *notify.Message) { m.Attachments = pdf("../invoice.pdf", "application/pdf") }, "attachments"},
		{"bad content type", func(m *notify.Message) { m.Attachments = pdf("a.pdf", "application/pdf\r\nBcc: x@example.com") }, "attachments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := good()
			tc.edit(&msg)
			err := m.Send(context.Background(), msg)
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tc.field {
				t.Errorf("got %v, want EINVALID on %s", err, tc.field)
			}
		})
	}
}
