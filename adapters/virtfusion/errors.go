package virtfusion

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"ezscale.cloud/platform"
)

// apiError turns a VirtFusion answer outside 2xx into a coded platform
// error, in the one place that maps statuses to codes:
//
//   - 401, 403: the token is wrong or lacks the permission (EUNAUTHORIZED);
//   - 404: no such server, user or package (ENOTFOUND);
//   - 400, 422: the request failed validation (EINVALID);
//   - 409, 423: a conflict, or the server is locked by a running task, so
//     a later retry can succeed (ECONFLICT);
//   - 429: rate limited (ERATELIMITED);
//   - anything else: EINTERNAL.
//
// The message carries VirtFusion's own words, never the request, so no
// token or password leaks into logs.
func apiError(what string, status int, body []byte) error {
	code := platform.EINTERNAL
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		code = platform.EUNAUTHORIZED
	case http.StatusNotFound:
		code = platform.ENOTFOUND
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		code = platform.EINVALID
	case http.StatusConflict, http.StatusLocked:
		code = platform.ECONFLICT
	case http.StatusTooManyRequests:
		code = platform.ERATELIMITED
	}
	field, msg := vendorMessage(body)
	return &platform.Error{Code: code, Field: field, Message: "virtfusion " + what,
		Err: &vendorError{Status: status, Msg: msg}}
}

// vendorError is VirtFusion's answer to a failed call, kept under the
// platform error for callers that must tell VirtFusion's own "not found"
// from a 404 of a wrong address.
type vendorError struct {
	Status int
	Msg    string
}

func (e *vendorError) Error() string {
	s := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

// serverGone reports whether err is VirtFusion saying the server does not
// exist, with the message the WHMCS module relies on, rather than any 404
// (a wrong base URL also answers 404, and must not count as a deletion).
func serverGone(err error) bool {
	var ve *vendorError
	return errors.As(err, &ve) && ve.Status == http.StatusNotFound && strings.EqualFold(ve.Msg, "server not found")
}

// errorBody holds the shapes VirtFusion's errors come in: {"msg": ...}
// from its own handlers (the WHMCS module reads "server not found" there),
// {"message": ...} from the framework (401 "Unauthenticated."), and
// "errors" as a list of strings (the spec's 422) or as a map of field to
// messages (Laravel validation).
type errorBody struct {
	Msg     string          `json:"msg"`
	Message string          `json:"message"`
	Errors  json.RawMessage `json:"errors"`
}

// vendorMessage reads the field at fault, if VirtFusion names one, and the
// first error message from an error body.
func vendorMessage(body []byte) (field, msg string) {
	var e errorBody
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	var list []string
	if json.Unmarshal(e.Errors, &list) == nil && len(list) > 0 {
		return "", list[0]
	}
	var byField map[string][]string
	if json.Unmarshal(e.Errors, &byField) == nil && len(byField) > 0 {
		fields := make([]string, 0, len(byField))
		for f := range byField {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		return fields[0], strings.Join(byField[fields[0]], " ")
	}
	if e.Msg != "" {
		return "", e.Msg
	}
	return "", e.Message
}
