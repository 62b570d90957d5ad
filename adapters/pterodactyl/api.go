package pterodactyl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// api is one of the panel's two APIs, each with its own key.
type api int

const (
	application api = iota
	client
)

// acceptHeader is the media type the panel's API documentation asks
// clients to send; it is also what makes the panel answer errors as JSON
// rather than redirecting to its login page.
const acceptHeader = "Application/vnd.pterodactyl.v1+json"

// call sends one request to the panel and decodes a 2xx answer into out
// (nil for none). path starts with "/api/...". what names the operation
// for error messages.
func (p *Panel) call(ctx context.Context, which api, method, path string, query url.Values, body, out any, what string) error {
	u := p.baseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("pterodactyl %s: encode request: %w", what, err)
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, reader)
	if err != nil {
		return fmt.Errorf("pterodactyl %s: %w", what, err)
	}
	key := p.appKey
	if which == client {
		key = p.clientKey
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", acceptHeader)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: "pterodactyl " + what + ": panel unreachable", Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: "pterodactyl " + what + ": read answer", Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return translate(resp.StatusCode, raw, what)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: "pterodactyl " + what + ": answer is not the panel's JSON", Err: err}
	}
	return nil
}

// vendorError is one entry of the panel's {"errors":[...]} body.
type vendorError struct {
	Code   string `json:"code"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	Meta   struct {
		SourceField string `json:"source_field"`
		Rule        string `json:"rule"`
	} `json:"meta"`
}

// translate turns a failed answer into a coded error, in one place for
// every call. Both 401 (unknown key) and 403 (a key of the wrong kind or
// without the permission) mean the configured keys do not work. A 400
// from deploy means no node or allocation is free: staff must add
// capacity, which is ENEEDSHARDWARE rather than a bad request. The detail
// quoted is the panel's own text, which never holds our keys or passwords.
func translate(status int, raw []byte, what string) error {
	var body struct {
		Errors []vendorError `json:"errors"`
	}
	_ = json.Unmarshal(raw, &body)
	first := vendorError{Code: http.StatusText(status)}
	if len(body.Errors) > 0 {
		first = body.Errors[0]
	}
	code := platform.EINTERNAL
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		code = platform.EUNAUTHORIZED
	case status == http.StatusNotFound:
		code = platform.ENOTFOUND
	case status == http.StatusConflict:
		code = platform.ECONFLICT
	case status == http.StatusTooManyRequests:
		code = platform.ERATELIMITED
	case first.Code == "NoViableNodeException" || first.Code == "NoViableAllocationException":
		code = provisioning.ENEEDSHARDWARE
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		code = platform.EINVALID
	}
	msg := "pterodactyl " + what + ": " + strconv.Itoa(status) + " " + first.Code
	if first.Detail != "" {
		msg += ": " + first.Detail
	}
	if len(body.Errors) > 1 {
		for _, more := range body.Errors[1:] {
			msg += "; " + more.Detail
		}
	}
	return &platform.Error{Code: code, Field: first.Meta.SourceField, Message: msg}
}

// item is the panel's envelope around one object.
type item[T any] struct {
	Object     string `json:"object"`
	Attributes T      `json:"attributes"`
}

// page is the panel's envelope around a page of a list.
type page[T any] struct {
	Data []item[T] `json:"data"`
	Meta struct {
		Pagination struct {
			CurrentPage int `json:"current_page"`
			TotalPages  int `json:"total_pages"`
		} `json:"pagination"`
	} `json:"meta"`
}

// perPage is how many list entries to ask for at once.
const perPage = 100

// find walks the pages of an application API list until match accepts an
// entry, and returns it; found is false when no page held one.
func find[T any](ctx context.Context, p *Panel, path string, query url.Values, what string, match func(T) bool) (found T, ok bool, err error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("per_page", strconv.Itoa(perPage))
	for n := 1; ; n++ {
		q.Set("page", strconv.Itoa(n))
		var pg page[T]
		if err := p.call(ctx, application, http.MethodGet, path, q, nil, &pg, what); err != nil {
			return found, false, err
		}
		for _, it := range pg.Data {
			if match(it.Attributes) {
				return it.Attributes, true, nil
			}
		}
		if pg.Meta.Pagination.CurrentPage >= pg.Meta.Pagination.TotalPages || len(pg.Data) == 0 {
			return found, false, nil
		}
	}
}
