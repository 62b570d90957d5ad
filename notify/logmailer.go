package notify

import (
	"context"
	"log/slog"
)

// LogMailer is the Mailer of the zero-infrastructure default: instead of
// sending, it logs that a message was due. It logs the recipients, subject,
// size and attachment names but never the bodies, which carry passwords,
// reset links and other secrets a log must not keep. Point the platform at
// an SMTP server (or a local Mailpit) to read the emails themselves.
type LogMailer struct {
	// Logger receives the records; nil uses slog.Default().
	Logger *slog.Logger
}

// Send logs msg and never fails.
func (m LogMailer) Send(ctx context.Context, msg Message) error {
	logger := m.Logger
	if logger == nil {
		logger = slog.Default()
	}
	size := len(msg.Text) + len(msg.HTML)
	names := make([]string, len(msg.Attachments))
	for i, a := range msg.Attachments {
		size += len(a.Data)
		names[i] = a.Filename
	}
	logger.InfoContext(ctx, "email not sent: no SMTP server configured",
		"to", msg.To, "subject", msg.Subject, "bytes", size, "attachments", names)
	return nil
}
