package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// Run is the storage contract suite: every billing.Store adapter must pass
// it. open returns a fresh, empty, migrated store.
func Run(t *testing.T, open func(t *testing.T) billing.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s billing.Store)
	}{
		{"Customers", testCustomers},
		{"SearchCustomers", testSearchCustomers},
		{"Plans", testPlans},
		{"Stock", testStock},
		{"Subscriptions", testSubscriptions},
		{"ClaimPeriodOnce", testClaimPeriodOnce},
		{"Invoices", testInvoices},
		{"DraftInvoices", testDraftInvoices},
		{"TxRollback", testTxRollback},
		{"GaplessNumbersConcurrent", testGaplessNumbersConcurrent},
		{"Transactions", testTransactions},
		{"CouponMaxUsesConcurrent", testCouponMaxUsesConcurrent},
		{"CouponOncePerCustomer", testCouponOncePerCustomer},
		{"CreditLedger", testCreditLedger},
		{"TaxRates", testTaxRates},
		{"MRREvents", testMRREvents},
		{"DunningStepsOnce", testDunningStepsOnce},
		{"Jobs", testJobs},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

var ctx = context.Background()

// t0 is a fixed instant the suite's times derive from.
var t0 = time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := platform.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// NewCustomer creates a customer with the given email.
func testSearchCustomers(t *testing.T, s billing.Store) {
	ada := NewCustomer(t, s, "ada@example.com")
	bob := NewCustomer(t, s, "bob_100%@example.com")
	ids := func(text string, before int64) []int64 {
		t.Helper()
		found, err := s.SearchCustomers(ctx, text, before)
		must(t, err)
		var out []int64
		for _, c := range found {
			out = append(out, c.ID)
		}
		return out
	}
	for _, tc := range []struct {
		text   string
		before int64
		want   []int64
	}{
		{"", 0, []int64{bob.ID, ada.ID}},           // newest first
		{"", bob.ID, []int64{ada.ID}},              // the next page
		{"analytical", 0, []int64{bob.ID, ada.ID}}, // both work there
		{"ada@", 0, []int64{ada.ID}},
		{"100%", 0, []int64{bob.ID}}, // % is text, not a wildcard
		{"_", 0, []int64{bob.ID}},
		{"nobody", 0, nil},
	} {
		if got := ids(tc.text, tc.before); !slices.Equal(got, tc.want) {
			t.Errorf("search %q after %d: %v, want %v", tc.text, tc.before, got, tc.want)
		}
	}
}

func NewCustomer(t testing.TB, s billing.Store, email string) *billing.Customer {
	t.Helper()
	c := &billing.Customer{
		Email:   email,
		Details: billing.BillingDetails{Name: "Ada Lovelace", Company: "Analytical Engines Ltd", Address: "1 Main St", City: "Berlin", Postal: "10115", Country: "DE", VATID: "DE123456789"},
		Tax:     billing.TaxCustomer{Country: "DE", VATID: "DE123456789"},
	}
	if err := s.CreateCustomer(ctx, c); err != nil {
		t.Fatalf("create customer: %v", err)
	}
	return c
}

// NewPlan creates a monthly USD and EUR VPS plan with an extra-IPv4 option.
func NewPlan(t testing.TB, s billing.Store, code string) *billing.Plan {
	t.Helper()
	p := &billing.Plan{
		Code: code, Name: "VPS " + code, Type: billing.ServiceVPS, Status: billing.PlanActive,
		Features: map[string]string{"ram": "4 GB", "cpu": "2 vCPU"},
		Prices: []billing.Price{
			{Currency: "USD", Cycle: billing.Monthly, Amount: 1000, SetupFee: 500},
			{Currency: "EUR", Cycle: billing.Monthly, Amount: 900},
			{Currency: "USD", Cycle: billing.Annual, Amount: 10000},
		},
		Options: []billing.ConfigOption{{
			Code: "ipv4", Name: "Extra IPv4", Unit: "address", MinUnits: 0, MaxUnits: 8,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 200}, {Currency: "EUR", Cycle: billing.Monthly, Amount: 180}},
		}},
	}
	if err := s.CreatePlan(ctx, p); err != nil {
		t.Fatalf("create plan: %v", err)
	}
	return p
}

func newSubscription(t *testing.T, s billing.Store, customerID, planID int64, start time.Time) *billing.Subscription {
	t.Helper()
	end := billing.Monthly.Next(start, start)
	sub := &billing.Subscription{
		CustomerID: customerID, PlanID: planID, Currency: "USD", Cycle: billing.Monthly, Status: billing.SubActive,
		Options: []billing.OptionChoice{{OptionID: 1, Units: 2}}, Anchor: start, CurrentPeriodStart: start,
		CurrentPeriodEnd: end, InvoicedThrough: end, CreatedAt: start, UpdatedAt: start,
	}
	must(t, s.CreateSubscription(ctx, sub))
	return sub
}

