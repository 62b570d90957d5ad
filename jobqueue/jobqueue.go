// Package jobqueue runs the platform's durable jobs: the outbox rows that
// billing, identity and provisioning write in the same transaction as the
// change that causes them. Workers claim jobs with a lease, run their
// handlers, retry failures with exponential backoff and jitter, and move a
// job that failed MaxAttempts times to a dead-letter state staff can see
// and revive. Scheduled work runs under a named database lease, so one of
// several workers runs each tick.
//
// A job may run more than once (a worker can stop after the effect but
// before recording success), so every handler must be idempotent; the
// domain services' use cases are written that way.
package jobqueue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"ezscale.cloud/platform"
)

// Store is the storage the queue needs; the SQL adapters implement it.
type Store interface {
	// ClaimJobs leases up to a batch of due jobs (and jobs whose lease ran
	// out) to worker until now+lease and returns them.
	ClaimJobs(ctx context.Context, worker string, lease time.Duration, now time.Time) ([]*platform.Job, error)
	// CompleteJob, RetryJob and BuryJob settle a job the worker holds; a
	// job whose lease was lost (another worker took it over) is an
	// ECONFLICT and left alone.
	CompleteJob(ctx context.Context, id int64, worker string, now time.Time) error
	RetryJob(ctx context.Context, id int64, worker string, runAt time.Time, lastError string) error
	BuryJob(ctx context.Context, id int64, worker string, lastError string, now time.Time) error
	DeadJobs(ctx context.Context) ([]*platform.Job, error)
	ReviveJob(ctx context.Context, id int64, now time.Time) error
	// AcquireLease takes the named lease for holder until until, if it is
	// free or expired at now; it reports whether holder has it.
	AcquireLease(ctx context.Context, name, holder string, until, now time.Time) (bool, error)
	// RecordRun keeps one run of scheduled work for the automation status
	// view.
	RecordRun(ctx context.Context, run ScheduleRun) error
}

// ScheduleRun is one run of scheduled work: who ran it, when, for how
// long, and the error it ended with (empty on success).
type ScheduleRun struct {
	Name      string
	Worker    string
	StartedAt time.Time
	Duration  time.Duration
	Error     string
}

// Handler runs one kind of job.
type Handler func(ctx context.Context, job *platform.Job) error

// Config holds a worker's settings.
type Config struct {
	// Worker names this worker in leases; unique per process.
	Worker string
	// Lease is how long a claimed job is this worker's before another may
	// take it over.
	Lease time.Duration
	// BaseDelay and MaxDelay bound the exponential backoff between tries.
	BaseDelay, MaxDelay time.Duration
	Logger              *slog.Logger
	// Observe, when set, hears of every job run: its kind, how it ended
	// ("done", "retry" or "dead") and how long the handler took; the
	// apps count them for their metrics.
	Observe func(kind, outcome string, took time.Duration)
}

// Runner is one worker.
type Runner struct {
	store    Store
	clock    platform.Clock
	cfg      Config
	handlers map[string]Handler
}

// New returns a worker with no handlers.
func New(store Store, clock platform.Clock, cfg Config) *Runner {
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 30 * time.Second
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 6 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Runner{store: store, clock: clock, cfg: cfg, handlers: map[string]Handler{}}
}

// Handle registers the handler of a job kind.
func (r *Runner) Handle(kind string, h Handler) { r.handlers[kind] = h }

// RunOnce claims one batch of due jobs and runs them; it returns how many
// it ran. A failing job is retried later or dead-lettered, never returned
// as an error: only storage failures are, after the whole batch ran.
func (r *Runner) RunOnce(ctx context.Context) (int, error) {
	jobs, err := r.store.ClaimJobs(ctx, r.cfg.Worker, r.cfg.Lease, r.clock.Now())
	if err != nil {
		return 0, err
	}
	// Every claimed job is run even when settling one failed: stopping
	// would strand the rest of the batch until their leases ran out.
	var errs []error
	for _, j := range jobs {
		if err := r.run(ctx, j); err != nil {
			errs = append(errs, err)
		}
	}
	return len(jobs), errors.Join(errs...)
}

