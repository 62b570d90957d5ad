package notify

import "context"

// Message is one email, ready to send: the rendered content of a kind plus
// the recipients and any attachments (an invoice PDF) the caller adds.
type Message struct {
	To []string
	// From overrides the mailer's configured sender; empty uses it.
	From    string
	Subject string
	Text    string
	HTML    string

	Attachments []Attachment
}

// Attachment is a file sent with a Message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Mailer sends messages. Implementations return a platform.Error with code
// EINVALID when the message can never be delivered as it is (a recipient
// the server rejects for good), so a job queue can dead-letter it, and
// EINTERNAL for failures worth retrying.
type Mailer interface {
	Send(ctx context.Context, msg Message) error
}
