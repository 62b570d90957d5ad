package stripe_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/adapters/stripe"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/secretbox"
)

var ctx = context.Background()

// TestStripeWebhooksThroughBilling posts Stripe webhooks to the API's
// endpoint on SQLite and MariaDB: forged and stale deliveries get 400 and
// change nothing; a payment delivered three times is applied once; a
// refund made in the Stripe dashboard, naming only the PaymentIntent, finds
// its invoice and issues one credit note.
func TestStripeWebhooksThroughBilling(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { s := storetest.OpenSQLite(t); testStripeWebhooks(t, s, s.Identity()) })
	t.Run("mysql", func(t *testing.T) { s := storetest.OpenMySQL(t); testStripeWebhooks(t, s, s.Identity()) })
}

func testStripeWebhooks(t *testing.T, store billing.Store, ids identity.Store) {
	g, err := stripe.New(stripe.Config{SecretKey: "sk_test_webhooks", WebhookSecret: endpointSecret})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := billing.NewService(store, g, platform.SystemClock{}, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	plan := storetest.NewPlan(t, store, "vps-stripe")
	customer := storetest.NewCustomer(t, store, "stripe@example.com")
	_, inv, err := svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: customer.ID, PlanID: plan.ID, Currency: "USD", Cycle: billing.Monthly})
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	keys, _ := secretbox.NewKeyring("k1", map[string][]byte{"k1": key})
	api, err := httpapi.New(httpapi.DefaultConfig(), httpapi.Services{
		Identity: identity.NewService(ids, keys, platform.SystemClock{}, identity.DefaultConfig()),
		Billing:  svc, Webhooks: []httpapi.WebhookSource{g},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	defer srv.Close()
	post := func(payload []byte, signature string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/webhooks/stripe", bytes.NewReader(payload))
		req.Header.Set("Stripe-Signature", signature)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	webhook := func(id, typ, object string) []byte {
		return []byte(fmt.Sprintf(`{"id":%q,"object":"event","api_version":"2024-06-20","created":%d,"type":%q,"livemode":false,"pending_webhooks":1,"data":{"object":%s}}`,
			id, time.Now().Unix(), typ, object))
	}
	paid := webhook("evt_paid", stripe.EventPaymentSucceeded, fmt.Sprintf(
		`{"id":"pi_live_1","object":"payment_intent","amount":%d,"currency":"usd","status":"succeeded","metadata":{"invoice_id":"%d"}}`, inv.Total, inv.ID))

	if got := post(paid, sign(paid, "whsec_forged", time.Now())); got != http.StatusBadRequest {
		t.Fatalf("a forged signature got %d", got)
	}
	if got := post(paid, sign(paid, endpointSecret, time.Now().Add(-10*time.Minute))); got != http.StatusBadRequest {
		t.Fatalf("a stale timestamp got %d", got)
	}
	if got, _ := store.GetInvoice(ctx, inv.ID); got.Status != billing.InvoiceOpen {
		t.Fatalf("a refused webhook changed the invoice: %s", got.Status)
	}
	for i := 0; i < 3; i++ {
		if got := post(paid, sign(paid, endpointSecret, time.Now())); got != http.StatusOK {
			t.Fatalf("delivery %d got %d", i+1, got)
		}
	}
	got, _ := store.GetInvoice(ctx, inv.ID)
	txs, _ := store.ListTransactionsByInvoice(ctx, inv.ID)
	if got.Status != billing.InvoicePaid || len(txs) != 1 {
		t.Fatalf("after three deliveries: %s with %d transactions", got.Status, len(txs))
	}

	refund := webhook("evt_refund", stripe.EventRefundCreated,
		`{"id":"re_dash_1","object":"refund","amount":500,"currency":"usd","payment_intent":"pi_live_1","metadata":{}}`)
	if got := post(refund, sign(refund, endpointSecret, time.Now())); got != http.StatusOK {
		t.Fatalf("refund delivery got %d", got)
	}
	notes := 0
	all, _ := store.ListInvoicesByCustomer(ctx, customer.ID)
	for _, x := range all {
		if x.Kind == billing.KindCreditNote && x.RelatedInvoiceID == inv.ID && x.Total == 500 {
			notes++
		}
	}
	if notes != 1 {
		t.Fatalf("%d credit notes for the dashboard refund, want 1", notes)
	}
}
