package billing_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/billing"
)

// These tests follow subscriptions through their life on both stores: plan
// changes, tax, trials and coupons, dunning, cancellation, metrics and
// currencies without cents. Every amount is worked out by hand in a comment
// next to it. Helpers here start with lc so that they stay clear of the
// other test files of the package.

// lcAt is 09:00 UTC on a day of 2026, the hour every test starts at (see
// start in service_test.go), so whole days separate the instants.
func lcAt(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 9, 0, 0, 0, time.UTC)
}

// lcPlan creates a monthly USD VPS plan without setup fee, with an IPv4
// option priced per address and the given plans as change targets.
func lcPlan(t *testing.T, h *harness, code string, monthly, perIPv4 int64, targets ...int64) *billing.Plan {
	t.Helper()
	p := &billing.Plan{
		Code: code, Name: "VPS " + code, Type: billing.ServiceVPS, Status: billing.PlanActive, UpgradeTargets: targets,
		Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: monthly}},
		Options: []billing.ConfigOption{{
			Code: "ipv4", Name: "Extra IPv4", Unit: "address", MaxUnits: 8,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: perIPv4}},
		}},
	}
	mustOK(t, h.svc.CreatePlan(ctx, p))
	return p
}

// lcIPv4 chooses units of a plan's IPv4 option.
func lcIPv4(p *billing.Plan, units int64) []billing.OptionChoice {
	return []billing.OptionChoice{{OptionID: p.Options[0].ID, Units: units}}
}

// lcTaxCustomer creates a customer taxed as tc.
func lcTaxCustomer(t *testing.T, h *harness, email string, tc billing.TaxCustomer) *billing.Customer {
	t.Helper()
	c := &billing.Customer{Email: email, Details: billing.BillingDetails{Name: email, Country: tc.Country, VATID: tc.VATID}, Tax: tc}
	mustOK(t, h.store.CreateCustomer(ctx, c))
	return c
}

func lcSubscribe(t *testing.T, h *harness, req billing.SubscribeRequest) (*billing.Subscription, *billing.Invoice) {
	t.Helper()
	sub, inv, err := h.svc.Subscribe(ctx, req)
	mustOK(t, err)
	return sub, inv
}

// lcPay records a payment of what is left due on an invoice, at the
// harness clock's time.
func lcPay(t *testing.T, h *harness, inv *billing.Invoice) *billing.Invoice {
	t.Helper()
	paid, err := h.svc.RecordPayment(ctx, billing.Payment{
		InvoiceID: inv.ID, Gateway: "fake", GatewayID: fmt.Sprintf("lc-%d-%d", inv.ID, inv.AmountPaid),
		Amount: billing.Money{Amount: inv.AmountDue(), Currency: inv.Currency},
	})
	mustOK(t, err)
	if paid.Status != billing.InvoicePaid {
		t.Fatalf("invoice %d is %s after paying it in full", inv.ID, paid.Status)
	}
	return paid
}

// lcActive orders and pays, and returns the active subscription.
func lcActive(t *testing.T, h *harness, req billing.SubscribeRequest) *billing.Subscription {
	t.Helper()
	sub, inv := lcSubscribe(t, h, req)
	lcPay(t, h, inv)
	sub = lcSub(t, h, sub.ID)
	if sub.Status != billing.SubActive {
		t.Fatalf("paid order is %s, want active", sub.Status)
	}
	return sub
}

func lcSub(t *testing.T, h *harness, id int64) *billing.Subscription {
	t.Helper()
	sub, err := h.store.GetSubscription(ctx, id)
	mustOK(t, err)
	return sub
}

func lcInvoice(t *testing.T, h *harness, id int64) *billing.Invoice {
	t.Helper()
	inv, err := h.store.GetInvoice(ctx, id)
	mustOK(t, err)
	return inv
}

// lcInvoices returns a subscription's invoices and credit notes, oldest
// first.
func lcInvoices(t *testing.T, h *harness, subID int64) []*billing.Invoice {
	t.Helper()
	invs, err := h.store.ListInvoicesBySubscription(ctx, subID)
	mustOK(t, err)
	return invs
}

// lcRenew runs the renewals at an instant and returns the one invoice it
// must make for the subscription.
func lcRenew(t *testing.T, h *harness, at time.Time, subID int64) *billing.Invoice {
	t.Helper()
	h.clock.Set(at)
	res, err := h.svc.RenewDue(ctx, at)
	mustOK(t, err)
	if res.Invoiced != 1 {
		t.Fatalf("renewal run at %v made %d invoices, want 1", at, res.Invoiced)
	}
	invs := lcInvoices(t, h, subID)
	return lcInvoice(t, h, invs[len(invs)-1].ID) // with its lines
}

func lcJobs(t *testing.T, h *harness, kind string) []*platform.Job {
	t.Helper()
	jobs, err := h.store.ListJobs(ctx, kind)
	mustOK(t, err)
	return jobs
}

// lcChargeAttempts lists the attempts of the invoice.charge jobs of an
// invoice, in the order they were enqueued.
func lcChargeAttempts(t *testing.T, h *harness, invoiceID int64) []int {
	t.Helper()
	var attempts []int
	for _, j := range lcJobs(t, h, platform.JobInvoiceCharge) {
		var cj billing.ChargeJob
		mustOK(t, json.Unmarshal(j.Payload, &cj))
		if cj.InvoiceID == invoiceID {
			attempts = append(attempts, cj.Attempt)
		}
	}
	return attempts
}

func lcBalance(t *testing.T, h *harness, customerID int64, currency string) int64 {
	t.Helper()
	b, err := h.store.CreditBalance(ctx, customerID, currency)
	mustOK(t, err)
	return b
}

// lcLines renders an invoice's lines as "kind amount (tax)" so that a test
// can state them like the printed invoice.
func lcLines(inv *billing.Invoice) []string {
	lines := make([]string, len(inv.Items))
	for i, it := range inv.Items {
		lines[i] = fmt.Sprintf("%s %d (%d)", it.Kind, it.Amount, it.TaxAmount)
	}
	return lines
}

func lcWantLines(t *testing.T, inv *billing.Invoice, want ...string) {
	t.Helper()
	if got := lcLines(inv); !reflect.DeepEqual(got, want) {
		t.Fatalf("invoice %d lines:\n got %q\nwant %q", inv.ID, got, want)
	}
}

// lcTotals is the money of an invoice in minor units.
type lcTotals struct{ Subtotal, Tax, Total int64 }

func lcWantTotals(t *testing.T, inv *billing.Invoice, want lcTotals) {
	t.Helper()
	if got := (lcTotals{inv.Subtotal, inv.Tax, inv.Total}); got != want {
		t.Fatalf("invoice %d totals %+v, want %+v", inv.ID, got, want)
	}
}

func lcWantErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if platform.ErrorCode(err) != code || platform.ErrorField(err) != field {
		t.Fatalf("error %v, want code %q on field %q", err, code, field)
	}
}

// lcDeSeller makes the seller a German company, as EU VAT needs.
func lcDeSeller(cfg *billing.Config) {
	cfg.Tax.SellerCountry = "DE"
	cfg.Company.Country = "DE"
}

