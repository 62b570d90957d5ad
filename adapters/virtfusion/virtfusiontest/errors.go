package virtfusiontest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// apiError is a VirtFusion error answer.
type apiError struct {
	status int
	body   any
}

// invalid is the documented 422: {"errors": [messages]}.
func invalid(messages ...string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, map[string]any{"errors": messages}}
}

// notFound is VirtFusion's own 404, {"msg": ...}, as the WHMCS module
// reads it ("server not found", "ext_relation_id not found").
func notFound(msg string) *apiError {
	return &apiError{http.StatusNotFound, map[string]string{"msg": msg}}
}

func writeError(w http.ResponseWriter, e *apiError) { writeJSON(w, e.status, e.body) }

// readBody checks and reads a request body: none at all, or JSON sent as
// application/json. It returns the body as a map for the request log and
// leaves it readable for the handler.
func readBody(r *http.Request) (map[string]any, *apiError) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, invalid("The request body could not be read.")
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return nil, invalid("The request body must be sent as application/json.")
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil, invalid("The request body is not a JSON object.")
	}
	return m, nil
}

// decode reads a JSON body into v strictly: an unknown field or a value of
// the wrong type is a 422 naming the field. An empty body leaves v as is,
// for the handler's required-field checks to catch.
func decode(r *http.Request, v any) *apiError {
	raw, _ := io.ReadAll(r.Body)
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return invalid("The " + te.Field + " field must be of type " + te.Type.String() + ".")
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return invalid("The request has an " + strings.TrimPrefix(err.Error(), "json: ") + ".")
	default:
		return invalid("The request body is not valid JSON.")
	}
}

// required is the 422 for a missing required field.
func required(field string) *apiError {
	return invalid("The " + field + " field is required.")
}

// pathID reads a numeric path parameter; anything else matches no record.
func pathID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0
	}
	return id
}
