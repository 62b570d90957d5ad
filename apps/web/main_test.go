package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"ezscale.cloud/platform/adapters/paypal/paypaltest"
	"ezscale.cloud/platform/apps/internal/syncbuf"
)

// server runs the web app on a free port until the test ends and returns
// its base URL and its output so far.
func server(t *testing.T, db string) (string, *syncbuf.Buffer) {
	t.Helper()
	return serverWith(t, "-sqlite", db)
}

// serverWithConfig runs the web app on a configuration file holding a
// fresh SQLite database and the given JSON sections ("stripe": {...}).
func serverWithConfig(t *testing.T, sections string) (string, *syncbuf.Buffer) {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "ezscale.json")
	body := `{"sqlite": "` + filepath.Join(dir, "ezscale.db") + `", ` + sections + `}`
	if err := os.WriteFile(config, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return serverWith(t, "-config", config)
}

// demoAdmin returns the demo admin's email and password, which a first
// start prints once.
func demoAdmin(t *testing.T, out *syncbuf.Buffer) (email, password string) {
	t.Helper()
	creds := regexp.MustCompile(`Demo admin account \(shown once\): (\S+) / (\S+)`).FindStringSubmatch(out.String())
	if creds == nil {
		t.Fatalf("no admin credentials printed:\n%s", out.String())
	}
	return creds[1], creds[2]
}

// serverWith runs the web app with these flags on a free port.
func serverWith(t *testing.T, flags ...string) (string, *syncbuf.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncbuf.Buffer{}
	addrs := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append(flags, "-addr", "127.0.0.1:0"), out, func(a string) { addrs <- a })
	}()
	select {
	case a := <-addrs:
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("shutdown: %v", err)
			}
		})
		return "http://" + a, out
	case err := <-done:
		cancel()
		t.Fatalf("web did not start: %v\n%s", err, out.String())
	}
	return "", nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestZeroConfigurationStart: with nothing but a database path the app
// seeds a demo catalog and an admin whose password it prints once, serves
// the storefront, the API and the health checks, logs each request with
// an id, and the printed admin can sign in.
func TestZeroConfigurationStart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ezscale.db")
	base, out := server(t, db)

	for path, want := range map[string]string{
		"/healthz": "ok", "/readyz": "ready", "/": "VPS 2 GB", "/vps?currency=EUR": "11.00 EUR",
		"/dedicated": "Dedicated E3-1240", "/terms": "Terms of service", "/api/v1/openapi.json": `"openapi"`,
		"/account/":         `{"area":"account","base":"/account/"}`,
		"/admin/services/7": `{"area":"admin","base":"/admin/"}`, // a deep link gets the app
	} {
		status, body := get(t, base+path)
		if path == "/" {
			want = "12.00 USD"
		}
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("GET %s = %d, lacks %q:\n%.400s", path, status, want, body)
		}
	}
	if status, _ := get(t, base+"/no-such-page"); status != http.StatusNotFound {
		t.Fatalf("unknown page: %d", status)
	}
	_, page := get(t, base+"/account/")
	asset := regexp.MustCompile(`/_ui/assets/[^"]+\.js`).FindString(page)
	if status, body := get(t, base+asset); asset == "" || status != http.StatusOK || len(body) == 0 {
		t.Fatalf("the app's script %q: %d", asset, status)
	}

	email, password := demoAdmin(t, out)
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("admin login: %s, request id %q", resp.Status, resp.Header.Get("X-Request-Id"))
	}
	if !strings.Contains(out.String(), `"path":"/api/v1/auth/login","status":200`) {
		t.Fatalf("request not logged:\n%s", out.String())
	}
	if strings.Contains(out.String(), password+`"`) {
		t.Fatal("the admin password reached the JSON log")
	}
}

// TestRestartKeepsData: a second start on the same database seeds
// nothing and prints no new password.
func TestRestartKeepsData(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ezscale.db")
	ctx, cancel := context.WithCancel(context.Background())
	first := &syncbuf.Buffer{}
	started := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-sqlite", db, "-addr", "127.0.0.1:0", "-worker=false"}, first, func(a string) { started <- a })
	}()
	<-started
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_, second := server(t, db)
	if strings.Contains(second.String(), "Demo admin account") {
		t.Fatalf("a restart seeded again:\n%s", second.String())
	}
}

func TestRefusesBadFlags(t *testing.T) {
	err := run(context.Background(), []string{"-sqlite", "a.db", "-mysql", "root@/x"}, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "exclusive") {
		t.Fatalf("run: %v", err)
	}
}