// lcTaxRate adds a tax rate valid from from (1 January 2020 when zero)
// until until (open-ended when zero).
func lcTaxRate(t *testing.T, h *harness, country, name string, rate billing.Rate, from, until time.Time) {
	t.Helper()
	if from.IsZero() {
		from = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	mustOK(t, h.svc.CreateTaxRate(ctx, &billing.TaxRate{Country: country, Name: name, Rate: rate, ValidFrom: from, ValidUntil: until}))
}

func TestUpgradeMidCycleWithOptionsAppliesWhenPaid(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		large := lcPlan(t, h, "lc-large", 2000, 300)
		small := lcPlan(t, h, "lc-small", 1000, 200, large.ID)
		c := h.customer(t, "up@example.com", "")
		sub := lcActive(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: small.ID, Currency: "USD", Cycle: billing.Monthly, Options: lcIPv4(small, 1)})

		// The period runs 31 Jan 09:00 to 28 Feb 09:00, 28 days; on
		// 10 Feb 09:00 10 are used and 18 left.
		//   old: 10.00 + 1 × 2.00 = 12.00, new: 20.00 + 2 × 3.00 = 26.00
		//   credit 12.00 × 18/28 = 7.714… → 7.71
		//   charge 26.00 × 18/28 = 16.714… → 16.71
		//   net 16.71 − 7.71 = 9.00 (US seller, DE customer: no tax)
		h.clock.Set(lcAt(2, 10))
		opts := lcIPv4(large, 2)
		q, err := h.svc.QuotePlanChange(ctx, sub.ID, large.ID, opts)
		mustOK(t, err)
		if q.Credit.Amount != 771 || q.Charge.Amount != 1671 || q.Net.Amount != 900 || q.RemainingSeconds != 18*86400 || q.PeriodSeconds != 28*86400 {
			t.Fatalf("quote: %+v", q)
		}
		// Only the plan's upgrade targets are offered.
		_, err = h.svc.ChangePlan(ctx, sub.ID, h.plan.ID, nil)
		lcWantErr(t, err, platform.EINVALID, "plan_id")

		res, err := h.svc.ChangePlan(ctx, sub.ID, large.ID, opts)
		mustOK(t, err)
		if res.Quote != q || res.CreditNote != nil || res.Invoice == nil {
			t.Fatalf("upgrade result: %+v", res)
		}
		inv := res.Invoice
		lcWantLines(t, inv, "proration 1671 (0)", "proration -771 (0)")
		lcWantTotals(t, inv, lcTotals{Subtotal: 900, Tax: 0, Total: 900})
		if inv.Items[0].Description != "Remaining 18.0 of 28.0 days on VPS lc-large" || inv.Items[1].Description != "Unused 18.0 of 28.0 days on VPS lc-small" {
			t.Fatalf("proration lines: %q, %q", inv.Items[0].Description, inv.Items[1].Description)
		}
		if inv.Status != billing.InvoiceOpen || inv.Number != "INV-2026-000002" || inv.Reason != billing.ReasonSubscriptionUpdate ||
			!inv.DueAt.Equal(lcAt(2, 10)) || !inv.PeriodStart.Equal(lcAt(2, 10)) || !inv.PeriodEnd.Equal(lcAt(2, 28)) {
			t.Fatalf("upgrade invoice: %s %q %s due %v, %v to %v", inv.Status, inv.Number, inv.Reason, inv.DueAt, inv.PeriodStart, inv.PeriodEnd)
		}
		if got := lcChargeAttempts(t, h, inv.ID); !reflect.DeepEqual(got, []int{1}) {
			t.Fatalf("charge jobs of the upgrade invoice: attempts %v, want [1]", got)
		}

		// Unpaid, the upgrade has not happened.
		got := lcSub(t, h, sub.ID)
		if got.PlanID != small.ID || !reflect.DeepEqual(got.Options, lcIPv4(small, 1)) {
			t.Fatalf("before payment the subscription is on plan %d with %v", got.PlanID, got.Options)
		}
		if n := len(lcJobs(t, h, platform.JobServiceChange)); n != 0 {
			t.Fatalf("%d service.change_plan jobs before payment", n)
		}

		h.clock.Set(lcAt(2, 11))
		lcPay(t, h, lcInvoice(t, h, inv.ID))
		got = lcSub(t, h, sub.ID)
		if got.PlanID != large.ID || !reflect.DeepEqual(got.Options, opts) || got.Status != billing.SubActive || !got.CurrentPeriodEnd.Equal(lcAt(2, 28)) {
			t.Fatalf("after payment: plan %d, options %v, %s until %v", got.PlanID, got.Options, got.Status, got.CurrentPeriodEnd)
		}
		jobs := lcJobs(t, h, platform.JobServiceChange)
		if len(jobs) != 1 {
			t.Fatalf("%d service.change_plan jobs, want 1", len(jobs))
		}
		var payload struct {
			SubscriptionID int64 `json:"subscription_id"`
			PlanID         int64 `json:"plan_id"`
		}
		mustOK(t, json.Unmarshal(jobs[0].Payload, &payload))
		if payload.SubscriptionID != sub.ID || payload.PlanID != large.ID {
			t.Fatalf("service.change_plan payload %s", jobs[0].Payload)
		}

		// The next period is billed at the new price, 20.00 + 2 × 3.00.
		renewal := lcRenew(t, h, lcAt(2, 21), sub.ID)
		lcWantLines(t, renewal, "plan 2000 (0)", "option 600 (0)")
		lcWantTotals(t, renewal, lcTotals{Subtotal: 2600, Total: 2600})
	})
}

func TestDowngradeCreditsBalanceDrawnByNextRenewal(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		small := lcPlan(t, h, "lc-small", 1000, 200)
		large := lcPlan(t, h, "lc-large", 2000, 300, small.ID)
		c := h.customer(t, "down@example.com", sandbox.CardVisa)
		// First invoice: 20.00 + 2 × 3.00 = 26.00, paid.
		sub := lcActive(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: large.ID, Currency: "USD", Cycle: billing.Monthly, Options: lcIPv4(large, 2)})

		// 28-day period, 18 days left on 10 Feb:
		//   credit 26.00 × 18/28 = 16.714… → 16.71
		//   charge 12.00 × 18/28 = 7.714… → 7.71
		//   net −9.00: a credit note of 9.00, no invoice
		h.clock.Set(lcAt(2, 10))
		res, err := h.svc.ChangePlan(ctx, sub.ID, small.ID, lcIPv4(small, 1))
		mustOK(t, err)
		if res.Invoice != nil || res.Quote.Net.Amount != -900 || res.Quote.Credit.Amount != 1671 || res.Quote.Charge.Amount != 771 {
			t.Fatalf("downgrade result: quote %+v, invoice %v", res.Quote, res.Invoice)
		}
		note := res.CreditNote
		if note == nil || note.Kind != billing.KindCreditNote || note.Number != "CN-2026-000001" || note.Total != 900 ||
			note.Status != billing.InvoicePaid || note.SubscriptionID != sub.ID {
			t.Fatalf("credit note: %+v", note)
		}
		lcWantLines(t, lcInvoice(t, h, note.ID), "refund 900 (0)")
		if b := lcBalance(t, h, c.ID, "USD"); b != 900 {
			t.Fatalf("credit balance %d, want 900", b)
		}
		got := lcSub(t, h, sub.ID)
		if got.PlanID != small.ID || !reflect.DeepEqual(got.Options, lcIPv4(small, 1)) {
			t.Fatalf("a downgrade applies at once: plan %d, options %v", got.PlanID, got.Options)
		}
		if n := len(lcJobs(t, h, platform.JobServiceChange)); n != 1 {
			t.Fatalf("%d service.change_plan jobs, want 1", n)
		}

		// Renewal for 28 Feb – 31 Mar at the new price: 10.00 + 1 × 2.00 =
		// 12.00, numbered in the invoice sequence (the credit note has its
		// own). Charging it draws the 9.00 of credit first and takes
		// 12.00 − 9.00 = 3.00 from the card.
		renewal := lcRenew(t, h, lcAt(2, 21), sub.ID)
		if renewal.Number != "INV-2026-000002" || renewal.Total != 1200 || renewal.AmountPaid != 0 ||
			!renewal.PeriodStart.Equal(lcAt(2, 28)) || !renewal.PeriodEnd.Equal(lcAt(3, 31)) {
			t.Fatalf("renewal: %q total %d paid %d, %v to %v", renewal.Number, renewal.Total, renewal.AmountPaid, renewal.PeriodStart, renewal.PeriodEnd)
		}
		h.clock.Set(lcAt(2, 28))
		out, err := h.svc.ChargeInvoice(ctx, renewal.ID, 1)
		mustOK(t, err)
		if out.Status != billing.ChargeSucceeded || out.Invoice.Status != billing.InvoicePaid || out.Invoice.AmountPaid != 1200 {
			t.Fatalf("charge: %s, invoice %s paid %d", out.Status, out.Invoice.Status, out.Invoice.AmountPaid)
		}
		charges := h.gw.Charges()
		if len(charges) != 1 || charges[0].Request.Amount != (billing.Money{Amount: 300, Currency: "USD"}) {
			t.Fatalf("gateway charges %+v, want one of 3.00 USD", charges)
		}
		if b := lcBalance(t, h, c.ID, "USD"); b != 0 {
			t.Fatalf("credit balance %d after the renewal, want 0", b)
		}
	})
}

