package automation_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/automation"
	"ezscale.cloud/platform/jobqueue"
	"ezscale.cloud/platform/provisioning"
)

// worker is one worker process of the platform under test: the automation
// handlers on the given (possibly crashing) store and panel, and an email
// handler that counts the "service ready" emails it sends.
func (p *platformUnderTest) worker(name string, q jobqueue.Store, ps provisioning.Store, panel provisioning.Panel, readyEmails *atomic.Int64) *jobqueue.Runner {
	return p.workerWith(name, q, p.manager(ps, panel), readyEmails)
}

// workerWith is a worker over the given provisioning manager.
func (p *platformUnderTest) workerWith(name string, q jobqueue.Store, m *provisioning.Manager, readyEmails *atomic.Int64) *jobqueue.Runner {
	r := jobqueue.New(q, p.clock, jobqueue.Config{Worker: name, BaseDelay: time.Second, MaxDelay: time.Minute})
	automation.Register(r, automation.Deps{Billing: p.billing, Provisioning: m, Clock: p.clock})
	r.Handle(platform.JobEmailServiceReady, func(context.Context, *platform.Job) error {
		readyEmails.Add(1)
		return nil
	})
	return r
}

// drain runs due jobs until none are left, moving the clock past leases
// and retry delays between rounds. It stops at the first storage error,
// as a crashed worker would.
func (p *platformUnderTest) drain(t *testing.T, ctx context.Context, r *jobqueue.Runner) error {
	t.Helper()
	for round := 0; round < 30; round++ {
		n, err := r.RunOnce(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			p.clock.Advance(10 * time.Minute)
		}
	}
	return nil
}

func (p *platformUnderTest) service(t *testing.T, subscriptionID int64) *provisioning.Service {
	t.Helper()
	svc, err := p.prov.ServiceForSubscription(ctx, subscriptionID)
	if err != nil {
		t.Fatalf("service of subscription %d: %v", subscriptionID, err)
	}
	return svc
}

func TestPaidOrderBecomesActiveService(t *testing.T) {
	backends(t, func(t *testing.T, open func(t *testing.T) *platformUnderTest) {
		p := open(t)
		sub := p.subscribeAndPay(t)
		var ready atomic.Int64
		if err := p.drain(t, ctx, p.worker("w1", p.queue, p.prov, p.panel, &ready)); err != nil {
			t.Fatal(err)
		}
		svc := p.service(t, sub.ID)
		if svc.Status != provisioning.ServiceActive || svc.ExternalID == "" || svc.IPv4 == "" {
			t.Fatalf("service after the worker ran: %+v", svc)
		}
		if n := p.panel.Resources(svc.ID); n != 1 {
			t.Fatalf("panel holds %d servers for the service, want 1", n)
		}
		if ready.Load() != 1 {
			t.Fatalf("%d service-ready emails, want 1", ready.Load())
		}
		if p.panel.Plan(svc.ExternalID) != "vps-small" {
			t.Fatalf("server is on plan %q", p.panel.Plan(svc.ExternalID))
		}
		pw, err := p.manager(p.prov, p.panel).Password(svc)
		if err != nil || len(pw) < 16 {
			t.Fatalf("stored password %q: %v", pw, err)
		}
		if svc.Credentials == pw || len(svc.Credentials) < len(pw) {
			t.Fatal("the password is stored in the clear")
		}
		log, err := p.prov.ListLog(ctx, svc.ID)
		if err != nil || len(log) != 1 || log[0].Action != "create" || log[0].Error != "" {
			t.Fatalf("provisioning log: %+v, %v", log, err)
		}
	})
}

var errCrash = errors.New("worker killed")

// crash kills a worker at its at-th step: it cancels the worker's context,
// so every later store call fails and the job it holds stays leased, as
// when a process dies.
type crash struct {
	at, steps int
	cancel    context.CancelFunc
}

func (c *crash) step() error {
	c.steps++
	if c.steps == c.at {
		c.cancel()
		return errCrash
	}
	return nil
}

// crashingStore crashes right after each committed transaction.
type crashingStore struct {
	provisioning.Store
	c *crash
}

func (s crashingStore) InTx(ctx context.Context, fn func(tx provisioning.Store) error) error {
	if err := s.Store.InTx(ctx, fn); err != nil {
		return err
	}
	return s.c.step()
}

// crashingPanel crashes before the create request leaves and after the
// panel made the server.
type crashingPanel struct {
	provisioning.Panel
	c *crash
}

func (p crashingPanel) Create(ctx context.Context, req provisioning.CreateRequest) (provisioning.CreateResult, error) {
	if err := p.c.step(); err != nil {
		return provisioning.CreateResult{}, err
	}
	res, err := p.Panel.Create(ctx, req)
	if err != nil {
		return res, err
	}
	return res, p.c.step()
}

// crashingQueue crashes after a job on the way to "service active" did its
// work but before the queue recorded it done. The email job that follows
// is past "active": its sends are at least once, as any SMTP client's are.
type crashingQueue struct {
	jobqueue.Store
	c     *crash
	kinds map[int64]string
}

func (q crashingQueue) ClaimJobs(ctx context.Context, worker string, lease time.Duration, now time.Time) ([]*platform.Job, error) {
	jobs, err := q.Store.ClaimJobs(ctx, worker, lease, now)
	for _, j := range jobs {
		q.kinds[j.ID] = j.Kind
	}
	return jobs, err
}

func (q crashingQueue) CompleteJob(ctx context.Context, id int64, worker string, now time.Time) error {
	if q.kinds[id] != platform.JobEmailServiceReady {
		if err := q.c.step(); err != nil {
			return err
		}
	}
	return q.Store.CompleteJob(ctx, id, worker, now)
}

// TestWorkerKilledAtEveryStepProvisionsOnce kills the worker at each step
// from "invoice paid" to "service active" in turn, then starts a new
// worker: the panel must hold one server and the customer get one
// "service ready" email every time.
func TestWorkerKilledAtEveryStepProvisionsOnce(t *testing.T) {
	backends(t, func(t *testing.T, open func(t *testing.T) *platformUnderTest) {
		for at := 1; ; at++ {
			p := open(t)
			sub := p.subscribeAndPay(t)
			wctx, cancel := context.WithCancel(ctx)
			c := &crash{at: at, cancel: cancel}
			var ready atomic.Int64
			first := p.worker("w1", crashingQueue{p.queue, c, map[int64]string{}}, crashingStore{p.prov, c}, crashingPanel{p.panel, c}, &ready)
			firstErr := p.drain(t, wctx, first)
			cancel()
			if c.steps < at {
				if at < 6 {
					t.Fatalf("only %d crash points on the way to active", at-1)
				}
				return // the worker got through every step: all were tried
			}
			if firstErr == nil {
				t.Fatalf("step %d: the killed worker carried on", at)
			}
			second := p.worker("w2", p.queue, p.prov, p.panel, &ready)
			if err := p.drain(t, ctx, second); err != nil {
				t.Fatalf("step %d: restarted worker: %v", at, err)
			}
			svc := p.service(t, sub.ID)
			if svc.Status != provisioning.ServiceActive {
				t.Fatalf("killed at step %d: service is %s (%s)", at, svc.Status, svc.LastError)
			}
			if n := p.panel.Resources(svc.ID); n != 1 {
				t.Fatalf("killed at step %d: panel holds %d servers, want 1", at, n)
			}
			if ready.Load() != 1 {
				t.Fatalf("killed at step %d: %d service-ready emails, want 1", at, ready.Load())
			}
		}
	})
}
