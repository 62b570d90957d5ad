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

		credit, err := h.svc.CustomerCredit(ctx, c.ID)
		mustOK(t, err)
		// USD: 15.00 - 5.00 - 10.00 applied = 0, left out; EUR 7.00 stays.
		if len(credit.Balances) != 1 || credit.Balances[0] != (billing.Money{Amount: 700, Currency: "EUR"}) {
			t.Fatalf("balances: %+v", credit.Balances)
		}
		if len(credit.Recent) != 4 || credit.Recent[0].Amount != -1000 || credit.Recent[0].InvoiceID != inv.ID ||
			credit.Recent[3].Reason != "Outage on 3 March" || credit.Recent[0].ID <= credit.Recent[1].ID {
			t.Fatalf("movements, newest first: %+v", credit.Recent)
		}
	})
}