func TestTaxOnOrders(t *testing.T) {
	// Every case orders the EUR monthly plan with 2 IPv4 addresses:
	// 9.00 + 2 × 1.80 = 12.60 at catalog prices, from a German seller who
	// charges DE 19% and FR 20%.
	tests := []struct {
		name      string
		inclusive bool
		customer  billing.TaxCustomer
		lines     []string
		want      lcTotals
		rate      billing.Rate
		taxName   string
		reverse   bool
	}{{
		// 12.60 × 19% = 2.394 → 2.39, split 9.00 : 3.60 → 1.707… : 0.682…,
		// the spare cent to the larger remainder: 1.71 and 0.68.
		name:     "domestic",
		customer: billing.TaxCustomer{Country: "DE", VATID: "DE123456789"},
		lines:    []string{"plan 900 (171)", "option 360 (68)"},
		want:     lcTotals{Subtotal: 1260, Tax: 239, Total: 1499}, rate: 190_000, taxName: "MwSt",
	}, {
		// EU business in another member state: reverse charge.
		name:     "EU business abroad",
		customer: billing.TaxCustomer{Country: "FR", VATID: "FR12345678901"},
		lines:    []string{"plan 900 (0)", "option 360 (0)"},
		want:     lcTotals{Subtotal: 1260, Tax: 0, Total: 1260}, taxName: "Reverse charge", reverse: true,
	}, {
		// EU consumer abroad: destination rate, 12.60 × 20% = 2.52.
		name:     "EU consumer abroad",
		customer: billing.TaxCustomer{Country: "FR"},
		lines:    []string{"plan 900 (180)", "option 360 (72)"},
		want:     lcTotals{Subtotal: 1260, Tax: 252, Total: 1512}, rate: 200_000, taxName: "TVA",
	}, {
		// Outside the EU, where the seller has no rate: no tax.
		name:     "no rate",
		customer: billing.TaxCustomer{Country: "US", Region: "NY"},
		lines:    []string{"plan 900 (0)", "option 360 (0)"},
		want:     lcTotals{Subtotal: 1260, Tax: 0, Total: 1260},
	}, {
		// Gross catalog prices: the total is the list price, and the tax
		// in it is 12.60 × 19/119 = 2.0117… → 2.01, net 12.60 − 2.01 =
		// 10.59; split 9.00 : 3.60 → 1.435… : 0.574…, the spare cent to the
		// larger remainder: 1.44 and 0.57.
		name:      "tax-inclusive prices",
		inclusive: true,
		customer:  billing.TaxCustomer{Country: "DE", VATID: "DE123456789"},
		lines:     []string{"plan 900 (144)", "option 360 (57)"},
		want:      lcTotals{Subtotal: 1059, Tax: 201, Total: 1260}, rate: 190_000, taxName: "MwSt",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := func(cfg *billing.Config) {
				lcDeSeller(cfg)
				cfg.Tax.PricesIncludeTax = tc.inclusive
			}
			eachStore(t, cfg, func(t *testing.T, h *harness) {
				lcTaxRate(t, h, "DE", "MwSt", 190_000, time.Time{}, time.Time{})
				lcTaxRate(t, h, "FR", "TVA", 200_000, time.Time{}, time.Time{})
				c := lcTaxCustomer(t, h, "tax@example.com", tc.customer)
				_, inv := lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "EUR", Cycle: billing.Monthly, Options: lcIPv4(h.plan, 2)})
				inv = lcInvoice(t, h, inv.ID) // as stored
				lcWantLines(t, inv, tc.lines...)
				lcWantTotals(t, inv, tc.want)
				if inv.TaxRate != tc.rate || inv.TaxName != tc.taxName || inv.ReverseCharge != tc.reverse || inv.TaxInclusive != tc.inclusive {
					t.Fatalf("tax decision on the invoice: rate %s, name %q, reverse charge %v, inclusive %v", inv.TaxRate, inv.TaxName, inv.ReverseCharge, inv.TaxInclusive)
				}
			})
		})
	}
}

func TestTaxRateChangeOnItsDate(t *testing.T) {
	// Germany's rate goes from 19% to 16% at 1 March 00:00 (exclusive end,
	// inclusive start). An order of 12.60 EUR (9.00 + 2 × 1.80) pays:
	//   19%: 12.60 × 0.19 = 2.394 → 2.39, total 14.99
	//   16%: 12.60 × 0.16 = 2.016 → 2.02, total 14.62
	change := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	eachStore(t, lcDeSeller, func(t *testing.T, h *harness) {
		lcTaxRate(t, h, "DE", "MwSt", 190_000, time.Time{}, change)
		lcTaxRate(t, h, "DE", "MwSt", 160_000, change, time.Time{})
		c := h.customer(t, "dated@example.com", "")
		for _, tc := range []struct {
			at   time.Time
			rate billing.Rate
			want lcTotals
		}{
			{lcAt(2, 10), 190_000, lcTotals{Subtotal: 1260, Tax: 239, Total: 1499}},
			{change.Add(-time.Second), 190_000, lcTotals{Subtotal: 1260, Tax: 239, Total: 1499}},
			{change, 160_000, lcTotals{Subtotal: 1260, Tax: 202, Total: 1462}},
			{lcAt(4, 1), 160_000, lcTotals{Subtotal: 1260, Tax: 202, Total: 1462}},
		} {
			h.clock.Set(tc.at)
			_, inv := lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "EUR", Cycle: billing.Monthly, Options: lcIPv4(h.plan, 2)})
			if inv.TaxRate != tc.rate {
				t.Fatalf("order at %v taxed at %s%%, want %s%%", tc.at, inv.TaxRate, tc.rate)
			}
			lcWantTotals(t, inv, tc.want)
		}
	})
}

