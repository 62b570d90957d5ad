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
	"ezscale.cloud/platform/adapters/sandbox"
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
	gw    *sandbox.Gateway
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
	h := &harness{store: store, clock: platform.NewManualClock(start), gw: sandbox.New()}
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
			c := h.customer(t, fmt.Sprintf("r%d@example.com", i), sandbox.CardVisa)
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
		c := h.customer(t, "refund@example.com", sandbox.CardVisa)
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

func TestPauseAndUnpauseBillFromTheRestart(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "pause@example.com", "")
		sub := h.activeSubscription(t, c, nil)
		paused, err := h.svc.Pause(ctx, sub.ID)
		mustOK(t, err)
		if paused.Status != billing.SubPaused {
			t.Fatalf("paused subscription is %s", paused.Status)
		}
		if _, err := h.svc.Pause(ctx, sub.ID); platform.ErrorCode(err) != platform.ECONFLICT {
			t.Fatalf("pausing twice: %v", err)
		}
		// Three months later nothing was invoiced while paused...
		h.clock.Set(time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC))
		res, err := h.svc.RenewDue(ctx, h.clock.Now())
		mustOK(t, err)
		if res.Invoiced != 0 {
			t.Fatalf("a paused subscription was invoiced %d times", res.Invoiced)
		}
		// ...and unpausing starts a new period now, invoiced once.
		_, err = h.svc.Unpause(ctx, sub.ID)
		mustOK(t, err)
		res, err = h.svc.RenewDue(ctx, h.clock.Now())
		mustOK(t, err)
		invs, _ := h.store.ListInvoicesBySubscription(ctx, sub.ID)
		last := invs[len(invs)-1]
		if res.Invoiced != 1 || !last.PeriodStart.Equal(h.clock.Now()) || !last.PeriodEnd.Equal(time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)) {
			t.Fatalf("after unpause: %d invoices, last for %v to %v", res.Invoiced, last.PeriodStart, last.PeriodEnd)
		}
		suspends, _ := h.store.ListJobs(ctx, platform.JobServiceSuspend)
		resumes, _ := h.store.ListJobs(ctx, platform.JobServiceResume)
		if len(suspends) != 1 || len(resumes) != 1 {
			t.Fatalf("jobs: %d suspend, %d unsuspend; want 1 each", len(suspends), len(resumes))
		}
		held, err := h.svc.SetSuspendHold(ctx, sub.ID, true)
		mustOK(t, err)
		got, _ := h.store.GetSubscription(ctx, sub.ID)
		if !held.SuspendHold || !got.SuspendHold {
			t.Fatal("suspend hold was not saved")
		}
	})
}

func TestManualInvoiceTaxCreditAndVoid(t *testing.T) {
	eachStore(t, func(c *billing.Config) { c.Tax.SellerCountry = "DE"; c.Company.Country = "DE" }, func(t *testing.T, h *harness) {
		mustOK(t, h.svc.CreateTaxRate(ctx, &billing.TaxRate{Country: "DE", Name: "MwSt", Rate: 190000, ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}))
		c := h.customer(t, "manual@example.com", "")
		mustOK(t, h.store.AddCredit(ctx, billing.CreditEntry{CustomerID: c.ID, Currency: "EUR", Amount: 1000, Reason: "goodwill", CreatedAt: start}))
		// 2 × 25.00 + 1 × 9.99 = 59.99 net; 19% of 59.99 = 11.3981 → 11.40;
		// total 71.39, of which 10.00 is paid from credit.
		inv, err := h.svc.CreateManualInvoice(ctx, billing.ManualInvoice{CustomerID: c.ID, Currency: "EUR", Lines: []billing.ManualLine{
			{Description: "Migration service", Quantity: 2, UnitAmount: 2500},
			{Description: "DNS setup", Quantity: 1, UnitAmount: 999},
		}})
		mustOK(t, err)
		if inv.Subtotal != 5999 || inv.Tax != 1140 || inv.Total != 7139 || inv.AmountPaid != 1000 || inv.Number != "INV-2026-000001" {
			t.Fatalf("manual invoice: subtotal %d tax %d total %d paid %d number %q", inv.Subtotal, inv.Tax, inv.Total, inv.AmountPaid, inv.Number)
		}
		if inv.Items[0].TaxAmount+inv.Items[1].TaxAmount != inv.Tax {
			t.Fatal("line taxes do not add up to the invoice's tax")
		}
		if _, err := h.svc.VoidInvoice(ctx, inv.ID); platform.ErrorCode(err) != platform.ECONFLICT {
			t.Fatalf("voiding a part-paid invoice: %v", err)
		}
		_, err = h.svc.CreateManualInvoice(ctx, billing.ManualInvoice{CustomerID: c.ID, Currency: "EUR"})
		if platform.ErrorField(err) != "lines" {
			t.Fatalf("an invoice without lines: %v", err)
		}
		other, err := h.svc.CreateManualInvoice(ctx, billing.ManualInvoice{CustomerID: c.ID, Currency: "EUR", Lines: []billing.ManualLine{{Description: "Extra", Quantity: 1, UnitAmount: 100}}})
		mustOK(t, err)
		voided, err := h.svc.VoidInvoice(ctx, other.ID)
		mustOK(t, err)
		if voided.Status != billing.InvoiceVoid {
			t.Fatalf("voided invoice is %s", voided.Status)
		}
	})
}

