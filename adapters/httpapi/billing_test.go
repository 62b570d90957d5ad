package httpapi_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
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
	}
	ada.want(http.StatusOK, "GET", "/account/invoices", nil, &invoices)
	if len(invoices.Invoices) != 1 || invoices.Invoices[0].Number != placed.Invoice.Number {
		t.Fatalf("invoices: %+v", invoices)
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