func TestPlanChangeProrationIsTaxedBothWays(t *testing.T) {
	// A German seller and customer at 19%. Upgrading and downgrading
	// between 12.00 and 26.00 a month with 18 of 28 days left moves 9.00
	// (16.71 − 7.71, see the upgrade and downgrade tests), and the credit
	// note of a downgrade is taxed as the upgrade invoice is: the customer
	// paid the tax on the unused days too.
	//   Net prices: tax 9.00 × 19% = 1.71 on top, 10.71 both ways. On
	//   the upgrade's lines, the charge bears its own tax, 16.71 × 19% =
	//   3.1749 → 3.17, and the credit the rest, 1.71 − 3.17 = −1.46.
	//   Gross prices: the 9.00 holds 9.00 × 19/119 = 1.4369… → 1.44 of
	//   tax, net 7.56; the charge's share 16.71 × 19/119 = 2.6680… → 2.67,
	//   the credit's 1.44 − 2.67 = −1.23.
	tests := []struct {
		name      string
		inclusive bool
		upLines   []string
		want      lcTotals
	}{
		{"net prices", false, []string{"proration 1671 (317)", "proration -771 (-146)"}, lcTotals{Subtotal: 900, Tax: 171, Total: 1071}},
		{"gross prices", true, []string{"proration 1671 (267)", "proration -771 (-123)"}, lcTotals{Subtotal: 756, Tax: 144, Total: 900}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := func(cfg *billing.Config) {
				lcDeSeller(cfg)
				cfg.Tax.PricesIncludeTax = tc.inclusive
			}
			eachStore(t, cfg, func(t *testing.T, h *harness) {
				lcTaxRate(t, h, "DE", "MwSt", 190_000, time.Time{}, time.Time{})
				large := lcPlan(t, h, "lc-large", 2000, 300)
				small := lcPlan(t, h, "lc-small", 1000, 200, large.ID)
				down := lcPlan(t, h, "lc-large-down", 2000, 300, small.ID)
				up := h.customer(t, "vat-up@example.com", "")
				dn := h.customer(t, "vat-down@example.com", "")
				upSub := lcActive(t, h, billing.SubscribeRequest{CustomerID: up.ID, PlanID: small.ID, Currency: "USD", Cycle: billing.Monthly, Options: lcIPv4(small, 1)})
				dnSub := lcActive(t, h, billing.SubscribeRequest{CustomerID: dn.ID, PlanID: down.ID, Currency: "USD", Cycle: billing.Monthly, Options: lcIPv4(down, 2)})
				h.clock.Set(lcAt(2, 10))

				res, err := h.svc.ChangePlan(ctx, upSub.ID, large.ID, lcIPv4(large, 2))
				mustOK(t, err)
				lcWantLines(t, res.Invoice, tc.upLines...)
				lcWantTotals(t, res.Invoice, tc.want)

				res, err = h.svc.ChangePlan(ctx, dnSub.ID, small.ID, lcIPv4(small, 1))
				mustOK(t, err)
				note := lcInvoice(t, h, res.CreditNote.ID)
				lcWantTotals(t, note, tc.want)
				if note.TaxRate != 190_000 || note.TaxInclusive != tc.inclusive || note.AmountPaid != tc.want.Total || note.Status != billing.InvoicePaid {
					t.Fatalf("credit note: taxed at %s%%, inclusive %v, %s with %d paid", note.TaxRate, note.TaxInclusive, note.Status, note.AmountPaid)
				}
				if b := lcBalance(t, h, dn.ID, "USD"); b != tc.want.Total {
					t.Fatalf("credit balance %d, want %d", b, tc.want.Total)
				}
			})
		})
	}
}

func TestTrialExtendedByCoupon(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		trial := &billing.Plan{
			Code: "lc-trial", Name: "Trial VPS", Type: billing.ServiceVPS, Status: billing.PlanActive, TrialDays: 14,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 1000}},
		}
		mustOK(t, h.svc.CreatePlan(ctx, trial))
		mustOK(t, h.svc.CreateCoupon(ctx, &billing.Coupon{Code: "longer-trial", Kind: billing.CouponPercent, Percent: 100_000,
			Duration: billing.CouponOnce, TrialExtensionDays: 7, Active: true}))
		c := h.customer(t, "trial@example.com", "")

		// 14 days of the plan + 7 of the coupon from 31 Jan 09:00: 21 Feb.
		sub, inv := lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: trial.ID, Currency: "USD", Cycle: billing.Monthly, CouponCode: "LONGER-TRIAL"})
		if inv != nil || sub.Status != billing.SubTrialing || !sub.TrialEnd.Equal(lcAt(2, 21)) || !sub.CurrentPeriodEnd.Equal(lcAt(2, 21)) {
			t.Fatalf("trial order: invoice %v, %s, trial until %v, period until %v", inv, sub.Status, sub.TrialEnd, sub.CurrentPeriodEnd)
		}
		if invs := lcInvoices(t, h, sub.ID); len(invs) != 0 {
			t.Fatalf("a trial made %d invoices", len(invs))
		}

		// The first paid period, 21 Feb – 21 Mar, invoiced 7 days ahead,
		// takes the coupon's one cycle: 10.00 − 10% = 9.00, no setup fee.
		first := lcRenew(t, h, lcAt(2, 14), sub.ID)
		lcWantLines(t, first, "plan 1000 (0)", "discount -100 (0)")
		if first.Total != 900 || !first.PeriodStart.Equal(lcAt(2, 21)) || !first.PeriodEnd.Equal(lcAt(3, 21)) || !first.DueAt.Equal(lcAt(2, 21)) {
			t.Fatalf("first invoice after the trial: total %d, %v to %v due %v", first.Total, first.PeriodStart, first.PeriodEnd, first.DueAt)
		}
		lcPay(t, h, first)
		if got := lcSub(t, h, sub.ID); got.Status != billing.SubActive {
			t.Fatalf("paid trial is %s, want active", got.Status)
		}
		second := lcRenew(t, h, lcAt(3, 14), sub.ID)
		lcWantLines(t, second, "plan 1000 (0)")

		// The extension needs a trial to extend: on a plan without one the
		// same coupon only takes 10% off the first invoice (10.00 − 1.00 +
		// 5.00 setup).
		other := h.customer(t, "no-trial@example.com", "")
		sub, inv = lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: other.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly, CouponCode: "longer-trial"})
		if sub.Status != billing.SubPending || inv == nil || inv.Total != 1400 {
			t.Fatalf("coupon on a plan without trial: %s, invoice %+v", sub.Status, inv)
		}
	})
}

func TestRepeatingCouponDiscountsTwoCycles(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		mustOK(t, h.svc.CreateCoupon(ctx, &billing.Coupon{Code: "TWICE15", Kind: billing.CouponPercent, Percent: 150_000,
			Duration: billing.CouponRepeating, DurationCycles: 2, Active: true}))
		c := h.customer(t, "twice@example.com", "")
		// Recurring 10.00 + 2 × 2.00 = 14.00; 15% of it is 2.10. The setup
		// fee is not discounted: first invoice 14.00 − 2.10 + 5.00 = 16.90.
		sub, inv := lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly,
			Options: lcIPv4(h.plan, 2), CouponCode: "TWICE15"})
		lcWantLines(t, inv, "plan 1000 (0)", "option 400 (0)", "setup 500 (0)", "discount -210 (0)")
		lcWantTotals(t, inv, lcTotals{Subtotal: 1690, Total: 1690})
		lcPay(t, h, inv)

		// Renewals 7 days ahead of each period; the anchor (31 Jan) clamps
		// to the end of shorter months.
		for _, r := range []struct {
			at, start, end time.Time
			lines          []string
			total          int64
			cyclesLeft     int
		}{
			{lcAt(2, 21), lcAt(2, 28), lcAt(3, 31), []string{"plan 1000 (0)", "option 400 (0)", "discount -210 (0)"}, 1190, 0},
			{lcAt(3, 24), lcAt(3, 31), lcAt(4, 30), []string{"plan 1000 (0)", "option 400 (0)"}, 1400, 0},
			{lcAt(4, 23), lcAt(4, 30), lcAt(5, 31), []string{"plan 1000 (0)", "option 400 (0)"}, 1400, 0},
		} {
			renewal := lcRenew(t, h, r.at, sub.ID)
			lcWantLines(t, renewal, r.lines...)
			if renewal.Total != r.total || !renewal.PeriodStart.Equal(r.start) || !renewal.PeriodEnd.Equal(r.end) {
				t.Fatalf("renewal made %v: total %d for %v to %v, want %d for %v to %v", r.at, renewal.Total, renewal.PeriodStart, renewal.PeriodEnd, r.total, r.start, r.end)
			}
			h.clock.Set(r.start)
			lcPay(t, h, renewal)
			if got := lcSub(t, h, sub.ID); got.Status != billing.SubActive || got.CouponCyclesLeft != r.cyclesLeft || !got.CurrentPeriodEnd.Equal(r.end) {
				t.Fatalf("after paying the renewal made %v: %s, %d coupon cycles left, period until %v", r.at, got.Status, got.CouponCyclesLeft, got.CurrentPeriodEnd)
			}
		}
	})
}

