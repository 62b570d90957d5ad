package billing

import (
	"context"
	"fmt"
	"time"

	"ezscale.cloud/platform"
)

// PlanChangeResult is what a plan change did: the quote, and either the
// proration invoice to pay (an upgrade, applied once paid) or the credit
// note for the amount credited to the account balance (a downgrade, applied
// at once).
type PlanChangeResult struct {
	Quote      ProrationQuote
	Invoice    *Invoice
	CreditNote *Invoice
}

// QuotePlanChange prices moving a subscription to another plan or option
// set now, without changing anything.
func (s *Service) QuotePlanChange(ctx context.Context, subID, planID int64, options []OptionChoice) (ProrationQuote, error) {
	q, _, _, _, err := s.quote(ctx, s.store, subID, planID, options, s.now())
	return q, err
}

func (s *Service) quote(ctx context.Context, tx Store, subID, planID int64, options []OptionChoice, now time.Time) (ProrationQuote, *Subscription, *Plan, *Plan, error) {
	sub, err := tx.GetSubscription(ctx, subID)
	if err != nil {
		return ProrationQuote{}, nil, nil, nil, err
	}
	if sub.Status != SubActive {
		return ProrationQuote{}, nil, nil, nil, platform.Errorf(platform.ECONFLICT, "subscription %d is %s; only active subscriptions change plan", sub.ID, sub.Status)
	}
	oldPlan, err := tx.GetPlan(ctx, sub.PlanID)
	if err != nil {
		return ProrationQuote{}, nil, nil, nil, err
	}
	newPlan := oldPlan
	if planID != sub.PlanID {
		if !oldPlan.CanChangeTo(planID) {
			return ProrationQuote{}, nil, nil, nil, platform.Invalid("plan_id", "plan %s cannot change to plan %d", oldPlan.Code, planID)
		}
		if newPlan, err = tx.GetPlan(ctx, planID); err != nil {
			return ProrationQuote{}, nil, nil, nil, err
		}
		if newPlan.Status == PlanArchived {
			return ProrationQuote{}, nil, nil, nil, platform.Invalid("plan_id", "plan %s is archived", newPlan.Code)
		}
	}
	oldAmount, err := RecurringAmount(oldPlan, sub.Currency, sub.Cycle, sub.Options)
	if err != nil {
		return ProrationQuote{}, nil, nil, nil, err
	}
	newAmount, err := RecurringAmount(newPlan, sub.Currency, sub.Cycle, options)
	if err != nil {
		return ProrationQuote{}, nil, nil, nil, err
	}
	q, err := Prorate(sub.CurrentPeriodStart, sub.CurrentPeriodEnd, now, oldAmount, newAmount)
	return q, sub, oldPlan, newPlan, err
}

