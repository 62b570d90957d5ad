// Package automation wires the platform's durable jobs and schedules to the
// domain services that run them: billing's charges, renewals, dunning and
// cancellations; provisioning's panel work; the emails and staff alerts
// they cause. apps/worker runs it, and apps/web can run it in-process for
// the zero-infrastructure default. No business rule lives here: each
// handler decodes a payload and calls one use case.
package automation

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/jobqueue"
	"ezscale.cloud/platform/provisioning"
)

// Deps are the services the jobs call.
type Deps struct {
	// Store is billing's store, which fan-out handlers write their
	// follow-up jobs to.
	Store        billing.Store
	Billing      *billing.Service
	Provisioning *provisioning.Manager
	// Notifications, when set, sends the email.* and alert.* jobs; without
	// it paid invoices and failed payments are not fanned out to them.
	Notifications *Notifications
	// Payments, when set, is asked about payments whose webhook may have
	// been lost, so reconciliation can record them.
	Payments billing.PaymentChecker
	Clock    platform.Clock
}

// Register gives the runner a handler for every job kind the platform
// emits that Deps can run.
func Register(r *jobqueue.Runner, d Deps) {
	r.Handle(platform.JobInvoiceCharge, func(ctx context.Context, j *platform.Job) error {
		p, err := decode[billing.ChargeJob](j)
		if err != nil {
			return err
		}
		_, err = d.Billing.ChargeInvoice(ctx, p.InvoiceID, p.Attempt)
		return err
	})
	r.Handle(platform.JobInvoicePaid, func(ctx context.Context, j *platform.Job) error {
		p, err := decode[invoicePaid](j)
		if err != nil {
			return err
		}
		follow := []string{platform.JobEmailPaymentReceived}
		if p.Reason == string(billing.ReasonSubscriptionCreate) {
			follow = append(follow, platform.JobAlertNewOrder)
		}
		if err := d.fanOut(ctx, j, follow...); err != nil || p.SubscriptionID == 0 {
			return err
		}
		return d.Provisioning.OnSubscriptionPaid(ctx, p.SubscriptionID)
	})
	r.Handle(platform.JobPaymentFailed, func(ctx context.Context, j *platform.Job) error {
		return d.fanOut(ctx, j, platform.JobEmailPaymentFailed, platform.JobAlertPaymentFailed)
	})
	r.Handle(platform.JobServiceProvision, serviceJob(func(ctx context.Context, j *platform.Job, p provisioning.ServiceJob) error {
		return d.Provisioning.Provision(ctx, p, j.Attempts >= j.MaxAttempts)
	}))
	r.Handle(platform.JobServiceSuspend, serviceJob(func(ctx context.Context, _ *platform.Job, p provisioning.ServiceJob) error {
		return d.Provisioning.Suspend(ctx, p)
	}))
	r.Handle(platform.JobServiceResume, serviceJob(func(ctx context.Context, _ *platform.Job, p provisioning.ServiceJob) error {
		return d.Provisioning.Unsuspend(ctx, p)
	}))
	r.Handle(platform.JobServiceTerminate, serviceJob(func(ctx context.Context, _ *platform.Job, p provisioning.ServiceJob) error {
		return d.Provisioning.Terminate(ctx, p)
	}))
	r.Handle(platform.JobServiceChange, serviceJob(func(ctx context.Context, _ *platform.Job, p provisioning.ServiceJob) error {
		return d.Provisioning.ChangePlan(ctx, p)
	}))
	if d.Notifications != nil {
		d.Notifications.register(r)
	}
}

// fanOut queues one job per message an event causes, with the event's
// payload, in one transaction. Their dedupe keys name the event's job, so
// a retried event queues nothing twice.
func (d Deps) fanOut(ctx context.Context, j *platform.Job, kinds ...string) error {
	if d.Notifications == nil {
		return nil
	}
	now := d.Clock.Now()
	return d.Store.InTx(ctx, func(tx billing.Store) error {
		for _, kind := range kinds {
			err := tx.EnqueueJob(ctx, &platform.Job{
				Kind: kind, DedupeKey: fmt.Sprintf("%s:%d", kind, j.ID), Payload: j.Payload, RunAt: now, CreatedAt: now,
			})
			if platform.ErrorCode(err) == platform.ECONFLICT {
				return nil // queued by an earlier run of this event, with the rest
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// invoicePaid is the payload billing writes when an invoice is paid.
type invoicePaid struct {
	InvoiceID      int64  `json:"invoice_id"`
	SubscriptionID int64  `json:"subscription_id"`
	Reason         string `json:"reason"`
}

func serviceJob(fn func(ctx context.Context, j *platform.Job, p provisioning.ServiceJob) error) jobqueue.Handler {
	return func(ctx context.Context, j *platform.Job) error {
		p, err := decode[provisioning.ServiceJob](j)
		if err != nil {
			return err
		}
		return fn(ctx, j, p)
	}
}

// decode reads a job's payload; one that does not parse never will, so it
// is a permanent failure.
func decode[T any](j *platform.Job) (T, error) {
	var v T
	if err := json.Unmarshal(j.Payload, &v); err != nil {
		return v, jobqueue.Permanent(fmt.Errorf("job %d (%s) payload: %w", j.ID, j.Kind, err))
	}
	return v, nil
}

// Intervals of the scheduled work. Renewals and dunning act on dates, so
// hourly is prompt enough and keeps the load low.
const (
	RenewEvery   = time.Hour
	DunningEvery = time.Hour
	EndingEvery  = 15 * time.Minute
	// ReconcileEvery and ReconcileWindow: hourly, over the last three
	// days, covers a webhook outage over a weekend.
	ReconcileEvery  = time.Hour
	ReconcileWindow = 72 * time.Hour
)

// Schedules is the platform's scheduled work; each runs under a database
// lease, so one of several workers runs it per period.
func Schedules(d Deps) []jobqueue.Schedule {
	s := []jobqueue.Schedule{
		{Name: "billing.renew_due", Every: RenewEvery, Run: func(ctx context.Context) error {
			_, err := d.Billing.RenewDue(ctx, d.Clock.Now())
			return err
		}},
		{Name: "billing.dunning", Every: DunningEvery, Run: func(ctx context.Context) error {
			_, err := d.Billing.RunDunning(ctx, d.Clock.Now())
			return err
		}},
		{Name: "billing.end_cancelled_periods", Every: EndingEvery, Run: func(ctx context.Context) error {
			_, err := d.Billing.EndCancelledPeriods(ctx, d.Clock.Now())
			return err
		}},
	}
	if d.Payments != nil {
		s = append(s, jobqueue.Schedule{Name: "billing.reconcile", Every: ReconcileEvery, Run: func(ctx context.Context) error {
			_, err := d.Billing.Reconcile(ctx, d.Payments, d.Clock.Now().Add(-ReconcileWindow))
			return err
		}})
	}
	return s
}
