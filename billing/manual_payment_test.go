package billing_test

import (
	"context"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/billing"
)

// refundSpy is the sandbox gateway counting the refunds asked of it.
type refundSpy struct {
	*sandbox.Gateway
	refunds int
}

func (g *refundSpy) Refund(ctx context.Context, req billing.RefundRequest) (billing.RefundResult, error) {
	g.refunds++
	return g.Gateway.Refund(ctx, req)
}

// A bank transfer staff record days after it arrived is dated when it
// arrived, and so is the invoice it pays; a date in the future is refused.
// Refunding it records the refund and a credit note without asking any
// gateway, only up to what was received by hand, and once per reference.
func TestManualPaymentBackdatedAndRefunded(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		spy := &refundSpy{Gateway: h.gw}
		svc, err := billing.NewService(h.store, spy, h.clock, billing.DefaultConfig())
		mustOK(t, err)
		c := h.customer(t, "transfer@example.com", "")
		_, inv, err := svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		h.clock.Set(start.Add(72 * time.Hour))
		transfer := billing.Payment{InvoiceID: inv.ID, Gateway: billing.ManualGateway, GatewayID: "bank_transfer:REF-1",
			Amount: billing.Money{Amount: inv.Total, Currency: "USD"}, Method: "bank_transfer", ReceivedAt: h.clock.Now().Add(time.Minute)}
		_, err = svc.RecordPayment(ctx, transfer)
		if platform.ErrorField(err) != "received_at" {
			t.Fatalf("a payment received in the future: %v", err)
		}
		arrived := start.Add(24 * time.Hour)
		transfer.ReceivedAt = arrived
		paid, err := svc.RecordPayment(ctx, transfer)
		mustOK(t, err)
		txs, err := h.store.ListTransactionsByInvoice(ctx, inv.ID)
		mustOK(t, err)
		if paid.Status != billing.InvoicePaid || !paid.PaidAt.Equal(arrived) || len(txs) != 1 || !txs[0].CreatedAt.Equal(arrived) {
			t.Fatalf("backdated payment: invoice %s paid %v, transactions %+v", paid.Status, paid.PaidAt, txs)
		}

		// The card gateway took nothing, so there is nothing to refund there.
		_, err = svc.Refund(ctx, inv.ID, billing.Money{Amount: 100, Currency: "USD"}, "goodwill")
		if platform.ErrorCode(err) != platform.ECONFLICT {
			t.Fatalf("gateway refund of a transfer: %v", err)
		}
		refund := billing.ManualRefund{InvoiceID: inv.ID, Amount: billing.Money{Amount: 500, Currency: "USD"}, Method: "bank_transfer",
			Reference: "OUT-1", Reason: "setup fee waived"}
		note, err := svc.RefundManual(ctx, refund)
		mustOK(t, err)
		if note.Kind != billing.KindCreditNote || note.Total != 500 || note.RelatedInvoiceID != inv.ID || note.Number == "" {
			t.Fatalf("credit note: %+v", note)
		}
		_, err = svc.RefundManual(ctx, refund)
		if platform.ErrorCode(err) != platform.ECONFLICT {
			t.Fatalf("the same refund recorded twice: %v", err)
		}
		refund.Reference, refund.Amount.Amount = "OUT-2", inv.Total-500+1
		_, err = svc.RefundManual(ctx, refund)
		if platform.ErrorField(err) != "amount" {
			t.Fatalf("refunding more than was received by hand: %v", err)
		}
		if spy.refunds != 0 {
			t.Fatalf("the gateway was asked for %d refunds", spy.refunds)
		}
		got, err := h.store.GetInvoice(ctx, inv.ID)
		mustOK(t, err)
		if got.Status != billing.InvoicePaid || got.AmountPaid != inv.Total {
			t.Fatalf("a refund changed the invoice: %s paid %d", got.Status, got.AmountPaid)
		}
	})
}
