package billing_test

import (
	"sync"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// TestDraftManualInvoice: staff save a manual invoice as a draft, which
// the customer cannot see and which owes nothing; they replace its lines
// (a bad edit changes nothing), then issue it, numbered and paid from
// credit like any manual invoice; from then on it is final.
func TestDraftManualInvoice(t *testing.T) {
	eachStore(t, func(c *billing.Config) { c.Tax.SellerCountry = "DE"; c.Company.Country = "DE" }, func(t *testing.T, h *harness) {
		mustOK(t, h.svc.CreateTaxRate(ctx, &billing.TaxRate{Country: "DE", Name: "MwSt", Rate: 190000, ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}))
		c := h.customer(t, "draft@example.com", "")
		mustOK(t, h.store.AddCredit(ctx, billing.CreditEntry{CustomerID: c.ID, Currency: "EUR", Amount: 1000, Reason: "goodwill", CreatedAt: start}))
		draft, err := h.svc.CreateManualInvoice(ctx, billing.ManualInvoice{CustomerID: c.ID, Currency: "EUR", Draft: true,
			Lines: []billing.ManualLine{{Description: "Rack setup", Quantity: 1, UnitAmount: 10000}}})
		mustOK(t, err)
		if draft.Status != billing.InvoiceDraft || draft.Number != "" || draft.Total != 11900 || draft.AmountPaid != 0 {
			t.Fatalf("new draft: %s %q total %d paid %d", draft.Status, draft.Number, draft.Total, draft.AmountPaid)
		}
		h.wantHidden(t, c.ID, draft.ID)

		// 2 × 25.00 + 1 × 9.99 = 59.99 net; 19% → 11.40; total 71.39.
		due := start.AddDate(0, 0, 14)
		edit := billing.ManualInvoice{Currency: "EUR", DueAt: due, Lines: []billing.ManualLine{
			{Description: "Migration service", Quantity: 2, UnitAmount: 2500},
			{Description: "DNS setup", Quantity: 1, UnitAmount: 999},
		}}
		edited, err := h.svc.EditDraftInvoice(ctx, draft.ID, edit)
		mustOK(t, err)
		if edited.Subtotal != 5999 || edited.Tax != 1140 || edited.Total != 7139 || !edited.DueAt.Equal(due) || edited.Status != billing.InvoiceDraft {
			t.Fatalf("edited draft: subtotal %d tax %d total %d due %v %s", edited.Subtotal, edited.Tax, edited.Total, edited.DueAt, edited.Status)
		}
		saved, err := h.svc.Invoice(ctx, draft.ID)
		mustOK(t, err)
		if len(saved.Items) != 2 || saved.Items[0].TaxAmount+saved.Items[1].TaxAmount != saved.Tax || saved.Total != 7139 {
			t.Fatalf("stored draft: %+v", saved)
		}

		// Bad edits name the field at fault and leave the draft as it was.
		for field, bad := range map[string]billing.ManualInvoice{
			"lines[1].quantity":    {Currency: "EUR", Lines: []billing.ManualLine{{Description: "a", Quantity: 1, UnitAmount: 1}, {Description: "b", Quantity: 0, UnitAmount: 1}}},
			"lines[0].description": {Currency: "EUR", Lines: []billing.ManualLine{{Description: "  ", Quantity: 1, UnitAmount: 1}}},
			"lines":                {Currency: "EUR"},
			"currency":             {Currency: "XXX", Lines: edit.Lines},
			"items":                {Currency: "EUR", Lines: []billing.ManualLine{{Description: "refund", Quantity: 1, UnitAmount: -100}}},
			"customer_id":          {CustomerID: c.ID + 1000, Currency: "EUR", Lines: edit.Lines},
		} {
			if _, err := h.svc.EditDraftInvoice(ctx, draft.ID, bad); platform.ErrorField(err) != field {
				t.Fatalf("edit refused for %s: %v", field, err)
			}
		}
		unchanged, err := h.svc.Invoice(ctx, draft.ID)
		mustOK(t, err)
		if unchanged.Total != 7139 || len(unchanged.Items) != 2 || unchanged.Items[1].Description != "DNS setup" || unchanged.Currency != "EUR" {
			t.Fatalf("a failed edit changed the draft: %+v", unchanged)
		}
		h.wantHidden(t, c.ID, draft.ID)
		_, err = h.svc.VoidInvoice(ctx, draft.ID)
		wantCode(t, err, platform.ECONFLICT)

		issued, err := h.svc.IssueDraftInvoice(ctx, draft.ID)
		mustOK(t, err)
		if issued.Status != billing.InvoiceOpen || issued.Number != "INV-2026-000001" || issued.Total != 7139 || issued.AmountPaid != 1000 ||
			!issued.IssuedAt.Equal(start) || !issued.DueAt.Equal(due) || issued.ID != draft.ID {
			t.Fatalf("issued draft: %+v", issued)
		}
		if credit, err := h.store.CreditBalance(ctx, c.ID, "EUR"); err != nil || credit != 0 {
			t.Fatalf("credit after issue: %d (%v)", credit, err)
		}
		if jobs, err := h.store.ListJobs(ctx, platform.JobInvoiceCreated); err != nil || len(jobs) != 1 {
			t.Fatalf("invoice emails after issue: %d (%v)", len(jobs), err)
		}
		if _, err := h.svc.CustomerInvoice(ctx, c.ID, draft.ID); err != nil {
			t.Fatalf("the customer cannot see the issued invoice: %v", err)
		}
		if mine, err := h.svc.CustomerInvoicePage(ctx, c.ID, billing.InvoiceQuery{}); err != nil || len(mine) != 1 {
			t.Fatalf("the customer's invoices after issue: %d (%v)", len(mine), err)
		}

		// An issued invoice is final.
		_, err = h.svc.EditDraftInvoice(ctx, draft.ID, edit)
		wantCode(t, err, platform.ECONFLICT)
		_, err = h.svc.IssueDraftInvoice(ctx, draft.ID)
		wantCode(t, err, platform.ECONFLICT)
		wantCode(t, h.svc.DeleteDraftInvoice(ctx, draft.ID), platform.ECONFLICT)
	})
}

// TestDraftIssueAndDelete: a draft whose due date has passed is not
// issued and takes no number; a draft deleted is gone.
func TestDraftIssueAndDelete(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "late@example.com", "")
		line := []billing.ManualLine{{Description: "Consulting", Quantity: 3, UnitAmount: 5000}}
		late, err := h.svc.CreateManualInvoice(ctx, billing.ManualInvoice{CustomerID: c.ID, Currency: "USD", DueAt: start.Add(24 * time.Hour), Lines: line, Draft: true})
		mustOK(t, err)
		open, err := h.svc.CreateManualInvoice(ctx, billing.ManualInvoice{CustomerID: c.ID, Currency: "USD", Lines: line, Draft: true})
		mustOK(t, err)
		h.clock.Advance(48 * time.Hour)
		_, err = h.svc.IssueDraftInvoice(ctx, late.ID)
		if platform.ErrorField(err) != "due_at" {
			t.Fatalf("issuing a draft due in the past: %v", err)
		}
		still, err := h.svc.Invoice(ctx, late.ID)
		mustOK(t, err)
		if still.Status != billing.InvoiceDraft || still.Number != "" {
			t.Fatalf("a refused issue changed the draft: %s %q", still.Status, still.Number)
		}
		// Left without a due date, a draft is due on the day it is issued;
		// the refused issue took no number.
		issued, err := h.svc.IssueDraftInvoice(ctx, open.ID)
		mustOK(t, err)
		if issued.Number != "INV-2026-000001" || !issued.DueAt.Equal(h.clock.Now()) || issued.Total != 15000 {
			t.Fatalf("issued: %q due %v total %d", issued.Number, issued.DueAt, issued.Total)
		}
		mustOK(t, h.svc.DeleteDraftInvoice(ctx, late.ID))
		_, err = h.svc.Invoice(ctx, late.ID)
		wantCode(t, err, platform.ENOTFOUND)
		wantCode(t, h.svc.DeleteDraftInvoice(ctx, late.ID), platform.ENOTFOUND)
		all, err := h.svc.CustomerInvoicesForStaff(ctx, c.ID)
		mustOK(t, err)
		if len(all) != 1 || all[0].ID != issued.ID {
			t.Fatalf("invoices left: %d", len(all))
		}
	})
}