// TestOrderBecomesRunningService drives the zero-configuration app over
// HTTP: sign in, order the demo VPS with the demo coupon, save a sandbox
// card, pay, and the in-process worker brings the service up.
func TestOrderBecomesRunningService(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ezscale.db")
	base, out := server(t, db)
	c := signInDemoAdmin(t, base, out)

	var catalog struct {
		Plans []struct {
			ID   int64
			Code string
			Name string
		}
	}
	c.call("GET", "/catalog", nil, http.StatusOK, &catalog)
	var vps int64
	var vpsName string
	for _, p := range catalog.Plans {
		if p.Code == "vps-2g" {
			vps, vpsName = p.ID, p.Name
		}
	}
	var order struct {
		Invoice struct {
			ID    int64
			Total string
		}
		Subscription struct{ ID int64 }
	}
	c.call("POST", "/orders", map[string]any{"plan_id": vps, "currency": "USD", "cycle": "monthly", "coupon": "WELCOME10"}, http.StatusCreated, &order)
	if order.Invoice.Total != "10.80" {
		t.Fatalf("12.00 less 10%% is 10.80, invoice says %s", order.Invoice.Total)
	}
	c.call("POST", "/account/payment-methods", map[string]string{"payment_method_id": "pm_card_visa"}, http.StatusCreated, nil)
	var paid struct{ Status string }
	c.call("POST", "/account/invoices/"+itoa(order.Invoice.ID)+"/pay", nil, http.StatusOK, &paid)
	if paid.Status != "succeeded" {
		t.Fatalf("pay: %+v", paid)
	}
	var services struct {
		Services []struct{ Status, IPv4 string }
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		c.call("GET", "/services", nil, http.StatusOK, &services)
		if len(services.Services) == 1 && services.Services[0].Status == "active" {
			break
		}
	}
	if len(services.Services) != 1 || services.Services[0].Status != "active" || services.Services[0].IPv4 == "" {
		t.Fatalf("services after paying: %+v\n%s", services, out.String())
	}

	var dash struct {
		Services []struct {
			Status   string
			PlanName string `json:"plan_name"`
		}
		OpenInvoices        []any `json:"open_invoices"`
		ActiveSubscriptions int   `json:"active_subscriptions"`
	}
	c.call("GET", "/account/dashboard", nil, http.StatusOK, &dash)
	if len(dash.Services) != 1 || vpsName == "" || dash.Services[0].PlanName != vpsName || len(dash.OpenInvoices) != 0 || dash.ActiveSubscriptions != 1 {
		t.Fatalf("dashboard after paying: %+v", dash)
	}

	// What happened shows in the metrics Prometheus scrapes (from
	// loopback, as this test does).
	status, metrics := get(t, base+"/metrics")
	for _, want := range []string{
		`ezscale_jobs_total{kind="service.provision",outcome="done"} 1`,
		`ezscale_panel_calls_total{action="create",platform="virtfusion",result="ok"} 1`,
		`ezscale_gateway_calls_total{gateway="sandbox",op="charge",result="ok"} 1`,
		`ezscale_http_requests_total{code="2xx",method="POST",site="api"}`,
		`ezscale_jobs_queued{status="done"}`,
	} {
		if status != http.StatusOK || !strings.Contains(metrics, want) {
			t.Fatalf("metrics (%d) lack %s:\n%s", status, want, metrics)
		}
	}
}

type apiClient struct {
	t    *testing.T
	base string
	http *http.Client
}

// signInDemoAdmin signs in, through a client of its own, as the demo admin
// whose credentials the server printed in out.
func signInDemoAdmin(t *testing.T, base string, out *syncbuf.Buffer) *apiClient {
	t.Helper()
	email, password := demoAdmin(t, out)
	c := &apiClient{t: t, base: base + "/api/v1", http: &http.Client{Jar: newJar(t)}}
	c.call("POST", "/auth/login", map[string]string{"email": email, "password": password}, http.StatusOK, nil)
	return c
}

// enrolTOTP sets up an authenticator app for the signed-in user, which
// passes the second factor for this session: staff operations need it.
func (c *apiClient) enrolTOTP() {
	c.t.Helper()
	var begin struct{ Secret string }
	c.call("POST", "/account/second-factor/totp", nil, http.StatusOK, &begin)
	code, _ := totp.GenerateCode(begin.Secret, time.Now())
	c.call("POST", "/account/second-factor/totp/confirm", map[string]string{"code": code}, http.StatusOK, nil)
}

func (c *apiClient) call(method, path string, body any, want int, out any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s = %d, want %d: %s", method, path, resp.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func newJar(t *testing.T) http.CookieJar {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return jar
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// With Stripe configured, its webhook is served and checks the signature:
// without it, Stripe's payment confirmations would go nowhere.
func TestStripeWebhookIsServed(t *testing.T) {
	base, _ := serverWithConfig(t, `"stripe": {"SecretKey": "sk_test_123", "WebhookSecret": "whsec_test", "PublishableKey": "pk_test_123"}`)
	req, _ := http.NewRequest("POST", base+"/webhooks/stripe", strings.NewReader(`{"id":"evt_forged","type":"payment_intent.succeeded"}`))
	req.Header.Set("Stripe-Signature", "t=1,v1=forged")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a forged Stripe webhook answered %d, want 400", resp.StatusCode)
	}
}