// ChangePlan moves an active subscription to another plan or option set
// mid-cycle. An upgrade is invoiced now for the prorated difference and
// takes effect when that invoice is paid; a downgrade takes effect at once
// and credits the prorated difference to the account balance with a credit
// note, never a negative invoice. Later renewals bill the new price.
func (s *Service) ChangePlan(ctx context.Context, subID, planID int64, options []OptionChoice) (PlanChangeResult, error) {
	now := s.now()
	var res PlanChangeResult
	err := s.store.InTx(ctx, func(tx Store) error {
		q, sub, oldPlan, newPlan, err := s.quote(ctx, tx, subID, planID, options, now)
		if err != nil {
			return err
		}
		res.Quote = q
		if err := supersedeUnpaidChanges(ctx, tx, sub.ID, now); err != nil {
			return err
		}
		customer, err := tx.GetCustomer(ctx, sub.CustomerID)
		if err != nil {
			return err
		}
		change := &PlanChange{PlanID: newPlan.ID, Options: options}
		switch {
		case q.Net.IsPositive():
			inv := s.newInvoice(customer, sub.Currency, ReasonSubscriptionUpdate, now)
			inv.SubscriptionID, inv.PeriodStart, inv.PeriodEnd, inv.PlanChange = sub.ID, now, sub.CurrentPeriodEnd, change
			days := prorationDays(q)
			inv.Items = []InvoiceItem{
				{Kind: ItemProration, Description: fmt.Sprintf("Remaining %s on %s", days, newPlan.Name), Quantity: 1,
					UnitAmount: q.Charge.Amount, Amount: q.Charge.Amount, PeriodStart: now, PeriodEnd: sub.CurrentPeriodEnd},
				{Kind: ItemProration, Description: fmt.Sprintf("Unused %s on %s", days, oldPlan.Name), Quantity: 1,
					UnitAmount: -q.Credit.Amount, Amount: -q.Credit.Amount, PeriodStart: now, PeriodEnd: sub.CurrentPeriodEnd},
			}
			taxes, err := tx.ListTaxRates(ctx)
			if err != nil {
				return err
			}
			if err := inv.ComputeTotals(DecideTax(s.config().Tax, taxes, customer.Tax, now)); err != nil {
				return err
			}
			inv.DueAt = now
			if err := s.issue(ctx, tx, now, inv); err != nil {
				return err
			}
			if err := s.applyCredit(ctx, tx, inv, now); err != nil {
				return err
			}
			res.Invoice = inv
			if inv.Status == InvoiceOpen {
				return enqueueCharge(ctx, tx, inv, 1, now)
			}
			return nil
		case q.Net.IsNegative():
			note, err := s.creditNote(ctx, tx, customer, sub, -q.Net.Amount,
				fmt.Sprintf("Downgrade from %s to %s, unused %s", oldPlan.Name, newPlan.Name, prorationDays(q)), now)
			if err != nil {
				return err
			}
			res.CreditNote = note
		}
		return s.applyChange(ctx, tx, sub, change, now)
	})
	return res, err
}

// supersedeUnpaidChanges voids the invoices of earlier plan changes of the
// subscription still waiting for payment: a change applies when its
// invoice is paid, so paying an older one after a newer change would put
// the subscription back on the older plan. One partly paid (from the
// credit balance, say) cannot be voided without a refund, so the new
// change waits until it is settled.
func supersedeUnpaidChanges(ctx context.Context, tx Store, subID int64, now time.Time) error {
	invs, err := tx.ListInvoicesBySubscription(ctx, subID)
	if err != nil {
		return err
	}
	for _, inv := range invs {
		if inv.PlanChange == nil || inv.Status != InvoiceOpen {
			continue
		}
		if inv.AmountPaid > 0 {
			return &platform.Error{Code: platform.ECONFLICT, Field: "plan_id",
				Message: fmt.Sprintf("invoice %s for an earlier plan change is partly paid; pay it before changing again", inv.Number)}
		}
		if err := inv.Void(now); err != nil {
			return err
		}
		if err := tx.UpdateInvoice(ctx, inv); err != nil {
			return err
		}
	}
	return nil
}

// prorationDays renders the prorated share of the period for invoice lines.
func prorationDays(q ProrationQuote) string {
	return fmt.Sprintf("%.1f of %.1f days", float64(q.RemainingSeconds)/86400, float64(q.PeriodSeconds)/86400)
}

// creditNote issues a numbered credit note for amount, taxed as an upgrade
// invoice for it would be so that the tax paid on it comes back too, and
// adds its total to the customer's credit balance, which later invoices draw
// on.
func (s *Service) creditNote(ctx context.Context, tx Store, customer *Customer, sub *Subscription, amount int64, what string, now time.Time) (*Invoice, error) {
	note := s.newInvoice(customer, sub.Currency, ReasonSubscriptionUpdate, now)
	note.Kind, note.SubscriptionID = KindCreditNote, sub.ID
	note.Items = []InvoiceItem{{Kind: ItemRefund, Description: what, Quantity: 1, UnitAmount: amount, Amount: amount}}
	taxes, err := tx.ListTaxRates(ctx)
	if err != nil {
		return nil, err
	}
	if err := note.ComputeTotals(DecideTax(s.config().Tax, taxes, customer.Tax, now)); err != nil {
		return nil, err
	}
	note.AmountPaid = note.Total
	note.Status, note.IssuedAt, note.PaidAt = InvoicePaid, now, now
	if err := s.assignNumbers(ctx, tx, now, note); err != nil {
		return nil, err
	}
	if err := tx.CreateInvoice(ctx, note); err != nil {
		return nil, err
	}
	return note, tx.AddCredit(ctx, CreditEntry{
		CustomerID: customer.ID, Currency: sub.Currency, Amount: note.Total, Reason: what, InvoiceID: note.ID, CreatedAt: now,
	})
}

