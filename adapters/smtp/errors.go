package smtp

import (
	"errors"

	gomail "github.com/wneessen/go-mail"

	"ezscale.cloud/platform"
)

// sendError classifies a failed delivery for the job queue: a permanent
// (5xx) answer to RCPT TO or to the message data is EINVALID, because the
// same message will be refused again; everything else is EINTERNAL. A
// permanent refusal of MAIL FROM stays EINTERNAL too: it means the server
// does not accept our sender, a configuration problem that, once fixed,
// lets the retries deliver.
func sendError(err error) error {
	var send *gomail.SendError
	if errors.As(err, &send) && !send.IsTemp() && send.ErrorCode()/100 == 5 {
		switch send.Reason {
		case gomail.ErrSMTPRcptTo:
			return &platform.Error{Code: platform.EINVALID, Field: "to", Message: "the mail server refused the recipient", Err: err}
		case gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
			return &platform.Error{Code: platform.EINVALID, Message: "the mail server refused the message", Err: err}
		}
	}
	return &platform.Error{Code: platform.EINTERNAL, Message: "sending email failed", Err: err}
}
