package billing

import (
	"fmt"
	"slices"
	"time"

	"ezscale.cloud/platform"
)

// maxDunningDays bounds each day count of a dunning policy to a year, more
// than any sane policy needs, so that no duration can overflow.
const maxDunningDays = 366

// DunningPolicy is the schedule by which an unpaid invoice is chased:
// reminders before and after its due date, automatic retries of the
// customer's saved payment method, suspension of the service and finally its
// termination. An empty list means no such step. Days are periods of 24
// hours from the invoice's due date, except termination, which counts from
// the actual suspension so that a suspension that came late (an admin
// granted more time, the worker was down) also delays the termination.
type DunningPolicy struct {
	// RemindBeforeDue lists the days before the due date on which to remind
	// the customer; 0 is on the due date itself.
	RemindBeforeDue []int `json:"remind_before_due"`
	// RemindAfterDue lists the days after the due date on which to send an
	// overdue notice.
	RemindAfterDue []int `json:"remind_after_due"`
	// RetryAfterDue lists, in increasing order, the days after the due date
	// on which to retry the charge; the n-th entry is attempt n. Retries may
	// fall after the suspension: a retry that succeeds pays the invoice, and
	// the service is unsuspended as after any payment. None may fall on or
	// after the earliest termination, so a terminated service is never
	// charged.
	RetryAfterDue []int `json:"retry_after_due"`
	// SuspendAfterDays is how many days overdue an invoice suspends its
	// service.
	SuspendAfterDays int `json:"suspend_after_days"`
	// TerminateAfterSuspendDays is how many days after its suspension a
	// service still unpaid is terminated.
	TerminateAfterSuspendDays int `json:"terminate_after_suspend_days"`
	// AutoCancelUnpaidOrderDays is how many days after it was placed a
	// first order whose invoice is still unpaid is cancelled. Nothing was
	// provisioned yet, so there is nothing to suspend; renewals are chased
	// by the schedule instead.
	AutoCancelUnpaidOrderDays int `json:"auto_cancel_unpaid_order_days"`
}

// DefaultDunningPolicy returns the policy used unless configured otherwise.
// It follows Paymenter's defaults where it has them: suspension 2 days
// overdue and cancellation of an unpaid first order after 7 days.
// Paymenter terminates 14 days after the due date; here termination counts
// from the suspension, and 14 days after it leaves a customer a little more
// time before data is destroyed. Paymenter issues renewal invoices 7 days
// before they are due, so reminders start later, at 3 days. Charges are
// retried 1, 3 and 5 days after the due date, the last two while the
// service is suspended, so a card that is topped up restores it.
func DefaultDunningPolicy() DunningPolicy {
	return DunningPolicy{
		RemindBeforeDue:           []int{3, 1},
		RemindAfterDue:            []int{1, 3, 5},
		RetryAfterDue:             []int{1, 3, 5},
		SuspendAfterDays:          2,
		TerminateAfterSuspendDays: 14,
		AutoCancelUnpaidOrderDays: 7,
	}
}

// Validate checks the policy and names the first field at fault.
func (p DunningPolicy) Validate() error {
	for _, f := range []struct {
		field string
		days  int
	}{
		{"suspend_after_days", p.SuspendAfterDays},
		{"terminate_after_suspend_days", p.TerminateAfterSuspendDays},
		{"auto_cancel_unpaid_order_days", p.AutoCancelUnpaidOrderDays},
	} {
		if f.days < 1 || f.days > maxDunningDays {
			return platform.Invalid(f.field, "must be between 1 and %d days, got %d", maxDunningDays, f.days)
		}
	}
	if err := checkDunningDays("remind_before_due", p.RemindBeforeDue, 0, maxDunningDays, false); err != nil {
		return err
	}
	if err := checkDunningDays("remind_after_due", p.RemindAfterDue, 1, maxDunningDays, false); err != nil {
		return err
	}
	lastRetry := p.SuspendAfterDays + p.TerminateAfterSuspendDays - 1
	return checkDunningDays("retry_after_due", p.RetryAfterDue, 1, lastRetry, true)
}

// checkDunningDays checks that every day in days lies in [lo, hi], that none
// repeats (a step's key is made of its day) and, if increasing is set, that
// they are in increasing order.
func checkDunningDays(field string, days []int, lo, hi int, increasing bool) error {
	for i, d := range days {
		switch {
		case d < lo || d > hi:
			return platform.Invalid(field, "days must be between %d and %d, got %d", lo, hi, d)
		case slices.Contains(days[:i], d):
			return platform.Invalid(field, "day %d is listed twice", d)
		case increasing && i > 0 && d < days[i-1]:
			return platform.Invalid(field, "days must be in increasing order")
		}
	}
	return nil
}