// applyChange switches the subscription to the new plan and options and
// asks provisioning to resize the service. A renewal already invoiced at the
// old price for a period after this one, and not paid, is voided and its
// period handed back to renewals, which bill it again at the new price.
func (s *Service) applyChange(ctx context.Context, tx Store, sub *Subscription, change *PlanChange, now time.Time) error {
	before, err := s.monthlyRecurring(ctx, tx, sub)
	if err != nil {
		return err
	}
	if err := s.reopenNextRenewal(ctx, tx, sub, now); err != nil {
		return err
	}
	sub.PlanID, sub.Options, sub.UpdatedAt = change.PlanID, change.Options, now
	if err := tx.UpdateSubscription(ctx, sub); err != nil {
		return err
	}
	after, err := s.monthlyRecurring(ctx, tx, sub)
	if err != nil {
		return err
	}
	if err := s.recordMRR(ctx, tx, sub, before, after, now); err != nil {
		return err
	}
	return enqueue(ctx, tx, platform.JobServiceChange, "", now, map[string]any{"subscription_id": sub.ID, "plan_id": sub.PlanID})
}

// reopenNextRenewal voids the unpaid renewal invoice of the period after
// the current one, if renewals already made it, and moves the
// subscription's InvoicedThrough back to that period's start.
func (s *Service) reopenNextRenewal(ctx context.Context, tx Store, sub *Subscription, now time.Time) error {
	if !sub.InvoicedThrough.After(sub.CurrentPeriodEnd) {
		return nil
	}
	invoices, err := tx.ListInvoicesBySubscription(ctx, sub.ID)
	if err != nil {
		return err
	}
	for _, inv := range invoices {
		if inv.Reason != ReasonSubscriptionCycle || !inv.PeriodEnd.Equal(sub.InvoicedThrough) {
			continue
		}
		if inv.Status != InvoiceOpen || inv.AmountPaid > 0 {
			return nil // paid at the old price: the change starts with the period after
		}
		full, err := tx.GetInvoice(ctx, inv.ID)
		if err != nil {
			return err
		}
		if err := full.Void(now); err != nil {
			return err
		}
		if err := tx.UpdateInvoice(ctx, full); err != nil {
			return err
		}
		// The voided renewal's coupon cycle is given back for its rebilling.
		for _, it := range full.Items {
			if it.Kind == ItemDiscount && sub.CouponCyclesLeft >= 0 {
				sub.CouponCyclesLeft++
			}
		}
		ok, err := tx.ClaimPeriod(ctx, sub.ID, inv.PeriodEnd, inv.PeriodStart, sub.CouponCyclesLeft, now)
		if err != nil {
			return err
		}
		if !ok {
			return platform.Errorf(platform.ECONFLICT, "subscription %d was renewed meanwhile; try again", sub.ID)
		}
		sub.InvoicedThrough = inv.PeriodStart
		return nil
	}
	return nil
}

// Cancel cancels a subscription now, or at the end of its current period,
// keeping the customer's reason. Cancelling now ends billing at once: open
// invoices without payments are voided and the service is terminated.
// Cancelling at period end voids the next period's renewal if renewals
// already invoiced it and it is unpaid, so it is never charged; withdrawing
// the cancellation hands that period back to renewals.
func (s *Service) Cancel(ctx context.Context, subID int64, atPeriodEnd bool, reason string) (*Subscription, error) {
	now := s.now()
	var sub *Subscription
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if sub, err = tx.GetSubscription(ctx, subID); err != nil {
			return err
		}
		if atPeriodEnd {
			if err := sub.Cancel(now, true, reason); err != nil {
				return err
			}
			if err := s.reopenNextRenewal(ctx, tx, sub, now); err != nil {
				return err
			}
			// The gateway must not charge for a period we will not serve.
			if err := s.mirror(ctx, tx, sub, platform.JobGatewaySubscriptionCancel, reason, now); err != nil {
				return err
			}
			return tx.UpdateSubscription(ctx, sub)
		}
		return s.end(ctx, tx, sub, reason, now)
	})
	return sub, err
}

