package billing

import (
	"context"
	"fmt"
	"time"

	"ezscale.cloud/platform"
)

// RenewResult counts what a renewal run did.
type RenewResult struct {
	Invoiced int
}

// RenewDue makes the renewal invoice of every live subscription whose next
// period starts within the configured lead time of now, and asks for its
// charge through a durable invoice.charge job due on the period's first
// day, which the worker runs through the Gateway port.
//
// Each period is invoiced exactly once however often and however
// concurrently RenewDue runs: the subscription's InvoicedThrough is moved by
// compare-and-set in the same transaction that writes the invoice and its
// job, and the store keeps one renewal invoice per subscription period.
// Subscriptions are taken a page at a time, one transaction per page, so a
// run over many subscriptions never holds the write lock for long. A
// subscription more than one period behind (an hourly one after downtime)
// gets one invoice per missed period.
func (s *Service) RenewDue(ctx context.Context, now time.Time) (RenewResult, error) {
	now = platform.Truncate(now)
	var res RenewResult
	through := now.AddDate(0, 0, s.config().RenewalLeadDays)
	r := renewal{svc: s, now: now, plans: map[int64]*Plan{}, coupons: map[int64]*Coupon{}, customers: map[int64]*Customer{}}
	var err error
	if r.taxes, err = s.store.ListTaxRates(ctx); err != nil {
		return res, err
	}
	for {
		page, err := s.store.ListRenewable(ctx, through, now)
		if err != nil || len(page) == 0 {
			return res, err
		}
		var made int
		err = s.store.InTx(ctx, func(tx Store) error {
			var err error
			made, err = r.renewPage(ctx, tx, page)
			return err
		})
		if err != nil {
			return res, err
		}
		res.Invoiced += made
	}
}

// renewal is one RenewDue run, with the catalog, coupons and customers it
// has read cached: they do not change while the run lasts.
type renewal struct {
	svc       *Service
	now       time.Time
	taxes     TaxTable
	plans     map[int64]*Plan
	coupons   map[int64]*Coupon
	customers map[int64]*Customer
}

// renewPage invoices the next period of each subscription of a page whose
// period this run claims, numbering the page's invoices from one block of
// the sequence.
func (r *renewal) renewPage(ctx context.Context, tx Store, page []*Subscription) (int, error) {
	invoices := make([]*Invoice, 0, len(page))
	for _, sub := range page {
		inv, err := r.draft(ctx, tx, sub)
		if err != nil {
			return 0, fmt.Errorf("renew subscription %d: %w", sub.ID, err)
		}
		if inv != nil {
			invoices = append(invoices, inv)
		}
	}
	if err := r.svc.issue(ctx, tx, r.now, invoices...); err != nil {
		return 0, err
	}
	for _, inv := range invoices {
		if inv.Status == InvoiceOpen {
			if err := enqueueCharge(ctx, tx, inv, 1, inv.DueAt); err != nil {
				return 0, err
			}
		}
	}
	return len(invoices), nil
}

// draft claims a subscription's next period and drafts its invoice, or
// returns nil when another run claimed the period first.
func (r *renewal) draft(ctx context.Context, tx Store, sub *Subscription) (*Invoice, error) {
	start, end := sub.NextPeriod()
	var coupon *Coupon
	cyclesLeft := sub.CouponCyclesLeft
	if sub.CouponID != 0 && cyclesLeft != 0 {
		var err error
		if coupon, err = r.coupon(ctx, tx, sub.CouponID); err != nil {
			return nil, err
		}
		cyclesLeft = nextCouponCycles(cyclesLeft)
	}
	claimed, err := tx.ClaimPeriod(ctx, sub.ID, start, end, cyclesLeft, r.now)
	if err != nil || !claimed {
		return nil, err
	}
	plan, err := r.plan(ctx, tx, sub.PlanID)
	if err != nil {
		return nil, err
	}
	customer, err := r.customer(ctx, tx, sub.CustomerID)
	if err != nil {
		return nil, err
	}
	// A trial's first paid period carries the setup fee it did not pay at
	// signup.
	withSetup := sub.Status == SubTrialing
	inv, err := r.svc.draftSubscriptionInvoice(plan, sub, customer, r.taxes, coupon, ReasonSubscriptionCycle, start, end, withSetup, r.now)
	if err != nil {
		return nil, err
	}
	inv.DueAt = start
	if inv.DueAt.Before(r.now) {
		inv.DueAt = r.now
	}
	return inv, nil
}

// enqueueCharge asks the worker to charge an invoice at runAt; the attempt
// number makes both the job and the gateway's idempotency key unique.
func enqueueCharge(ctx context.Context, tx Store, inv *Invoice, attempt int, runAt time.Time) error {
	return enqueue(ctx, tx, platform.JobInvoiceCharge, fmt.Sprintf("invoice.charge:%d:%d", inv.ID, attempt), runAt,
		ChargeJob{InvoiceID: inv.ID, Attempt: attempt})
}

// ChargeJob is the payload of an invoice.charge job.
type ChargeJob struct {
	InvoiceID int64 `json:"invoice_id"`
	Attempt   int   `json:"attempt"`
}

func (r *renewal) plan(ctx context.Context, tx Store, id int64) (*Plan, error) {
	if p, ok := r.plans[id]; ok {
		return p, nil
	}
	p, err := tx.GetPlan(ctx, id)
	if err == nil {
		r.plans[id] = p
	}
	return p, err
}

func (r *renewal) coupon(ctx context.Context, tx Store, id int64) (*Coupon, error) {
	if c, ok := r.coupons[id]; ok {
		return c, nil
	}
	c, err := tx.GetCoupon(ctx, id)
	if err == nil {
		r.coupons[id] = c
	}
	return c, err
}

func (r *renewal) customer(ctx context.Context, tx Store, id int64) (*Customer, error) {
	if c, ok := r.customers[id]; ok {
		return c, nil
	}
	c, err := tx.GetCustomer(ctx, id)
	if err == nil {
		r.customers[id] = c
	}
	return c, err
}
