package synergycp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"ezscale.cloud/platform"
)

// envelope is SynergyCP's response body. Error is false on success and
// anything else (the message, as a rule) on failure; SynergyCP's own client
// treats every error !== false as a failure, whatever the HTTP status.
type envelope struct {
	Error    json.RawMessage `json:"error"`
	Messages []struct {
		Text string `json:"text"`
	} `json:"messages"`
	Data json.RawMessage `json:"data"`
}

func (e envelope) succeeded() bool {
	return string(bytes.TrimSpace(e.Error)) == "false"
}

// message is the vendor's explanation: the first message, else the error.
func (e envelope) message() string {
	for _, m := range e.Messages {
		if m.Text != "" {
			return m.Text
		}
	}
	var s string
	if json.Unmarshal(e.Error, &s) == nil {
		return s
	}
	return ""
}

// ignored reports data.ignored: SynergyCP declined an automatic ("auto":
// true) suspension or wipe because the client is a VIP whose servers staff
// handle by hand.
func (e envelope) ignored() bool {
	var d struct {
		Ignored flag `json:"ignored"`
	}
	return json.Unmarshal(e.Data, &d) == nil && bool(d.Ignored)
}

// failure is the one place a SynergyCP failure becomes a platform error.
// The message names the call and repeats the vendor's text, never the
// API key.
func (a *api) failure(method, path string, status int, env envelope) error {
	msg := env.message()
	if msg == "" {
		msg = fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
	}
	msg = strings.ReplaceAll(msg, a.key, "[key]")
	what := fmt.Sprintf("synergycp %s %s", method, path)
	if env.ignored() {
		return platform.Errorf(platform.ECONFLICT, "%s: SynergyCP ignored the automatic action for a VIP client, staff must do it by hand: %s", what, msg)
	}
	code := platform.EINTERNAL
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		code = platform.EUNAUTHORIZED
	case http.StatusNotFound:
		code = platform.ENOTFOUND
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		code = platform.EINVALID
	case http.StatusConflict:
		code = platform.ECONFLICT
	case http.StatusTooManyRequests:
		code = platform.ERATELIMITED
	}
	return platform.Errorf(code, "%s: %s", what, msg)
}