// lcDunningSetup makes an active subscription whose card declines and its
// renewal invoice for 28 Feb – 31 Mar, due 28 Feb 09:00, made on 21 Feb.
func lcDunningSetup(t *testing.T, h *harness) (*billing.Subscription, *billing.Invoice) {
	t.Helper()
	c := h.customer(t, "dun@example.com", sandbox.CardDeclined)
	sub := h.activeSubscription(t, c, nil)
	inv := lcRenew(t, h, lcAt(2, 21), sub.ID)
	if !inv.DueAt.Equal(lcAt(2, 28)) || inv.Status != billing.InvoiceOpen || inv.Total != 1000 {
		t.Fatalf("renewal: %s, total %d, due %v", inv.Status, inv.Total, inv.DueAt)
	}
	return sub, inv
}

// lcDun runs dunning at an instant and checks how many steps it took.
func lcDun(t *testing.T, h *harness, at time.Time, wantSteps int) {
	t.Helper()
	h.clock.Set(at)
	res, err := h.svc.RunDunning(ctx, at)
	mustOK(t, err)
	if res.Steps != wantSteps {
		t.Fatalf("dunning at %v took %d steps, want %d", at, res.Steps, wantSteps)
	}
}

func TestDunningDefaultPolicy(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		sub, inv := lcDunningSetup(t, h)
		due := lcAt(2, 28)
		day := func(n int) time.Time { return due.AddDate(0, 0, n) }
		charge := func(attempt int) {
			t.Helper()
			out, err := h.svc.ChargeInvoice(ctx, inv.ID, attempt)
			mustOK(t, err)
			if out.Status != billing.ChargeFailed || out.Message != "Your card was declined." || out.Invoice.Status != billing.InvoiceOpen {
				t.Fatalf("charge attempt %d: %+v", attempt, out)
			}
		}
		status := func(want billing.SubscriptionStatus) {
			t.Helper()
			if got := lcSub(t, h, sub.ID); got.Status != want {
				t.Fatalf("at %v the subscription is %s, want %s", h.clock.Now(), got.Status, want)
			}
		}
		count := func(kind string, want int) {
			t.Helper()
			if got := len(lcJobs(t, h, kind)); got != want {
				t.Fatalf("at %v: %d %s jobs, want %d", h.clock.Now(), got, kind, want)
			}
		}

		// Default policy, due date D = 28 Feb 09:00: reminders D−3, D−1;
		// retries D+1, D+3, D+5 (attempts 2, 3, 4 after the first charge on
		// D); overdue notices D+1, D+3, D+5; suspension D+2; termination 14
		// days after the suspension, D+16.
		lcDun(t, h, day(-4), 0)
		lcDun(t, h, day(-3), 1) // remind_before_due:3
		lcDun(t, h, day(-3), 0)
		lcDun(t, h, day(-1), 1) // remind_before_due:1
		count(platform.JobInvoiceReminder, 2)

		h.clock.Set(due) // the renewal's charge job
		charge(1)
		lcDun(t, h, due, 0)
		status(billing.SubActive) // due now, not yet overdue

		lcDun(t, h, day(1), 2) // retry 1 (attempt 2), overdue notice 1
		lcDun(t, h, day(1), 0)
		status(billing.SubPastDue)
		if got := lcChargeAttempts(t, h, inv.ID); !reflect.DeepEqual(got, []int{1, 2}) {
			t.Fatalf("charge attempts %v, want [1 2]", got)
		}
		charge(2)

		lcDun(t, h, day(2).Add(-time.Second), 0)
		status(billing.SubPastDue)
		lcDun(t, h, day(2), 1) // suspend
		lcDun(t, h, day(2), 0)
		status(billing.SubSuspended)
		count(platform.JobServiceSuspend, 1)
		if got := lcSub(t, h, sub.ID); !got.SuspendedAt.Equal(day(2)) {
			t.Fatalf("suspended at %v, want %v", got.SuspendedAt, day(2))
		}

		// Two runs at once take retry 2 (attempt 3) and overdue notice 3
		// once between them (TestConcurrentDunningTakesEachStepOnce races
		// the days that change the subscription).
		h.clock.Set(day(3))
		var wg sync.WaitGroup
		steps := make(chan int, 2)
		for range 2 {
			wg.Go(func() {
				res, err := h.svc.RunDunning(ctx, day(3))
				if err != nil {
					t.Error(err)
				}
				steps <- res.Steps
			})
		}
		wg.Wait()
		close(steps)
		if n := <-steps + <-steps; n != 2 {
			t.Fatalf("concurrent runs at D+3 took %d steps, want 2", n)
		}
		lcDun(t, h, day(3), 0)
		charge(3)
		lcDun(t, h, day(5), 2) // retry 3 (attempt 4), overdue notice 5
		charge(4)
		if got := lcChargeAttempts(t, h, inv.ID); !reflect.DeepEqual(got, []int{1, 2, 3, 4}) {
			t.Fatalf("charge attempts %v, want [1 2 3 4]", got)
		}
		if n := len(h.gw.Charges()); n != 4 {
			t.Fatalf("the gateway saw %d charges, want 4", n)
		}
		count(platform.JobInvoiceReminder, 5)

		lcDun(t, h, day(16).Add(-time.Second), 0)
		status(billing.SubSuspended)
		count(platform.JobServiceTerminate, 0)
		lcDun(t, h, day(16), 1) // terminate
		lcDun(t, h, day(16), 0)
		status(billing.SubTerminated)
		count(platform.JobServiceTerminate, 1)
		if got := lcInvoice(t, h, inv.ID); got.Status != billing.InvoiceUncollectible {
			t.Fatalf("terminated service's invoice is %s, want uncollectible", got.Status)
		}
		// Nothing was taken twice.
		count(platform.JobInvoiceReminder, 5)
		count(platform.JobServiceSuspend, 1)
		if got := lcChargeAttempts(t, h, inv.ID); len(got) != 4 {
			t.Fatalf("charge attempts %v after termination", got)
		}
	})
}

