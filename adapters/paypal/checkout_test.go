package paypal_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/sqlite"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/secretbox"
)

// TestPayInvoiceWithPayPalOverHTTP pays an invoice through the API: an
// order created for the customer's own invoice only, approved at PayPal,
// captured on return, refused for an order made for another invoice.
func TestPayInvoiceWithPayPalOverHTTP(t *testing.T) {
	g, fake := open(t)
	s := storetest.OpenSQLite(t)
	svc, err := billing.NewService(s, g, platform.SystemClock{}, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	keys, _ := secretbox.NewKeyring("k1", map[string][]byte{"k1": key})
	cfg := httpapi.DefaultConfig()
	cfg.InsecureCookies, cfg.PublicURL = true, "https://my.ezscale.test"
	api, err := httpapi.New(cfg, httpapi.Services{
		Identity: identity.NewService(s.Identity(), keys, platform.SystemClock{}, identity.DefaultConfig()),
		Billing:  svc, PayPal: g,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	defer srv.Close()

	plan := storetest.NewPlan(t, s, "vps-pp-checkout")
	alice, aliceInv := customerWithInvoice(t, s, svc, plan, "alice@example.com")
	_, bobInv := customerWithInvoice(t, s, svc, plan, "bob@example.com")
	c := login(t, srv.URL, alice.Email)

	var order struct {
		OrderID    string `json:"order_id"`
		ApproveURL string `json:"approve_url"`
	}
	if got := c.call("POST", fmt.Sprintf("/account/invoices/%d/paypal", bobInv.ID), nil, nil); got != http.StatusNotFound {
		t.Fatalf("paying someone else's invoice got %d, want 404", got)
	}
	if got := c.call("POST", fmt.Sprintf("/account/invoices/%d/paypal", aliceInv.ID), nil, &order); got != http.StatusOK || !strings.Contains(order.ApproveURL, order.OrderID) {
		t.Fatalf("order: %d %+v", got, order)
	}
	if err := fake.Approve(order.OrderID); err != nil {
		t.Fatal(err)
	}
	// An order for Bob's invoice cannot be captured against Alice's.
	bobOrder, _, err := g.CreateOrder(ctx, bobInv.ID, usd(bobInv.Total), "https://x.test/r", "https://x.test/c")
	if err != nil {
		t.Fatal(err)
	}
	fake.Approve(bobOrder)
	if got := c.call("POST", fmt.Sprintf("/account/invoices/%d/paypal/capture", aliceInv.ID), map[string]string{"order_id": bobOrder}, nil); got != http.StatusUnprocessableEntity {
		t.Fatalf("capturing another invoice's order got %d, want 422", got)
	}
	var paid struct{ Status string }
	if got := c.call("POST", fmt.Sprintf("/account/invoices/%d/paypal/capture", aliceInv.ID), map[string]string{"order_id": order.OrderID}, &paid); got != http.StatusOK || paid.Status != "paid" {
		t.Fatalf("capture: %d %+v", got, paid)
	}
	// Coming back twice (a reload) changes nothing.
	c.call("POST", fmt.Sprintf("/account/invoices/%d/paypal/capture", aliceInv.ID), map[string]string{"order_id": order.OrderID}, nil)
	if txs, _ := s.ListTransactionsByInvoice(ctx, aliceInv.ID); len(txs) != 1 {
		t.Fatalf("%d transactions after a reload of the return page", len(txs))
	}
}

func customerWithInvoice(t *testing.T, s *sqlite.Store, svc *billing.Service, plan *billing.Plan, email string) (*identity.User, *billing.Invoice) {
	t.Helper()
	hash, _ := identity.HashPassword("correct horse battery")
	u := &identity.User{Email: email, Role: identity.RoleCustomer, Status: identity.UserActive, CreatedAt: platform.SystemClock{}.Now()}
	if err := s.Identity().CreateUser(ctx, u, hash, identity.Profile{Name: "Buyer"}); err != nil {
		t.Fatal(err)
	}
	s.Identity().MarkEmailVerified(ctx, u.ID, platform.SystemClock{}.Now())
	_, inv, err := svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: u.ID, PlanID: plan.ID, Currency: "USD", Cycle: billing.Monthly})
	if err != nil {
		t.Fatal(err)
	}
	return u, inv
}

type apiClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func login(t *testing.T, base, email string) *apiClient {
	jar, _ := cookiejar.New(nil)
	c := &apiClient{t: t, base: base, http: &http.Client{Jar: jar}}
	if got := c.call("POST", "/auth/login", map[string]string{"email": email, "password": "correct horse battery"}, nil); got != http.StatusOK {
		t.Fatalf("login: %d", got)
	}
	return c
}

func (c *apiClient) call(method, path string, body, out any) int {
	c.t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, c.base+httpapi.APIPrefix+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// TestStartPayPalSubscriptionOverHTTP starts a PayPal subscription for the
// customer's own subscription only, links it, and a second start for the
// same subscription is refused.
func TestStartPayPalSubscriptionOverHTTP(t *testing.T) {
	g, fake := open(t)
	s := storetest.OpenSQLite(t)
	svc, err := billing.NewService(s, g, platform.SystemClock{}, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	keys, _ := secretbox.NewKeyring("k1", map[string][]byte{"k1": key})
	cfg := httpapi.DefaultConfig()
	cfg.InsecureCookies, cfg.PublicURL = true, "https://my.ezscale.test"
	api, err := httpapi.New(cfg, httpapi.Services{
		Identity: identity.NewService(s.Identity(), keys, platform.SystemClock{}, identity.DefaultConfig()),
		Billing:  svc, PayPal: g,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	defer srv.Close()
	plan := storetest.NewPlan(t, s, "vps-pp-sub")
	alice, aliceInv := customerWithInvoice(t, s, svc, plan, "alice-sub@example.com")
	_, bobInv := customerWithInvoice(t, s, svc, plan, "bob-sub@example.com")
	// Alice pays her first invoice so her subscription is active.
	if _, err := svc.RecordPayment(ctx, billing.Payment{InvoiceID: aliceInv.ID, Gateway: "paypal", GatewayID: "first", Amount: usd(aliceInv.Total)}); err != nil {
		t.Fatal(err)
	}
	c := login(t, srv.URL, alice.Email)
	if got := c.call("POST", fmt.Sprintf("/account/subscriptions/%d/paypal", bobInv.SubscriptionID), nil, nil); got != http.StatusNotFound {
		t.Fatalf("starting one for someone else's subscription got %d, want 404", got)
	}
	var started struct {
		OrderID    string `json:"order_id"`
		ApproveURL string `json:"approve_url"`
	}
	if got := c.call("POST", fmt.Sprintf("/account/subscriptions/%d/paypal", aliceInv.SubscriptionID), nil, &started); got != http.StatusOK || started.ApproveURL == "" {
		t.Fatalf("start: %d %+v", got, started)
	}
	links, _ := s.GatewaySubscriptions(ctx, aliceInv.SubscriptionID)
	if links["paypal"] != started.OrderID || len(fake.Subscriptions()) != 1 {
		t.Fatalf("links %v, %d PayPal subscriptions", links, len(fake.Subscriptions()))
	}
	// A second click while the first waits for approval gets the same
	// subscription to approve, never a second one the buyer could approve
	// too.
	var again struct {
		OrderID    string `json:"order_id"`
		ApproveURL string `json:"approve_url"`
	}
	if got := c.call("POST", fmt.Sprintf("/account/subscriptions/%d/paypal", aliceInv.SubscriptionID), nil, &again); got != http.StatusOK ||
		again != started || len(fake.Subscriptions()) != 1 {
		t.Fatalf("a second start got %d %+v and made %d PayPal subscriptions; want 200, the first, and 1", got, again, len(fake.Subscriptions()))
	}
}