func TestAuthenticatedChargeSucceedsLater(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "sca@example.com", sandbox.CardAuthenticationReqd)
		_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		out, err := h.svc.ChargeInvoice(ctx, inv.ID, 1)
		mustOK(t, err)
		if out.Status != billing.ChargeRequiresAction || out.Invoice.Status != billing.InvoiceOpen {
			t.Fatalf("charge needing authentication: %+v", out)
		}
		chargeID := h.gw.Charges()[0].ID
		// The customer authenticates; the gateway reports the same charge
		// as succeeded.
		paid, err := h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: inv.ID, Gateway: "fake", GatewayID: chargeID, Amount: billing.Money{Amount: inv.Total, Currency: "USD"}})
		mustOK(t, err)
		if paid.Status != billing.InvoicePaid {
			t.Fatalf("after authentication the invoice is %s", paid.Status)
		}
		tr, err := h.store.GetTransactionByGatewayID(ctx, "fake", chargeID)
		mustOK(t, err)
		if tr.Status != string(billing.ChargeSucceeded) {
			t.Fatalf("transaction status %q", tr.Status)
		}
	})
}

func TestUnpaidOrderExpiresAndReturnsStock(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		stock := int64(1)
		dedi := &billing.Plan{Code: "dedi-e3", Name: "Dedicated E3", Type: billing.ServiceDedicated, Status: billing.PlanActive, Stock: &stock,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 9900}}}
		mustOK(t, h.svc.CreatePlan(ctx, dedi))
		a := h.customer(t, "a@example.com", "")
		b := h.customer(t, "b@example.com", "")
		order := func(c *billing.Customer) (*billing.Subscription, *billing.Invoice) {
			t.Helper()
			sub, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: dedi.ID, Currency: "USD", Cycle: billing.Monthly})
			mustOK(t, err)
			return sub, inv
		}
		sub, inv := order(a)
		// Out of stock, a dedicated server is a backorder: sold, waiting
		// for staff to find hardware, and taking no unit of stock.
		if back, _ := order(b); sub.Backordered || !back.Backordered {
			t.Fatalf("backordered: first %v, second %v", sub.Backordered, back.Backordered)
		}
		ended, err := h.svc.EndCancelledPeriods(ctx, start.AddDate(0, 0, 6))
		mustOK(t, err)
		if ended != 0 {
			t.Fatal("an order was cancelled before its 7 days")
		}
		ended, err = h.svc.EndCancelledPeriods(ctx, start.AddDate(0, 0, 7))
		mustOK(t, err)
		got, _ := h.store.GetSubscription(ctx, sub.ID)
		gotInv, _ := h.store.GetInvoice(ctx, inv.ID)
		if ended != 2 || got.Status != billing.SubCancelled || gotInv.Status != billing.InvoiceVoid {
			t.Fatalf("expired orders: %d ended, %s, invoice %s", ended, got.Status, gotInv.Status)
		}
		if again, _ := order(b); again.Backordered {
			t.Fatal("the expired order's server did not go back on sale")
		}
		if last, _ := order(a); !last.Backordered {
			t.Fatal("the expired backorder put a unit back on sale that it never took")
		}
		vps := &billing.Plan{Code: "vps-1", Name: "VPS", Type: billing.ServiceVPS, Status: billing.PlanActive, Stock: new(int64),
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 500}}}
		mustOK(t, h.svc.CreatePlan(ctx, vps))
		if _, _, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: a.ID, PlanID: vps.ID, Currency: "USD", Cycle: billing.Monthly}); platform.ErrorCode(err) != platform.ECONFLICT {
			t.Fatalf("ordering an out-of-stock VPS: %v", err)
		}
	})
}

