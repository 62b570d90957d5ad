package billing_test

import (
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

func TestIntervalFloor(t *testing.T) {
	wed := time.Date(2026, 11, 25, 17, 30, 0, 0, time.UTC)
	for i, want := range map[billing.Interval]time.Time{
		billing.IntervalDay:   time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
		billing.IntervalWeek:  time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), // Monday
		billing.IntervalMonth: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		billing.IntervalYear:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got := i.Floor(wed); !got.Equal(want) {
			t.Errorf("%s floor of %v = %v, want %v", i, wed, got, want)
		}
	}
	sunday := time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)
	if got := billing.IntervalWeek.Floor(sunday); !got.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a Sunday's week starts %v", got)
	}
}

// Two paid orders, one unpaid, a partial refund and a failed charge: the
// revenue series counts what was collected and refunded on its day, the
// receivables what is still owed and overdue, and plan activity the
// orders and how many were paid.
func TestRevenueReports(t *testing.T) {
	rates := billing.ExchangeRates{Base: "USD"}
	eachStore(t, nil, func(t *testing.T, h *harness) {
		paidA := h.activeSubscription(t, h.customer(t, "a@example.com", ""), nil)
		h.activeSubscription(t, h.customer(t, "b@example.com", ""), nil)
		_, unpaid, err := h.svc.Subscribe(ctx, billing.SubscribeRequest{CustomerID: h.customer(t, "c@example.com", "").ID, PlanID: h.plan.ID, Currency: "USD", Cycle: billing.Monthly})
		mustOK(t, err)
		invs, err := h.store.ListInvoicesBySubscription(ctx, paidA.ID)
		mustOK(t, err)
		first := invs[0].Total

		h.clock.Advance(24 * time.Hour)
		mustOK(t, h.store.CreateTransaction(ctx, &billing.Transaction{InvoiceID: invs[0].ID, CustomerID: paidA.CustomerID, Gateway: "fake", GatewayID: "re_1",
			Kind: billing.TxRefund, Amount: 250, Currency: "USD", Status: string(billing.ChargeSucceeded), CreatedAt: h.clock.Now()}))
		mustOK(t, h.store.CreateTransaction(ctx, &billing.Transaction{InvoiceID: unpaid.ID, CustomerID: unpaid.CustomerID, Gateway: "fake", GatewayID: "ch_failed",
			Kind: billing.TxCharge, Amount: unpaid.Total, Currency: "USD", Status: string(billing.ChargeFailed), CreatedAt: h.clock.Now()}))

		points, err := h.svc.RevenueSeries(ctx, start.Add(-24*time.Hour), start.Add(48*time.Hour), billing.IntervalDay, rates)
		mustOK(t, err)
		if len(points) != 4 {
			t.Fatalf("%d daily points for four days", len(points))
		}
		day0, day1, day2 := points[1], points[2], points[3]
		if points[0].Collected.Amount != 0 || day0.Collected.Amount != 2*first || day0.Refunded.Amount != 0 || day1.Refunded.Amount != 250 || day1.Collected.Amount != 0 {
			t.Fatalf("series: %+v", points)
		}
		if day0.MRR.Amount != 0 || day1.MRR.Amount != 2*1000 || day1.Customers != 2 || day2.Customers != 2 {
			t.Fatalf("MRR and customers at each day's start: %+v", points)
		}

		r, err := h.svc.Receivables(ctx, rates)
		mustOK(t, err)
		if r.OutstandingCount != 1 || r.Outstanding.Amount != unpaid.Total || r.OverdueCount != 1 || r.ByCurrency["USD"].Overdue.Amount != unpaid.Total {
			t.Fatalf("receivables: %+v", r)
		}

		activity, err := h.svc.PlanActivities(ctx, start.Add(-time.Hour), start.Add(time.Hour))
		mustOK(t, err)
		var plan billing.PlanActivity
		for _, a := range activity {
			if a.PlanID == h.plan.ID {
				plan = a
			}
		}
		if plan.Live != 2 || plan.Ordered != 3 || plan.Paid != 2 || plan.ConversionRate().String() != "66.6667" {
			t.Fatalf("plan activity: %+v (%s)", plan, plan.ConversionRate())
		}

		_, err = h.svc.RevenueSeries(ctx, start, start.AddDate(2, 0, 0), billing.IntervalDay, rates)
		if platform.ErrorField(err) != "interval" {
			t.Fatalf("two years of days: %v", err)
		}
		_, err = h.svc.RevenueSeries(ctx, start, start.Add(time.Hour), "hour", rates)
		if platform.ErrorField(err) != "interval" {
			t.Fatalf("an unknown interval: %v", err)
		}
	})
}
