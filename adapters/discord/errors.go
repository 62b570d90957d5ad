package discord

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"ezscale.cloud/platform"
)

// maxDetail bounds how much of Discord's per-field error detail goes into
// an error message.
const maxDetail = 500

// apiError is Discord's JSON error body. Errors, on a 400 "Invalid Form
// Body" (code 50035), says which field was wrong and why.
type apiError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Errors  json.RawMessage `json:"errors"`
}

// statusError maps a failed response to a platform error; see the package
// doc for which codes are worth retrying. where names the webhook, without
// its token.
func statusError(status int, body []byte, where string) error {
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Message == "" {
		// Not Discord's JSON (a proxy's page, say): the status says enough.
		e = apiError{Message: http.StatusText(status)}
	}
	msg := fmt.Sprintf("discord: webhook %s: %d %s", where, status, e.Message)
	if e.Code != 0 {
		msg += fmt.Sprintf(" (code %d)", e.Code)
	}
	if len(e.Errors) > 0 {
		msg += ": " + truncate(string(e.Errors), maxDetail)
	}
	return &platform.Error{Code: statusCode(status), Message: msg}
}

// statusCode is the platform code for an HTTP status Discord answered
// with, other than success and 429.
func statusCode(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return platform.EUNAUTHORIZED
	case status == http.StatusForbidden:
		return platform.EFORBIDDEN
	case status == http.StatusNotFound:
		return platform.ENOTFOUND
	case status >= 400 && status < 500:
		return platform.EINVALID
	default:
		return platform.EINTERNAL
	}
}

// transportError reports a request that got no answer. It unwraps
// net/http's *url.Error, whose message quotes the whole URL, token and
// all, and names the webhook by its redacted URL instead; the cause stays
// in the chain, so errors.Is(err, context.Canceled) still works.
func transportError(err error, where string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("discord: post to webhook %s: %w", where, err)
}
