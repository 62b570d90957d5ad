package automation_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/jobqueue"
	"ezscale.cloud/platform/provisioning"
	"ezscale.cloud/platform/secretbox"
)

var ctx = context.Background()

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// backends runs fn on a fresh SQLite file and a fresh MariaDB database.
func backends(t *testing.T, fn func(t *testing.T, open func(t *testing.T) *platformUnderTest)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, func(t *testing.T) *platformUnderTest {
			s := storetest.OpenSQLite(t)
			return newPlatform(t, s, s, s.Provisioning())
		})
	})
	t.Run("mysql", func(t *testing.T) {
		fn(t, func(t *testing.T) *platformUnderTest {
			s := storetest.OpenMySQL(t)
			return newPlatform(t, s, s, s.Provisioning())
		})
	})
}

// platformUnderTest is a whole platform on one store: billing with the
// sandbox gateway, provisioning with the sandbox panel.
type platformUnderTest struct {
	billingStore billing.Store
	queue        jobqueue.Store
	prov         provisioning.Store
	clock        *platform.ManualClock
	billing      *billing.Service
	panel        *sandbox.Panel
	keyring      *secretbox.Keyring
	plan         *billing.Plan
	customer     *billing.Customer
}

func newPlatform(t *testing.T, bs billing.Store, q jobqueue.Store, ps provisioning.Store) *platformUnderTest {
	t.Helper()
	clock := platform.NewManualClock(start)
	svc, err := billing.NewService(bs, sandbox.New(), clock, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	kr, err := secretbox.NewKeyring("k1", map[string][]byte{"k1": bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	p := &platformUnderTest{billingStore: bs, queue: q, prov: ps, clock: clock, billing: svc,
		panel: sandbox.NewPanel("sandbox-key", "vps-small", "vps-large"), keyring: kr}
	p.plan = &billing.Plan{
		Code: "vps-2g", Name: "VPS 2 GB", Type: billing.ServiceVPS, Status: billing.PlanActive,
		Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 1200}},
	}
	if err := svc.CreatePlan(ctx, p.plan); err != nil {
		t.Fatal(err)
	}
	err = ps.SaveProduct(ctx, &provisioning.Product{PlanID: p.plan.ID, Platform: provisioning.PlatformSandbox, PanelPlan: "vps-small", OSTemplate: "debian-13"})
	if err != nil {
		t.Fatal(err)
	}
	p.customer = &billing.Customer{Email: "grace@example.com", Details: billing.BillingDetails{Name: "Grace Hopper", Country: "US"}, Tax: billing.TaxCustomer{Country: "US"}}
	if err := bs.CreateCustomer(ctx, p.customer); err != nil {
		t.Fatal(err)
	}
	return p
}

// manager returns a provisioning manager over the given store and panel,
// which tests wrap to inject crashes.
func (p *platformUnderTest) manager(ps provisioning.Store, panel provisioning.Panel) *provisioning.Manager {
	return provisioning.NewManager(provisioning.Config{
		Store: ps, Billing: p.billingStore, Sealer: p.keyring, Clock: p.clock,
		Panels: map[provisioning.Platform]provisioning.Panel{provisioning.PlatformSandbox: panel},
	})
}

// subscribeAndPay orders the plan and pays the first invoice: the state
// change whose invoice.paid job starts provisioning.
func (p *platformUnderTest) subscribeAndPay(t *testing.T) *billing.Subscription {
	t.Helper()
	sub, inv, err := p.billing.Subscribe(ctx, billing.SubscribeRequest{
		CustomerID: p.customer.ID, PlanID: p.plan.ID, Currency: "USD", Cycle: billing.Monthly,
	})
	if err != nil {
		t.Fatal(err)
	}
	p.pay(t, inv)
	return sub
}

// pay records a payment of the invoice's amount due.
func (p *platformUnderTest) pay(t *testing.T, inv *billing.Invoice) {
	t.Helper()
	_, err := p.billing.RecordPayment(ctx, billing.Payment{
		InvoiceID: inv.ID, Gateway: "sandbox", GatewayID: fmt.Sprintf("ch_%d", inv.ID), Amount: billing.Money{Amount: inv.AmountDue(), Currency: inv.Currency},
	})
	if err != nil {
		t.Fatal(err)
	}
}
