package enhance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"ezscale.cloud/platform"
)

// httpError is orchd's HttpError body: a required machine code such as
// "already_exists" and optional human text.
type httpError struct {
	Code    string `json:"code"`
	Detail  string `json:"detail"`
	Message string `json:"message"`
}

// responseError maps a failed call to a platform error, in one place. The
// statuses are the ones orchd documents: 400 invalid input, 401 invalid
// session, 403 insufficient privileges, 404 not found, 409 already exists.
// orchd's errors do not name the input field at fault, so neither does the
// error. The message has the call and the panel's own words, never the
// request body (which may hold a password) or the token.
func responseError(method, path string, status int, body []byte) error {
	code := platform.EINTERNAL
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		code = platform.EINVALID
	case http.StatusUnauthorized, http.StatusForbidden:
		code = platform.EUNAUTHORIZED
	case http.StatusNotFound:
		code = platform.ENOTFOUND
	case http.StatusConflict:
		code = platform.ECONFLICT
	}
	msg := fmt.Sprintf("enhance %s %s: %d %s", method, path, status, http.StatusText(status))
	var he httpError
	if json.Unmarshal(body, &he) == nil && he.Code != "" {
		msg += ": " + strings.Join(nonEmpty(he.Code, he.Message, he.Detail), ": ")
	} else if text := strings.TrimSpace(string(body)); text != "" {
		msg += ": " + truncate(text, 200)
	}
	return &platform.Error{Code: code, Message: msg}
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
