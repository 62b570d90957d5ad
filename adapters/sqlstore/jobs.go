package sqlstore

import (
	"context"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/jobqueue"
)

var _ jobqueue.Store = (*Store)(nil)

// ClaimJobs leases a batch of due jobs to worker. Each job is taken by
// compare-and-set, so two workers never both hold one, and on MySQL the
// candidates are read with SKIP LOCKED so workers do not queue behind
// each other.
func (s *Store) ClaimJobs(ctx context.Context, worker string, lease time.Duration, now time.Time) ([]*platform.Job, error) {
	var jobs []*platform.Job
	err := s.inTx(ctx, func(t *Store) error {
		jobs = nil
		ids, err := t.dialect.ClaimableJobs(ctx, t.tx, now)
		if err != nil {
			return t.translate(err, "jobs")
		}
		for _, id := range ids {
			n, err := t.q.JobMarkRunning(ctx, dbsqlc.JobMarkRunningParams{
				LockedBy: worker, LockedUntil: nullTime(now.Add(lease)), ID: id, RunAt: now, LockedUntil_2: nullTime(now),
			})
			if err != nil {
				return t.translate(err, "job")
			}
			if n == 0 {
				continue
			}
			r, err := t.q.JobGetByID(ctx, id)
			if err != nil {
				return t.translate(err, "job")
			}
			jobs = append(jobs, jobFromRow(r))
		}
		return nil
	})
	return jobs, err
}

func jobFromRow(r dbsqlc.Job) *platform.Job {
	return &platform.Job{
		ID: r.ID, Kind: r.Kind, DedupeKey: r.DedupeKey.String, Payload: []byte(r.Payload), RunAt: r.RunAt.UTC(),
		CreatedAt: r.CreatedAt.UTC(), Attempts: int(r.Attempts), MaxAttempts: int(r.MaxAttempts), LastError: r.LastError,
	}
}

// settled turns "no row changed" into the ECONFLICT of a lost lease.
func (s *Store) settled(n int64, err error) error {
	if err != nil {
		return s.translate(err, "job")
	}
	if n == 0 {
		return platform.Errorf(platform.ECONFLICT, "job is no longer held by this worker")
	}
	return nil
}

// CompleteJob records a job done.
func (s *Store) CompleteJob(ctx context.Context, id int64, worker string, now time.Time) error {
	return s.settle(ctx, func(ctx context.Context) (int64, error) {
		return s.writeQ().JobComplete(ctx, dbsqlc.JobCompleteParams{FinishedAt: nullTime(now), ID: id, LockedBy: worker})
	})
}

// RetryJob puts a failed job back to run at runAt.
func (s *Store) RetryJob(ctx context.Context, id int64, worker string, runAt time.Time, lastError string) error {
	return s.settle(ctx, func(ctx context.Context) (int64, error) {
		return s.writeQ().JobRetry(ctx, dbsqlc.JobRetryParams{RunAt: runAt, LastError: lastError, ID: id, LockedBy: worker})
	})
}

// BuryJob dead-letters a job with its last error.
func (s *Store) BuryJob(ctx context.Context, id int64, worker string, lastError string, now time.Time) error {
	return s.settle(ctx, func(ctx context.Context) (int64, error) {
		return s.writeQ().JobBury(ctx, dbsqlc.JobBuryParams{LastError: lastError, FinishedAt: nullTime(now), ID: id, LockedBy: worker})
	})
}

// settle runs one of the single-row updates that settle a job, again
// after a deadlock or lock timeout: on MySQL they can meet other workers'
// claims, and a worker that gave up would leave its job leased until the
// lease ran out.
func (s *Store) settle(ctx context.Context, update func(ctx context.Context) (int64, error)) error {
	var n int64
	var err error
	for attempt := 1; attempt <= maxTxAttempts; attempt++ {
		n, err = update(ctx)
		if err == nil || !s.dialect.IsRetryable(err) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
	return s.settled(n, err)
}

// DeadJobs returns the dead-lettered jobs, for staff.
func (s *Store) DeadJobs(ctx context.Context) ([]*platform.Job, error) {
	rows, err := s.q.JobListDead(ctx)
	if err != nil {
		return nil, s.translate(err, "jobs")
	}
	return fromRows(rows, jobFromRow), nil
}

// ReviveJob gives a dead-lettered job a fresh set of attempts.
func (s *Store) ReviveJob(ctx context.Context, id int64, now time.Time) error {
	n, err := s.writeQ().JobRevive(ctx, dbsqlc.JobReviveParams{RunAt: now, ID: id})
	return s.rowChanged(n, err, "dead job")
}

// AcquireLease takes a named lease if it is free or expired.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, until, now time.Time) (bool, error) {
	var ok bool
	err := s.inTx(ctx, func(t *Store) error {
		n, err := t.q.LeaseTake(ctx, dbsqlc.LeaseTakeParams{Holder: holder, ExpiresAt: until, Name: name, ExpiresAt_2: now})
		if err != nil {
			return t.translate(err, "lease")
		}
		if n == 1 {
			ok = true
			return nil
		}
		err = t.q.LeaseInsert(ctx, dbsqlc.LeaseInsertParams{Name: name, Holder: holder, ExpiresAt: until})
		if t.dialect.IsUniqueViolation(err) {
			return nil // held by another worker
		}
		ok = err == nil
		return t.translate(err, "lease")
	})
	return ok, err
}

// RecordRun keeps one run of scheduled work.
func (s *Store) RecordRun(ctx context.Context, run jobqueue.ScheduleRun) error {
	err := s.writeQ().ScheduleRunInsert(ctx, dbsqlc.ScheduleRunInsertParams{
		Name: run.Name, Worker: run.Worker, StartedAt: run.StartedAt.UTC(),
		DurationMs: run.Duration.Milliseconds(), Error: run.Error,
	})
	return s.translate(err, "schedule run")
}

// LatestRuns returns every schedule's last run and failure count.
func (s *Store) LatestRuns(ctx context.Context) ([]jobqueue.RunSummary, error) {
	rows, err := s.q.ScheduleRunLatest(ctx)
	if err != nil {
		return nil, s.translate(err, "schedule runs")
	}
	return fromRows(rows, func(r dbsqlc.ScheduleRunLatestRow) jobqueue.RunSummary {
		return jobqueue.RunSummary{
			ScheduleRun: jobqueue.ScheduleRun{
				Name: r.Name, Worker: r.Worker, StartedAt: r.StartedAt.UTC(),
				Duration: time.Duration(r.DurationMs) * time.Millisecond, Error: r.Error,
			},
			Failures: r.Failures,
		}
	}), nil
}

// JobCounts counts jobs by status.
func (s *Store) JobCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.q.JobCountsByStatus(ctx)
	if err != nil {
		return nil, s.translate(err, "jobs")
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Status] = r.Jobs
	}
	return out, nil
}
