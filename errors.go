package platform

import (
	"errors"
	"fmt"
)

// Error codes form a closed set; HTTP and other edges map them to status
// codes in one place.
const (
	EINVALID         = "invalid"
	ENOTFOUND        = "not_found"
	ECONFLICT        = "conflict"
	EUNAUTHORIZED    = "unauthorized"
	EFORBIDDEN       = "forbidden"
	EINTERNAL        = "internal"
	EPAYMENTDECLINED = "payment_declined"
	// ERATELIMITED means too many attempts: try again later (HTTP 429).
	ERATELIMITED = "rate_limited"
	// EUNAVAILABLE means an outside system (a panel, Discord) did not
	// answer: its fault, not the caller's (HTTP 502).
	EUNAVAILABLE = "unavailable"
)

// Error is the one error type the platform's packages return for failures a
// caller can act on. Field names the input at fault when the error is about
// bad input, so an API can point at it.
type Error struct {
	Code    string
	Field   string
	Message string
	Err     error
}

// Error renders the error for logs: code, field and message.
func (e *Error) Error() string {
	s := e.Code
	if e.Field != "" {
		s += " " + e.Field
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the wrapped cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one input field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorField returns the field of the first *Error in err's chain.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// UnderField puts the field of err's *Error under prefix, so a nested
// value's "pattern" is reported as "invoice_numbers.pattern"; an error
// naming no field names prefix itself. Other errors come back unchanged.
func UnderField(prefix string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	cp := *e
	cp.Field = prefix
	if e.Field != "" {
		cp.Field = prefix + "." + e.Field
	}
	return &cp
}
