// Package gatewaytest is the contract suite every billing.Gateway adapter
// passes: the in-memory fake here, and the real gateways over their test
// servers.
package gatewaytest

import (
	"context"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// Methods names the adapter's test payment methods that succeed, are
// declined and need customer authentication.
type Methods struct {
	Succeeds, Declined, RequiresAction string
}

// Run runs the gateway contract on fresh gateways made by open.
func Run(t *testing.T, open func(t *testing.T) billing.Gateway, pm Methods) {
	ctx := context.Background()
	usd := func(a int64) billing.Money { return billing.Money{Amount: a, Currency: "USD"} }
	charge := func(g billing.Gateway, key, method string, amount int64) (billing.ChargeResult, error) {
		return g.Charge(ctx, billing.ChargeRequest{IdempotencyKey: key, PaymentMethodID: method, Amount: usd(amount), InvoiceID: 1})
	}

	t.Run("ChargeSucceeds", func(t *testing.T) {
		res, err := charge(open(t), "k1", pm.Succeeds, 1999)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != billing.ChargeSucceeded || res.ID == "" || res.Amount != usd(1999) {
			t.Fatalf("charge: %+v", res)
		}
	})
	t.Run("SameKeySameCharge", func(t *testing.T) {
		g := open(t)
		a, err := charge(g, "invoice-7-attempt-1", pm.Succeeds, 500)
		if err != nil {
			t.Fatal(err)
		}
		b, err := charge(g, "invoice-7-attempt-1", pm.Succeeds, 500)
		if err != nil {
			t.Fatal(err)
		}
		if a.ID != b.ID {
			t.Fatalf("a retried charge made a second charge: %s and %s", a.ID, b.ID)
		}
		c, err := charge(g, "invoice-7-attempt-2", pm.Succeeds, 500)
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == a.ID {
			t.Fatal("a new attempt reused the old charge")
		}
		if _, err := charge(g, "invoice-7-attempt-1", pm.Succeeds, 501); platform.ErrorCode(err) != platform.ECONFLICT {
			t.Fatalf("reusing a key with another amount: %v, want ECONFLICT", err)
		}
	})
	t.Run("Declined", func(t *testing.T) {
		res, err := charge(open(t), "k-declined", pm.Declined, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != billing.ChargeFailed || res.FailureMessage == "" {
			t.Fatalf("declined card: %+v", res)
		}
	})
	t.Run("RequiresAction", func(t *testing.T) {
		res, err := charge(open(t), "k-sca", pm.RequiresAction, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != billing.ChargeRequiresAction {
			t.Fatalf("card needing authentication: %+v", res)
		}
	})
	t.Run("Refunds", func(t *testing.T) {
		g := open(t)
		ch, err := charge(g, "k-refund", pm.Succeeds, 1000)
		if err != nil {
			t.Fatal(err)
		}
		r1, err := g.Refund(ctx, billing.RefundRequest{IdempotencyKey: "r1", ChargeID: ch.ID, Amount: usd(400)})
		if err != nil || r1.Amount != usd(400) {
			t.Fatalf("partial refund: %+v %v", r1, err)
		}
		again, err := g.Refund(ctx, billing.RefundRequest{IdempotencyKey: "r1", ChargeID: ch.ID, Amount: usd(400)})
		if err != nil || again.ID != r1.ID {
			t.Fatalf("retried refund: %+v %v, want %s", again, err, r1.ID)
		}
		if _, err := g.Refund(ctx, billing.RefundRequest{IdempotencyKey: "r2", ChargeID: ch.ID, Amount: usd(601)}); platform.ErrorCode(err) != platform.EINVALID {
			t.Fatalf("refunding more than is left: %v, want EINVALID", err)
		}
		if _, err := g.Refund(ctx, billing.RefundRequest{IdempotencyKey: "r3", ChargeID: ch.ID, Amount: usd(600)}); err != nil {
			t.Fatalf("refunding the rest: %v", err)
		}
	})
}
