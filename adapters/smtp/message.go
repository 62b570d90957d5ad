package smtp

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"mime"
	"strings"
	"time"
	"unicode"

	gomail "github.com/wneessen/go-mail"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/notify"
)

// message builds the MIME message: the text body with the HTML as its
// alternative (multipart/alternative), inside multipart/mixed when there
// are attachments, with a Date and a Message-ID on the sender's domain. It
// leaves out go-mail's User-Agent, which would tell every customer which
// mail library and version we run.
func (m *Mailer) message(msg notify.Message) (*gomail.Msg, error) {
	out := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	from := cmp.Or(msg.From, m.cfg.From)
	if err := out.From(from); err != nil {
		return nil, platform.Invalid("from", "%q is not an email address", from)
	}
	if len(msg.To) == 0 {
		return nil, platform.Invalid("to", "a message needs at least one recipient")
	}
	if err := out.To(msg.To...); err != nil {
		return nil, platform.Invalid("to", "%v", err)
	}
	if m.cfg.ReplyTo != "" {
		if err := out.ReplyTo(m.cfg.ReplyTo); err != nil {
			return nil, platform.Invalid("reply_to", "%v", err)
		}
	}
	out.Subject(msg.Subject)
	out.SetDateWithValue(time.Now())
	out.SetMessageIDWithValue(rand.Text() + "@" + domain(out.GetFrom()[0].Address))
	if err := setBody(out, msg); err != nil {
		return nil, err
	}
	for _, a := range msg.Attachments {
		if err := attach(out, a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// setBody sets msg's text and HTML as out's body, the HTML as the text's
// alternative when there are both.
func setBody(out *gomail.Msg, msg notify.Message) error {
	switch {
	case msg.Text != "" && msg.HTML != "":
		out.SetBodyString(gomail.TypeTextPlain, msg.Text)
		out.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	case msg.Text != "":
		out.SetBodyString(gomail.TypeTextPlain, msg.Text)
	case msg.HTML != "":
		out.SetBodyString(gomail.TypeTextHTML, msg.HTML)
	default:
		return platform.Invalid("text", "a message needs a text or HTML body")
	}
	return nil
}

// attach adds a to out after checking its name and type, which end up in
// MIME headers.
func attach(out *gomail.Msg, a notify.Attachment) error {
	if a.Filename == "" || strings.ContainsFunc(a.Filename, unicode.IsControl) || strings.ContainsAny(a.Filename, `/\`) {
		return platform.Invalid("attachments", "attachment filename %q must be a plain file name", a.Filename)
	}
	contentType := cmp.Or(a.ContentType, "application/octet-stream")
	if _, _, err := mime.ParseMediaType(contentType); err != nil {
		return platform.Invalid("attachments", "attachment %s has an invalid content type %q", a.Filename, contentType)
	}
	return out.AttachReader(a.Filename, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(contentType)))
}

// domain returns the part of an address after its last "@".
func domain(address string) string {
	return address[strings.LastIndexByte(address, '@')+1:]
}
