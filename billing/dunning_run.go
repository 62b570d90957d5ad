package billing

import (
	"context"
	"fmt"
	"time"

	"ezscale.cloud/platform"
)

// DunningResult counts the dunning steps a run took.
type DunningResult struct {
	Steps int
}

// RunDunning takes the due steps of the dunning policy for every open
// invoice: reminders before and after the due date, charge retries,
// suspension and termination. Each step is taken once, recorded in the same
// transaction as its effects (a subscription's new status and the durable
// jobs for notifications and provisioning), so running it often is safe.
// A subscription with a suspension hold is not suspended; its suspension
// step stays untaken until the hold is lifted.
func (s *Service) RunDunning(ctx context.Context, now time.Time) (DunningResult, error) {
	now = platform.Truncate(now)
	var res DunningResult
	lead := 0
	for _, d := range s.config().Dunning.RemindBeforeDue {
		lead = max(lead, d)
	}
	invoices, err := s.store.ListOpenInvoicesDueBy(ctx, now.AddDate(0, 0, lead))
	if err != nil {
		return res, err
	}
	for _, inv := range invoices {
		err := s.store.InTx(ctx, func(tx Store) error {
			n, err := s.dun(ctx, tx, inv.ID, now)
			res.Steps += n
			return err
		})
		if err != nil {
			return res, fmt.Errorf("dunning invoice %d: %w", inv.ID, err)
		}
	}
	return res, nil
}

// dun takes the due steps of one invoice inside tx and counts them.
func (s *Service) dun(ctx context.Context, tx Store, invoiceID int64, now time.Time) (int, error) {
	inv, err := tx.GetInvoice(ctx, invoiceID)
	if err != nil || inv.Status != InvoiceOpen {
		return 0, err
	}
	// Only an unpaid renewal puts a running service at risk: an unpaid
	// upgrade is simply not applied, and an unpaid first order expires.
	var sub *Subscription
	if inv.SubscriptionID != 0 && inv.Reason == ReasonSubscriptionCycle {
		if sub, err = tx.GetSubscription(ctx, inv.SubscriptionID); err != nil {
			return 0, err
		}
		// Past due is a state, not a step: it starts when the due date
		// passes unpaid.
		if now.After(inv.DueAt) && (sub.Status == SubActive || sub.Status == SubTrialing) {
			if err := sub.TransitionTo(SubPastDue, now); err != nil {
				return 0, err
			}
			if err := tx.UpdateSubscription(ctx, sub); err != nil {
				return 0, err
			}
		}
	}
	var suspendedAt time.Time
	if sub != nil {
		suspendedAt = sub.SuspendedAt
	}
	taken := 0
	for _, step := range s.config().Dunning.DueSteps(inv.DueAt, suspendedAt, now) {
		if step.Kind == DunningSuspend && (sub == nil || sub.SuspendHold || sub.Status != SubPastDue) {
			continue // nothing to suspend, or held: try again on a later run
		}
		if step.Kind == DunningTerminate && (sub == nil || sub.Status != SubSuspended) {
			continue
		}
		fresh, err := tx.MarkDunningStep(ctx, inv.ID, step.Key, now)
		if err != nil {
			return taken, err
		}
		if !fresh {
			continue
		}
		if err := s.takeStep(ctx, tx, inv, sub, step, now); err != nil {
			return taken, err
		}
		taken++
	}
	return taken, nil
}

func (s *Service) takeStep(ctx context.Context, tx Store, inv *Invoice, sub *Subscription, step DunningStep, now time.Time) error {
	switch step.Kind {
	case DunningRemindBeforeDue, DunningRemindOverdue:
		return enqueue(ctx, tx, platform.JobInvoiceReminder, fmt.Sprintf("invoice.reminder:%d:%s", inv.ID, step.Key), now,
			map[string]any{"invoice_id": inv.ID, "step": step.Key})
	case DunningRetryCharge:
		// Attempt 1 was the charge on the due date; retries follow it.
		return enqueueCharge(ctx, tx, inv, step.Attempt+1, now)
	case DunningSuspend:
		if err := sub.TransitionTo(SubSuspended, now); err != nil {
			return err
		}
		if err := tx.UpdateSubscription(ctx, sub); err != nil {
			return err
		}
		if err := s.mirror(ctx, tx, sub, platform.JobGatewaySubscriptionSuspend, "overdue", now); err != nil {
			return err
		}
		return enqueue(ctx, tx, platform.JobServiceSuspend, fmt.Sprintf("service.suspend:%d:%d", sub.ID, inv.ID), now,
			map[string]any{"subscription_id": sub.ID, "invoice_id": inv.ID, "reason": "overdue"})
	case DunningTerminate:
		before, err := s.monthlyRecurring(ctx, tx, sub)
		if err != nil {
			return err
		}
		if err := sub.TransitionTo(SubTerminated, now); err != nil {
			return err
		}
		if err := tx.UpdateSubscription(ctx, sub); err != nil {
			return err
		}
		if err := inv.MarkUncollectible(); err != nil {
			return err
		}
		if err := tx.UpdateInvoice(ctx, inv); err != nil {
			return err
		}
		if err := s.recordMRR(ctx, tx, sub, before, 0, now); err != nil {
			return err
		}
		if err := s.mirror(ctx, tx, sub, platform.JobGatewaySubscriptionCancel, "overdue", now); err != nil {
			return err
		}
		return enqueueTerminate(ctx, tx, sub, "overdue", now)
	}
	return fmt.Errorf("unknown dunning step %q", step.Kind)
}

// Metrics computes revenue metrics (MRR, ARR, churn and the MRR movements)
// over [from, to), normalised to the exchange rates' base currency.
func (s *Service) Metrics(ctx context.Context, from, to time.Time, rates ExchangeRates) (Metrics, error) {
	events, err := s.store.ListMRREventsBefore(ctx, to)
	if err != nil {
		return Metrics{}, err
	}
	return ComputeMetrics(events, from, to, rates)
}
