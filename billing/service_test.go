package billing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/fakegateway"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/billing"
)

var ctx = context.Background()

// start is when every service test begins: 31 January, so monthly periods
// exercise the end-of-month clamp.
var start = time.Date(2026, 1, 31, 9, 0, 0, 0, time.UTC)

type harness struct {
	store billing.Store
	clock *platform.ManualClock
	gw    *fakegateway.Gateway
	svc   *billing.Service
	plan  *billing.Plan
}

// eachStore runs fn as subtests sqlite and mysql, each on a fresh store.
func eachStore(t *testing.T, cfg func(*billing.Config), fn func(t *testing.T, h *harness)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newHarness(t, storetest.OpenSQLite(t), cfg)) })
	t.Run("mysql", func(t *testing.T) { fn(t, newHarness(t, storetest.OpenMySQL(t), cfg)) })
}

func newHarness(t *testing.T, store billing.Store, configure func(*billing.Config)) *harness {
	t.Helper()
	cfg := billing.DefaultConfig()
	if configure != nil {
		configure(&cfg)
	}
	h := &harness{store: store, clock: platform.NewManualClock(start), gw: fakegateway.New()}
	var err error
	if h.svc, err = billing.NewService(store, h.gw, h.clock, cfg); err != nil {
		t.Fatal(err)
	}
	h.plan = storetest.NewPlan(t, store, "vps-m")
	return h
}

func (h *harness) customer(t *testing.T, email string, card string) *billing.Customer {
	t.Helper()
	c := storetest.NewCustomer(t, h.store, email)
	if card != "" {
		id, err := h.gw.SavePaymentMethod(card)
		mustOK(t, err)
		pm := &billing.PaymentMethod{CustomerID: c.ID, Gateway: "fake", GatewayCustomerID: fmt.Sprintf("cus_%d", c.ID), GatewayMethodID: id, Brand: "visa", Last4: "4242", Default: true, CreatedAt: start}
		if err := h.store.CreatePaymentMethod(ctx, pm); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// activeSubscription orders the plan and pays the first invoice.
func (h *harness) activeSubscription(t *testing.T, c *billing.Customer, options []billing.OptionChoice) *billing.Subscription {
	t.Helper()
	sub, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly, Options: options})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: inv.ID, Gateway: "fake", GatewayID: fmt.Sprintf("first-%d", inv.ID), Amount: billing.Money{Amount: inv.Total, Currency: "USD"}}); err != nil {
		t.Fatal(err)
	}
	sub, err = h.store.GetSubscription(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != billing.SubActive {
		t.Fatalf("paid order is %s, want active", sub.Status)
	}
	return sub
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSubscribeInvoicesPlanOptionsSetupFee(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "first@example.com", "")
		sub, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{
			CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly,
			Options: []billing.OptionChoice{{OptionID: h.plan.Options[0].ID, Units: 2}},
		})
		mustOK(t, err)
		// 10.00 plan + 2 × 2.00 IPv4 + 5.00 setup, no tax (US seller, DE
		// customer, no rate configured).
		if inv.Total != 1900 || len(inv.Items) != 3 || inv.Number != "INV-2026-000001" || inv.Status != billing.InvoiceOpen {
			t.Fatalf("first invoice: total %d, %d items, number %q, %s", inv.Total, len(inv.Items), inv.Number, inv.Status)
		}
		if sub.Status != billing.SubPending || !sub.CurrentPeriodEnd.Equal(time.Date(2026, 2, 28, 9, 0, 0, 0, time.UTC)) {
			t.Fatalf("new order: %s until %v", sub.Status, sub.CurrentPeriodEnd)
		}
		if inv.Customer.Name != "Ada Lovelace" || inv.Company.Name != "EZSCALE Hosting" {
			t.Fatalf("snapshots: %+v / %+v", inv.Customer, inv.Company)
		}
		// Bad input names its field and writes nothing.
		_, _, err = h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly,
			Options: []billing.OptionChoice{{OptionID: h.plan.Options[0].ID, Units: 99}}})
		if platform.ErrorField(err) != "options" {
			t.Fatalf("too many option units: %v", err)
		}
		_, _, err = h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "GBP", Cycle: billing.Monthly})
		if platform.ErrorField(err) != "cycle" {
			t.Fatalf("a currency the plan has no price in: %v", err)
		}
		invs, err := h.store.ListInvoicesBySubscription(ctx, sub.ID+1)
		mustOK(t, err)
		if len(invs) != 0 {
			t.Fatal("a refused order left an invoice behind")
		}
	})
}