func TestDunningSuspendHoldThenPaymentRestores(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		sub, inv := lcDunningSetup(t, h)
		due := lcAt(2, 28)
		day := func(n int) time.Time { return due.AddDate(0, 0, n) }
		setHold := func(hold bool) {
			t.Helper()
			s := lcSub(t, h, sub.ID)
			s.SuspendHold = hold
			mustOK(t, h.store.UpdateSubscription(ctx, s))
		}

		setHold(true)
		lcDun(t, h, day(1), 4) // both reminders before due, retry 1, overdue notice 1
		lcDun(t, h, day(2), 0) // suspension held
		lcDun(t, h, day(5), 4) // retries 2 and 3, overdue notices 3 and 5
		if got := lcSub(t, h, sub.ID); got.Status != billing.SubPastDue || !got.SuspendedAt.IsZero() {
			t.Fatalf("held subscription is %s, suspended at %v", got.Status, got.SuspendedAt)
		}
		if n := len(lcJobs(t, h, platform.JobServiceSuspend)); n != 0 {
			t.Fatalf("%d service.suspend jobs despite the hold", n)
		}

		// Lifting the hold lets the next run suspend.
		setHold(false)
		lcDun(t, h, day(6), 1)
		if got := lcSub(t, h, sub.ID); got.Status != billing.SubSuspended || !got.SuspendedAt.Equal(day(6)) {
			t.Fatalf("after the hold: %s, suspended at %v", got.Status, got.SuspendedAt)
		}

		// Paying while suspended restores the service.
		h.clock.Set(day(7))
		lcPay(t, h, inv)
		got := lcSub(t, h, sub.ID)
		if got.Status != billing.SubActive || !got.SuspendedAt.IsZero() || !got.CurrentPeriodEnd.Equal(lcAt(3, 31)) {
			t.Fatalf("after payment: %s, suspended at %v, period until %v", got.Status, got.SuspendedAt, got.CurrentPeriodEnd)
		}
		jobs := lcJobs(t, h, platform.JobServiceResume)
		if len(jobs) != 1 || !jobs[0].RunAt.Equal(day(7)) {
			t.Fatalf("service.unsuspend jobs: %+v", jobs)
		}
		// A paid invoice is dunned no more: no termination 14 days later.
		lcDun(t, h, day(21), 0)
		if got := lcSub(t, h, sub.ID); got.Status != billing.SubActive {
			t.Fatalf("paid subscription is %s after its termination date", got.Status)
		}
	})
}

func TestCancelAtPeriodEnd(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "bye@example.com", sandbox.CardVisa)
		sub := h.activeSubscription(t, c, nil) // 31 Jan – 28 Feb 09:00
		h.clock.Set(lcAt(2, 10))
		got, err := h.svc.Cancel(ctx, sub.ID, true, "too expensive")
		mustOK(t, err)
		if got.Status != billing.SubActive || !got.CancelAtPeriodEnd || got.CancelReason != "too expensive" {
			t.Fatalf("cancel at period end: %s, at period end %v, reason %q", got.Status, got.CancelAtPeriodEnd, got.CancelReason)
		}
		for _, at := range []time.Time{lcAt(2, 21), lcAt(2, 28), lcAt(3, 31)} {
			res, err := h.svc.RenewDue(ctx, at)
			mustOK(t, err)
			if res.Invoiced != 0 {
				t.Fatalf("renewal run at %v invoiced a cancelled subscription", at)
			}
		}

		ended, err := h.svc.EndCancelledPeriods(ctx, lcAt(2, 28).Add(-time.Second))
		mustOK(t, err)
		if ended != 0 || lcSub(t, h, sub.ID).Status != billing.SubActive {
			t.Fatalf("ended %d before the period end", ended)
		}
		if n := len(lcJobs(t, h, platform.JobServiceTerminate)); n != 0 {
			t.Fatalf("%d service.terminate jobs before the period end", n)
		}

		for _, want := range []int{1, 0} { // a second run ends nothing more
			ended, err := h.svc.EndCancelledPeriods(ctx, lcAt(2, 28))
			mustOK(t, err)
			if ended != want {
				t.Fatalf("run at the period end ended %d, want %d", ended, want)
			}
		}
		got = lcSub(t, h, sub.ID)
		if got.Status != billing.SubCancelled || !got.CancelledAt.Equal(lcAt(2, 28)) {
			t.Fatalf("after the period: %s, cancelled at %v", got.Status, got.CancelledAt)
		}
		jobs := lcJobs(t, h, platform.JobServiceTerminate)
		if len(jobs) != 1 || string(jobs[0].Payload) != fmt.Sprintf(`{"reason":"too expensive","subscription_id":%d}`, sub.ID) {
			t.Fatalf("service.terminate jobs: %d, first %s", len(jobs), jobs[0].Payload)
		}
		if invs := lcInvoices(t, h, sub.ID); len(invs) != 1 {
			t.Fatalf("%d invoices, want only the first", len(invs))
		}
	})
}

func TestCancelAtPeriodEndAfterRenewalWasInvoiced(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "late-bye@example.com", sandbox.CardVisa)
		sub := h.activeSubscription(t, c, nil) // 31 Jan – 28 Feb 09:00
		// The renewal for 28 Feb – 31 Mar is made 7 days ahead, with its
		// charge due when the current period ends.
		renewal := lcRenew(t, h, lcAt(2, 21), sub.ID)
		h.clock.Set(lcAt(2, 25))
		_, err := h.svc.Cancel(ctx, sub.ID, true, "found cheaper")
		mustOK(t, err)
		if got := lcInvoice(t, h, renewal.ID); got.Status != billing.InvoiceVoid {
			t.Fatalf("the renewal of a period the customer cancelled is %s, want void", got.Status)
		}
		// Dunning and the charge job, whichever runs first at the period
		// end, collect nothing for the cancelled month.
		lcDun(t, h, lcAt(2, 28), 0)
		out, err := h.svc.ChargeInvoice(ctx, renewal.ID, 1)
		mustOK(t, err)
		if n := len(h.gw.Charges()); n != 0 || out.Invoice.Status != billing.InvoiceVoid {
			t.Fatalf("charge job after cancelling: invoice %s, %d gateway charges", out.Invoice.Status, n)
		}
		ended, err := h.svc.EndCancelledPeriods(ctx, lcAt(2, 28))
		mustOK(t, err)
		if got := lcSub(t, h, sub.ID); ended != 1 || got.Status != billing.SubCancelled || !got.CurrentPeriodEnd.Equal(lcAt(2, 28)) {
			t.Fatalf("ended %d: %s, period until %v", ended, got.Status, got.CurrentPeriodEnd)
		}

		// Withdrawing such a cancellation bills the next period again.
		other := h.customer(t, "stay@example.com", sandbox.CardVisa)
		h.clock.Set(start)
		sub = h.activeSubscription(t, other, nil)
		lcRenew(t, h, lcAt(2, 21), sub.ID)
		h.clock.Set(lcAt(2, 25))
		_, err = h.svc.Cancel(ctx, sub.ID, true, "")
		mustOK(t, err)
		_, err = h.svc.ResumeCancellation(ctx, sub.ID)
		mustOK(t, err)
		again := lcRenew(t, h, lcAt(2, 25), sub.ID)
		if again.Status != billing.InvoiceOpen || again.Total != 1000 || !again.PeriodStart.Equal(lcAt(2, 28)) || !again.PeriodEnd.Equal(lcAt(3, 31)) {
			t.Fatalf("rebilled renewal: %s, total %d, %v to %v", again.Status, again.Total, again.PeriodStart, again.PeriodEnd)
		}
	})
}

func TestCancelNowVoidsUnpaidInvoices(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "now@example.com", sandbox.CardVisa)
		sub := h.activeSubscription(t, c, nil)
		renewal := lcRenew(t, h, lcAt(2, 21), sub.ID)
		h.clock.Set(lcAt(2, 22))
		got, err := h.svc.Cancel(ctx, sub.ID, false, "moving")
		mustOK(t, err)
		if got.Status != billing.SubCancelled || !got.CancelledAt.Equal(lcAt(2, 22)) || got.CancelReason != "moving" {
			t.Fatalf("cancel now: %s at %v, reason %q", got.Status, got.CancelledAt, got.CancelReason)
		}
		invs := lcInvoices(t, h, sub.ID)
		if len(invs) != 2 || invs[0].Status != billing.InvoicePaid || invs[1].ID != renewal.ID ||
			invs[1].Status != billing.InvoiceVoid || !invs[1].VoidedAt.Equal(lcAt(2, 22)) {
			t.Fatalf("invoices after cancelling: first %s, renewal %s voided %v", invs[0].Status, invs[1].Status, invs[1].VoidedAt)
		}
		if n := len(lcJobs(t, h, platform.JobServiceTerminate)); n != 1 {
			t.Fatalf("%d service.terminate jobs, want 1", n)
		}
		// The renewal's charge job, when the worker runs it, charges nothing.
		h.clock.Set(lcAt(2, 28))
		out, err := h.svc.ChargeInvoice(ctx, renewal.ID, 1)
		mustOK(t, err)
		if out.Invoice.Status != billing.InvoiceVoid || len(h.gw.Charges()) != 0 {
			t.Fatalf("charging a void invoice: %+v, %d gateway charges", out, len(h.gw.Charges()))
		}
		// A cancelled subscription cannot be cancelled again.
		_, err = h.svc.Cancel(ctx, sub.ID, false, "again")
		lcWantErr(t, err, platform.ECONFLICT, "")
	})
}

