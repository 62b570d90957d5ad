package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"ezscale.cloud/platform/notify"
)

func TestLogMailerLogsNoBodies(t *testing.T) {
	var buf bytes.Buffer
	m := notify.LogMailer{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	msg := notify.Message{
		To:          []string{"ada@example.com"},
		Subject:     "Your service is ready",
		Text:        "Password: hunter2",
		HTML:        "<p>Password: hunter2</p>",
		Attachments: []notify.Attachment{{Filename: "invoice.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}},
	}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	line := buf.String()
	for _, want := range []string{"to=[ada@example.com]", `subject="Your service is ready"`, "bytes=49", "attachments=[invoice.pdf]"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %s: %s", want, line)
		}
	}
	if strings.Contains(line, "hunter2") {
		t.Errorf("log line leaks the body: %s", line)
	}
}