func TestConcurrentFinalisationGaplessNumbers(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		const workers, each = 8, 5
		var customers []*billing.Customer
		for i := 0; i < workers; i++ {
			customers = append(customers, h.customer(t, fmt.Sprintf("n%d@example.com", i), ""))
		}
		var mu sync.Mutex
		var numbers []string
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(c *billing.Customer) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					numbers = append(numbers, inv.Number)
					mu.Unlock()
				}
			}(customers[w])
		}
		wg.Wait()
		sort.Strings(numbers)
		if len(numbers) != workers*each {
			t.Fatalf("%d invoices, want %d", len(numbers), workers*each)
		}
		for i, n := range numbers {
			if want := fmt.Sprintf("INV-2026-%06d", i+1); n != want {
				t.Fatalf("numbers not gapless and unique: #%d is %q, want %q", i, n, want)
			}
		}
	})
}

func TestProformaNumbersOnlyWhenPaid(t *testing.T) {
	eachStore(t, func(c *billing.Config) { c.NumberingMode = billing.NumberOnPayment }, func(t *testing.T, h *harness) {
		c := h.customer(t, "proforma@example.com", "")
		_, unpaid, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		if unpaid.Number != "" || inv.Number != "" {
			t.Fatalf("proforma invoices were numbered: %q %q", unpaid.Number, inv.Number)
		}
		paid, err := h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: inv.ID, Gateway: "fake", GatewayID: "p1", Amount: billing.Money{Amount: inv.Total, Currency: "USD"}})
		mustOK(t, err)
		if paid.Number != "INV-2026-000001" {
			t.Fatalf("the first paid invoice is %q, want INV-2026-000001: the unpaid one must not take a number", paid.Number)
		}
	})
}

func TestRecordPaymentIsIdempotent(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "pay@example.com", "")
		sub, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		pay := billing.Payment{InvoiceID: inv.ID, Gateway: "fake", GatewayID: "pi_123", Amount: billing.Money{Amount: inv.Total, Currency: "USD"}}
		// The webhook and the return page report the same payment.
		for i := 0; i < 3; i++ {
			got, err := h.svc.RecordPayment(ctx, pay)
			mustOK(t, err)
			if got.Status != billing.InvoicePaid || got.AmountPaid != inv.Total {
				t.Fatalf("report %d: %s, paid %d", i, got.Status, got.AmountPaid)
			}
		}
		bal, err := h.store.CreditBalance(ctx, c.ID, "USD")
		mustOK(t, err)
		if bal != 0 {
			t.Fatalf("a repeated report created %d of credit", bal)
		}
		jobs, err := h.store.ListJobs(ctx, platform.JobInvoicePaid)
		mustOK(t, err)
		if len(jobs) != 1 {
			t.Fatalf("%d invoice.paid jobs, want 1", len(jobs))
		}
		// A second, different payment of a paid invoice becomes credit.
		pay.GatewayID = "pi_456"
		_, err = h.svc.RecordPayment(ctx, pay)
		mustOK(t, err)
		bal, _ = h.store.CreditBalance(ctx, c.ID, "USD")
		if bal != inv.Total {
			t.Fatalf("double payment credited %d, want %d", bal, inv.Total)
		}
		got, _ := h.store.GetSubscription(ctx, sub.ID)
		if got.Status != billing.SubActive {
			t.Fatalf("subscription is %s after payment", got.Status)
		}
		_, err = h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: inv.ID, Gateway: "fake", GatewayID: "eur", Amount: billing.Money{Amount: 1, Currency: "EUR"}})
		if platform.ErrorField(err) != "amount" {
			t.Fatalf("a payment in another currency: %v", err)
		}
	})
}

