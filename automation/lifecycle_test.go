package automation_test

import (
	"sync/atomic"
	"testing"
	"time"

	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/provisioning"
)

// TestServiceLifecycleFollowsBilling carries billing's decisions to the
// panel through the worker: an upgrade resizes the server once its
// proration invoice is paid, an overdue renewal suspends it and paying
// lifts the suspension, and a cancellation at period end terminates it
// when the period ends.
func TestServiceLifecycleFollowsBilling(t *testing.T) {
	backends(t, func(t *testing.T, open func(t *testing.T) *platformUnderTest) {
		p := open(t)
		large := &billing.Plan{Code: "vps-8g", Name: "VPS 8 GB", Type: billing.ServiceVPS, Status: billing.PlanActive,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 4800}}}
		if err := p.billing.CreatePlan(ctx, large); err != nil {
			t.Fatal(err)
		}
		if err := p.prov.SaveProduct(ctx, &provisioning.Product{PlanID: large.ID, Platform: provisioning.PlatformSandbox, PanelPlan: "vps-large"}); err != nil {
			t.Fatal(err)
		}
		small := &billing.Plan{Code: "vps-2g-up", Name: "VPS 2 GB", Type: billing.ServiceVPS, Status: billing.PlanActive,
			UpgradeTargets: []int64{large.ID}, Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 1200}}}
		if err := p.billing.CreatePlan(ctx, small); err != nil {
			t.Fatal(err)
		}
		if err := p.prov.SaveProduct(ctx, &provisioning.Product{PlanID: small.ID, Platform: provisioning.PlatformSandbox, PanelPlan: "vps-small"}); err != nil {
			t.Fatal(err)
		}
		p.plan = small
		sub := p.subscribeAndPay(t)
		var ready atomic.Int64
		w := p.worker("w1", p.queue, p.prov, p.panel, &ready)
		run := func() {
			t.Helper()
			if err := p.drain(t, ctx, w); err != nil {
				t.Fatal(err)
			}
		}
		run()
		svc := p.service(t, sub.ID)

		p.clock.Advance(10 * 24 * time.Hour)
		change, err := p.billing.ChangePlan(ctx, sub.ID, large.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		run()
		if got := p.panel.Plan(svc.ExternalID); got != "vps-small" {
			t.Fatalf("resized to %q before the upgrade was paid", got)
		}
		p.pay(t, change.Invoice)
		run()
		if got := p.panel.Plan(svc.ExternalID); got != "vps-large" {
			t.Fatalf("after the paid upgrade the server is on %q", got)
		}

		cur, _ := p.billingStore.GetSubscription(ctx, sub.ID)
		p.clock.Set(cur.CurrentPeriodEnd.AddDate(0, 0, -7))
		if _, err := p.billing.RenewDue(ctx, p.clock.Now()); err != nil {
			t.Fatal(err)
		}
		for day := 0; day < 5 && !p.panel.Suspended(svc.ExternalID); day++ {
			p.clock.Set(cur.CurrentPeriodEnd.AddDate(0, 0, day))
			if _, err := p.billing.RunDunning(ctx, p.clock.Now()); err != nil {
				t.Fatal(err)
			}
			run()
		}
		if got := p.service(t, sub.ID); !p.panel.Suspended(svc.ExternalID) || got.Status != provisioning.ServiceSuspended {
			t.Fatalf("overdue renewal: panel suspended %v, service %s", p.panel.Suspended(svc.ExternalID), got.Status)
		}
		invoices, _ := p.billingStore.ListInvoicesBySubscription(ctx, sub.ID)
		p.pay(t, invoices[len(invoices)-1])
		run()
		if got := p.service(t, sub.ID); p.panel.Suspended(svc.ExternalID) || got.Status != provisioning.ServiceActive {
			t.Fatalf("paid renewal: panel suspended %v, service %s", p.panel.Suspended(svc.ExternalID), got.Status)
		}

		if _, err := p.billing.Cancel(ctx, sub.ID, true, "moving to another host"); err != nil {
			t.Fatal(err)
		}
		run()
		if p.panel.Resources(svc.ID) != 1 {
			t.Fatal("cancelled at period end, but terminated at once")
		}
		cur, _ = p.billingStore.GetSubscription(ctx, sub.ID)
		p.clock.Set(cur.CurrentPeriodEnd.Add(time.Minute))
		if _, err := p.billing.EndCancelledPeriods(ctx, p.clock.Now()); err != nil {
			t.Fatal(err)
		}
		run()
		if got := p.service(t, sub.ID); p.panel.Resources(svc.ID) != 0 || got.Status != provisioning.ServiceTerminated {
			t.Fatalf("after the period: %d servers, service %s", p.panel.Resources(svc.ID), got.Status)
		}
		log, _ := p.prov.ListLog(ctx, svc.ID)
		actions := ""
		for i := len(log) - 1; i >= 0; i-- {
			actions += log[i].Action + " "
		}
		if actions != "create change_plan suspend unsuspend terminate " {
			t.Fatalf("panel calls: %q", actions)
		}
	})
}
