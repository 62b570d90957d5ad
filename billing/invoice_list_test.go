package billing_test

import (
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// TestCustomerInvoicePage: a customer's list pages newest first, filters by
// kind and status, never shows drafts or another customer's invoices, and
// its tally counts every document and sums what is due per currency.
func TestCustomerInvoicePage(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "pages@example.com", "")
		other := h.customer(t, "other@example.com", "")
		manual := func(customerID int64, currency string, amount int64, draft bool) *billing.Invoice {
			t.Helper()
			inv, err := h.svc.CreateManualInvoice(ctx, billing.ManualInvoice{CustomerID: customerID, Currency: currency, Draft: draft,
				Lines: []billing.ManualLine{{Description: "Work", Quantity: 1, UnitAmount: amount}}})
			mustOK(t, err)
			return inv
		}
		// One more than a page of open USD invoices, one EUR one, paid
		// and void ones, a draft, and another customer's invoice.
		var open []*billing.Invoice
		for i := 0; i <= billing.InvoicePageSize; i++ {
			open = append(open, manual(c.ID, "USD", 100, false))
		}
		eur := manual(c.ID, "EUR", 250, false)
		paid := manual(c.ID, "USD", 500, false)
		_, err := h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: paid.ID, Gateway: "manual", GatewayID: "bank:1", Amount: billing.Money{Amount: 500, Currency: "USD"}})
		mustOK(t, err)
		void := manual(c.ID, "USD", 700, false)
		_, err = h.svc.VoidInvoice(ctx, void.ID)
		mustOK(t, err)
		manual(c.ID, "USD", 900, true)
		manual(other.ID, "USD", 100, false)

		first, err := h.svc.CustomerInvoicePage(ctx, c.ID, billing.InvoiceQuery{})
		mustOK(t, err)
		if len(first) != billing.InvoicePageSize || first[0].ID != void.ID {
			t.Fatalf("first page: %d invoices from #%d, want %d from the newest (#%d, the draft left out)", len(first), first[0].ID, billing.InvoicePageSize, void.ID)
		}
		rest, err := h.svc.CustomerInvoicePage(ctx, c.ID, billing.InvoiceQuery{BeforeID: first[len(first)-1].ID})
		mustOK(t, err)
		if len(rest) != 4 || rest[len(rest)-1].ID != open[0].ID {
			t.Fatalf("second page: %d invoices, want the 4 oldest", len(rest))
		}
		for _, tc := range []struct {
			q    billing.InvoiceQuery
			want int
		}{
			{billing.InvoiceQuery{Status: billing.InvoicePaid}, 1},
			{billing.InvoiceQuery{Status: billing.InvoiceVoid, Kind: billing.KindInvoice}, 1},
			{billing.InvoiceQuery{Kind: billing.KindCreditNote}, 0},
			{billing.InvoiceQuery{Status: billing.InvoiceOpen, BeforeID: open[2].ID}, 2},
		} {
			got, err := h.svc.CustomerInvoicePage(ctx, c.ID, tc.q)
			mustOK(t, err)
			if len(got) != tc.want {
				t.Errorf("%+v: %d invoices, want %d", tc.q, len(got), tc.want)
			}
		}
		if _, err := h.svc.CustomerInvoicePage(ctx, c.ID, billing.InvoiceQuery{Status: billing.InvoiceDraft}); platform.ErrorField(err) != "status" {
			t.Fatalf("listing drafts: %v, want refused on status", err)
		}

		tally, err := h.svc.CustomerInvoiceTally(ctx, c.ID)
		mustOK(t, err)
		inv := tally.Counts[billing.KindInvoice]
		if inv[billing.InvoiceOpen] != len(open)+1 || inv[billing.InvoicePaid] != 1 || inv[billing.InvoiceVoid] != 1 || inv[billing.InvoiceDraft] != 0 {
			t.Fatalf("counts %v", tally.Counts)
		}
		wantDue := []billing.Money{{Amount: eur.Total, Currency: "EUR"}, {Amount: int64(len(open)) * open[0].Total, Currency: "USD"}}
		if len(tally.Due) != 2 || tally.Due[0] != wantDue[0] || tally.Due[1] != wantDue[1] {
			t.Fatalf("due %v, want %v", tally.Due, wantDue)
		}
	})
}