func TestUnpaidOrderCancelledAfterSevenDays(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "unpaid@example.com", "")
		sub, inv := lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		// Placed 31 Jan 09:00; AutoCancelUnpaidOrderDays is 7: 7 Feb 09:00.
		ended, err := h.svc.EndCancelledPeriods(ctx, lcAt(2, 7).Add(-time.Second))
		mustOK(t, err)
		if ended != 0 || lcSub(t, h, sub.ID).Status != billing.SubPending {
			t.Fatalf("ended %d orders before 7 days", ended)
		}
		ended, err = h.svc.EndCancelledPeriods(ctx, lcAt(2, 7))
		mustOK(t, err)
		if ended != 1 {
			t.Fatalf("ended %d orders, want 1", ended)
		}
		got := lcSub(t, h, sub.ID)
		if got.Status != billing.SubCancelled || got.CancelReason != "unpaid order expired" || !got.CancelledAt.Equal(lcAt(2, 7)) {
			t.Fatalf("expired order: %s, reason %q, at %v", got.Status, got.CancelReason, got.CancelledAt)
		}
		if got := lcInvoice(t, h, inv.ID); got.Status != billing.InvoiceVoid {
			t.Fatalf("expired order's invoice is %s, want void", got.Status)
		}
		ended, err = h.svc.EndCancelledPeriods(ctx, lcAt(2, 8))
		mustOK(t, err)
		if ended != 0 {
			t.Fatalf("a later run ended %d more", ended)
		}
	})
}

func TestMetricsThroughTheService(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		large := lcPlan(t, h, "lc-large", 2000, 300)
		small := lcPlan(t, h, "lc-small", 1000, 200, large.ID)
		a := h.customer(t, "a@example.com", "")
		b := h.customer(t, "b@example.com", "")
		cc := h.customer(t, "c@example.com", "")
		d := h.customer(t, "d@example.com", "")

		// Before the range (31 Jan): A on 10.00 USD, B on 9.00 + 2 × 1.80 =
		// 12.60 EUR, both paid.
		subA := lcActive(t, h, billing.SubscribeRequest{CustomerID: a.ID, PlanID: small.ID, Currency: "USD", Cycle: billing.Monthly})
		subB := lcActive(t, h, billing.SubscribeRequest{CustomerID: b.ID, PlanID: h.plan.ID, Currency: "EUR", Cycle: billing.Monthly, Options: lcIPv4(h.plan, 2)})
		// 5 Feb: C orders the annual plan, 100.00 a year, paid.
		h.clock.Set(lcAt(2, 5))
		subC := lcActive(t, h, billing.SubscribeRequest{CustomerID: cc.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Annual})
		// 6 Feb: D orders and never pays: no MRR.
		h.clock.Set(lcAt(2, 6))
		lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: d.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		// 10 Feb: A upgrades to 20.00 and pays on 11 Feb.
		h.clock.Set(lcAt(2, 10))
		res, err := h.svc.ChangePlan(ctx, subA.ID, large.ID, nil)
		mustOK(t, err)
		h.clock.Set(lcAt(2, 11))
		lcPay(t, h, res.Invoice)
		// 12 Feb: B drops one address, 9.00 + 1.80 = 10.80 EUR.
		h.clock.Set(lcAt(2, 12))
		_, err = h.svc.ChangePlan(ctx, subB.ID, h.plan.ID, lcIPv4(h.plan, 1))
		mustOK(t, err)
		// 20 Feb: C cancels now.
		h.clock.Set(lcAt(2, 20))
		_, err = h.svc.Cancel(ctx, subC.ID, false, "not needed")
		mustOK(t, err)

		// In USD cents at 1 EUR = 1.08 USD, per subscription level:
		//   A 10.00 → 20.00: 1000 → 2000
		//   B 12.60 EUR = 13.608 → 1361, then 10.80 EUR = 11.664 → 1166
		//   C 100.00 / 12 = 8.333… → 833, then 0
		// February: start 1000 + 1361 = 2361; new 833 (C); expansion 1000
		// (A); contraction 1361 − 1166 = 195 (B); churn 833 (C); end
		// 2000 + 1166 = 3166 = 2361 + 833 + 1000 − 195 − 833. ARR 12 ×
		// 3166 = 37992. Customers: A and B at the start, C new and
		// churned: 2 at the end, churn rate 1/2. Revenue churn
		// (833 + 195) / 2361 = 0.4354087… → 435409 ppm.
		rates := billing.ExchangeRates{Base: "USD", PerBase: map[string]int64{"USD": 1_000_000_000, "EUR": 1_080_000_000}}
		from, to := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		m, err := h.svc.Metrics(ctx, from, to, rates)
		mustOK(t, err)
		usd := func(a int64) billing.Money { return billing.Money{Amount: a, Currency: "USD"} }
		want := billing.Movement{MRRStart: usd(2361), MRREnd: usd(3166), New: usd(833), Expansion: usd(1000),
			Contraction: usd(195), Churned: usd(833), Reactivation: usd(0)}
		if m.Movement != want {
			t.Fatalf("movement\n got %+v\nwant %+v", m.Movement, want)
		}
		if m.ARR != usd(37992) || m.CustomersStart != 2 || m.CustomersEnd != 2 || m.NewCustomers != 1 || m.ChurnedCustomers != 1 ||
			m.CustomerChurnRate != 500_000 || m.RevenueChurnRate != 435_409 {
			t.Fatalf("ARR %s, customers %d → %d (+%d −%d), churn %s%% / %s%%", m.ARR, m.CustomersStart, m.CustomersEnd,
				m.NewCustomers, m.ChurnedCustomers, m.CustomerChurnRate, m.RevenueChurnRate)
		}
		// EUR unconverted: 12.60 → 10.80.
		eur := func(a int64) billing.Money { return billing.Money{Amount: a, Currency: "EUR"} }
		if got := m.ByCurrency["EUR"]; got.MRRStart != eur(1260) || got.Contraction != eur(180) || got.MRREnd != eur(1080) {
			t.Fatalf("EUR movement %+v", got)
		}
		// January saw A and B start: 0 → 2361, all new.
		m, err = h.svc.Metrics(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), from, rates)
		mustOK(t, err)
		if m.MRRStart != usd(0) || m.New != usd(2361) || m.MRREnd != usd(2361) {
			t.Fatalf("January: %+v", m.Movement)
		}
	})
}