func TestPlanChangeDuringLeadTimeRebillsNextPeriod(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		big := &billing.Plan{Code: "vps-l", Name: "VPS L", Type: billing.ServiceVPS, Status: billing.PlanActive,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 500}}}
		mustOK(t, h.svc.CreatePlan(ctx, big))
		small := &billing.Plan{Code: "vps-s", Name: "VPS S", Type: billing.ServiceVPS, Status: billing.PlanActive, UpgradeTargets: []int64{big.ID},
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 300}}}
		mustOK(t, h.svc.CreatePlan(ctx, small))
		c := h.customer(t, "lead@example.com", "")
		sub, first, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: small.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		_, err = h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: first.ID, Gateway: "fake", GatewayID: "p-first", Amount: billing.Money{Amount: first.Total, Currency: "USD"}})
		mustOK(t, err)
		// 24 Feb: the renewal for 28 Feb – 31 Mar is out at the old 3.00.
		h.clock.Set(time.Date(2026, 2, 24, 9, 0, 0, 0, time.UTC))
		_, err = h.svc.RenewDue(ctx, h.clock.Now())
		mustOK(t, err)
		res, err := h.svc.ChangePlan(ctx, sub.ID, big.ID, nil)
		mustOK(t, err)
		_, err = h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: res.Invoice.ID, Gateway: "fake", GatewayID: "p-upgrade", Amount: billing.Money{Amount: res.Invoice.Total, Currency: "USD"}})
		mustOK(t, err)
		again, err := h.svc.RenewDue(ctx, h.clock.Now())
		mustOK(t, err)
		invs, _ := h.store.ListInvoicesBySubscription(ctx, sub.ID)
		var renewals []*billing.Invoice
		for _, inv := range invs {
			if inv.Reason == billing.ReasonSubscriptionCycle {
				renewals = append(renewals, inv)
			}
		}
		if again.Invoiced != 1 || len(renewals) != 2 || renewals[0].Status != billing.InvoiceVoid || renewals[1].Total != 500 || renewals[1].Status != billing.InvoiceOpen {
			t.Fatalf("after the upgrade the next period must be rebilled at 5.00: %d made, renewals %+v", again.Invoiced, renewals)
		}
	})
}

func TestUnpaidUpgradeNeverSuspends(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		big := &billing.Plan{Code: "vps-xl", Name: "VPS XL", Type: billing.ServiceVPS, Status: billing.PlanActive,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 3000}}}
		mustOK(t, h.svc.CreatePlan(ctx, big))
		small := &billing.Plan{Code: "vps-xs", Name: "VPS XS", Type: billing.ServiceVPS, Status: billing.PlanActive, UpgradeTargets: []int64{big.ID},
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 1000}}}
		mustOK(t, h.svc.CreatePlan(ctx, small))
		c := h.customer(t, "upgrade@example.com", "")
		sub, first, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: small.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		_, err = h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: first.ID, Gateway: "fake", GatewayID: "p1", Amount: billing.Money{Amount: first.Total, Currency: "USD"}})
		mustOK(t, err)
		h.clock.Set(start.AddDate(0, 0, 5))
		_, err = h.svc.ChangePlan(ctx, sub.ID, big.ID, nil)
		mustOK(t, err)
		_, err = h.svc.RunDunning(ctx, start.AddDate(0, 0, 20))
		mustOK(t, err)
		got, _ := h.store.GetSubscription(ctx, sub.ID)
		if got.Status != billing.SubActive || got.PlanID != small.ID {
			t.Fatalf("an unpaid upgrade left the subscription %s on plan %d", got.Status, got.PlanID)
		}
	})
}

func TestConcurrentDunningTakesEachStepOnce(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		const n = 5
		var subs []*billing.Subscription
		for i := 0; i < n; i++ {
			c := h.customer(t, fmt.Sprintf("dun%d@example.com", i), sandbox.CardDeclined)
			subs = append(subs, h.activeSubscription(t, c, nil))
		}
		_, err := h.svc.RenewDue(ctx, time.Date(2026, 2, 21, 9, 0, 0, 0, time.UTC))
		mustOK(t, err)
		due := time.Date(2026, 2, 28, 9, 0, 0, 0, time.UTC)
		// Four runs race at each of D+1 (past due, retry, notice) and D+2
		// (suspension), the days that write subscriptions.
		for _, at := range []time.Time{due.AddDate(0, 0, 1), due.AddDate(0, 0, 2)} {
			var wg sync.WaitGroup
			for i := 0; i < 4; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := h.svc.RunDunning(ctx, at); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		for _, sub := range subs {
			got, err := h.store.GetSubscription(ctx, sub.ID)
			mustOK(t, err)
			if got.Status != billing.SubSuspended {
				t.Fatalf("subscription %d is %s, want suspended", sub.ID, got.Status)
			}
		}
		suspends, _ := h.store.ListJobs(ctx, platform.JobServiceSuspend)
		retries, _ := h.store.ListJobs(ctx, platform.JobInvoiceCharge)
		reminders, _ := h.store.ListJobs(ctx, platform.JobInvoiceReminder)
		// Per subscription: one suspension, the charge on the due date plus
		// one retry, and the reminders of D-3, D-1 and D+1.
		if len(suspends) != n || len(retries) != 2*n || len(reminders) != 3*n {
			t.Fatalf("jobs: %d suspend, %d charge, %d reminder; want %d, %d, %d", len(suspends), len(retries), len(reminders), n, 2*n, 3*n)
		}
	})
}

