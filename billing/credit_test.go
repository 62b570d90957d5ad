package billing_test

import (
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

func TestAdjustCredit(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "credit@example.com", "")
		usd := func(minor int64) billing.Money { return billing.Money{Amount: minor, Currency: "USD"} }
		mustOK(t, h.svc.AdjustCredit(ctx, billing.CreditAdjustment{CustomerID: c.ID, Amount: usd(1500), Reason: " Outage on 3 March "}))
		mustOK(t, h.svc.AdjustCredit(ctx, billing.CreditAdjustment{CustomerID: c.ID, Amount: billing.Money{Amount: 700, Currency: "EUR"}, Reason: "Prepaid by transfer"}))

		for _, tc := range []struct {
			name  string
			adj   billing.CreditAdjustment
			field string
		}{
			{"more than is left", billing.CreditAdjustment{CustomerID: c.ID, Amount: usd(-1501), Reason: "mistake"}, "amount"},
			{"nothing", billing.CreditAdjustment{CustomerID: c.ID, Amount: usd(0), Reason: "mistake"}, "amount"},
			{"no reason", billing.CreditAdjustment{CustomerID: c.ID, Amount: usd(100), Reason: "  "}, "reason"},
			{"no currency", billing.CreditAdjustment{CustomerID: c.ID, Amount: billing.Money{Amount: 100, Currency: "XXQ"}, Reason: "x"}, "currency"},
		} {
			if err := h.svc.AdjustCredit(ctx, tc.adj); platform.ErrorField(err) != tc.field {
				t.Errorf("%s: %v, want an error on %q", tc.name, err, tc.field)
			}
		}
		err := h.svc.AdjustCredit(ctx, billing.CreditAdjustment{CustomerID: 999_999, Amount: usd(100), Reason: "x"})
		if platform.ErrorCode(err) != platform.ENOTFOUND {
			t.Errorf("credit for no customer: %v", err)
		}
		mustOK(t, h.svc.AdjustCredit(ctx, billing.CreditAdjustment{CustomerID: c.ID, Amount: usd(-500), Reason: "Given twice"}))

		// The next invoice is paid from the credit first.
		_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		if inv.AmountPaid != 1000 || inv.Status != billing.InvoiceOpen {
			t.Fatalf("first invoice after 10.00 of credit: paid %d, %s", inv.AmountPaid, inv.Status)
		}

		// Credit added later pays the open rest on request, the customer's
		// own invoice only, and no more than once.
		mustOK(t, h.svc.AdjustCredit(ctx, billing.CreditAdjustment{CustomerID: c.ID, Amount: usd(700), Reason: "Goodwill"}))
		other := h.customer(t, "other@example.com", "")
		if _, err := h.svc.CustomerPayWithCredit(ctx, other.ID, inv.ID); platform.ErrorCode(err) != platform.ENOTFOUND {
			t.Fatalf("paying another's invoice with credit: %v", err)
		}
		paid, err := h.svc.CustomerPayWithCredit(ctx, c.ID, inv.ID)
		mustOK(t, err)
		if paid.Status != billing.InvoicePaid || paid.AmountPaid != inv.Total {
			t.Fatalf("invoice after paying the rest with credit: %s, paid %d of %d", paid.Status, paid.AmountPaid, inv.Total)
		}
		if _, err := h.svc.PayWithCredit(ctx, inv.ID); platform.ErrorCode(err) != platform.ECONFLICT {
			t.Fatalf("paying a paid invoice with credit: %v", err)
		}
		if left, _ := h.store.CreditBalance(ctx, c.ID, "USD"); left != 200 {
			t.Fatalf("USD credit left: %d, want 2.00 of the 7.00 after 5.00 paid", left)
		}
		mustOK(t, h.svc.AdjustCredit(ctx, billing.CreditAdjustment{CustomerID: c.ID, Amount: usd(-200), Reason: "Refunded by transfer"}))

		credit, err := h.svc.CustomerCredit(ctx, c.ID)
		mustOK(t, err)
		// USD: 15.00 - 5.00 - 10.00 applied = 0, left out; EUR 7.00 stays.
		if len(credit.Balances) != 1 || credit.Balances[0] != (billing.Money{Amount: 700, Currency: "EUR"}) {
			t.Fatalf("balances: %+v", credit.Balances)
		}
		if len(credit.Recent) != 7 || credit.Recent[1].Amount != -500 || credit.Recent[1].InvoiceID != inv.ID ||
			credit.Recent[6].Reason != "Outage on 3 March" || credit.Recent[0].ID <= credit.Recent[1].ID {
			t.Fatalf("movements, newest first: %+v", credit.Recent)
		}
	})
}
