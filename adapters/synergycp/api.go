package synergycp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"ezscale.cloud/platform"
)

// api speaks SynergyCP's HTTP protocol: the key query parameter, JSON
// bodies on writes, and the {"error", "messages", "data"} envelope.
type api struct {
	base string
	key  string
	http *http.Client
}

// withKey returns the same API acting with another key, a client-owned
// one for the calls SynergyCP makes on a client's behalf.
func (a *api) withKey(key string) *api {
	c := *a
	c.key = key
	return &c
}

// url returns the address of a resource path with the query and the key,
// as SynergyCP's PHP client builds it: <base>/<path>?<query>&key=<key>.
func (a *api) url(path string, query url.Values) string {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("key", a.key)
	return a.base + "/" + path + "?" + q.Encode()
}

// call sends one request and decodes the envelope's data into out (which
// may be nil). GET sends query only; other methods send body as JSON.
func (a *api) call(ctx context.Context, method, path string, query url.Values, body, out any) error {
	var payload io.Reader
	if method != http.MethodGet {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("synergycp %s %s: encode body: %w", method, path, err)
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.url(path, query), payload)
	if err != nil {
		return fmt.Errorf("synergycp %s %s: %w", method, path, unwrapURLError(err))
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: fmt.Sprintf("synergycp %s %s", method, path), Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: fmt.Sprintf("synergycp %s %s: read response", method, path), Err: err}
	}
	var env envelope
	if json.Unmarshal(raw, &env) != nil {
		// Not SynergyCP speaking (a proxy's error page, say): the status
		// is all there is to go on.
		return a.failure(method, path, resp.StatusCode, envelope{})
	}
	if resp.StatusCode >= 300 || !env.succeeded() {
		return a.failure(method, path, resp.StatusCode, env)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: fmt.Sprintf("synergycp %s %s: unexpected data", method, path), Err: err}
	}
	return nil
}

// unwrapURLError drops the *url.Error wrapper, whose text repeats the
// request URL and with it the API key.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// page is one page of a SynergyCP list.
type page[T any] struct {
	Data        []T `json:"data"`
	CurrentPage int `json:"current_page"`
	LastPage    int `json:"last_page"`
}

// pageSize is how many items a list call asks for at once.
const pageSize = 100

// each calls visit on the items of a list, page by page, until visit
// returns false or the last page is done.
func each[T any](ctx context.Context, a *api, path string, filters url.Values, perPage int, visit func(T) bool) error {
	for n := 1; ; n++ {
		q := url.Values{}
		for k, v := range filters {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(n))
		q.Set("per_page", strconv.Itoa(perPage))
		var pg page[T]
		if err := a.call(ctx, http.MethodGet, path, q, nil, &pg); err != nil {
			return err
		}
		for _, item := range pg.Data {
			if !visit(item) {
				return nil
			}
		}
		if len(pg.Data) == 0 || n >= pg.LastPage {
			return nil
		}
	}
}

// first returns the first item of a list and whether there was one.
func first[T any](ctx context.Context, a *api, path string, filters url.Values) (item T, found bool, err error) {
	err = each(ctx, a, path, filters, 1, func(v T) bool {
		item, found = v, true
		return false
	})
	return item, found, err
}
