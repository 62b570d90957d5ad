package humaop_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
)

// caller records that its resolver ran, as the API's request type does.
type caller struct{ resolved bool }

func (c *caller) Resolve(huma.Context) []error {
	c.resolved = true
	return nil
}

type itemInput struct {
	caller
	ID    int64     `path:"id" minimum:"1"`
	Limit int       `query:"limit" minimum:"1" maximum:"50" default:"5"`
	Since time.Time `query:"since"`
	Body  struct {
		Name  string `json:"name" minLength:"1" maxLength:"10"`
		Notes string `json:"notes,omitempty"`
	}
}

type itemOutput struct {
	SetCookie []http.Cookie `header:"Set-Cookie"`
	Body      struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Limit    int    `json:"limit"`
		Since    string `json:"since,omitempty"`
		Resolved bool   `json:"resolved"`
	}
}

type listInput struct {
	Version int64 `query:"version" required:"true"`
}

type pdfOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

func newAPI(t *testing.T) (*httptest.Server, huma.API) {
	t.Helper()
	mux := http.NewServeMux()
	api := humago.New(mux, huma.DefaultConfig("test", "1"))
	humaop.Register(api, huma.Operation{OperationID: "put-item", Method: http.MethodPut, Path: "/items/{id}", MaxBodyBytes: 64},
		func(_ context.Context, in *itemInput) (*itemOutput, error) {
			out := &itemOutput{SetCookie: []http.Cookie{{Name: "a", Value: "1"}, {Name: "b", Value: "2"}}}
			out.Body.ID, out.Body.Name, out.Body.Limit, out.Body.Resolved = in.ID, in.Body.Name, in.Limit, in.resolved
			if !in.Since.IsZero() {
				out.Body.Since = in.Since.UTC().Format(time.RFC3339)
			}
			return out, nil
		})
	humaop.Register(api, huma.Operation{OperationID: "list", Method: http.MethodGet, Path: "/list"},
		func(_ context.Context, in *listInput) (*struct{}, error) {
			switch in.Version {
			case 404:
				return nil, huma.Error404NotFound("no such version")
			case 500:
				return nil, errors.New("disk full")
			}
			return nil, nil
		})
	humaop.Register(api, huma.Operation{OperationID: "pdf", Method: http.MethodGet, Path: "/pdf"},
		func(context.Context, *struct{}) (*pdfOutput, error) {
			return &pdfOutput{ContentType: "application/pdf", Body: []byte("%PDF-1.4")}, nil
		})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, api
}

func do(t *testing.T, srv *httptest.Server, method, path, contentType, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestBindsParamsBodyAndResolvers(t *testing.T) {
	srv, _ := newAPI(t)
	resp, body := do(t, srv, http.MethodPut, "/items/7?since=2026-01-02T03:04:05Z", "", `{"name":"box"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var got struct {
		ID       int64
		Name     string
		Limit    int
		Since    string
		Resolved bool
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != 7 || got.Name != "box" || got.Limit != 5 || got.Since != "2026-01-02T03:04:05Z" || !got.Resolved {
		t.Fatalf("bound %+v, want id 7, name box, the default limit 5, the since time, resolved", got)
	}
	if c := resp.Header.Values("Set-Cookie"); len(c) != 2 || c[0] != "a=1" || c[1] != "b=2" {
		t.Fatalf("Set-Cookie %q, want both cookies", c)
	}
}

func TestRefusesBadInputNamingTheField(t *testing.T) {
	srv, _ := newAPI(t)
	for _, tc := range []struct {
		name, path, contentType, body string
		status                        int
		want                          string
	}{
		{"path below minimum", "/items/0", "", `{"name":"box"}`, 422, `"location":"path.id"`},
		{"query not a number", "/items/1?limit=many", "", `{"name":"box"}`, 422, `"location":"query.limit"`},
		{"query above maximum", "/items/1?limit=51", "", `{"name":"box"}`, 422, `"location":"query.limit"`},
		{"bad time", "/items/1?since=yesterday", "", `{"name":"box"}`, 422, `"location":"query.since"`},
		{"body field too long", "/items/1", "", `{"name":"abcdefghijk"}`, 422, `"location":"body.name"`},
		{"unknown body field", "/items/1", "", `{"name":"box","price":"0"}`, 422, `"location":"body.price"`},
		{"missing body", "/items/1", "", ``, 400, `request body is required`},
		{"not JSON", "/items/1", "", `{"name":`, 400, `"location":"body"`},
		{"unknown media type", "/items/1", "text/csv", `name`, 415, `"location":"body"`},
		{"too large", "/items/1", "", `{"name":"box","notes":"` + strings.Repeat("x", 80) + `"}`, 413, `too large`},
		{"required query missing", "/list", "", ``, 422, `"location":"query.version"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := http.MethodPut
			if tc.path == "/list" {
				method = http.MethodGet
			}
			resp, body := do(t, srv, method, tc.path, tc.contentType, tc.body)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("got %d %s, want %d with %s", resp.StatusCode, body, tc.status, tc.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("error Content-Type %q, want huma's problem+json", ct)
			}
		})
	}
}

func TestWritesHandlerResults(t *testing.T) {
	srv, _ := newAPI(t)
	if resp, body := do(t, srv, http.MethodGet, "/list?version=1", "", ""); resp.StatusCode != http.StatusNoContent || body != "" {
		t.Fatalf("no output: got %d %q, want 204 and no body", resp.StatusCode, body)
	}
	if resp, body := do(t, srv, http.MethodGet, "/list?version=404", "", ""); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "no such version") {
		t.Fatalf("status error: got %d %s", resp.StatusCode, body)
	}
	resp, body := do(t, srv, http.MethodGet, "/list?version=500", "", "")
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "unexpected error occurred") {
		t.Fatalf("plain error: got %d %s, want huma's 500", resp.StatusCode, body)
	}
	resp, body = do(t, srv, http.MethodGet, "/pdf", "", "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || body != "%PDF-1.4" {
		t.Fatalf("raw body: got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestDocumentsTheOperation(t *testing.T) {
	_, api := newAPI(t)
	op := api.OpenAPI().Paths["/items/{id}"].Put
	if op == nil {
		t.Fatal("put-item is not in the OpenAPI document")
	}
	var names []string
	for _, p := range op.Parameters {
		names = append(names, p.In+"."+p.Name)
	}
	if strings.Join(names, " ") != "path.id query.limit query.since" {
		t.Fatalf("parameters %v", names)
	}
	if op.RequestBody == nil || !op.RequestBody.Required || op.RequestBody.Content["application/json"].Schema == nil {
		t.Fatal("the JSON body is not documented as required")
	}
	ok := op.Responses["200"]
	if ok == nil || ok.Content["application/json"].Schema == nil || ok.Headers["Set-Cookie"] == nil {
		t.Fatalf("200 response not documented with its body and Set-Cookie: %+v", ok)
	}
	if op.Responses["default"] == nil {
		t.Fatal("no default error response")
	}
	if list := api.OpenAPI().Paths["/list"].Get; list.Responses["204"] == nil {
		t.Fatal("an operation without a body is not documented as 204")
	}
}
