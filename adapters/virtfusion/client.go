package virtfusion

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"ezscale.cloud/platform"
)

// maxResponse bounds how much of an answer is read; a full server object
// with remote state is tens of kilobytes.
const maxResponse = 4 << 20

// call sends one API request and decodes a JSON answer into out (which may
// be nil). in, when not nil, is sent as the JSON body. Any answer outside
// 2xx comes back as a coded platform error; what names the operation in
// its message.
func (p *Panel) call(ctx context.Context, what, method, path string, query url.Values, in, out any) error {
	u := p.api.JoinPath(path)
	u.RawQuery = query.Encode()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("virtfusion %s: encode request: %w", what, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return fmt.Errorf("virtfusion %s: %w", what, err)
	}
	req.Header.Set("Authorization", "Bearer "+p.key)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := p.http.Do(req)
	if err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: "virtfusion " + what, Err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: "virtfusion " + what + ": read answer", Err: err}
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return apiError(what, res.StatusCode, raw)
	}
	if out == nil || len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: fmt.Sprintf("virtfusion %s: unexpected answer", what), Err: err}
	}
	return nil
}

// envelope is the {"data": ...} wrapper around most VirtFusion answers.
type envelope[T any] struct {
	Data T `json:"data"`
}
