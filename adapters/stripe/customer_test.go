package stripe_test

import (
	"context"
	"strings"
	"testing"

	"ezscale.cloud/platform"
)

func TestEnsureCustomer(t *testing.T) {
	t.Parallel()
	g, m := newGateway(t)
	ctx := context.Background()
	id, err := g.EnsureCustomer(ctx, 42, "ada@example.com", "Ada Lovelace")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, "cus_") {
		t.Errorf("customer id %q", id)
	}
	if _, err := g.EnsureCustomer(ctx, 42, "ada@example.com", "Ada Lovelace"); err != nil {
		t.Fatal(err)
	}
	sent := m.all("POST", "/v1/customers")
	if len(sent) != 2 {
		t.Fatalf("%d requests, want 2", len(sent))
	}
	for _, req := range sent {
		// The key comes from our customer id alone, so a retry is replayed
		// by Stripe instead of creating a second customer.
		if req.IdempotencyKey != "ezscale-customer-42" {
			t.Errorf("Idempotency-Key = %q", req.IdempotencyKey)
		}
		if req.Form.Get("metadata[customer_id]") != "42" || req.Form.Get("email") != "ada@example.com" || req.Form.Get("name") != "Ada Lovelace" {
			t.Errorf("customer request = %v", req.Form)
		}
	}
	if _, err := g.EnsureCustomer(ctx, 0, "x@example.com", "X"); platform.ErrorCode(err) != platform.EINVALID {
		t.Errorf("customer id 0: %v, want EINVALID", err)
	}
}

func TestCreateSetupIntent(t *testing.T) {
	t.Parallel()
	g, m := newGateway(t)
	secret, err := g.CreateSetupIntent(context.Background(), "cus_123")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "seti_") || !strings.Contains(secret, "_secret_") {
		t.Errorf("client secret %q", secret)
	}
	req := m.last(t, "POST", "/v1/setup_intents")
	if req.Form.Get("customer") != "cus_123" || req.Form.Get("usage") != "off_session" || req.Form.Get("automatic_payment_methods[enabled]") != "true" {
		t.Errorf("setup intent request = %v", req.Form)
	}
}

func TestPaymentMethodDetails(t *testing.T) {
	t.Parallel()
	g, m := newGateway(t)
	brand, last4, month, year, err := g.PaymentMethodDetails(context.Background(), "pm_123")
	if err != nil {
		t.Fatal(err)
	}
	// stripe-mock's fixture card.
	if brand != "visa" || last4 != "4242" || month != 8 || year != 2030 {
		t.Errorf("card = %s %s %d/%d", brand, last4, month, year)
	}
	m.last(t, "GET", "/v1/payment_methods/pm_123")
}

func TestDetachPaymentMethod(t *testing.T) {
	t.Parallel()
	g, m := newGateway(t)
	if err := g.DetachPaymentMethod(context.Background(), "pm_123"); err != nil {
		t.Fatal(err)
	}
	m.last(t, "POST", "/v1/payment_methods/pm_123/detach")
}

func TestConfirmationSecret(t *testing.T) {
	t.Parallel()
	g, m := newGateway(t)
	secret, err := g.ConfirmationSecret(context.Background(), "pi_123")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "pi_") || !strings.Contains(secret, "_secret_") {
		t.Errorf("client secret %q", secret)
	}
	m.last(t, "GET", "/v1/payment_intents/pi_123")
}