// wantHidden checks the customer can neither get nor list the draft, while
// staff see it.
func (h *harness) wantHidden(t *testing.T, customerID, draftID int64) {
	t.Helper()
	_, err := h.svc.CustomerInvoice(ctx, customerID, draftID)
	wantCode(t, err, platform.ENOTFOUND)
	mine, err := h.svc.CustomerInvoicePage(ctx, customerID, billing.InvoiceQuery{})
	mustOK(t, err)
	for _, inv := range mine {
		if inv.ID == draftID {
			t.Fatal("the customer's invoice list shows the draft")
		}
	}
	all, err := h.svc.CustomerInvoicesForStaff(ctx, customerID)
	mustOK(t, err)
	if len(all) == 0 || all[len(all)-1].ID != draftID {
		t.Fatal("staff do not see the draft")
	}
	if jobs, err := h.store.ListJobs(ctx, platform.JobInvoiceCreated); err != nil || len(jobs) != 0 {
		t.Fatalf("a draft was emailed: %d jobs (%v)", len(jobs), err)
	}
}

// TestConcurrentDraftIssueOnce: staff clicking "issue" twice, or two
// staff at once, issue the draft once, with one number and one email.
func TestConcurrentDraftIssueOnce(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "twice@example.com", "")
		draft, err := h.svc.CreateManualInvoice(ctx, billing.ManualInvoice{CustomerID: c.ID, Currency: "USD", Draft: true,
			Lines: []billing.ManualLine{{Description: "Setup", Quantity: 1, UnitAmount: 2500}}})
		mustOK(t, err)
		var wg sync.WaitGroup
		errs := make(chan error, 6)
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := h.svc.IssueDraftInvoice(ctx, draft.ID)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		issued := 0
		for err := range errs {
			if err == nil {
				issued++
			} else if platform.ErrorCode(err) != platform.ECONFLICT {
				t.Fatalf("a concurrent issue failed with %v", err)
			}
		}
		got, err := h.svc.Invoice(ctx, draft.ID)
		mustOK(t, err)
		jobs, err := h.store.ListJobs(ctx, platform.JobInvoiceCreated)
		mustOK(t, err)
		if issued != 1 || got.Number != "INV-2026-000001" || len(got.Items) != 1 || len(jobs) != 1 {
			t.Fatalf("%d issues won; invoice %q with %d lines; %d emails", issued, got.Number, len(got.Items), len(jobs))
		}
	})
}
