package billing

import (
	"time"

	"ezscale.cloud/platform"
)

// SubscriptionStatus is where a subscription is in its life.
type SubscriptionStatus string

// Subscription statuses. Pending is an order whose first invoice is not paid
// yet; it becomes trialing or active on payment, or cancelled when the unpaid
// order expires.
const (
	SubPending    SubscriptionStatus = "pending"
	SubTrialing   SubscriptionStatus = "trialing"
	SubActive     SubscriptionStatus = "active"
	SubPastDue    SubscriptionStatus = "past_due"
	SubSuspended  SubscriptionStatus = "suspended"
	SubPaused     SubscriptionStatus = "paused"
	SubCancelled  SubscriptionStatus = "cancelled"
	SubTerminated SubscriptionStatus = "terminated"
)

// subscriptionTransitions lists the legal moves. Cancelled means billing has
// stopped; terminated means the service is gone from the panel too, so it is
// the only way out of cancelled and there is no way out of terminated.
var subscriptionTransitions = map[SubscriptionStatus][]SubscriptionStatus{
	SubPending:    {SubTrialing, SubActive, SubCancelled},
	SubTrialing:   {SubActive, SubPastDue, SubCancelled},
	SubActive:     {SubPastDue, SubSuspended, SubPaused, SubCancelled},
	SubPastDue:    {SubActive, SubSuspended, SubCancelled},
	SubSuspended:  {SubActive, SubTerminated, SubCancelled},
	SubPaused:     {SubActive, SubCancelled},
	SubCancelled:  {SubTerminated},
	SubTerminated: nil,
}

// CanTransition reports whether a subscription may move from one status to
// another.
func CanTransition(from, to SubscriptionStatus) bool {
	for _, s := range subscriptionTransitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Subscription is a customer's recurring purchase of a plan.
type Subscription struct {
	ID         int64
	CustomerID int64
	PlanID     int64
	Currency   string
	Cycle      Cycle
	Status     SubscriptionStatus
	Options    []OptionChoice
	// Anchor is the date whose day of month every renewal keeps.
	Anchor             time.Time
	CurrentPeriodStart time.Time
	CurrentPeriodEnd   time.Time
	// InvoicedThrough is the end of the last period an invoice was made
	// for. Renewals compare-and-set it, which is what makes a period
	// invoiced exactly once however many renewal runs race.
	InvoicedThrough   time.Time
	TrialEnd          time.Time
	CancelAtPeriodEnd bool
	CancelReason      string
	CancelledAt       time.Time
	// SuspendHold stops automatic suspension of this subscription.
	SuspendHold bool
	// PaymentMethodID, when set, is the saved payment method this
	// subscription's invoices are charged to instead of the account's
	// default.
	PaymentMethodID int64
	// CouponID and CouponCyclesLeft carry a discount into renewals; a
	// negative count means forever.
	CouponID         int64
	CouponCyclesLeft int
	SuspendedAt      time.Time
	// Backordered marks a dedicated server ordered while its plan's stock
	// was 0: it waits for staff to assign hardware before provisioning.
	Backordered bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TransitionTo moves the subscription to a new status, refusing illegal
// moves with ECONFLICT.
func (s *Subscription) TransitionTo(to SubscriptionStatus, now time.Time) error {
	if !CanTransition(s.Status, to) {
		return platform.Errorf(platform.ECONFLICT, "subscription %d cannot go from %s to %s", s.ID, s.Status, to)
	}
	switch to {
	case SubSuspended:
		s.SuspendedAt = now
	case SubActive:
		s.SuspendedAt = time.Time{}
	case SubCancelled:
		s.CancelledAt = now
	}
	s.Status = to
	s.UpdatedAt = now
	return nil
}

// Live reports whether the subscription is still billed.
func (s *Subscription) Live() bool {
	switch s.Status {
	case SubTrialing, SubActive, SubPastDue, SubSuspended:
		return true
	}
	return false
}

// Cancel stops the subscription now, or at the end of the current period
// when atPeriodEnd is set. The reason is the customer's answer to the
// cancellation survey and is kept for churn analysis.
func (s *Subscription) Cancel(now time.Time, atPeriodEnd bool, reason string) error {
	if len(reason) > 1000 {
		return platform.Invalid("reason", "cancellation reason is longer than 1000 characters")
	}
	if atPeriodEnd {
		if !s.Live() && s.Status != SubPaused {
			return platform.Errorf(platform.ECONFLICT, "subscription %d is %s and cannot be cancelled", s.ID, s.Status)
		}
		s.CancelAtPeriodEnd = true
		s.CancelReason = reason
		s.UpdatedAt = now
		return nil
	}
	if err := s.TransitionTo(SubCancelled, now); err != nil {
		return err
	}
	s.CancelReason = reason
	return nil
}

// Resume withdraws a cancellation at period end that has not happened yet.
func (s *Subscription) Resume(now time.Time) error {
	if !s.CancelAtPeriodEnd || !s.Live() {
		return platform.Errorf(platform.ECONFLICT, "subscription %d has no pending cancellation", s.ID)
	}
	s.CancelAtPeriodEnd = false
	s.CancelReason = ""
	s.UpdatedAt = now
	return nil
}

// NextPeriod returns the billing period that follows the last invoiced one.
func (s *Subscription) NextPeriod() (start, end time.Time) {
	start = s.InvoicedThrough
	return start, s.Cycle.Next(start, s.Anchor)
}

// RenewalDue reports whether the next period should be invoiced at now,
// given how many days ahead of a period's start renewals are invoiced.
func (s *Subscription) RenewalDue(now time.Time, leadDays int) bool {
	if s.CancelAtPeriodEnd {
		return false
	}
	switch s.Status {
	case SubActive, SubTrialing:
	default:
		return false
	}
	return !s.InvoicedThrough.After(now.Add(time.Duration(leadDays) * 24 * time.Hour))
}
