package jobqueue

import (
	"context"

	"ezscale.cloud/platform"
)

// StatusStore is what the automation status view reads; the SQL stores
// implement it.
type StatusStore interface {
	// LatestRuns returns the last run of every schedule, with how many of
	// its runs ever failed.
	LatestRuns(ctx context.Context) ([]RunSummary, error)
	// JobCounts counts jobs by status: pending, running, done, dead.
	JobCounts(ctx context.Context) (map[string]int64, error)
	DeadJobs(ctx context.Context) ([]*platform.Job, error)
}

// RunSummary is a schedule's last run and its failure count.
type RunSummary struct {
	ScheduleRun
	Failures int64
}

// Status is the automation status view: the schedules' last runs, the
// queue's size by status, and the dead-lettered jobs staff must look at.
// A queue whose pending jobs grow while no schedule ran recently is a
// worker that stopped: this is where staff see it.
type Status struct {
	Schedules []RunSummary
	Jobs      map[string]int64
	Dead      []*platform.Job
}

// ReadStatus gathers the automation status.
func ReadStatus(ctx context.Context, s StatusStore) (Status, error) {
	runs, err := s.LatestRuns(ctx)
	if err != nil {
		return Status{}, err
	}
	counts, err := s.JobCounts(ctx)
	if err != nil {
		return Status{}, err
	}
	dead, err := s.DeadJobs(ctx)
	if err != nil {
		return Status{}, err
	}
	return Status{Schedules: runs, Jobs: counts, Dead: dead}, nil
}
