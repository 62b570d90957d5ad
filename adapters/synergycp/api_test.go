package synergycp

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/synergycp/synergycptest"
)

const secretKey = "secret-admin-key-123"

// panelAnswering returns a Panel whose API answers every call with status
// and body.
func panelAnswering(t *testing.T, status int, body string) *Panel {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	p, err := New(Config{BaseURL: srv.URL, APIKey: secretKey, Plans: testPlans()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVendorFailuresMapToPlatformCodes(t *testing.T) {
	failure := func(text string) string {
		return `{"error":"` + text + `","messages":[{"text":"` + text + `"}],"data":null}`
	}
	for _, tc := range []struct {
		name   string
		status int
		body   string
		code   string
	}{
		{"unauthenticated", 401, failure("Unauthenticated."), platform.EUNAUTHORIZED},
		{"forbidden", 403, failure("This action is unauthorized."), platform.EUNAUTHORIZED},
		{"not found", 404, failure("No query results for model [Server]."), platform.ENOTFOUND},
		{"validation", 422, failure("The email has already been taken."), platform.EINVALID},
		{"bad request", 400, failure("Malformed."), platform.EINVALID},
		{"conflict", 409, failure("Busy."), platform.ECONFLICT},
		{"rate limited", 429, failure("Too Many Attempts."), platform.ERATELIMITED},
		{"error at HTTP 200", 200, failure("Switch unreachable."), platform.EINTERNAL},
		{"envelope without error", 200, `{"messages":[],"data":{"data":[],"last_page":1}}`, platform.EINTERNAL},
		{"ignored for a VIP at HTTP 200", 200, `{"error":"Ignored.","messages":[],"data":{"ignored":1}}`, platform.ECONFLICT},
		{"proxy error page", 502, `<html>Bad Gateway</html>`, platform.EINTERNAL},
		{"server error", 500, failure("Server Error"), platform.EINTERNAL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := panelAnswering(t, tc.status, tc.body).TestConnection(context.Background())
			wantCode(t, err, tc.code)
		})
	}
}

func TestFailuresNameTheVendorMessageButNotTheKey(t *testing.T) {
	body := `{"error":"Key ` + secretKey + ` lacks permission","messages":[{"text":"Key ` + secretKey + ` lacks permission"}],"data":null}`
	err := panelAnswering(t, 500, body).TestConnection(context.Background())
	if !strings.Contains(err.Error(), "lacks permission") || strings.Contains(err.Error(), secretKey) {
		t.Fatalf("error %q should carry the vendor's message without the key", err)
	}

	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens: the call fails in transport
	p, _ := New(Config{BaseURL: srv.URL, APIKey: secretKey, Plans: testPlans()})
	err = p.TestConnection(context.Background())
	wantCode(t, err, platform.EINTERNAL)
	if strings.Contains(err.Error(), secretKey) {
		t.Fatalf("transport error %q leaks the key", err)
	}
}

func TestListsArePagedThrough(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		asked = append(asked, q.Get("page")+"/"+q.Get("per_page"))
		n, _ := strconv.Atoi(q.Get("page"))
		fmt.Fprintf(w, `{"error":false,"messages":[],"data":{"data":[{"id":%d},{"id":%d}],"current_page":%d,"last_page":3}}`, 2*n-1, 2*n, n)
	}))
	t.Cleanup(srv.Close)
	a := &api{base: srv.URL, key: "k", http: srv.Client()}
	var ids []int64
	err := each(context.Background(), a, "server", nil, 2, func(s server) bool {
		ids = append(ids, s.ID)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids) != "[1 2 3 4 5 6]" || strings.Join(asked, " ") != "1/2 2/2 3/2" {
		t.Fatalf("visited %v asking %v", ids, asked)
	}
}

func TestRequestsCarryTheKeyAsAQueryParameter(t *testing.T) {
	var query, contentType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query, contentType = r.URL.RawQuery, r.Header.Get("Content-Type")
		fmt.Fprint(w, `{"error":false,"messages":[],"data":{"key":"client-key"}}`)
	}))
	t.Cleanup(srv.Close)
	p, _ := New(Config{BaseURL: srv.URL + "/", APIKey: secretKey, Plans: testPlans()})
	if _, err := p.clientKey(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	if query != "key="+secretKey || contentType != "application/json" {
		t.Fatalf("query %q, content type %q", query, contentType)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	good := Config{BaseURL: "https://api.synergycp.example", APIKey: "k", Plans: testPlans()}
	for field, mutate := range map[string]func(*Config){
		"base_url": func(c *Config) { c.BaseURL = "api.synergycp.example" },
		"api_key":  func(c *Config) { c.APIKey = " " },
		"plans":    func(c *Config) { c.Plans = map[string]Plan{"x": {MemBilling: "MEM"}} },
	} {
		cfg := good
		mutate(&cfg)
		_, err := New(cfg)
		wantCode(t, err, platform.EINVALID)
		if platform.ErrorField(err) != field {
			t.Fatalf("%s: error %v names field %q", field, err, platform.ErrorField(err))
		}
	}
	if _, err := New(good); err != nil {
		t.Fatal(err)
	}
}

func TestFakeRefusesClientKeysOnAdminCalls(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	id := provisioned(t, p, 40, "e3-10tb")
	st, _ := fake.State(serverOf(t, id))
	key, err := p.clientKey(context.Background(), st.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	asClient := &Panel{api: p.api.withKey(key), plans: p.plans}
	wantCode(t, asClient.TestConnection(context.Background()), platform.EUNAUTHORIZED)
}
