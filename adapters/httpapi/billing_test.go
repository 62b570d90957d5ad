package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/invoicepdf"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/automation"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

type orderResult struct {
	Subscription struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"subscription"`
	Invoice struct {
		ID     int64  `json:"id"`
		Number string `json:"number"`
		Total  string `json:"total"`
		Lines  []struct {
			Description string `json:"description"`
			Amount      string `json:"amount"`
		} `json:"lines"`
	} `json:"invoice"`
}

// TestOrderingAndInvoicesOverHTTP: the catalog is public, a customer
// orders with a coupon and sees the discounted invoice, downloads its PDF
// and cancels at period end; another customer gets 404 for every one of
// those ids.
func TestOrderingAndInvoicesOverHTTP(t *testing.T) {
	s := storetest.OpenSQLite(t)
	clock := platform.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	bill, err := billing.NewService(s, sandbox.New(), clock, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, s.Identity(), s, func(svc *httpapi.Services) {
		svc.Billing, svc.Catalog = bill, s
		svc.PDFs = &automation.PDFs{Documents: s, Render: invoicepdf.Render, Clock: clock}
	})
	plan := &billing.Plan{Code: "vps", Name: "VPS 2 GB", Type: billing.ServiceVPS, Status: billing.PlanActive,
		Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 2000}}}
	hidden := &billing.Plan{Code: "legacy", Name: "Legacy", Type: billing.ServiceVPS, Status: billing.PlanHidden,
		Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 100}}}
	for _, p := range []*billing.Plan{plan, hidden} {
		if err := bill.CreatePlan(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	ten, _ := billing.ParseRate("10")
	if err := bill.CreateCoupon(ctx, &billing.Coupon{Code: "WELCOME10", Kind: billing.CouponPercent, Percent: ten, Duration: billing.CouponOnce, Active: true}); err != nil {
		t.Fatal(err)
	}

	var catalog struct {
		Plans []struct{ Code string } `json:"plans"`
	}
	e.client().want(http.StatusOK, "GET", "/catalog", nil, &catalog)
	if len(catalog.Plans) != 1 || catalog.Plans[0].Code != "vps" {
		t.Fatalf("public catalog: %+v", catalog)
	}

	ada := e.customer("ada@example.com")
	order := map[string]any{"plan_id": plan.ID, "currency": "USD", "cycle": "monthly", "coupon": "welcome10"}
	var placed orderResult
	ada.want(http.StatusCreated, "POST", "/orders", order, &placed)
	if placed.Subscription.Status != "pending" || placed.Invoice.Total != "18.00" || len(placed.Invoice.Lines) != 2 {
		t.Fatalf("order: %+v", placed)
	}
	bad := map[string]any{"plan_id": plan.ID, "currency": "USD", "cycle": "monthly", "coupon": "NOPE"}
	var problem struct {
		Errors []struct{ Location string }
	}
	ada.want(http.StatusUnprocessableEntity, "POST", "/orders", bad, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].Location != "body.coupon" {
		t.Fatalf("unknown coupon refused with %+v", problem)
	}
	ada.want(http.StatusUnprocessableEntity, "POST", "/orders", map[string]any{"plan_id": plan.ID, "currency": "JPY", "cycle": "monthly"}, nil)

	sub := fmt.Sprintf("/account/subscriptions/%d", placed.Subscription.ID)
	inv := fmt.Sprintf("/account/invoices/%d", placed.Invoice.ID)
	var invoices struct {
		Invoices []struct{ Number string } `json:"invoices"`
		Counts   map[string]map[string]int
		Due      []struct{ Amount, Currency string }
	}
	ada.want(http.StatusOK, "GET", "/account/invoices", nil, &invoices)
	if len(invoices.Invoices) != 1 || invoices.Invoices[0].Number != placed.Invoice.Number ||
		invoices.Counts["invoice"]["open"] != 1 || len(invoices.Due) != 1 || invoices.Due[0].Amount != placed.Invoice.Total {
		t.Fatalf("invoices: %+v", invoices)
	}
	ada.want(http.StatusOK, "GET", "/account/invoices?kind=invoice&status=paid", nil, &invoices)
	if len(invoices.Invoices) != 0 || invoices.Counts["invoice"]["open"] != 1 {
		t.Fatalf("paid invoices before paying: %+v", invoices)
	}
	var badFilter struct{ Errors []struct{ Location string } }
	ada.want(http.StatusUnprocessableEntity, "GET", "/account/invoices?status=draft", nil, &badFilter)
	if len(badFilter.Errors) != 1 || badFilter.Errors[0].Location != "query.status" {
		t.Fatalf("listing drafts: %+v", badFilter)
	}
	ada.want(http.StatusOK, "GET", sub, nil, nil)
	ada.want(http.StatusOK, "GET", inv, nil, nil)
	pdf := ada.raw(t, "GET", inv+"/pdf")
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("invoice download is not a PDF: %.20q", pdf)
	}

	eve := e.customer("eve@example.com")
	for _, probe := range []struct {
		method, path string
		body         any
	}{
		{"GET", sub, nil}, {"POST", sub + "/cancel", map[string]any{"at_period_end": true}},
		{"GET", inv, nil}, {"GET", inv + "/pdf", nil},
	} {
		eve.want(http.StatusNotFound, probe.method, probe.path, probe.body, nil)
	}
	var eveInvoices struct{ Invoices []any }
	eve.want(http.StatusOK, "GET", "/account/invoices", nil, &eveInvoices)
	if len(eveInvoices.Invoices) != 0 {
		t.Fatalf("eve sees %d invoices", len(eveInvoices.Invoices))
	}

	var cancelled struct {
		Status            string `json:"status"`
		CancelAtPeriodEnd bool   `json:"cancel_at_period_end"`
	}
	ada.want(http.StatusOK, "POST", sub+"/cancel", map[string]any{"at_period_end": false, "reason": "changed my mind"}, &cancelled)
	if cancelled.Status != "cancelled" {
		t.Fatalf("cancelled order: %+v", cancelled)
	}
}

// raw sends a request and returns the body of a 200 answer.
func (c *client) raw(t *testing.T, method, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(method, c.e.srv.URL+httpapi.APIPrefix+path, nil)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/pdf") {
		t.Fatalf("%s %s = %s (%s): %.200s", method, path, resp.Status, resp.Header.Get("Content-Type"), body)
	}
	return body
}

// TestPayNowOverHTTP: a customer saves a sandbox card and pays an invoice
// with it; a declined card fails without paying, and the next press after
// switching cards is a new attempt that succeeds. Another customer cannot
// pay (or see) the invoice.
func TestPayNowOverHTTP(t *testing.T) {
	s := storetest.OpenSQLite(t)
	gw := sandbox.New()
	clock := platform.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	bill, err := billing.NewService(s, gw, clock, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, s.Identity(), s, func(svc *httpapi.Services) {
		svc.Billing, svc.Catalog, svc.Cards, svc.Clock = bill, s, gw, clock
		svc.ExchangeRates = &billing.ExchangeRates{Base: "EUR"}
		svc.PDFs = &automation.PDFs{Documents: s, Render: invoicepdf.Render, Clock: clock}
		svc.Audit = s.Identity()
	})
	big := &billing.Plan{Code: "vps-big", Name: "VPS big", Type: billing.ServiceVPS, Status: billing.PlanActive,
		Prices: []billing.Price{{Currency: "EUR", Cycle: billing.Monthly, Amount: 2700}}}
	if err := bill.CreatePlan(ctx, big); err != nil {
		t.Fatal(err)
	}
	plan := &billing.Plan{Code: "vps", Name: "VPS", Type: billing.ServiceVPS, Status: billing.PlanActive, UpgradeTargets: []int64{big.ID},
		Prices: []billing.Price{{Currency: "EUR", Cycle: billing.Monthly, Amount: 900}}}
	if err := bill.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	ada := e.customer("ada@example.com")
	var placed orderResult
	ada.want(http.StatusCreated, "POST", "/orders", map[string]any{"plan_id": plan.ID, "currency": "EUR", "cycle": "monthly"}, &placed)
	pay := fmt.Sprintf("/account/invoices/%d/pay", placed.Invoice.ID)

	var res struct {
		Status  string `json:"status"`
		Message string `json:"message"`
		Invoice struct {
			Status string `json:"status"`
		} `json:"invoice"`
	}
	ada.want(http.StatusOK, "POST", pay, nil, &res)
	if res.Status != "failed" || res.Message != "no saved payment method" {
		t.Fatalf("pay without a card: %+v", res)
	}
	var declined, visa struct {
		ID    int64  `json:"id"`
		Last4 string `json:"last4"`
	}
	ada.want(http.StatusCreated, "POST", "/account/payment-methods", map[string]string{"payment_method_id": sandbox.CardDeclined}, &declined)
	ada.want(http.StatusOK, "POST", pay, nil, &res)
	if res.Status != "failed" || res.Invoice.Status != "open" {
		t.Fatalf("pay with a declined card: %+v", res)
	}
	ada.want(http.StatusUnprocessableEntity, "POST", "/account/payment-methods", map[string]string{"payment_method_id": "pm_card_bogus"}, nil)
	ada.want(http.StatusCreated, "POST", "/account/payment-methods", map[string]string{"payment_method_id": sandbox.CardVisa}, &visa)
	ada.want(http.StatusNoContent, "PUT", fmt.Sprintf("/account/payment-methods/%d/default", visa.ID), nil, nil)
	eve := e.customer("eve@example.com")
	eve.want(http.StatusNotFound, "POST", pay, nil, nil)
	pdfPath := fmt.Sprintf("/account/invoices/%d/pdf", placed.Invoice.ID)
	openPDF := ada.raw(t, "GET", pdfPath)
	ada.want(http.StatusOK, "POST", pay, nil, &res)
	if res.Status != "succeeded" || res.Invoice.Status != "paid" || visa.Last4 != "4242" {
		t.Fatalf("pay with visa: %+v (card %+v)", res, visa)
	}
	ada.want(http.StatusConflict, "POST", pay, nil, nil)
	// A cancellation at period end can be withdrawn until then.
	sub := fmt.Sprintf("/account/subscriptions/%d", placed.Subscription.ID)
	var cancelled struct {
		CancelAtPeriodEnd bool `json:"cancel_at_period_end"`
	}
	ada.want(http.StatusOK, "POST", sub+"/cancel", map[string]any{"at_period_end": true, "reason": "too expensive"}, &cancelled)
	if !cancelled.CancelAtPeriodEnd {
		t.Fatalf("cancel at period end: %+v", cancelled)
	}
	eve.want(http.StatusNotFound, "POST", sub+"/resume", nil, nil)
	cancelled.CancelAtPeriodEnd = false // omitted when false
	ada.want(http.StatusOK, "POST", sub+"/resume", nil, &cancelled)
	if cancelled.CancelAtPeriodEnd {
		t.Fatalf("resumed: %+v", cancelled)
	}
	ada.want(http.StatusConflict, "POST", sub+"/resume", nil, nil)
	// Once paid, the download is a new rendering (with the PAID stamp);
	// the open one, as emailed, is kept as it was.
	paidPDF := ada.raw(t, "GET", pdfPath)
	keptOpen, err := s.InvoicePDF(ctx, placed.Invoice.ID, "open")
	if bytes.Equal(paidPDF, openPDF) || err != nil || !bytes.Equal(keptOpen, openPDF) {
		t.Fatalf("paid PDF same as open: %v; open kept: %v (%v)", bytes.Equal(paidPDF, openPDF), bytes.Equal(keptOpen, openPDF), err)
	}
	succeeded := 0
	for _, c := range gw.Charges() {
		if c.Status == billing.ChargeSucceeded {
			succeeded++
		}
	}
	if succeeded != 1 {
		t.Fatalf("%d successful charges, want 1", succeeded)
	}

	// The paid order is new MRR in the staff's analytics.
	ada.want(http.StatusForbidden, "GET", "/admin/analytics", nil, nil)
	ops := e.staff("ops@example.com")
	ops.enrolTOTP()
	clock.Advance(24 * time.Hour)
	var stats struct {
		Currency     string `json:"currency"`
		ARR          string `json:"arr"`
		NewCustomers int    `json:"new_customers"`
		MRR          struct {
			MRREnd string `json:"mrr_end"`
			New    string `json:"new"`
		} `json:"mrr"`
	}
	if pdf := ops.raw(t, "GET", fmt.Sprintf("/admin/invoices/%d/pdf", placed.Invoice.ID)); !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("the staff's invoice download is not a PDF: %.20q", pdf)
	}
	ops.want(http.StatusOK, "GET", "/admin/analytics", nil, &stats)
	if stats.Currency != "EUR" || stats.MRR.MRREnd != "9.00" || stats.MRR.New != "9.00" || stats.ARR != "108.00" || stats.NewCustomers != 1 {
		t.Fatalf("analytics after one 9 EUR/month order: %+v", stats)
	}
	// A report's range is read from the query string, and its errors say so.
	var rangeProblem struct{ Errors []struct{ Location string } }
	for path, want := range map[string]string{
		"/admin/analytics?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z": "query.from",
		"/admin/analytics/revenue?interval=day&from=2025-01-01T00:00:00Z":    "query.interval",
	} {
		ops.want(http.StatusUnprocessableEntity, "GET", path, nil, &rangeProblem)
		if len(rangeProblem.Errors) != 1 || rangeProblem.Errors[0].Location != want {
			t.Fatalf("GET %s: errors %+v, want one at %s", path, rangeProblem.Errors, want)
		}
	}
	var revenue struct {
		Currency string
		Points   []struct {
			Collected, Net, MRR string
			Customers           int
		}
	}
	ops.want(http.StatusOK, "GET", "/admin/analytics/revenue?interval=week", nil, &revenue)
	// Paid on Sunday 1 March; the clock is now in the week of Monday 2 March.
	paidWeek, last := revenue.Points[len(revenue.Points)-2], revenue.Points[len(revenue.Points)-1]
	if revenue.Currency != "EUR" || len(revenue.Points) < 5 || paidWeek.Collected != placed.Invoice.Total || paidWeek.Net != paidWeek.Collected ||
		last.Collected != "0.00" || last.MRR != "9.00" || last.Customers != 1 {
		t.Fatalf("weekly revenue after paying %s: %+v", placed.Invoice.Total, revenue)
	}
	ops.want(http.StatusOK, "GET", "/admin/analytics/revenue?interval=day&from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z", nil, &revenue)
	if len(revenue.Points) != 2 || revenue.Points[0].Collected != placed.Invoice.Total {
		t.Fatalf("two days of revenue: %+v", revenue)
	}
	ops.want(http.StatusUnprocessableEntity, "GET", "/admin/analytics/revenue?interval=hour", nil, nil)
	var receivables struct {
		Currency string
		Total    struct {
			OutstandingCount int `json:"outstanding_count"`
			Overdue          string
		}
	}
	ops.want(http.StatusOK, "GET", "/admin/analytics/receivables", nil, &receivables)
	if receivables.Currency != "EUR" || receivables.Total.OutstandingCount != 0 || receivables.Total.Overdue != "0.00" {
		t.Fatalf("receivables with every invoice paid: %+v", receivables)
	}
	var popularity struct {
		Plans []struct {
			PlanID              int64 `json:"plan_id"`
			Live, Ordered, Paid int
			ConversionRate      string `json:"conversion_rate"`
		}
	}
	ops.want(http.StatusOK, "GET", "/admin/analytics/plans", nil, &popularity)
	if len(popularity.Plans) == 0 || popularity.Plans[0].Live != 1 || popularity.Plans[0].Paid != 1 || popularity.Plans[0].ConversionRate != "100" {
		t.Fatalf("plan popularity: %+v", popularity)
	}

	// Halfway through the month an upgrade costs about half the difference.
	change := fmt.Sprintf("/account/subscriptions/%d/change", placed.Subscription.ID)
	eve.want(http.StatusNotFound, "POST", change+"/quote", map[string]any{"plan_id": big.ID}, nil)
	clock.Set(time.Date(2026, 3, 16, 12, 0, 0, 0, time.UTC))
	var quote struct{ Net string }
	ada.want(http.StatusOK, "POST", change+"/quote", map[string]any{"plan_id": big.ID}, &quote)
	var changed struct {
		Invoice struct{ Total string }
	}
	ada.want(http.StatusOK, "POST", change, map[string]any{"plan_id": big.ID}, &changed)
	if quote.Net != "9.29" || changed.Invoice.Total != quote.Net {
		t.Fatalf("upgrade for the remaining 16 of 31 days: quote %s, invoice %s", quote.Net, changed.Invoice.Total)
	}
}

// TestAdminBillingOverHTTP: staff add plans and coupons (bad amounts named
// by field), invoice a customer by hand, record a bank transfer once however
// often it is reported, and void an unpaid invoice; each needs its
// permission and lands in the audit log.
func TestAdminBillingOverHTTP(t *testing.T) {
	s := storetest.OpenSQLite(t)
	e, _ := newStaffBillingEnv(t, s.Store, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	ada := e.customer("ada@example.com")
	var who me
	ada.want(http.StatusOK, "GET", "/auth/me", nil, &who)
	ada.want(http.StatusForbidden, "GET", "/admin/plans", nil, nil)
	viewer := e.staff("viewer@example.com", identity.PermAuditRead)
	viewer.enrolTOTP()
	plan := map[string]any{"code": "vps-xl", "name": "VPS XL", "type": "vps", "status": "active",
		"prices": []map[string]string{{"currency": "USD", "cycle": "monthly", "amount": "96.00"}}}
	viewer.want(http.StatusForbidden, "POST", "/admin/plans", plan, nil)

	ops := e.staff("ops@example.com", identity.PermSettingsWrite, identity.PermInvoicesWrite)
	ops.enrolTOTP()
	var problem struct {
		Errors []struct{ Location string }
	}
	badPlan := map[string]any{"code": "bad", "name": "Bad", "type": "vps", "status": "active",
		"prices": []map[string]string{{"currency": "USD", "cycle": "monthly", "amount": "12.345"}}}
	ops.want(http.StatusUnprocessableEntity, "POST", "/admin/plans", badPlan, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].Location != "body.prices[0].amount" {
		t.Fatalf("bad amount refused with %+v", problem)
	}
	var created struct {
		ID     int64 `json:"id"`
		Prices []struct{ Amount string }
	}
	ops.want(http.StatusCreated, "POST", "/admin/plans", plan, &created)
	if created.ID == 0 || created.Prices[0].Amount != "96.00" {
		t.Fatalf("created plan: %+v", created)
	}
	ops.want(http.StatusCreated, "POST", "/admin/coupons", map[string]any{"code": "spring15", "percent": "15", "duration": "once"}, nil)
	ops.want(http.StatusUnprocessableEntity, "POST", "/admin/coupons",
		map[string]any{"code": "both", "percent": "15", "amounts_off": []string{"5.00 USD"}, "duration": "once"}, nil)
	ops.want(http.StatusCreated, "POST", "/admin/coupons", map[string]any{"code": "five", "amounts_off": []string{"5.00 USD", "5.00 EUR"}, "duration": "once"}, nil)
	var coupons struct {
		Coupons []struct {
			ID         int64
			Code       string
			Percent    string
			AmountsOff []string `json:"amounts_off"`
			Active     bool
		}
	}
	ops.want(http.StatusOK, "GET", "/admin/coupons", nil, &coupons)
	if len(coupons.Coupons) != 2 || coupons.Coupons[0].Code != "FIVE" || !slices.Equal(coupons.Coupons[0].AmountsOff, []string{"5.00 EUR", "5.00 USD"}) ||
		coupons.Coupons[1].Percent != "15" || !coupons.Coupons[0].Active {
		t.Fatalf("coupons listed: %+v", coupons)
	}
	retire := fmt.Sprintf("/admin/coupons/%d/active", coupons.Coupons[0].ID)
	viewer.want(http.StatusForbidden, "PUT", retire, map[string]bool{"active": false}, nil)
	ops.want(http.StatusNoContent, "PUT", retire, map[string]bool{"active": false}, nil)
	ops.want(http.StatusNotFound, "PUT", "/admin/coupons/999999/active", map[string]bool{"active": false}, nil)
	ada.want(http.StatusUnprocessableEntity, "POST", "/orders", map[string]any{"plan_id": created.ID, "currency": "USD", "cycle": "monthly", "coupon": "five"}, nil)
	ops.want(http.StatusOK, "GET", "/admin/coupons", nil, &coupons)
	if coupons.Coupons[0].Active {
		t.Fatalf("retired coupon still active: %+v", coupons.Coupons[0])
	}

	manual := map[string]any{"customer_id": who.User.ID, "currency": "USD", "due_at": "2026-03-15T00:00:00Z",
		"lines": []map[string]any{{"description": "Data recovery", "quantity": 2, "unit_amount": "60.00"}}}
	var inv struct {
		ID     int64  `json:"id"`
		Total  string `json:"total"`
		Status string `json:"status"`
	}
	ops.want(http.StatusCreated, "POST", "/admin/invoices", manual, &inv)
	if inv.Total != "120.00" || inv.Status != "open" {
		t.Fatalf("manual invoice: %+v", inv)
	}
	var staffView struct {
		Lines []struct{ Description string }
	}
	ops.want(http.StatusOK, "GET", fmt.Sprintf("/admin/invoices/%d", inv.ID), nil, &staffView)
	if len(staffView.Lines) != 1 || staffView.Lines[0].Description != "Data recovery" {
		t.Fatalf("the staff's view of the manual invoice: %+v", staffView)
	}
	ops.want(http.StatusNotFound, "GET", "/admin/invoices/999999", nil, nil)
	var mine struct{ Invoices []struct{ ID int64 } }
	ada.want(http.StatusOK, "GET", "/account/invoices", nil, &mine)
	if len(mine.Invoices) != 1 || mine.Invoices[0].ID != inv.ID {
		t.Fatalf("the customer's invoices: %+v", mine)
	}
	transfer := map[string]string{"amount": "120.00", "method": "bank_transfer", "reference": "BANK-REF-77"}
	for i := 0; i < 2; i++ { // the bank statement imported twice
		ops.want(http.StatusOK, "POST", fmt.Sprintf("/admin/invoices/%d/payments", inv.ID), transfer, &inv)
	}
	credit, err := s.CreditBalance(ctx, who.User.ID, "USD")
	if inv.Status != "paid" || err != nil || credit != 0 {
		t.Fatalf("after the transfer: invoice %+v, credit %d (%v)", inv, credit, err)
	}
	var moved struct {
		Transactions []struct{ Kind, Gateway, Reference, Amount string }
	}
	ops.want(http.StatusOK, "GET", fmt.Sprintf("/admin/invoices/%d/transactions", inv.ID), nil, &moved)
	if len(moved.Transactions) != 1 || moved.Transactions[0].Gateway != "manual" || moved.Transactions[0].Kind != "charge" ||
		moved.Transactions[0].Reference != "bank_transfer:BANK-REF-77" || moved.Transactions[0].Amount != "120.00" {
		t.Fatalf("the invoice's transactions after one transfer recorded twice: %+v", moved)
	}
	ops.want(http.StatusNotFound, "GET", "/admin/invoices/999999/transactions", nil, nil)
	ops.want(http.StatusConflict, "POST", fmt.Sprintf("/admin/invoices/%d/void", inv.ID), nil, nil)
	var second struct{ ID int64 }
	ops.want(http.StatusCreated, "POST", "/admin/invoices", manual, &second)
	ops.want(http.StatusOK, "POST", fmt.Sprintf("/admin/invoices/%d/void", second.ID), nil, &inv)
	if inv.Status != "void" {
		t.Fatalf("voided invoice: %+v", inv)
	}
	ops.want(http.StatusForbidden, "POST", fmt.Sprintf("/admin/invoices/%d/refund", inv.ID), map[string]string{"amount": "1.00", "reason": "goodwill"}, nil)
	var theirs struct{ Invoices []any }
	ops.want(http.StatusOK, "GET", fmt.Sprintf("/admin/customers/%d/invoices", who.User.ID), nil, &theirs)
	if len(theirs.Invoices) != 2 {
		t.Fatalf("customer's invoices for staff: %d", len(theirs.Invoices))
	}
	search := func(q string) []string {
		var found struct{ Customers []struct{ Email string } }
		ops.want(http.StatusOK, "GET", "/admin/customers?q="+q, nil, &found)
		var emails []string
		for _, c := range found.Customers {
			emails = append(emails, c.Email)
		}
		return emails
	}
	if got := search("ADA"); len(got) != 1 || got[0] != "ada@example.com" {
		t.Fatalf("search ADA: %v", got)
	}
	if got := search("%25"); len(got) != 0 {
		t.Fatalf("a LIKE wildcard matched %v", got)
	}
	if got := search(""); len(got) != 1 {
		t.Fatalf("all customers (staff are not customers): %v", got)
	}
	var detail struct {
		Email         string
		Subscriptions []any
	}
	ops.want(http.StatusOK, "GET", fmt.Sprintf("/admin/customers/%d", who.User.ID), nil, &detail)
	if detail.Email != "ada@example.com" {
		t.Fatalf("customer detail: %+v", detail)
	}
	ops.want(http.StatusUnprocessableEntity, "POST", "/admin/tax-rates",
		map[string]any{"country": "DE", "name": "MwSt", "rate": "lots", "valid_from": "2026-01-01T00:00:00Z"}, &problem)
	if problem.Errors[0].Location != "body.rate" {
		t.Fatalf("bad rate refused with %+v", problem)
	}
	ops.want(http.StatusCreated, "POST", "/admin/tax-rates", map[string]any{"country": "DE", "name": "MwSt", "rate": "19", "valid_from": "2026-01-01T00:00:00Z"}, nil)
	var rates struct {
		TaxRates []struct{ Country, Rate string } `json:"tax_rates"`
	}
	ops.want(http.StatusOK, "GET", "/admin/tax-rates", nil, &rates)
	if len(rates.TaxRates) != 1 || rates.TaxRates[0].Rate != "19" {
		t.Fatalf("tax rates: %+v", rates)
	}
	var pending struct {
		Subscriptions []struct {
			PlanName        string `json:"plan_name"`
			RecurringAmount string `json:"recurring_amount"`
			CreatedAt       string `json:"created_at"`
		}
	}
	ops.want(http.StatusOK, "GET", "/admin/orders/pending", nil, &pending)
	if len(pending.Subscriptions) != 0 {
		t.Fatalf("pending orders without any order: %+v", pending)
	}
	ada.want(http.StatusCreated, "POST", "/orders", map[string]any{"plan_id": created.ID, "currency": "USD", "cycle": "monthly"}, nil)
	ops.want(http.StatusOK, "GET", "/admin/orders/pending", nil, &pending)
	if len(pending.Subscriptions) != 1 || pending.Subscriptions[0].PlanName != "VPS XL" || pending.Subscriptions[0].RecurringAmount != "96.00" ||
		pending.Subscriptions[0].CreatedAt == "" {
		t.Fatalf("pending orders after one unpaid order: %+v", pending)
	}
	for _, action := range []string{"plan.create", "coupon.create", "invoice.create", "invoice.payment", "invoice.void"} {
		entries, err := s.Identity().ListAudit(ctx, identity.AuditFilter{Action: action})
		if err != nil || len(entries) == 0 {
			t.Fatalf("no %s in the audit log (%v)", action, err)
		}
	}

	// Editing a plan: new prices apply; a price a subscriber renews at
	// cannot be dropped.
	planPath := fmt.Sprintf("/admin/plans/%d", created.ID)
	edit := map[string]any{"name": "VPS XL (2026)", "status": "active", "stock": 3, "prices": []map[string]string{
		{"currency": "USD", "cycle": "monthly", "amount": "99.00"}, {"currency": "EUR", "cycle": "monthly", "amount": "92.00"}}}
	viewer.want(http.StatusForbidden, "PUT", planPath, edit, nil)
	var edited struct {
		Name   string
		Status string
		Stock  *int64
		Prices []struct{ Currency, Amount string }
	}
	ops.want(http.StatusOK, "PUT", planPath, edit, &edited)
	if edited.Name != "VPS XL (2026)" || edited.Stock == nil || *edited.Stock != 3 || len(edited.Prices) != 2 || edited.Prices[0].Amount != "99.00" {
		t.Fatalf("edited plan: %+v", edited)
	}
	ada.want(http.StatusCreated, "POST", "/orders", map[string]any{"plan_id": created.ID, "currency": "USD", "cycle": "monthly"}, nil)
	edit["prices"] = []map[string]string{{"currency": "EUR", "cycle": "monthly", "amount": "92.00"}}
	ops.want(http.StatusConflict, "PUT", planPath, edit, &problem)
	ops.want(http.StatusNotFound, "PUT", "/admin/plans/999999", edit, nil)
}

// fakeConfirmer stands for Stripe's side of a 3-D Secure challenge: the
// payment's client secret and the publishable key.
type fakeConfirmer struct{ asked []string }

func (f *fakeConfirmer) ConfirmationSecret(_ context.Context, paymentID string) (string, error) {
	f.asked = append(f.asked, paymentID)
	return paymentID + "_secret_test", nil
}

func (f *fakeConfirmer) BrowserKey() string { return "pk_test_123" }

// A payment the bank challenges waits for the customer: the browser gets
// what it needs to show the challenge, for the owner's invoice only.
func TestConfirmChallengedPaymentOverHTTP(t *testing.T) {
	s := storetest.OpenSQLite(t)
	gw := sandbox.New()
	clock := platform.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	bill, err := billing.NewService(s, gw, clock, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	confirmer := &fakeConfirmer{}
	e := newEnv(t, s.Identity(), s, func(svc *httpapi.Services) {
		svc.Billing, svc.Catalog, svc.Cards, svc.Clock = bill, s, gw, clock
		svc.Checkers = map[string]billing.PaymentChecker{"sandbox": gw}
		svc.Confirmers = map[string]httpapi.PaymentConfirmer{"sandbox": confirmer}
	})
	plan := &billing.Plan{Code: "vps", Name: "VPS", Type: billing.ServiceVPS, Status: billing.PlanActive,
		Prices: []billing.Price{{Currency: "EUR", Cycle: billing.Monthly, Amount: 900}}}
	if err := bill.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	ada := e.customer("ada@example.com")
	var placed orderResult
	ada.want(http.StatusCreated, "POST", "/orders", map[string]any{"plan_id": plan.ID, "currency": "EUR", "cycle": "monthly"}, &placed)
	confirm := fmt.Sprintf("/account/invoices/%d/confirm-payment", placed.Invoice.ID)
	ada.want(http.StatusConflict, "POST", confirm, nil, nil) // nothing to confirm yet

	var setup struct {
		Gateway string
	}
	ada.want(http.StatusOK, "POST", "/account/payment-methods/setup", nil, &setup)
	if setup.Gateway != "sandbox" {
		t.Fatalf("setup: %+v", setup)
	}
	ada.want(http.StatusCreated, "POST", "/account/payment-methods", map[string]string{"payment_method_id": sandbox.CardAuthenticationReqd}, nil)
	var res struct{ Status string }
	ada.want(http.StatusOK, "POST", fmt.Sprintf("/account/invoices/%d/pay", placed.Invoice.ID), nil, &res)
	if res.Status != "requires_action" {
		t.Fatalf("pay with a card that needs authentication: %+v", res)
	}
	e.customer("eve@example.com").want(http.StatusNotFound, "POST", confirm, nil, nil)
	var out struct {
		Gateway        string
		ClientSecret   string `json:"client_secret"`
		PublishableKey string `json:"publishable_key"`
	}
	ada.want(http.StatusOK, "POST", confirm, nil, &out)
	if out.Gateway != "sandbox" || len(confirmer.asked) != 1 || out.ClientSecret != confirmer.asked[0]+"_secret_test" || out.PublishableKey != "pk_test_123" {
		t.Fatalf("confirmation: %+v (asked %v)", out, confirmer.asked)
	}
}