func TestRenewDueOncePerPeriod(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		const n = 20
		var subs []*billing.Subscription
		for i := 0; i < n; i++ {
			c := h.customer(t, fmt.Sprintf("r%d@example.com", i), fakegateway.CardVisa)
			subs = append(subs, h.activeSubscription(t, c, nil))
		}
		// Period ends 28 Feb; with 7 days' lead the renewal is due from 21 Feb.
		early, err := h.svc.RenewDue(ctx, time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC))
		mustOK(t, err)
		if early.Invoiced != 0 {
			t.Fatalf("%d invoices made before the lead time", early.Invoiced)
		}
		at := time.Date(2026, 2, 21, 9, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		total := make(chan int, 6)
		for i := 0; i < 6; i++ { // run concurrently...
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := h.svc.RenewDue(ctx, at)
				if err != nil {
					t.Error(err)
				}
				total <- res.Invoiced
			}()
		}
		wg.Wait()
		close(total)
		sum := 0
		for v := range total {
			sum += v
		}
		again, err := h.svc.RenewDue(ctx, at) // ...and once more after
		mustOK(t, err)
		if sum != n || again.Invoiced != 0 {
			t.Fatalf("concurrent runs made %d invoices and a later run %d; want %d and 0", sum, again.Invoiced, n)
		}
		for _, sub := range subs {
			invs, err := h.store.ListInvoicesBySubscription(ctx, sub.ID)
			mustOK(t, err)
			if len(invs) != 2 {
				t.Fatalf("subscription %d has %d invoices, want the first and one renewal", sub.ID, len(invs))
			}
			r := invs[1]
			if !r.PeriodStart.Equal(time.Date(2026, 2, 28, 9, 0, 0, 0, time.UTC)) || !r.PeriodEnd.Equal(time.Date(2026, 3, 31, 9, 0, 0, 0, time.UTC)) || !r.DueAt.Equal(r.PeriodStart) || r.Total != 1000 {
				t.Fatalf("renewal invoice: %v to %v due %v total %d", r.PeriodStart, r.PeriodEnd, r.DueAt, r.Total)
			}
		}
		charges, err := h.store.ListJobs(ctx, platform.JobInvoiceCharge)
		mustOK(t, err)
		if len(charges) != n {
			t.Fatalf("%d charge jobs, want %d", len(charges), n)
		}
		// The worker runs the charge job (twice, as a retried job would):
		// one gateway charge, the invoice paid, the period advanced.
		var job billing.ChargeJob
		mustOK(t, json.Unmarshal(charges[0].Payload, &job))
		h.clock.Set(charges[0].RunAt)
		for i := 0; i < 2; i++ {
			out, err := h.svc.ChargeInvoice(ctx, job.InvoiceID, job.Attempt)
			mustOK(t, err)
			if out.Status != billing.ChargeSucceeded || out.Invoice.Status != billing.InvoicePaid {
				t.Fatalf("charge: %+v", out)
			}
		}
		if got := len(h.gw.Charges()); got != 1 {
			t.Fatalf("the gateway saw %d charges, want 1", got)
		}
		inv, _ := h.store.GetInvoice(ctx, job.InvoiceID)
		sub, _ := h.store.GetSubscription(ctx, inv.SubscriptionID)
		if !sub.CurrentPeriodEnd.Equal(inv.PeriodEnd) {
			t.Fatalf("paid renewal did not advance the period: ends %v, want %v", sub.CurrentPeriodEnd, inv.PeriodEnd)
		}
	})
}

func TestCouponMaxUsesUnderConcurrentOrders(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		mustOK(t, h.svc.CreateCoupon(ctx, &billing.Coupon{Code: "first10", Kind: billing.CouponPercent, Percent: 500000, MaxUses: 10, Duration: billing.CouponOnce, Active: true}))
		var customers []*billing.Customer
		for i := 0; i < 50; i++ {
			customers = append(customers, h.customer(t, fmt.Sprintf("cp%d@example.com", i), ""))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		for _, c := range customers {
			wg.Add(1)
			go func(c *billing.Customer) {
				defer wg.Done()
				_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly, CouponCode: "FIRST10"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && inv.Total == 1000: // 10.00 − 50% + 5.00 setup
					ok++
				case platform.ErrorCode(err) == platform.ECONFLICT && platform.ErrorField(err) == "coupon":
					refused++
				default:
					t.Errorf("order: %v (total %v)", err, inv)
				}
			}(c)
		}
		wg.Wait()
		c, err := h.store.GetCouponByCode(ctx, "FIRST10")
		mustOK(t, err)
		if ok != 10 || refused != 40 || c.TimesUsed != 10 {
			t.Fatalf("50 orders with a 10-use coupon: %d discounted, %d refused, %d uses counted", ok, refused, c.TimesUsed)
		}
	})
}

func TestRefundIssuesCreditNoteOnce(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "refund@example.com", fakegateway.CardVisa)
		_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		out, err := h.svc.ChargeInvoice(ctx, inv.ID, 1)
		mustOK(t, err)
		if out.Invoice.Status != billing.InvoicePaid {
			t.Fatalf("charge: %+v", out)
		}
		note, err := h.svc.Refund(ctx, inv.ID, billing.Money{Amount: 500, Currency: "USD"}, "setup fee waived")
		mustOK(t, err)
		if note.Kind != billing.KindCreditNote || note.Number != "CN-2026-000001" || note.Total != 500 || note.RelatedInvoiceID != inv.ID {
			t.Fatalf("credit note: %+v", note)
		}
		// 15.00 was paid and 5.00 refunded: 10.01 is too much, 10.00 is not.
		_, err = h.svc.Refund(ctx, inv.ID, billing.Money{Amount: 1001, Currency: "USD"}, "")
		if platform.ErrorField(err) != "amount" {
			t.Fatalf("refunding more than is left: %v", err)
		}
		second, err := h.svc.Refund(ctx, inv.ID, billing.Money{Amount: 1000, Currency: "USD"}, "cancelled")
		mustOK(t, err)
		if second.Number != "CN-2026-000002" {
			t.Fatalf("second credit note %q", second.Number)
		}
		got, _ := h.store.GetInvoice(ctx, inv.ID)
		if got.Status != billing.InvoicePaid || got.AmountPaid != 1500 {
			t.Fatalf("a refund changed the invoice: %s paid %d", got.Status, got.AmountPaid)
		}
	})
}
