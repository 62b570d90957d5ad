package paypal_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
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

	// PayPal suspends its billing: staff are alerted, once.
	suspended, err := fake.SuspendSubscription(ppSub)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if got := post(suspended.Header, suspended.Body); got != http.StatusOK {
			t.Fatalf("suspension delivery got %d", got)
		}
	}
	if alerts, _ := store.ListJobs(ctx, platform.JobGatewaySubscriptionSuspended); len(alerts) != 1 {
		t.Fatalf("%d suspension alerts, want 1", len(alerts))
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

// TestOurCancellationReachesPayPal links a PayPal subscription, cancels
// ours and runs the mirror job the cancellation raised: PayPal's copy is
// cancelled too, and running the job again is harmless.
func TestOurCancellationReachesPayPal(t *testing.T) {
	g, fake := open(t)
	store := storetest.OpenSQLite(t)
	svc, err := billing.NewService(store, g, platform.SystemClock{}, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	plan := storetest.NewPlan(t, store, "vps-mirror")
	customer := storetest.NewCustomer(t, store, "mirror@example.com")
	sub, _, err := svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: customer.ID, PlanID: plan.ID, Currency: "USD", Cycle: billing.Monthly})
	if err != nil {
		t.Fatal(err)
	}
	ppPlan, _ := g.EnsurePlan(ctx, plan.Code, usd(1000), billing.Monthly)
	ppSub, _, err := g.CreateSubscription(ctx, ppPlan, sub.ID, "https://x.test/r", "https://x.test/c")
	if err != nil {
		t.Fatal(err)
	}
	fake.ActivateSubscription(ppSub)
	if err := svc.LinkGatewaySubscription(ctx, sub.ID, g.Name(), ppSub); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Cancel(ctx, sub.ID, false, "moving to a dedicated server"); err != nil {
		t.Fatal(err)
	}
	jobs, _ := store.ListJobs(ctx, platform.JobGatewaySubscriptionCancel)
	if len(jobs) != 1 {
		t.Fatalf("%d mirror jobs, want 1", len(jobs))
	}
	var job billing.GatewaySubscriptionJob
	json.Unmarshal(jobs[0].Payload, &job)
	for i := 0; i < 2; i++ {
		if err := g.Mirror(ctx, jobs[0].Kind, job); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	found := false
	for _, s := range fake.Subscriptions() {
		if s.ID == ppSub {
			found = true
			if s.Status != "CANCELLED" {
				t.Fatalf("PayPal's copy is %s", s.Status)
			}
		}
	}
	if !found {
		t.Fatal("PayPal's subscription is missing")
	}
}
