package billing

import (
	"context"
	"fmt"

	"ezscale.cloud/platform"
)

// SetSuspendHold turns the per-subscription hold on automatic suspension on
// or off, for a customer staff have agreed to give more time. Dunning still
// reminds and retries; it only skips the suspension while held.
func (s *Service) SetSuspendHold(ctx context.Context, subID int64, hold bool) (*Subscription, error) {
	return s.updateSubscription(ctx, subID, func(tx Store, sub *Subscription) error {
		sub.SuspendHold = hold
		return nil
	})
}

// ResumeCancellation withdraws a cancellation at period end that has not
// taken effect yet.
func (s *Service) ResumeCancellation(ctx context.Context, subID int64) (*Subscription, error) {
	return s.updateSubscription(ctx, subID, func(tx Store, sub *Subscription) error {
		return sub.Resume(s.now())
	})
}

// Pause stops billing and the service of an active subscription at the
// customer's request; the paid period is not refunded.
func (s *Service) Pause(ctx context.Context, subID int64) (*Subscription, error) {
	return s.updateSubscription(ctx, subID, func(tx Store, sub *Subscription) error {
		now := s.now()
		before, err := s.monthlyRecurring(ctx, tx, sub)
		if err != nil {
			return err
		}
		if err := sub.TransitionTo(SubPaused, now); err != nil {
			return err
		}
		if err := s.recordMRR(ctx, tx, sub, before, 0, now); err != nil {
			return err
		}
		return enqueue(ctx, tx, platform.JobServiceSuspend, "", now, map[string]any{"subscription_id": sub.ID, "reason": "paused"})
	})
}

// Unpause restarts a paused subscription. If its paid time ran out while
// paused, a new period starts now and is invoiced by the next renewal run,
// rather than billing the months it was paused.
func (s *Service) Unpause(ctx context.Context, subID int64) (*Subscription, error) {
	return s.updateSubscription(ctx, subID, func(tx Store, sub *Subscription) error {
		now := s.now()
		if sub.Status != SubPaused {
			return platform.Errorf(platform.ECONFLICT, "subscription %d is %s, not paused", sub.ID, sub.Status)
		}
		if err := sub.TransitionTo(SubActive, now); err != nil {
			return err
		}
		if sub.InvoicedThrough.Before(now) {
			ok, err := tx.ClaimPeriod(ctx, sub.ID, sub.InvoicedThrough, now, sub.CouponCyclesLeft, now)
			if err != nil {
				return err
			}
			if !ok {
				return platform.Errorf(platform.ECONFLICT, "subscription %d changed meanwhile; try again", sub.ID)
			}
			sub.InvoicedThrough, sub.Anchor = now, now
			sub.CurrentPeriodStart, sub.CurrentPeriodEnd = now, now
		}
		after, err := s.monthlyRecurring(ctx, tx, sub)
		if err != nil {
			return err
		}
		if err := s.recordMRR(ctx, tx, sub, 0, after, now); err != nil {
			return err
		}
		return enqueue(ctx, tx, platform.JobServiceResume, "", now, map[string]any{"subscription_id": sub.ID, "reason": "unpaused"})
	})
}

// updateSubscription loads a subscription, applies change and saves it, all
// in one transaction.
func (s *Service) updateSubscription(ctx context.Context, subID int64, change func(tx Store, sub *Subscription) error) (*Subscription, error) {
	var sub *Subscription
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if sub, err = tx.GetSubscription(ctx, subID); err != nil {
			return err
		}
		if err := change(tx, sub); err != nil {
			return err
		}
		sub.UpdatedAt = s.now()
		return tx.UpdateSubscription(ctx, sub)
	})
	if err != nil {
		return nil, fmt.Errorf("subscription %d: %w", subID, err)
	}
	return sub, nil
}
