package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// statusOf maps each platform error code to its HTTP status: the one place
// the API decides this.
var statusOf = map[string]int{
	platform.EINVALID:         http.StatusUnprocessableEntity,
	platform.ENOTFOUND:        http.StatusNotFound,
	platform.ECONFLICT:        http.StatusConflict,
	platform.EUNAUTHORIZED:    http.StatusUnauthorized,
	platform.EFORBIDDEN:       http.StatusForbidden,
	platform.EPAYMENTDECLINED: http.StatusPaymentRequired,
	platform.ERATELIMITED:     http.StatusTooManyRequests,
	platform.EUNAVAILABLE:     http.StatusBadGateway,
	// A dedicated server waits for staff to assign hardware.
	provisioning.ENEEDSHARDWARE: http.StatusConflict,
	// The panel does not offer the operation (e.g. sign-on).
	provisioning.EUNSUPPORTED: http.StatusNotImplemented,
}

// apiError turns a service error into the API's error response (nil stays
// nil). Errors
// that are not platform errors are internal: logged with their cause, and
// answered with a 500 that reveals nothing.
func apiError(log *slog.Logger, err error) error {
	if err == nil {
		return nil
	}
	var perr *platform.Error
	if !errors.As(err, &perr) || perr.Code == platform.EINTERNAL {
		log.Error("internal error", "err", err)
		return huma.Error500InternalServerError("internal error")
	}
	status, ok := statusOf[perr.Code]
	if !ok {
		log.Error("unmapped error code", "code", perr.Code, "err", err)
		return huma.Error500InternalServerError("internal error")
	}
	var details []error
	if perr.Field != "" {
		details = append(details, &huma.ErrorDetail{Message: perr.Message, Location: location(perr.Field)})
	}
	return huma.NewError(status, perr.Message, details...)
}

// location is where a service error's field came from: the body, unless the
// handler put it under a parameter's location (platform.UnderField("query",
// err) for a report range read from the query string).
func location(field string) string {
	switch loc, _, _ := strings.Cut(field, "."); loc {
	case "query", "path", "header":
		return field
	}
	return "body." + field
}
