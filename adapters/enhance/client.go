package enhance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"ezscale.cloud/platform"
)

// path joins escaped segments into an API path such as
// /orgs/<id>/websites.
func (p *Panel) path(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// do sends one API call: body, when not nil, as JSON, and the response, on
// a 2xx status, decoded into out when out is not nil. Any other status
// becomes a coded error through responseError.
func (p *Panel) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	u := *p.base
	u.Path += path
	u.RawQuery = query.Encode()
	var payload io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &platform.Error{Code: platform.EINTERNAL, Message: "enhance: encode " + method + " " + path, Err: err}
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), payload)
	if err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: "enhance: build " + method + " " + path, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+p.apiKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: "enhance: " + method + " " + path, Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: "enhance: read " + method + " " + path, Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return responseError(method, path, resp.StatusCode, raw)
	}
	if out == nil || len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: fmt.Sprintf("enhance: decode %s %s", method, path), Err: err}
	}
	return nil
}