// With PayPal configured beside the sandbox, a customer pays an invoice
// through a PayPal order they approve, and the capture marks it paid.
func TestPayInvoiceWithPayPal(t *testing.T) {
	fake := paypaltest.New(t)
	base, out := serverWithConfig(t, `"paypal": {"ClientID": "`+paypaltest.ClientID+`", "Secret": "`+paypaltest.Secret+
		`", "BaseURL": "`+fake.URL+`", "WebhookID": "`+paypaltest.WebhookID+`"}`)
	c := signInDemoAdmin(t, base, out)
	var options struct {
		CardGateway string `json:"card_gateway"`
		PayPal      bool
	}
	c.call("GET", "/account/payment-options", nil, http.StatusOK, &options)
	if options.CardGateway != "sandbox" || !options.PayPal {
		t.Fatalf("payment options: %+v", options)
	}
	var catalog struct{ Plans []struct{ ID int64 } }
	c.call("GET", "/catalog", nil, http.StatusOK, &catalog)
	var order struct {
		Invoice struct {
			ID    int64
			Total string
		}
		Subscription struct{ ID int64 }
	}
	c.call("POST", "/orders", map[string]any{"plan_id": catalog.Plans[0].ID, "currency": "USD", "cycle": "monthly"}, http.StatusCreated, &order)
	invoice := "/account/invoices/" + itoa(order.Invoice.ID)
	var pp struct {
		OrderID    string `json:"order_id"`
		ApproveURL string `json:"approve_url"`
	}
	c.call("POST", invoice+"/paypal", nil, http.StatusOK, &pp)
	if pp.OrderID == "" || pp.ApproveURL == "" {
		t.Fatalf("PayPal order: %+v", pp)
	}
	if err := fake.Approve(pp.OrderID); err != nil {
		t.Fatal(err)
	}
	var paid struct{ Status string }
	c.call("POST", invoice+"/paypal/capture", map[string]string{"order_id": pp.OrderID}, http.StatusOK, &paid)
	if paid.Status != "paid" || len(fake.Captures()) != 1 {
		t.Fatalf("after the capture the invoice is %q, with %d captures", paid.Status, len(fake.Captures()))
	}

	// Renewals through a PayPal subscription: one the buyer walked away
	// from until it expired does not block a second try; once approved,
	// it bills, the list says so, and another is refused.
	sub := "/account/subscriptions/" + itoa(order.Subscription.ID)
	var abandoned, approved struct {
		ID         string `json:"order_id"`
		ApproveURL string `json:"approve_url"`
	}
	c.call("POST", sub+"/paypal", nil, http.StatusOK, &abandoned)
	if _, err := fake.ExpireSubscription(abandoned.ID); err != nil {
		t.Fatal(err)
	}
	c.call("POST", sub+"/paypal", nil, http.StatusOK, &approved)
	if abandoned.ID == "" || approved.ID == abandoned.ID || approved.ApproveURL == "" {
		t.Fatalf("PayPal subscriptions: expired %+v, then %+v", abandoned, approved)
	}
	if _, err := fake.ActivateSubscription(approved.ID); err != nil {
		t.Fatal(err)
	}
	c.call("POST", sub+"/paypal", nil, http.StatusConflict, nil)
	var subs struct {
		Subscriptions []struct {
			ID       int64
			BilledBy []string `json:"billed_by"`
		}
	}
	c.call("GET", "/account/subscriptions", nil, http.StatusOK, &subs)
	if len(subs.Subscriptions) != 1 || len(subs.Subscriptions[0].BilledBy) != 1 || subs.Subscriptions[0].BilledBy[0] != "paypal" {
		t.Fatalf("subscriptions: %+v", subs)
	}
}

// Staff test the payment gateways' credentials from the settings: the
// sandbox and a PayPal that accepts them pass; PayPal refusing a wrong
// secret is reported with PayPal's reason, not as a failed request.
func TestGatewayConnectionTest(t *testing.T) {
	fake := paypaltest.New(t)
	for _, tc := range []struct {
		secret string
		payPal bool
	}{{paypaltest.Secret, true}, {"wrong", false}} {
		base, out := serverWithConfig(t, `"paypal": {"ClientID": "`+paypaltest.ClientID+`", "Secret": "`+tc.secret+
			`", "BaseURL": "`+fake.URL+`", "WebhookID": "`+paypaltest.WebhookID+`"}`)
		c := signInDemoAdmin(t, base, out)
		c.enrolTOTP()

		var tested struct {
			Gateways []struct {
				Name    string
				OK      bool
				Message string
			}
		}
		c.call("POST", "/admin/settings/gateways/test", nil, http.StatusOK, &tested)
		if len(tested.Gateways) != 2 || tested.Gateways[0].Name != "sandbox" || !tested.Gateways[0].OK ||
			tested.Gateways[1].Name != "paypal" || tested.Gateways[1].OK != tc.payPal || (!tc.payPal && tested.Gateways[1].Message == "") {
			t.Fatalf("gateway test with PayPal secret %q: %+v", tc.secret, tested)
		}
	}
}
