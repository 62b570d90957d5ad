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
// as an error: only storage failures are.
func (r *Runner) RunOnce(ctx context.Context) (int, error) {
	jobs, err := r.store.ClaimJobs(ctx, r.cfg.Worker, r.cfg.Lease, r.clock.Now())
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		if err := r.run(ctx, j); err != nil {
			return 0, err
		}
	}
	return len(jobs), nil
}

func (r *Runner) run(ctx context.Context, j *platform.Job) error {
	h, ok := r.handlers[j.Kind]
	var runErr error
	if !ok {
		runErr = fmt.Errorf("no handler for job kind %q", j.Kind)
	} else {
		runErr = safely(ctx, h, j)
	}
	now := r.clock.Now()
	var err error
	switch {
	case runErr == nil:
		err = r.store.CompleteJob(ctx, j.ID, r.cfg.Worker, now)
	case j.Attempts >= j.MaxAttempts:
		r.cfg.Logger.Error("job dead-lettered", "job", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", runErr)
		err = r.store.BuryJob(ctx, j.ID, r.cfg.Worker, runErr.Error(), now)
	default:
		r.cfg.Logger.Warn("job failed; will retry", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", runErr)
		err = r.store.RetryJob(ctx, j.ID, r.cfg.Worker, now.Add(r.backoff(j.Attempts)), runErr.Error())
	}
	if platform.ErrorCode(err) == platform.ECONFLICT {
		return nil // the lease ran out and another worker took the job over
	}
	return err
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
// with several workers, one runs each tick. It reports whether fn ran.
func (r *Runner) Tick(ctx context.Context, name string, every time.Duration, fn func(ctx context.Context) error) (bool, error) {
	now := r.clock.Now()
	ok, err := r.store.AcquireLease(ctx, name, r.cfg.Worker, now.Add(every), now)
	if err != nil || !ok {
		return false, err
	}
	return true, fn(ctx)
}