func TestZeroAndThreeDecimalCurrencies(t *testing.T) {
	// A German seller at 19%, a German customer, a 10% coupon. Both
	// roundings fall on a half and go away from zero:
	//   JPY (no minor unit): 1945 − 10% (194.5 → 195) = 1750;
	//     tax 1750 × 19% = 332.5 → 333; total 2083
	//   BHD (3 decimals): 3.945 − 10% (0.3945 → 0.395) = 3.550;
	//     tax 3.550 × 19% = 0.6745 → 0.675; total 4.225
	// On the lines, the plan bears its own tax (1945 × 19% = 369.55 → 370;
	// 3.945 × 19% = 0.74955 → 0.750) and the discount the rest (333 − 370
	// = −37; 0.675 − 0.750 = −0.075).
	tests := []struct {
		currency string
		price    int64
		lines    []string
		want     lcTotals
	}{
		{"JPY", 1945, []string{"plan 1945 (370)", "discount -195 (-37)"}, lcTotals{Subtotal: 1750, Tax: 333, Total: 2083}},
		{"BHD", 3945, []string{"plan 3945 (750)", "discount -395 (-75)"}, lcTotals{Subtotal: 3550, Tax: 675, Total: 4225}},
	}
	eachStore(t, lcDeSeller, func(t *testing.T, h *harness) {
		lcTaxRate(t, h, "DE", "MwSt", 190_000, time.Time{}, time.Time{})
		mustOK(t, h.svc.CreateCoupon(ctx, &billing.Coupon{Code: "TEN", Kind: billing.CouponPercent, Percent: 100_000, Duration: billing.CouponOnce, Active: true}))
		c := h.customer(t, "minor@example.com", "")
		for _, tc := range tests {
			p := &billing.Plan{Code: "lc-" + tc.currency, Name: "VPS " + tc.currency, Type: billing.ServiceVPS, Status: billing.PlanActive,
				Prices: []billing.Price{{Currency: tc.currency, Cycle: billing.Monthly, Amount: tc.price}}}
			mustOK(t, h.svc.CreatePlan(ctx, p))
			_, inv := lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: p.ID, Currency: tc.currency, Cycle: billing.Monthly, CouponCode: "TEN"})
			inv = lcInvoice(t, h, inv.ID)
			lcWantLines(t, inv, tc.lines...)
			lcWantTotals(t, inv, tc.want)
			if inv.Currency != tc.currency {
				t.Fatalf("invoice in %s, want %s", inv.Currency, tc.currency)
			}
		}
	})
}

func TestMixedCurrencyRefused(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		usdOnly := lcPlan(t, h, "lc-usd-only", 2000, 300)
		eurPlan := &billing.Plan{
			Code: "lc-eur", Name: "VPS EUR", Type: billing.ServiceVPS, Status: billing.PlanActive, UpgradeTargets: []int64{usdOnly.ID},
			Prices: []billing.Price{{Currency: "EUR", Cycle: billing.Monthly, Amount: 900}, {Currency: "USD", Cycle: billing.Monthly, Amount: 1000}},
		}
		mustOK(t, h.svc.CreatePlan(ctx, eurPlan))
		mustOK(t, h.svc.CreateCoupon(ctx, &billing.Coupon{Code: "FIVE-USD", Kind: billing.CouponFixed, AmountsOff: map[string]int64{"USD": 500}, Duration: billing.CouponOnce, Active: true}))
		c := h.customer(t, "mixed@example.com", "")

		// A payment in USD for a EUR invoice changes nothing.
		sub, inv := lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: eurPlan.ID, Currency: "EUR", Cycle: billing.Monthly})
		_, err := h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: inv.ID, Gateway: "fake", GatewayID: "usd-for-eur", Amount: billing.Money{Amount: 900, Currency: "USD"}})
		lcWantErr(t, err, platform.EINVALID, "amount")
		if got := lcInvoice(t, h, inv.ID); got.Status != billing.InvoiceOpen || got.AmountPaid != 0 || lcBalance(t, h, c.ID, "USD") != 0 {
			t.Fatalf("refused payment left the invoice %s with %d paid", got.Status, got.AmountPaid)
		}
		// A USD coupon does not apply to a EUR order.
		_, _, err = h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: eurPlan.ID, Currency: "EUR", Cycle: billing.Monthly, CouponCode: "FIVE-USD"})
		lcWantErr(t, err, platform.EINVALID, "coupon")

		// A EUR subscription cannot move to a plan without a EUR price.
		lcPay(t, h, inv)
		_, err = h.svc.ChangePlan(ctx, sub.ID, usdOnly.ID, nil)
		lcWantErr(t, err, platform.EINVALID, "cycle")
		if got := lcSub(t, h, sub.ID); got.PlanID != eurPlan.ID {
			t.Fatalf("refused change moved the subscription to plan %d", got.PlanID)
		}

		// Credit is kept per currency: 5.00 USD of credit (a payment for a
		// paid invoice) does not pay a EUR order, and pays a USD one.
		_, usdInv := lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: eurPlan.ID, Currency: "USD", Cycle: billing.Monthly})
		lcPay(t, h, usdInv)
		_, err = h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: usdInv.ID, Gateway: "fake", GatewayID: "twice", Amount: billing.Money{Amount: 500, Currency: "USD"}})
		mustOK(t, err)
		_, eurInv := lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: eurPlan.ID, Currency: "EUR", Cycle: billing.Monthly})
		if eurInv.AmountPaid != 0 || eurInv.Status != billing.InvoiceOpen || lcBalance(t, h, c.ID, "USD") != 500 || lcBalance(t, h, c.ID, "EUR") != 0 {
			t.Fatalf("EUR order drew USD credit: paid %d, USD balance %d", eurInv.AmountPaid, lcBalance(t, h, c.ID, "USD"))
		}
		// 10.00 USD order, 5.00 from credit, 5.00 left due.
		_, usdInv = lcSubscribe(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: eurPlan.ID, Currency: "USD", Cycle: billing.Monthly})
		if usdInv.AmountPaid != 500 || usdInv.AmountDue() != 500 || lcBalance(t, h, c.ID, "USD") != 0 {
			t.Fatalf("USD order: paid %d, due %d, balance %d", usdInv.AmountPaid, usdInv.AmountDue(), lcBalance(t, h, c.ID, "USD"))
		}
	})
}

// A second change while the first one's invoice is unpaid voids that
// invoice: paid later, it would put the subscription back on the older
// choice.
func TestNewPlanChangeSupersedesUnpaidOne(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		large := lcPlan(t, h, "lc-large", 2000, 300)
		small := lcPlan(t, h, "lc-small", 1000, 200, large.ID)
		c := h.customer(t, "twice@example.com", "")
		sub := lcActive(t, h, billing.SubscribeRequest{CustomerID: c.ID, PlanID: small.ID, Currency: "USD", Cycle: billing.Monthly})
		h.clock.Set(lcAt(2, 10))
		first, err := h.svc.ChangePlan(ctx, sub.ID, small.ID, lcIPv4(small, 3))
		mustOK(t, err)
		second, err := h.svc.ChangePlan(ctx, sub.ID, large.ID, nil)
		mustOK(t, err)
		if first.Invoice == nil || second.Invoice == nil {
			t.Fatalf("both changes are upgrades: %+v, %+v", first, second)
		}
		if inv := lcInvoice(t, h, first.Invoice.ID); inv.Status != billing.InvoiceVoid {
			t.Fatalf("the superseded change's invoice is %s", inv.Status)
		}
		_, err = h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: first.Invoice.ID, Gateway: "fake", GatewayID: "late-1",
			Amount: billing.Money{Amount: first.Invoice.Total, Currency: "USD"}})
		if err == nil {
			if got := lcSub(t, h, sub.ID); got.PlanID != small.ID || len(got.Options) != 0 {
				t.Fatalf("a late payment of the voided invoice applied its change: plan %d, options %v", got.PlanID, got.Options)
			}
		}
		lcPay(t, h, lcInvoice(t, h, second.Invoice.ID))
		if got := lcSub(t, h, sub.ID); got.PlanID != large.ID || len(got.Options) != 0 {
			t.Fatalf("after paying the second change: plan %d, options %v", got.PlanID, got.Options)
		}
	})
}
