package billing_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/adapters/sqlite"
	"ezscale.cloud/platform/billing"
)

// Example embeds the billing core in another program: it opens SQLite in
// memory, creates a plan, subscribes a customer, pays the first invoice, runs
// the renewals and prints the renewal invoice.
func Example() {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	clock := platform.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	cfg := billing.DefaultConfig()
	svc, err := billing.NewService(store, sandbox.New(), clock, cfg)
	if err != nil {
		log.Fatal(err)
	}

	plan := &billing.Plan{
		Code: "vps-2g", Name: "VPS 2 GB", Type: billing.ServiceVPS, Status: billing.PlanActive,
		Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 1200, SetupFee: 0}},
		Options: []billing.ConfigOption{{
			Code: "ipv4", Name: "Extra IPv4", Unit: "address", MaxUnits: 4,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 300}},
		}},
	}
	if err := svc.CreatePlan(ctx, plan); err != nil {
		log.Fatal(err)
	}
	customer := &billing.Customer{Email: "grace@example.com", Details: billing.BillingDetails{Name: "Grace Hopper", Country: "US"}, Tax: billing.TaxCustomer{Country: "US"}}
	if err := store.CreateCustomer(ctx, customer); err != nil {
		log.Fatal(err)
	}

	sub, first, err := svc.Subscribe(ctx, billing.SubscribeRequest{
		CustomerID: customer.ID, PlanID: plan.ID, Currency: "USD", Cycle: billing.Monthly,
		Options: []billing.OptionChoice{{OptionID: plan.Options[0].ID, Units: 2}},
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := svc.RecordPayment(ctx, billing.Payment{
		InvoiceID: first.ID, Gateway: "fake", GatewayID: "ch_first", Amount: billing.Money{Amount: first.Total, Currency: "USD"},
	}); err != nil {
		log.Fatal(err)
	}

	// A week before the period ends, the renewal run invoices the next one.
	clock.Set(sub.CurrentPeriodEnd.AddDate(0, 0, -7))
	res, err := svc.RenewDue(ctx, clock.Now())
	if err != nil {
		log.Fatal(err)
	}
	invoices, err := store.ListInvoicesBySubscription(ctx, sub.ID)
	if err != nil {
		log.Fatal(err)
	}
	renewal, err := store.GetInvoice(ctx, invoices[len(invoices)-1].ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("renewals made: %d\n", res.Invoiced)
	fmt.Printf("%s for %s, %s to %s, due %s\n", renewal.Number, renewal.Customer.Name,
		renewal.PeriodStart.Format("2006-01-02"), renewal.PeriodEnd.Format("2006-01-02"), renewal.DueAt.Format("2006-01-02"))
	for _, it := range renewal.Items {
		fmt.Printf("  %-18s %d x %s = %s\n", it.Description, it.Quantity,
			billing.Money{Amount: it.UnitAmount, Currency: "USD"}.Decimal(), billing.Money{Amount: it.Amount, Currency: "USD"}.Decimal())
	}
	fmt.Printf("  total %s, %s\n", billing.Money{Amount: renewal.Total, Currency: "USD"}, renewal.Status)
	// Output:
	// renewals made: 1
	// INV-2026-000002 for Grace Hopper, 2026-04-01 to 2026-05-01, due 2026-04-01
	//   VPS 2 GB (monthly) 1 x 12.00 = 12.00
	//   Extra IPv4         2 x 3.00 = 6.00
	//   total 18.00 USD, open
}
