package main

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Staff change the business settings in the running app: a bad pattern
// is refused at its field, a save over a stale version is refused, and the
// next order's invoice carries the new company and numbering. The change
// is in the audit log, and connections show without secrets.
func TestSettingsOverHTTP(t *testing.T) {
	base, out := server(t, filepath.Join(t.TempDir(), "ezscale.db"))
	c := signInDemoAdmin(t, base, out)
	c.enrolTOTP()

	var business struct {
		Settings map[string]any
		Version  int64
	}
	c.call("GET", "/admin/settings/business", nil, http.StatusOK, &business)
	company := business.Settings["company"].(map[string]any)
	if business.Version != 0 || company["name"] != "EZSCALE Hosting" {
		t.Fatalf("default business settings: %+v", business)
	}
	numbers := business.Settings["invoice_numbers"].(map[string]any)
	numbers["pattern"] = "ACME-{YYYY}"
	var problem struct {
		Errors []struct{ Location string }
	}
	c.call("PUT", "/admin/settings/business", business, http.StatusUnprocessableEntity, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].Location != "body.settings.invoice_numbers.pattern" {
		t.Fatalf("bad pattern refused with %+v", problem)
	}
	numbers["pattern"] = "ACME-{YYYY}-{SEQ:4}"
	company["name"] = "Acme Hosting Ltd"
	var saved struct{ Version int64 }
	c.call("PUT", "/admin/settings/business", business, http.StatusOK, &saved)
	if saved.Version != 1 {
		t.Fatalf("saved as version %d", saved.Version)
	}
	c.call("PUT", "/admin/settings/business", business, http.StatusConflict, nil)
	if status, page := get(t, base+"/"); status != http.StatusOK || !strings.Contains(page, "Acme Hosting Ltd") {
		t.Fatalf("the storefront (%d) does not show the renamed company", status)
	}

	var catalog struct{ Plans []struct{ ID int64 } }
	c.call("GET", "/catalog", nil, http.StatusOK, &catalog)
	var order struct {
		Invoice struct{ Number string }
	}
	c.call("POST", "/orders", map[string]any{"plan_id": catalog.Plans[0].ID, "currency": "USD", "cycle": "monthly"}, http.StatusCreated, &order)
	if want := "ACME-" + itoa(int64(time.Now().UTC().Year())) + "-0001"; order.Invoice.Number != want {
		t.Fatalf("the next invoice is numbered %q, want %q", order.Invoice.Number, want)
	}

	var audit struct {
		Entries []struct{ Action string }
	}
	c.call("GET", "/admin/audit?action=settings.business", nil, http.StatusOK, &audit)
	if len(audit.Entries) != 1 {
		t.Fatalf("audit entries for the save: %+v", audit)
	}

	var conns struct {
		Panels []struct {
			Name, Source string
		}
		Gateway struct {
			Name    string
			Sandbox bool
		}
	}
	c.call("GET", "/admin/settings/connections", nil, http.StatusOK, &conns)
	if !conns.Gateway.Sandbox || len(conns.Panels) != 4 || conns.Panels[0].Source != "sandbox" {
		t.Fatalf("connections: %+v", conns)
	}
	c.call("PUT", "/admin/settings/panels/virtfusion", map[string]any{"config": map[string]any{"BaseURL": "not a url"}, "version": 0},
		http.StatusUnprocessableEntity, &problem)
	if len(problem.Errors) != 1 || !strings.HasPrefix(problem.Errors[0].Location, "body.config") {
		t.Fatalf("bad panel connection refused with %+v", problem)
	}
}

// hostJar keeps cookies by name whatever their domain, as a browser on a
// subdomain of the cookie's domain would send them.
type hostJar struct {
	cookies map[string]*http.Cookie
	domains []string
}

func (j *hostJar) SetCookies(_ *url.URL, cs []*http.Cookie) {
	for _, c := range cs {
		j.cookies[c.Name] = c
		j.domains = append(j.domains, c.Domain)
	}
}

func (j *hostJar) Cookies(*url.URL) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range j.cookies {
		if c.MaxAge >= 0 && c.Value != "" {
			out = append(out, c)
		}
	}
	return out
}

// With a cookie domain the admin and account hosts share the session
// cookie, and impersonating answers where the customer's area is.
func TestImpersonationAcrossHosts(t *testing.T) {
	base, out := serverWithConfig(t, `"web": {"cookie_domain": "ezscale.test", "public_url": "http://account.ezscale.test:8080"},
	  "site": {"URL": "http://account.ezscale.test:8080"}`)
	email, password := demoAdmin(t, out)
	jar := &hostJar{cookies: map[string]*http.Cookie{}}
	c := &apiClient{t: t, base: base + "/api/v1", http: &http.Client{Jar: jar}}
	c.call("POST", "/auth/login", map[string]string{"email": email, "password": password}, http.StatusOK, nil)
	if len(jar.domains) == 0 || jar.domains[0] != "ezscale.test" {
		t.Fatalf("session cookie domains %v, want ezscale.test", jar.domains)
	}
	c.enrolTOTP()

	customer := &apiClient{t: t, base: base + "/api/v1", http: &http.Client{Jar: newJar(t)}}
	var ada struct{ ID int64 }
	customer.call("POST", "/auth/register", map[string]string{"email": "ada@example.com", "password": "correct horse battery"}, http.StatusCreated, &ada)
	var imp struct{ URL string }
	c.call("POST", "/admin/customers/"+itoa(ada.ID)+"/impersonate", nil, http.StatusOK, &imp)
	if imp.URL != "http://account.ezscale.test:8080/" {
		t.Fatalf("impersonation goes to %q", imp.URL)
	}
	var me struct {
		User          struct{ Email string }
		Impersonating bool `json:"impersonating"`
	}
	c.call("GET", "/auth/me", nil, http.StatusOK, &me)
	if me.User.Email != "ada@example.com" || !me.Impersonating {
		t.Fatalf("after impersonating, the shared cookie is %+v", me)
	}
}