func testCustomers(t *testing.T, s billing.Store) {
	c := NewCustomer(t, s, "ada@example.com")
	got, err := s.GetCustomer(ctx, c.ID)
	must(t, err)
	want := c.Details
	want.Email = c.Email
	if got.Details != want || got.Tax.Country != "DE" || got.Tax.VATID != "DE123456789" || got.Email != c.Email {
		t.Fatalf("customer round trip: got %+v, want %+v", got, c)
	}
	_, err = s.GetCustomer(ctx, c.ID+1000)
	wantCode(t, err, platform.ENOTFOUND)
	err = s.CreateCustomer(ctx, &billing.Customer{Email: "ada@example.com"})
	wantCode(t, err, platform.ECONFLICT)
}

func testPlans(t *testing.T, s billing.Store) {
	basic := NewPlan(t, s, "basic")
	stock := int64(3)
	pro := &billing.Plan{
		Code: "pro", Name: "Pro", Type: billing.ServiceDedicated, Status: billing.PlanHidden, Stock: &stock, TrialDays: 7,
		UpgradeTargets: []int64{basic.ID}, Prices: []billing.Price{{Currency: "JPY", Cycle: billing.Quarterly, Amount: 3000}},
	}
	must(t, s.CreatePlan(ctx, pro))
	got, err := s.GetPlan(ctx, basic.ID)
	must(t, err)
	if got.Code != "basic" || !reflect.DeepEqual(got.Prices, basic.Prices) || got.Features["ram"] != "4 GB" {
		t.Fatalf("plan round trip: got %+v", got)
	}
	if len(got.Options) != 1 || got.Options[0].ID == 0 || !reflect.DeepEqual(got.Options[0].Prices, basic.Options[0].Prices) {
		t.Fatalf("plan options: got %+v", got.Options)
	}
	gotPro, err := s.GetPlan(ctx, pro.ID)
	must(t, err)
	if gotPro.Stock == nil || *gotPro.Stock != 3 || gotPro.TrialDays != 7 || !reflect.DeepEqual(gotPro.UpgradeTargets, []int64{basic.ID}) {
		t.Fatalf("plan stock/trial/upgrades: got %+v", gotPro)
	}
	all, err := s.ListPlans(ctx)
	must(t, err)
	if len(all) != 2 || all[0].ID != basic.ID || all[1].ID != pro.ID {
		t.Fatalf("list plans: got %d plans", len(all))
	}
	wantCode(t, s.CreatePlan(ctx, &billing.Plan{Code: "basic", Name: "again", Type: billing.ServiceVPS, Status: billing.PlanActive}), platform.ECONFLICT)
	_, err = s.GetPlan(ctx, 9999)
	wantCode(t, err, platform.ENOTFOUND)
}

func testStock(t *testing.T, s billing.Store) {
	stock := int64(2)
	p := &billing.Plan{Code: "dedi", Name: "Dedicated", Type: billing.ServiceDedicated, Status: billing.PlanActive, Stock: &stock}
	must(t, s.CreatePlan(ctx, p))
	must(t, s.TakeStock(ctx, p.ID, t0))
	must(t, s.TakeStock(ctx, p.ID, t0))
	wantCode(t, s.TakeStock(ctx, p.ID, t0), platform.ECONFLICT)
	must(t, s.ReturnStock(ctx, p.ID, t0))
	must(t, s.TakeStock(ctx, p.ID, t0))
	wantCode(t, s.TakeStock(ctx, p.ID, t0), platform.ECONFLICT)
	unlimited := NewPlan(t, s, "vps")
	for i := 0; i < 3; i++ {
		must(t, s.TakeStock(ctx, unlimited.ID, t0))
	}
}

