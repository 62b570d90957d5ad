package paypal_test

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/secretbox"
)

// TestPayPalPaysInvoices runs PayPal through billing on SQLite and MariaDB:
// a one-off order captured for a first invoice, and a PayPal subscription
// whose completed sale, delivered to the webhook endpoint, marks the right
// renewal invoice paid, once however often it is delivered.
func TestPayPalPaysInvoices(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { s := storetest.OpenSQLite(t); testPayPalPaysInvoices(t, s, s.Identity()) })
	t.Run("mysql", func(t *testing.T) { s := storetest.OpenMySQL(t); testPayPalPaysInvoices(t, s, s.Identity()) })
}

func testPayPalPaysInvoices(t *testing.T, store billing.Store, ids identity.Store) {
	g, fake := open(t)
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clock := platform.NewManualClock(start)
	svc, err := billing.NewService(store, g, clock, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	plan := storetest.NewPlan(t, store, "vps-paypal")
	customer := storetest.NewCustomer(t, store, "pp@example.com")
	sub, first, err := svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: customer.ID, PlanID: plan.ID, Currency: "USD", Cycle: billing.Monthly})
	if err != nil {
		t.Fatal(err)
	}

	// Checkout: the first invoice paid by a captured PayPal order.
	res := paidOrder(t, g, fake, first.ID, usd(first.Total))
	paid, err := svc.RecordPayment(ctx, billing.Payment{InvoiceID: first.ID, Gateway: g.Name(), GatewayID: res.ID, Amount: res.Amount, Fee: res.Fee})
	if err != nil || paid.Status != billing.InvoicePaid {
		t.Fatalf("order capture: %v %+v", err, paid)
	}

	// Renewals through a PayPal subscription.
	ppPlan, err := g.EnsurePlan(ctx, plan.Code, usd(1000), billing.Monthly)
	if err != nil {
		t.Fatal(err)
	}
	ppSub, _, err := g.CreateSubscription(ctx, ppPlan, sub.ID, "https://ezscale.test/return", "https://ezscale.test/cancel")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.ActivateSubscription(ppSub); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Date(2026, 3, 25, 10, 0, 0, 0, time.UTC))
	if _, err := svc.RenewDue(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	invs, _ := store.ListInvoicesBySubscription(ctx, sub.ID)
	renewal := invs[len(invs)-1]
	if renewal.Reason != billing.ReasonSubscriptionCycle || renewal.Status != billing.InvoiceOpen {
		t.Fatalf("renewal invoice: %+v", renewal)
	}

	key := make([]byte, 32)
	rand.Read(key)
	keys, _ := secretbox.NewKeyring("k1", map[string][]byte{"k1": key})
	api, err := httpapi.New(httpapi.DefaultConfig(), httpapi.Services{
		Identity: identity.NewService(ids, keys, clock, identity.DefaultConfig()),
		Billing:  svc, Webhooks: []httpapi.WebhookSource{g},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	defer srv.Close()
	post := func(header http.Header, body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhooks/paypal", bytes.NewReader(body))
		for k, v := range header {
			req.Header[k] = v
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	sale, err := fake.CompleteSale(ppSub)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(sale.Body, []byte(`"10.00"`), []byte(`"0.01"`), 1)
	if bytes.Equal(forged, sale.Body) {
		t.Fatal("the test failed to forge the delivery")
	}
	if got := post(sale.Header, forged); got != http.StatusBadRequest {
		t.Fatalf("a forged delivery got %d, want 400", got)
	}
	for i := 0; i < 3; i++ {
		if got := post(sale.Header, sale.Body); got != http.StatusOK {
			t.Fatalf("delivery %d got %d", i+1, got)
		}
	}
	got, _ := store.GetInvoice(ctx, renewal.ID)
	txs, _ := store.ListTransactionsByInvoice(ctx, renewal.ID)
	if got.Status != billing.InvoicePaid || len(txs) != 1 || txs[0].Gateway != "paypal" {
		t.Fatalf("after the sale: renewal %s with %d transactions", got.Status, len(txs))
	}
	again, _ := store.GetSubscription(ctx, sub.ID)
	if !again.CurrentPeriodEnd.Equal(got.PeriodEnd) {
		t.Fatalf("the paid renewal did not advance the period: %v", again.CurrentPeriodEnd)
	}

	// The buyer cancels in their PayPal account: ours ends with its period.
	cancelled, err := fake.CancelSubscription(ppSub)
	if err != nil {
		t.Fatal(err)
	}
	if got := post(cancelled.Header, cancelled.Body); got != http.StatusOK {
		t.Fatalf("cancellation delivery got %d", got)
	}
	if again, _ := store.GetSubscription(ctx, sub.ID); !again.CancelAtPeriodEnd {
		t.Fatal("a cancellation at PayPal was not mirrored")
	}
}