// DunningStepKind is what a dunning step does.
type DunningStepKind string

// The kinds of dunning step.
const (
	DunningRemindBeforeDue DunningStepKind = "remind_before_due"
	DunningRemindOverdue   DunningStepKind = "remind_overdue"
	DunningRetryCharge     DunningStepKind = "retry_charge"
	DunningSuspend         DunningStepKind = "suspend"
	DunningTerminate       DunningStepKind = "terminate"
)

// dunningTieOrder orders steps due at the same instant: a retry goes first
// because a successful charge makes the reminder, suspension and
// termination after it moot.
var dunningTieOrder = []DunningStepKind{
	DunningRemindBeforeDue, DunningRetryCharge, DunningRemindOverdue, DunningSuspend, DunningTerminate,
}

// DunningStep is one action of the dunning of one invoice, due at At.
type DunningStep struct {
	Kind DunningStepKind
	// Key is unique and stable within one invoice, such as
	// "remind_before_due:3", "retry_charge:2" or "suspend", so that the
	// store can record each step once. Reminders are keyed by their day,
	// retries by their attempt, so a changed retry schedule never charges
	// an attempt twice.
	Key string
	At  time.Time
	// Attempt numbers the retries from 1; it is 0 for other steps.
	Attempt int
}

// Schedule returns every dunning step of an invoice due at dueAt, in time
// order (at the same instant, retries before reminders before suspension).
// suspendedAt is when the invoice's service was suspended, zero if it is
// not: the terminate step exists only once it is. The suspend step is
// listed even if the service was suspended some other way; carrying it out
// on a suspended service must do nothing. p must be valid.
func (p DunningPolicy) Schedule(dueAt, suspendedAt time.Time) []DunningStep {
	day := 24 * time.Hour
	var steps []DunningStep
	for _, d := range p.RemindBeforeDue {
		steps = append(steps, DunningStep{Kind: DunningRemindBeforeDue,
			Key: fmt.Sprintf("%s:%d", DunningRemindBeforeDue, d), At: dueAt.Add(-time.Duration(d) * day)})
	}
	for _, d := range p.RemindAfterDue {
		steps = append(steps, DunningStep{Kind: DunningRemindOverdue,
			Key: fmt.Sprintf("%s:%d", DunningRemindOverdue, d), At: dueAt.Add(time.Duration(d) * day)})
	}
	for i, d := range p.RetryAfterDue {
		steps = append(steps, DunningStep{Kind: DunningRetryCharge,
			Key: fmt.Sprintf("%s:%d", DunningRetryCharge, i+1), At: dueAt.Add(time.Duration(d) * day), Attempt: i + 1})
	}
	steps = append(steps, DunningStep{Kind: DunningSuspend, Key: string(DunningSuspend),
		At: dueAt.Add(time.Duration(p.SuspendAfterDays) * day)})
	if !suspendedAt.IsZero() {
		steps = append(steps, DunningStep{Kind: DunningTerminate, Key: string(DunningTerminate),
			At: suspendedAt.Add(time.Duration(p.TerminateAfterSuspendDays) * day)})
	}
	slices.SortStableFunc(steps, func(a, b DunningStep) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return slices.Index(dunningTieOrder, a.Kind) - slices.Index(dunningTieOrder, b.Kind)
	})
	return steps
}

// DueSteps returns the steps of Schedule due by now (At <= now), in order.
// It returns steps already carried out too: the service layer records each
// step by Key in the database and skips those it has, so running DueSteps
// as often as it likes is safe, and a worker that was down catches up.
// A later now never returns fewer steps.
func (p DunningPolicy) DueSteps(dueAt, suspendedAt, now time.Time) []DunningStep {
	var due []DunningStep
	for _, s := range p.Schedule(dueAt, suspendedAt) {
		if !s.At.After(now) {
			due = append(due, s)
		}
	}
	return due
}

// LastRetryAttempt is the number of the last charge retry, 0 if there are
// none: once it has failed, the payments layer leaves the invoice to the
// rest of dunning.
func (p DunningPolicy) LastRetryAttempt() int { return len(p.RetryAfterDue) }
