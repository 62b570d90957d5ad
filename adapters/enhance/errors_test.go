package enhance

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/enhance/enhancetest"
)

func TestResponseErrorsMapToPlatformCodes(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		code   string
		says   string
	}{
		{400, `{"code":"invalid_input","message":"planId is required"}`, platform.EINVALID, "invalid_input: planId is required"},
		{401, `{"code":"unauthorized"}`, platform.EUNAUTHORIZED, "401 Unauthorized: unauthorized"},
		{403, ``, platform.EUNAUTHORIZED, "403 Forbidden"},
		{404, `{"code":"not_found","detail":"no such website"}`, platform.ENOTFOUND, "not_found: no such website"},
		{409, `{"code":"already_exists"}`, platform.ECONFLICT, "already_exists"},
		{500, `upstream exploded`, platform.EINTERNAL, "500 Internal Server Error: upstream exploded"},
		{502, `<html>bad gateway</html>`, platform.EINTERNAL, "<html>bad gateway</html>"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		p, err := New(Config{BaseURL: srv.URL + "/api", APIKey: "secret-token-value", OrgID: "mo"})
		if err != nil {
			t.Fatal(err)
		}
		err = p.Suspend(context.Background(), "org:5")
		srv.Close()
		if platform.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%d %s: got %v (code %s), want code %s saying %q", tc.status, tc.body, err, platform.ErrorCode(err), tc.code, tc.says)
		}
		if !strings.Contains(err.Error(), "GET /orgs/org/subscriptions/5") || strings.Contains(err.Error(), "secret-token-value") {
			t.Errorf("message %q should name the call and never the token", err)
		}
	}
}

func TestErrorsNeverCarryThePassword(t *testing.T) {
	fake := enhancetest.New(t)
	orphan := fake.AddCustomer("Ada", "ada@example.com", "x")
	deleteOrg(t, fake, orphan)
	_, err := newPanel(t, fake, enhancetest.Token).Create(context.Background(), hostingRequest(31))
	if err == nil || strings.Contains(err.Error(), hostingRequest(31).Password) {
		t.Fatalf("error %v", err)
	}
}

func TestTestConnectionNamesAnUnknownOrganisation(t *testing.T) {
	fake := enhancetest.New(t)
	p, err := New(Config{BaseURL: fake.URL, APIKey: enhancetest.Token, OrgID: "5f0c1d8e-0000-4000-8000-0000000000ff"})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, p.TestConnection(context.Background()), platform.EINVALID, "org_id")
}

func TestNewValidatesTheConfig(t *testing.T) {
	good := Config{BaseURL: "https://cp.example.com/api", APIKey: "token", OrgID: "mo"}
	for field, cfg := range map[string]Config{
		"base_url": {APIKey: "token", OrgID: "mo"},
		"api_key":  {BaseURL: good.BaseURL, APIKey: " ", OrgID: "mo"},
		"org_id":   {BaseURL: good.BaseURL, APIKey: "token"},
	} {
		_, err := New(cfg)
		wantCode(t, err, platform.EINVALID, field)
	}
	for _, base := range []string{"cp.example.com/api", "ftp://cp.example.com", "https://"} {
		cfg := good
		cfg.BaseURL = base
		_, err := New(cfg)
		wantCode(t, err, platform.EINVALID, "base_url")
	}
	if _, err := New(good); err != nil {
		t.Fatal(err)
	}
}