func TestTrialEndsWithFirstInvoiceIncludingSetupFee(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		trial := &billing.Plan{Code: "game-trial", Name: "Minecraft 4 GB", Type: billing.ServiceGameServer, Status: billing.PlanActive, TrialDays: 3,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 800, SetupFee: 200}}}
		mustOK(t, h.svc.CreatePlan(ctx, trial))
		c := h.customer(t, "trial@example.com", sandbox.CardVisa)
		sub, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: trial.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		if inv != nil || sub.Status != billing.SubTrialing || !sub.TrialEnd.Equal(start.AddDate(0, 0, 3)) {
			t.Fatalf("trial order: invoice %v, %s until %v", inv, sub.Status, sub.TrialEnd)
		}
		res, err := h.svc.RenewDue(ctx, start)
		mustOK(t, err)
		invs, _ := h.store.ListInvoicesBySubscription(ctx, sub.ID)
		if res.Invoiced != 1 || len(invs) != 1 || invs[0].Total != 1000 || !invs[0].DueAt.Equal(sub.TrialEnd) {
			t.Fatalf("first invoice after the trial: %d made, %+v", res.Invoiced, invs)
		}
		h.clock.Set(sub.TrialEnd)
		out, err := h.svc.ChargeInvoice(ctx, invs[0].ID, 1)
		mustOK(t, err)
		got, _ := h.store.GetSubscription(ctx, sub.ID)
		if out.Status != billing.ChargeSucceeded || got.Status != billing.SubActive || !got.CurrentPeriodEnd.Equal(time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)) {
			t.Fatalf("after the first charge: %s, subscription %s until %v", out.Status, got.Status, got.CurrentPeriodEnd)
		}
		// The next renewal has no setup fee.
		_, err = h.svc.RenewDue(ctx, got.CurrentPeriodEnd.AddDate(0, 0, -7))
		mustOK(t, err)
		invs, _ = h.store.ListInvoicesBySubscription(ctx, sub.ID)
		if len(invs) != 2 || invs[1].Total != 800 {
			t.Fatalf("second renewal: %+v", invs)
		}
	})
}