func (r *Runner) run(ctx context.Context, j *platform.Job) error {
	h, ok := r.handlers[j.Kind]
	var runErr error
	start := time.Now() // wall time, for the metrics
	if !ok {
		runErr = fmt.Errorf("no handler for job kind %q", j.Kind)
	} else {
		runErr = safely(ctx, h, j)
	}
	took := time.Since(start)
	now := r.clock.Now()
	var err error
	outcome := "done"
	switch {
	case runErr == nil:
		err = r.store.CompleteJob(ctx, j.ID, r.cfg.Worker, now)
	case j.Attempts >= j.MaxAttempts || isPermanent(runErr):
		outcome = "dead"
		r.cfg.Logger.Error("job dead-lettered", "job", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", runErr)
		err = r.store.BuryJob(ctx, j.ID, r.cfg.Worker, runErr.Error(), now)
	default:
		outcome = "retry"
		r.cfg.Logger.Warn("job failed; will retry", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", runErr)
		err = r.store.RetryJob(ctx, j.ID, r.cfg.Worker, now.Add(r.backoff(j.Attempts)), runErr.Error())
	}
	if r.cfg.Observe != nil {
		r.cfg.Observe(j.Kind, outcome, took)
	}
	if platform.ErrorCode(err) == platform.ECONFLICT {
		return nil // the lease ran out and another worker took the job over
	}
	return err
}

// Permanent marks a job's failure as one no retry can fix (a payload that
// does not parse, an address the mail server refuses): the job goes
// straight to the dead letters, where staff can fix the cause and revive
// it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

func isPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// safely runs a handler, turning a panic into a failure of the job.
func safely(ctx context.Context, h Handler, j *platform.Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job panicked: %v", p)
		}
	}()
	return h(ctx, j)
}

// backoff is the delay before try attempts+1: exponential from BaseDelay,
// capped at MaxDelay, with full jitter so jobs that failed together do not
// retry together.
func (r *Runner) backoff(attempts int) time.Duration {
	d := r.cfg.BaseDelay
	for i := 1; i < attempts && d < r.cfg.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, r.cfg.MaxDelay)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// Tick runs fn if this worker takes the named lease for the period every:
// with several workers, one runs each tick. It records the run for the
// automation status view and reports whether fn ran; fn's failure is
// recorded and returned.
func (r *Runner) Tick(ctx context.Context, name string, every time.Duration, fn func(ctx context.Context) error) (bool, error) {
	now := r.clock.Now()
	ok, err := r.store.AcquireLease(ctx, name, r.cfg.Worker, now.Add(every), now)
	if err != nil || !ok {
		return false, err
	}
	start := time.Now() // wall time: the duration is for people, not for logic
	runErr := safely(ctx, func(ctx context.Context, _ *platform.Job) error { return fn(ctx) }, nil)
	run := ScheduleRun{Name: name, Worker: r.cfg.Worker, StartedAt: now, Duration: time.Since(start)}
	if runErr != nil {
		run.Error = runErr.Error()
		r.cfg.Logger.Error("scheduled work failed", "schedule", name, "err", runErr)
	}
	if err := r.store.RecordRun(ctx, run); err != nil {
		return true, errors.Join(runErr, err)
	}
	return true, runErr
}

// Schedule is work that runs every period on one of the workers.
type Schedule struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Run is a worker's loop until ctx ends: it runs the schedules that are
// due, then drains the due jobs, then waits poll. Failures are logged and
// the loop goes on, so one bad job or schedule never stops the worker.
// When ctx ends the batch in hand is finished (its jobs run without ctx's
// cancellation) and nothing new is claimed, so a graceful stop leaves no
// job half done.
func (r *Runner) Run(ctx context.Context, poll time.Duration, schedules ...Schedule) {
	r.cfg.Logger.Info("worker started", "worker", r.cfg.Worker, "schedules", len(schedules))
	work := context.WithoutCancel(ctx)
	for {
		for _, s := range schedules {
			if ctx.Err() != nil {
				break
			}
			if _, err := r.Tick(work, s.Name, s.Every, s.Run); err != nil {
				r.cfg.Logger.Error("schedule", "schedule", s.Name, "err", err)
			}
		}
		for ctx.Err() == nil {
			n, err := r.RunOnce(work)
			if err != nil {
				r.cfg.Logger.Error("claiming jobs", "err", err)
				break
			}
			if n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			r.cfg.Logger.Info("worker stopped", "worker", r.cfg.Worker)
			return
		case <-time.After(poll):
		}
	}
}