func testSubscriptions(t *testing.T, s billing.Store) {
	c := NewCustomer(t, s, "sub@example.com")
	p := NewPlan(t, s, "basic")
	sub := newSubscription(t, s, c.ID, p.ID, t0)
	got, err := s.GetSubscription(ctx, sub.ID)
	must(t, err)
	if !reflect.DeepEqual(got, sub) {
		t.Fatalf("subscription round trip:\n got %+v\nwant %+v", got, sub)
	}
	if !got.CurrentPeriodEnd.Equal(time.Date(2026, 2, 28, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("31 January renews on %v, want 28 February", got.CurrentPeriodEnd)
	}
	sub.CancelAtPeriodEnd, sub.CancelReason, sub.SuspendHold = true, "too expensive", true
	sub.UpdatedAt = t0.Add(time.Hour)
	must(t, s.UpdateSubscription(ctx, sub))
	got, err = s.GetSubscription(ctx, sub.ID)
	must(t, err)
	if !reflect.DeepEqual(got, sub) {
		t.Fatalf("subscription update:\n got %+v\nwant %+v", got, sub)
	}
	ending, err := s.ListEndingBy(ctx, sub.CurrentPeriodEnd)
	must(t, err)
	if len(ending) != 1 || ending[0].ID != sub.ID {
		t.Fatalf("ListEndingBy: got %d", len(ending))
	}

	// Renewable: live, not cancelling, invoiced through at or before the
	// bound; hourly ones only up to their own bound.
	var due []int64
	for i := 0; i < 3; i++ {
		due = append(due, newSubscription(t, s, c.ID, p.ID, t0).ID)
	}
	later := newSubscription(t, s, c.ID, p.ID, t0.AddDate(0, 2, 0))
	hourly := &billing.Subscription{
		CustomerID: c.ID, PlanID: p.ID, Currency: "USD", Cycle: billing.Hourly, Status: billing.SubActive,
		Anchor: t0, CurrentPeriodStart: t0, CurrentPeriodEnd: sub.CurrentPeriodEnd, InvoicedThrough: sub.CurrentPeriodEnd,
		CreatedAt: t0, UpdatedAt: t0,
	}
	must(t, s.CreateSubscription(ctx, hourly))
	got1, err := s.ListRenewable(ctx, sub.CurrentPeriodEnd, sub.CurrentPeriodEnd.Add(-time.Second))
	must(t, err)
	if ids := sortedIDs(got1); !reflect.DeepEqual(ids, due) {
		t.Fatalf("ListRenewable = %v, want %v (not %d, cancelling, %d, later, or the hourly %d)", ids, due, sub.ID, later.ID, hourly.ID)
	}
	got2, err := s.ListRenewable(ctx, sub.CurrentPeriodEnd, sub.CurrentPeriodEnd)
	must(t, err)
	if len(got2) != len(due)+1 {
		t.Fatalf("ListRenewable with the hourly bound reached: %v", sortedIDs(got2))
	}
	wantCode(t, s.UpdateSubscription(ctx, &billing.Subscription{ID: 9999, Options: nil}), platform.ENOTFOUND)

	must(t, s.LinkGatewaySubscription(ctx, sub.ID, "paypal", "I-SUB1", t0))
	wantCode(t, s.LinkGatewaySubscription(ctx, sub.ID, "paypal", "I-SUB2", t0), platform.ECONFLICT)
	links, err := s.GatewaySubscriptions(ctx, sub.ID)
	must(t, err)
	if !reflect.DeepEqual(links, map[string]string{"paypal": "I-SUB1"}) {
		t.Fatalf("gateway subscriptions: %v", links)
	}
	billed, err := s.GatewaysBillingCustomer(ctx, sub.CustomerID)
	must(t, err)
	if !reflect.DeepEqual(billed, map[int64][]string{sub.ID: {"paypal"}}) {
		t.Fatalf("gateway-billed subscriptions of the customer: %v", billed)
	}
	// Only the linked id unlinks; then another may be linked.
	wantCode(t, s.UnlinkGatewaySubscription(ctx, sub.ID, "paypal", "I-OTHER"), platform.ENOTFOUND)
	must(t, s.UnlinkGatewaySubscription(ctx, sub.ID, "paypal", "I-SUB1"))
	must(t, s.LinkGatewaySubscription(ctx, sub.ID, "paypal", "I-SUB2", t0))
}

func sortedIDs(subs []*billing.Subscription) []int64 {
	var ids []int64
	for _, s := range subs {
		ids = append(ids, s.ID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

func testClaimPeriodOnce(t *testing.T, s billing.Store) {
	c := NewCustomer(t, s, "claim@example.com")
	p := NewPlan(t, s, "basic")
	sub := newSubscription(t, s, c.ID, p.ID, t0)
	from := sub.InvoicedThrough
	to := billing.Monthly.Next(from, sub.Anchor)
	var wins sync.WaitGroup
	results := make(chan bool, 8)
	for i := 0; i < 8; i++ {
		wins.Add(1)
		go func() {
			defer wins.Done()
			err := s.InTx(ctx, func(tx billing.Store) error {
				ok, err := tx.ClaimPeriod(ctx, sub.ID, from, to, 0, t0)
				results <- ok
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wins.Wait()
	close(results)
	claimed := 0
	for ok := range results {
		if ok {
			claimed++
		}
	}
	if claimed != 1 {
		t.Fatalf("%d of 8 concurrent claims won the period, want exactly 1", claimed)
	}
	got, err := s.GetSubscription(ctx, sub.ID)
	must(t, err)
	if !got.InvoicedThrough.Equal(to) {
		t.Fatalf("invoiced through %v, want %v", got.InvoicedThrough, to)
	}
}

// SampleInvoice returns an unsaved open renewal invoice of the customer.
func SampleInvoice(customerID, subID int64, periodStart time.Time) *billing.Invoice {
	return &billing.Invoice{
		Kind: billing.KindInvoice, Reason: billing.ReasonSubscriptionCycle, CustomerID: customerID, SubscriptionID: subID,
		Currency: "USD", Status: billing.InvoiceOpen, Subtotal: 1400, Tax: 266, Total: 1666, TaxRate: 190000, TaxName: "VAT DE",
		PeriodStart: periodStart, PeriodEnd: billing.Monthly.Next(periodStart, periodStart),
		Customer:   billing.BillingDetails{Name: "Ada", Country: "DE", VATID: "DE123456789"},
		Company:    billing.BillingDetails{Name: "EZSCALE Hosting", Country: "US"},
		PlanChange: &billing.PlanChange{PlanID: 7, Options: []billing.OptionChoice{{OptionID: 1, Units: 3}}},
		Items: []billing.InvoiceItem{
			{Kind: billing.ItemPlan, Description: "VPS basic", Quantity: 1, UnitAmount: 1000, Amount: 1000, TaxAmount: 190, PeriodStart: periodStart, PeriodEnd: periodStart.AddDate(0, 1, 0)},
			{Kind: billing.ItemOption, Description: "Extra IPv4", Quantity: 2, UnitAmount: 200, Amount: 400, TaxAmount: 76},
		},
		IssuedAt: periodStart.AddDate(0, 0, -7), DueAt: periodStart, CreatedAt: periodStart.AddDate(0, 0, -7),
		RenewalKey: fmt.Sprintf("%d@%s", subID, periodStart.Format(time.RFC3339)),
	}
}

func testInvoices(t *testing.T, s billing.Store) {
	c := NewCustomer(t, s, "inv@example.com")
	p := NewPlan(t, s, "basic")
	sub := newSubscription(t, s, c.ID, p.ID, t0)
	inv := SampleInvoice(c.ID, sub.ID, sub.CurrentPeriodEnd)
	must(t, s.CreateInvoice(ctx, inv))
	got, err := s.GetInvoice(ctx, inv.ID)
	must(t, err)
	for i := range got.Items {
		if got.Items[i].ID == 0 {
			t.Fatalf("item %d has no id", i)
		}
		got.Items[i].ID = 0
	}
	if !reflect.DeepEqual(got, inv) {
		t.Fatalf("invoice round trip:\n got %+v\nwant %+v", got, inv)
	}
	dup := SampleInvoice(c.ID, sub.ID, sub.CurrentPeriodEnd)
	wantCode(t, s.CreateInvoice(ctx, dup), platform.ECONFLICT)
	// Voiding clears the renewal key, so the period can be billed again.
	voided := SampleInvoice(c.ID, sub.ID, sub.CurrentPeriodEnd.AddDate(1, 0, 0))
	must(t, s.CreateInvoice(ctx, voided))
	voided.Status, voided.RenewalKey, voided.VoidedAt = billing.InvoiceVoid, "", t0
	must(t, s.UpdateInvoice(ctx, voided))
	must(t, s.CreateInvoice(ctx, SampleInvoice(c.ID, sub.ID, sub.CurrentPeriodEnd.AddDate(1, 0, 0))))

	inv.Number, inv.Status, inv.AmountPaid, inv.PaidAt = "INV-2026-000001", billing.InvoicePaid, inv.Total, t0
	must(t, s.UpdateInvoice(ctx, inv))
	got, err = s.GetInvoice(ctx, inv.ID)
	must(t, err)
	if got.Number != inv.Number || got.Status != billing.InvoicePaid || got.AmountPaid != inv.Total || !got.PaidAt.Equal(t0) {
		t.Fatalf("invoice update: got %+v", got)
	}
	open := SampleInvoice(c.ID, sub.ID, sub.CurrentPeriodEnd.AddDate(0, 1, 0))
	must(t, s.CreateInvoice(ctx, open))
	due, err := s.ListOpenInvoicesDueBy(ctx, open.DueAt)
	must(t, err)
	if len(due) != 1 || due[0].ID != open.ID {
		t.Fatalf("open invoices due: got %d", len(due))
	}
	bySub, err := s.ListInvoicesBySubscription(ctx, sub.ID)
	must(t, err)
	if len(bySub) != 4 {
		t.Fatalf("invoices of subscription: got %d, want 4", len(bySub))
	}
	byCustomer, err := s.ListInvoicesByCustomer(ctx, c.ID)
	must(t, err)
	if len(byCustomer) != 4 {
		t.Fatalf("invoices of customer: got %d, want 4", len(byCustomer))
	}
	_, err = s.GetInvoice(ctx, 9999)
	wantCode(t, err, platform.ENOTFOUND)
}

// testDraftInvoices: a draft's content and lines are replaced whole; an
// issued invoice is neither rewritten nor deleted as a draft.
func testDraftInvoices(t *testing.T, s billing.Store) {
	c := NewCustomer(t, s, "draft@example.com")
	draft := &billing.Invoice{Kind: billing.KindInvoice, Reason: billing.ReasonManual, CustomerID: c.ID, Currency: "USD",
		Status: billing.InvoiceDraft, Subtotal: 500, Total: 500, CreatedAt: t0,
		Items: []billing.InvoiceItem{{Kind: billing.ItemManual, Description: "Setup", Quantity: 1, UnitAmount: 500, Amount: 500}}}
	must(t, s.CreateInvoice(ctx, draft))
	draft.Currency, draft.Subtotal, draft.Tax, draft.Total, draft.TaxRate, draft.TaxName = "EUR", 3000, 570, 3570, 190000, "MwSt"
	draft.DueAt, draft.Customer = t0.AddDate(0, 0, 14), billing.BillingDetails{Name: "Ada", Country: "DE"}
	draft.Items = []billing.InvoiceItem{
		{Kind: billing.ItemManual, Description: "Migration", Quantity: 2, UnitAmount: 1000, Amount: 2000, TaxAmount: 380},
		{Kind: billing.ItemManual, Description: "Backup", Quantity: 1, UnitAmount: 1000, Amount: 1000, TaxAmount: 190},
	}
	must(t, s.SaveDraftInvoice(ctx, draft))
	got, err := s.GetInvoice(ctx, draft.ID)
	must(t, err)
	for i := range got.Items {
		got.Items[i].ID = 0
	}
	if !reflect.DeepEqual(got, draft) {
		t.Fatalf("draft after save:\n got %+v\nwant %+v", got, draft)
	}

	issued := *got
	issued.Status, issued.Number, issued.IssuedAt = billing.InvoiceOpen, "INV-2026-000001", t0
	must(t, s.UpdateInvoice(ctx, &issued))
	changed := issued
	changed.Total, changed.Items = 1, nil
	wantCode(t, s.SaveDraftInvoice(ctx, &changed), platform.ECONFLICT)
	wantCode(t, s.DeleteDraftInvoice(ctx, issued.ID), platform.ECONFLICT)
	got, err = s.GetInvoice(ctx, issued.ID)
	must(t, err)
	if got.Total != 3570 || len(got.Items) != 2 || got.Status != billing.InvoiceOpen {
		t.Fatalf("an issued invoice changed: %+v", got)
	}

	other := &billing.Invoice{Kind: billing.KindInvoice, Reason: billing.ReasonManual, CustomerID: c.ID, Currency: "USD",
		Status: billing.InvoiceDraft, Subtotal: 100, Total: 100, CreatedAt: t0,
		Items: []billing.InvoiceItem{{Kind: billing.ItemManual, Description: "Extra", Quantity: 1, UnitAmount: 100, Amount: 100}}}
	must(t, s.CreateInvoice(ctx, other))
	must(t, s.DeleteDraftInvoice(ctx, other.ID))
	_, err = s.GetInvoice(ctx, other.ID)
	wantCode(t, err, platform.ENOTFOUND)
}

func testTxRollback(t *testing.T, s billing.Store) {
	boom := errors.New("boom")
	err := s.InTx(ctx, func(tx billing.Store) error {
		NewCustomer(t, tx, "rollback@example.com")
		if _, err := tx.ReserveNumbers(ctx, "rollback", 5); err != nil {
			return err
		}
		return tx.InTx(ctx, func(nested billing.Store) error { return boom })
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v, want boom", err)
	}
	c := NewCustomer(t, s, "rollback@example.com") // the email is free again
	if c.ID == 0 {
		t.Fatal("no id")
	}
	first, err := s.ReserveNumbers(ctx, "rollback", 1)
	must(t, err)
	if first != 1 {
		t.Fatalf("after a rolled-back reservation the sequence starts at %d, want 1", first)
	}
}

func testGaplessNumbersConcurrent(t *testing.T, s billing.Store) {
	const workers, each = 8, 25
	var mu sync.Mutex
	var got []int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				err := s.InTx(ctx, func(tx billing.Store) error {
					n, err := tx.ReserveNumbers(ctx, "INV-{YYYY}-{SEQ:6}@2026", 1)
					if err != nil {
						return err
					}
					if i%5 == 4 {
						return errRollback // a failed finalisation gives its number back
					}
					mu.Lock()
					got = append(got, n)
					mu.Unlock()
					return nil
				})
				if err != nil && !errors.Is(err, errRollback) {
					t.Error(err)
				}
			}
		}(w)
	}
	wg.Wait()
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	want := workers * each * 4 / 5
	if len(got) != want {
		t.Fatalf("%d numbers committed, want %d", len(got), want)
	}
	for i, n := range got {
		if n != int64(i+1) {
			t.Fatalf("numbers are not gapless and unique: position %d holds %d", i, n)
		}
	}
}

var errRollback = errors.New("rollback on purpose")

func testTransactions(t *testing.T, s billing.Store) {
	c := NewCustomer(t, s, "tx@example.com")
	tr := &billing.Transaction{CustomerID: c.ID, Gateway: "stripe", GatewayID: "pi_1", Kind: billing.TxCharge, Amount: 1666, Currency: "USD", Fee: 78, Status: "succeeded", Method: "card", CreatedAt: t0}
	must(t, s.CreateTransaction(ctx, tr))
	got, err := s.GetTransactionByGatewayID(ctx, "stripe", "pi_1")
	must(t, err)
	if !reflect.DeepEqual(got, tr) {
		t.Fatalf("transaction round trip:\n got %+v\nwant %+v", got, tr)
	}
	again := *tr
	wantCode(t, s.CreateTransaction(ctx, &again), platform.ECONFLICT)
	inv := SampleInvoice(c.ID, 0, t0)
	must(t, s.CreateInvoice(ctx, inv))
	charge := &billing.Transaction{InvoiceID: inv.ID, CustomerID: c.ID, Gateway: "stripe", GatewayID: "pi_2", Kind: billing.TxCharge, Amount: 1666, Currency: "USD", Status: "succeeded", CreatedAt: t0}
	refund := &billing.Transaction{InvoiceID: inv.ID, CustomerID: c.ID, Gateway: "stripe", GatewayID: "re_1", Kind: billing.TxRefund, Amount: 500, Currency: "USD", Status: "succeeded", CreatedAt: t0}
	must(t, s.CreateTransaction(ctx, charge))
	must(t, s.CreateTransaction(ctx, refund))
	charge.Status, charge.Fee = "failed", 0
	must(t, s.UpdateTransactionStatus(ctx, charge))
	byInvoice, err := s.ListTransactionsByInvoice(ctx, inv.ID)
	must(t, err)
	if !reflect.DeepEqual(byInvoice, []*billing.Transaction{charge, refund}) {
		t.Fatalf("transactions of invoice: got %+v", byInvoice)
	}
	pm := &billing.PaymentMethod{CustomerID: c.ID, Gateway: "stripe", GatewayCustomerID: "cus_1", GatewayMethodID: "pm_1", Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030, Default: true, CreatedAt: t0}
	must(t, s.CreatePaymentMethod(ctx, pm))
	gotPM, err := s.DefaultPaymentMethod(ctx, c.ID)
	must(t, err)
	if !reflect.DeepEqual(gotPM, pm) {
		t.Fatalf("payment method round trip:\n got %+v\nwant %+v", gotPM, pm)
	}
	_, err = s.DefaultPaymentMethod(ctx, c.ID+1)
	wantCode(t, err, platform.ENOTFOUND)
	second := &billing.PaymentMethod{CustomerID: c.ID, Gateway: "stripe", GatewayCustomerID: "cus_1", GatewayMethodID: "pm_2", CreatedAt: t0}
	must(t, s.CreatePaymentMethod(ctx, second))
	must(t, s.SetDefaultPaymentMethod(ctx, c.ID, second.ID))
	methods, err := s.ListPaymentMethods(ctx, c.ID)
	must(t, err)
	if len(methods) != 2 || methods[0].Default || !methods[1].Default {
		t.Fatalf("payment methods after a default change: %+v", methods)
	}
	_, err = s.GetPaymentMethod(ctx, c.ID+1, second.ID)
	wantCode(t, err, platform.ENOTFOUND)
	wantCode(t, s.DeletePaymentMethod(ctx, c.ID+1, second.ID), platform.ENOTFOUND)
	must(t, s.DeletePaymentMethod(ctx, c.ID, second.ID))
	if methods, _ := s.ListPaymentMethods(ctx, c.ID); len(methods) != 1 {
		t.Fatalf("%d payment methods after deleting one of two", len(methods))
	}
	must(t, s.SaveGatewayCustomerID(ctx, c.ID, "stripe", "cus_1", t0))
	wantCode(t, s.SaveGatewayCustomerID(ctx, c.ID, "stripe", "cus_2", t0), platform.ECONFLICT)
	gc, err := s.GatewayCustomerID(ctx, c.ID, "stripe")
	must(t, err)
	if gc != "cus_1" {
		t.Fatalf("gateway customer %q", gc)
	}
	_, err = s.GatewayCustomerID(ctx, c.ID, "paypal")
	wantCode(t, err, platform.ENOTFOUND)

	pending := &billing.Transaction{InvoiceID: inv.ID, CustomerID: c.ID, Gateway: "stripe", GatewayID: "pi_sca", Kind: billing.TxCharge, Amount: 1666, Currency: "USD", Status: "requires_action", CreatedAt: t0}
	must(t, s.CreateTransaction(ctx, pending))
	list, err := s.ListPendingCharges(ctx, t0)
	must(t, err)
	if len(list) != 1 || list[0].GatewayID != "pi_sca" {
		t.Fatalf("pending charges: %+v", list)
	}
	if later, _ := s.ListPendingCharges(ctx, t0.Add(time.Second)); len(later) != 0 {
		t.Fatal("a charge older than the bound is listed")
	}
	fresh, err := s.RecordGatewayEvent(ctx, "stripe", "evt_1", "payment_intent.succeeded", []byte(`{}`), t0)
	must(t, err)
	redelivered, err := s.RecordGatewayEvent(ctx, "stripe", "evt_1", "payment_intent.succeeded", []byte(`{}`), t0)
	must(t, err)
	other, err := s.RecordGatewayEvent(ctx, "paypal", "evt_1", "PAYMENT.CAPTURE.COMPLETED", []byte(`{}`), t0)
	must(t, err)
	if !fresh || redelivered || !other {
		t.Fatalf("gateway events: first %v, again %v, other gateway %v", fresh, redelivered, other)
	}
}

func testCouponMaxUsesConcurrent(t *testing.T, s billing.Store) {
	coupon := &billing.Coupon{Code: "LAUNCH10", Kind: billing.CouponPercent, Percent: 100000, MaxUses: 10, Duration: billing.CouponOnce, Active: true}
	must(t, s.CreateCoupon(ctx, coupon))
	var customers []int64
	for i := 0; i < 50; i++ {
		customers = append(customers, NewCustomer(t, s, fmt.Sprintf("c%d@example.com", i)).ID)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	redeemed, refused := 0, 0
	for _, id := range customers {
		wg.Add(1)
		go func(id int64) {
			defer wg.Done()
			err := s.RedeemCoupon(ctx, coupon, id, 0, t0)
			mu.Lock()
			defer mu.Unlock()
			switch platform.ErrorCode(err) {
			case "":
				redeemed++
			case platform.ECONFLICT:
				refused++
			default:
				t.Error(err)
			}
		}(id)
	}
	wg.Wait()
	if redeemed != 10 || refused != 40 {
		t.Fatalf("50 concurrent redemptions of a 10-use coupon: %d redeemed, %d refused", redeemed, refused)
	}
	got, err := s.GetCouponByCode(ctx, "launch10")
	must(t, err)
	if got.TimesUsed != 10 {
		t.Fatalf("times used = %d, want 10", got.TimesUsed)
	}
}

func testCouponOncePerCustomer(t *testing.T, s billing.Store) {
	c := NewCustomer(t, s, "once@example.com")
	other := NewCustomer(t, s, "other@example.com")
	coupon := &billing.Coupon{Code: "WELCOME", Kind: billing.CouponFixed, AmountsOff: map[string]int64{"USD": 500}, PlanIDs: []int64{1}, OncePerCustomer: true, Duration: billing.CouponRepeating, DurationCycles: 3, TrialExtensionDays: 7, ExpiresAt: t0.AddDate(1, 0, 0), Active: true, CreatedAt: t0}
	must(t, s.CreateCoupon(ctx, coupon))
	got, err := s.GetCoupon(ctx, coupon.ID)
	must(t, err)
	if !reflect.DeepEqual(got, coupon) {
		t.Fatalf("coupon round trip:\n got %+v\nwant %+v", got, coupon)
	}
	must(t, s.RedeemCoupon(ctx, coupon, c.ID, 0, t0))
	err = s.RedeemCoupon(ctx, coupon, c.ID, 0, t0)
	wantCode(t, err, platform.ECONFLICT)
	must(t, s.RedeemCoupon(ctx, coupon, other.ID, 0, t0))
	got, err = s.GetCoupon(ctx, coupon.ID)
	must(t, err)
	if got.TimesUsed != 2 {
		t.Fatalf("a refused second use was counted: times used = %d, want 2", got.TimesUsed)
	}
}

func testCreditLedger(t *testing.T, s billing.Store) {
	c := NewCustomer(t, s, "credit@example.com")
	for _, a := range []int64{666, -200, 34} {
		must(t, s.AddCredit(ctx, billing.CreditEntry{CustomerID: c.ID, Currency: "USD", Amount: a, Reason: "test", CreatedAt: t0}))
	}
	must(t, s.AddCredit(ctx, billing.CreditEntry{CustomerID: c.ID, Currency: "EUR", Amount: 999, Reason: "test", CreatedAt: t0}))
	bal, err := s.CreditBalance(ctx, c.ID, "USD")
	must(t, err)
	if bal != 500 {
		t.Fatalf("USD balance = %d, want 500", bal)
	}
}

func testTaxRates(t *testing.T, s billing.Store) {
	old := &billing.TaxRate{Country: "CH", Name: "MWST", Rate: 77000, ValidFrom: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	cur := &billing.TaxRate{Country: "CH", Name: "MWST", Rate: 81000, ValidFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	must(t, s.CreateTaxRate(ctx, old))
	must(t, s.CreateTaxRate(ctx, cur))
	table, err := s.ListTaxRates(ctx)
	must(t, err)
	if !reflect.DeepEqual(table, billing.TaxTable{*old, *cur}) {
		t.Fatalf("tax rates round trip: got %+v", table)
	}
	r, ok := table.Lookup("CH", "", time.Date(2023, 12, 31, 23, 59, 59, 0, time.UTC))
	if !ok || r.Rate != 77000 {
		t.Fatalf("CH rate on 2023-12-31 = %v", r.Rate)
	}
}

func testMRREvents(t *testing.T, s billing.Store) {
	c := NewCustomer(t, s, "mrr@example.com")
	p := NewPlan(t, s, "basic")
	sub := newSubscription(t, s, c.ID, p.ID, t0)
	events := []billing.MRREvent{
		{At: t0, SubscriptionID: sub.ID, CustomerID: c.ID, PlanID: p.ID, Currency: "USD", Before: 0, After: 1000},
		{At: t0.AddDate(0, 1, 0), SubscriptionID: sub.ID, CustomerID: c.ID, PlanID: p.ID, Currency: "USD", Before: 1000, After: 1400},
	}
	for _, e := range events {
		must(t, s.RecordMRREvent(ctx, e))
	}
	got, err := s.ListMRREventsBefore(ctx, t0.AddDate(0, 1, 0))
	must(t, err)
	if !reflect.DeepEqual(got, events[:1]) {
		t.Fatalf("mrr events before: got %+v", got)
	}
}

func testDunningStepsOnce(t *testing.T, s billing.Store) {
	c := NewCustomer(t, s, "dunning@example.com")
	inv := SampleInvoice(c.ID, 0, t0)
	inv.PlanChange = nil
	must(t, s.CreateInvoice(ctx, inv))
	first, err := s.MarkDunningStep(ctx, inv.ID, "retry_charge:1", t0)
	must(t, err)
	err = s.InTx(ctx, func(tx billing.Store) error {
		again, err := tx.MarkDunningStep(ctx, inv.ID, "retry_charge:1", t0)
		if again {
			t.Error("a dunning step was marked twice")
		}
		return err
	})
	must(t, err)
	if !first {
		t.Fatal("a new dunning step was not marked")
	}
}

func testJobs(t *testing.T, s billing.Store) {
	j := &platform.Job{Kind: platform.JobInvoiceCharge, DedupeKey: "invoice.charge:1:1", Payload: []byte(`{"invoice_id":1}`), RunAt: t0, CreatedAt: t0}
	must(t, s.EnqueueJob(ctx, j))
	wantCode(t, s.EnqueueJob(ctx, &platform.Job{Kind: platform.JobInvoiceCharge, DedupeKey: "invoice.charge:1:1"}), platform.ECONFLICT)
	must(t, s.EnqueueJob(ctx, &platform.Job{Kind: platform.JobInvoiceCharge}))
	jobs, err := s.ListJobs(ctx, platform.JobInvoiceCharge)
	must(t, err)
	if len(jobs) != 2 || !reflect.DeepEqual(jobs[0], j) {
		t.Fatalf("jobs: got %d, first %+v", len(jobs), jobs[0])
	}
}