// end cancels a subscription now: its revenue leaves MRR, unpaid invoices
// are voided and its service is terminated.
func (s *Service) end(ctx context.Context, tx Store, sub *Subscription, reason string, now time.Time) error {
	billed := sub.Status == SubActive || sub.Status == SubPastDue || sub.Status == SubSuspended
	before := int64(0)
	if billed {
		var err error
		if before, err = s.monthlyRecurring(ctx, tx, sub); err != nil {
			return err
		}
	}
	wasPending := sub.Status == SubPending
	if err := sub.Cancel(now, false, reason); err != nil {
		return err
	}
	if err := tx.UpdateSubscription(ctx, sub); err != nil {
		return err
	}
	if wasPending && !sub.Backordered {
		// The order was never paid: its unit goes back on sale. A
		// backorder never took one.
		if err := tx.ReturnStock(ctx, sub.PlanID, now); err != nil {
			return err
		}
	}
	invoices, err := tx.ListInvoicesBySubscription(ctx, sub.ID)
	if err != nil {
		return err
	}
	for _, inv := range invoices {
		if inv.Status == InvoiceOpen && inv.AmountPaid == 0 {
			if err := inv.Void(now); err != nil {
				return err
			}
			if err := tx.UpdateInvoice(ctx, inv); err != nil {
				return err
			}
		}
	}
	if err := s.recordMRR(ctx, tx, sub, before, 0, now); err != nil {
		return err
	}
	if err := s.mirror(ctx, tx, sub, platform.JobGatewaySubscriptionCancel, reason, now); err != nil {
		return err
	}
	return enqueueTerminate(ctx, tx, sub, reason, now)
}

// enqueueTerminate asks provisioning to remove a subscription's service,
// once whatever path ends it.
func enqueueTerminate(ctx context.Context, tx Store, sub *Subscription, reason string, now time.Time) error {
	return enqueue(ctx, tx, platform.JobServiceTerminate, fmt.Sprintf("service.terminate:%d", sub.ID), now,
		map[string]any{"subscription_id": sub.ID, "reason": reason})
}

// EndCancelledPeriods ends the subscriptions set to cancel whose period is
// over, and cancels unpaid first orders older than the dunning policy's
// limit. It returns how many subscriptions it ended; one ended meanwhile by
// a concurrent run is not counted.
func (s *Service) EndCancelledPeriods(ctx context.Context, now time.Time) (int, error) {
	now = platform.Truncate(now)
	ending, err := s.store.ListEndingBy(ctx, now)
	if err != nil {
		return 0, err
	}
	stale, err := s.store.ListPendingCreatedBefore(ctx, now.AddDate(0, 0, -s.config().Dunning.AutoCancelUnpaidOrderDays))
	if err != nil {
		return 0, err
	}
	ended := 0
	endOne := func(id int64, due func(*Subscription) bool, reason func(*Subscription) string) error {
		did := false
		err := s.store.InTx(ctx, func(tx Store) error {
			did = false
			fresh, err := tx.GetSubscription(ctx, id)
			if err != nil || !due(fresh) {
				return err
			}
			did = true
			return s.end(ctx, tx, fresh, reason(fresh), now)
		})
		if did && err == nil {
			ended++
		}
		return err
	}
	for _, sub := range ending {
		err := endOne(sub.ID,
			func(f *Subscription) bool { return f.CancelAtPeriodEnd && f.Status != SubCancelled },
			func(f *Subscription) string { return f.CancelReason })
		if err != nil {
			return ended, err
		}
	}
	for _, sub := range stale {
		err := endOne(sub.ID,
			func(f *Subscription) bool { return f.Status == SubPending },
			func(*Subscription) string { return "unpaid order expired" })
		if err != nil {
			return ended, err
		}
	}
	return ended, nil
}