func TestPaymentMethods(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "cards@example.com", "")
		other := h.customer(t, "other-cards@example.com", "")
		created := 0
		gatewayID, err := h.svc.EnsureGatewayCustomer(ctx, c.ID, "sandbox", func() (string, error) { created++; return "cus_sandbox_1", nil })
		mustOK(t, err)
		again, _ := h.svc.EnsureGatewayCustomer(ctx, c.ID, "sandbox", func() (string, error) { created++; return "cus_sandbox_2", nil })
		if gatewayID != "cus_sandbox_1" || again != gatewayID || created != 1 {
			t.Fatalf("gateway customer made %d times: %q, %q", created, gatewayID, again)
		}
		save := func(card string) *billing.PaymentMethod {
			id, err := h.gw.SavePaymentMethod(card)
			mustOK(t, err)
			pm := &billing.PaymentMethod{CustomerID: c.ID, Gateway: "sandbox", GatewayCustomerID: gatewayID, GatewayMethodID: id, Brand: "visa", Last4: "4242"}
			mustOK(t, h.svc.SavePaymentMethod(ctx, pm))
			return pm
		}
		visa, master := save(sandbox.CardVisa), save(sandbox.CardMastercard)
		if !visa.Default || master.Default {
			t.Fatalf("defaults: visa %v, mastercard %v", visa.Default, master.Default)
		}
		sub, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		wantCode(t, h.svc.ChooseSubscriptionPaymentMethod(ctx, other.ID, sub.ID, master.ID), platform.ENOTFOUND)
		mustOK(t, h.svc.ChooseSubscriptionPaymentMethod(ctx, c.ID, sub.ID, master.ID))
		_, err = h.svc.ChargeInvoice(ctx, inv.ID, 1)
		mustOK(t, err)
		if got := h.gw.Charges()[0].Request.PaymentMethodID; got != master.GatewayMethodID {
			t.Fatalf("charged %s, want the subscription's chosen %s", got, master.GatewayMethodID)
		}
		// Removing the default promotes the other; removing the chosen one
		// sends the subscription back to the default.
		_, err = h.svc.RemovePaymentMethod(ctx, c.ID, visa.ID)
		mustOK(t, err)
		def, err := h.store.DefaultPaymentMethod(ctx, c.ID)
		mustOK(t, err)
		if def.ID != master.ID {
			t.Fatalf("default after removal: %d", def.ID)
		}
		removed, err := h.svc.RemovePaymentMethod(ctx, c.ID, master.ID)
		mustOK(t, err)
		if removed.GatewayMethodID != master.GatewayMethodID {
			t.Fatal("the removed method was not returned for detaching")
		}
		got, _ := h.store.GetSubscription(ctx, sub.ID)
		if got.PaymentMethodID != 0 {
			t.Fatalf("the subscription still points at a removed card: %d", got.PaymentMethodID)
		}
		_, err = h.svc.RemovePaymentMethod(ctx, other.ID, master.ID)
		wantCode(t, err, platform.ENOTFOUND)
	})
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := platform.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// TestRepeatedAttemptStillRecordsTheCharge: an attempt that failed for
// want of a card and is then made with a card (the same attempt number)
// keeps the gateway's charge on record, though the failure email for that
// attempt was queued already.
func TestRepeatedAttemptStillRecordsTheCharge(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		c := h.customer(t, "late-card@example.com", "")
		_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		res, err := h.svc.ChargeInvoice(ctx, inv.ID, 1)
		mustOK(t, err)
		if res.Status != billing.ChargeFailed {
			t.Fatalf("charge without a card: %+v", res)
		}
		id, err := h.gw.SavePaymentMethod(sandbox.CardDeclined)
		mustOK(t, err)
		mustOK(t, h.store.CreatePaymentMethod(ctx, &billing.PaymentMethod{CustomerID: c.ID, Gateway: "fake", GatewayCustomerID: "cus_late",
			GatewayMethodID: id, Brand: "visa", Last4: "0002", Default: true, CreatedAt: start}))
		if res, err = h.svc.ChargeInvoice(ctx, inv.ID, 1); err != nil || res.Status != billing.ChargeFailed {
			t.Fatalf("declined charge: %+v, %v", res, err)
		}
		txs, err := h.store.ListTransactionsByInvoice(ctx, inv.ID)
		mustOK(t, err)
		if len(txs) != 1 || txs[0].Status != string(billing.ChargeFailed) {
			t.Fatalf("transactions after the declined charge: %+v", txs)
		}
	})
}

// altPay is a second gateway beside the card one, as PayPal is.
type altPay struct{ *sandbox.Gateway }

func (altPay) Name() string { return "altpay" }

// TestRefundGoesBackTheWayItCame: money a second gateway took is refunded
// through that gateway, not the card gateway, and only up to what it took.
func TestRefundGoesBackTheWayItCame(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		alt := altPay{sandbox.New()}
		h.svc.AddGateway(alt)
		c := h.customer(t, "alt@example.com", "")
		_, inv, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: c.ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		total := billing.Money{Amount: inv.Total, Currency: "USD"}
		charge, err := alt.Charge(ctx, billing.ChargeRequest{IdempotencyKey: "alt-1", PaymentMethodID: mustSaveCard(t, alt.Gateway), Amount: total})
		mustOK(t, err)
		_, err = h.svc.RecordPayment(ctx, billing.Payment{InvoiceID: inv.ID, Gateway: "altpay", GatewayID: charge.ID, Amount: total})
		mustOK(t, err)

		note, err := h.svc.Refund(ctx, inv.ID, billing.Money{Amount: 500, Currency: "USD"}, "goodwill")
		mustOK(t, err)
		if note.Kind != billing.KindCreditNote || note.Total != 500 {
			t.Fatalf("credit note: %+v", note)
		}
		if len(h.gw.Charges()) != 0 {
			t.Fatalf("the card gateway was used: %+v", h.gw.Charges())
		}
		_, err = h.svc.Refund(ctx, inv.ID, billing.Money{Amount: inv.Total, Currency: "USD"}, "")
		if platform.ErrorField(err) != "amount" {
			t.Fatalf("refunding more than the second gateway has left: %v", err)
		}
	})
}

func mustSaveCard(t *testing.T, g *sandbox.Gateway) string {
	t.Helper()
	pm, err := g.SavePaymentMethod(sandbox.CardVisa)
	mustOK(t, err)
	return pm
}
