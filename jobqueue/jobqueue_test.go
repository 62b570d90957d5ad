package jobqueue_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/jobqueue"
)

var ctx = context.Background()

type queueStore interface {
	billing.Store
	jobqueue.Store
	jobqueue.StatusStore
}

// pairs opens two stores on one database, as two worker processes would.
func pairs(t *testing.T, fn func(t *testing.T, a, b queueStore)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "q.db")
		fn(t, storetest.OpenSQLiteAt(t, path), storetest.OpenSQLiteAt(t, path))
	})
	t.Run("mysql", func(t *testing.T) {
		dsn := storetest.MySQLDatabase(t)
		fn(t, storetest.OpenMySQLAt(t, dsn), storetest.OpenMySQLAt(t, dsn))
	})
}

var start = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

func TestTwoWorkersRunEachJobOnce(t *testing.T) {
	pairs(t, func(t *testing.T, a, b queueStore) {
		const n = 600
		for i := 0; i < n; i++ {
			if err := a.EnqueueJob(ctx, &platform.Job{Kind: "count", Payload: []byte(fmt.Sprintf(`{"i":%d}`, i)), RunAt: start, CreatedAt: start}); err != nil {
				t.Fatal(err)
			}
		}
		clock := platform.NewManualClock(start)
		var mu sync.Mutex
		runs := map[int64]int{}
		count := func(ctx context.Context, j *platform.Job) error {
			mu.Lock()
			runs[j.ID]++
			mu.Unlock()
			return nil
		}
		var wg sync.WaitGroup
		for i, s := range []queueStore{a, b} {
			w := jobqueue.New(s, clock, jobqueue.Config{Worker: fmt.Sprintf("worker-%d", i)})
			w.Handle("count", count)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					ran, err := w.RunOnce(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if ran == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		if len(runs) != n {
			t.Fatalf("%d of %d jobs ran", len(runs), n)
		}
		for id, c := range runs {
			if c != 1 {
				t.Fatalf("job %d ran %d times", id, c)
			}
		}
	})
}

func TestFailingJobIsDeadLetteredAndRevived(t *testing.T) {
	pairs(t, func(t *testing.T, a, _ queueStore) {
		if err := a.EnqueueJob(ctx, &platform.Job{Kind: "flaky", RunAt: start, CreatedAt: start}); err != nil {
			t.Fatal(err)
		}
		clock := platform.NewManualClock(start)
		w := jobqueue.New(a, clock, jobqueue.Config{Worker: "w", BaseDelay: time.Second, MaxDelay: time.Minute})
		tries := 0
		w.Handle("flaky", func(ctx context.Context, j *platform.Job) error {
			tries++
			return errors.New("panel timed out")
		})
		for i := 0; i < 30 && tries < 10; i++ {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Minute) // past any backoff
		}
		dead, err := a.DeadJobs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tries != 10 || len(dead) != 1 || dead[0].LastError != "panel timed out" || dead[0].Attempts != 10 {
			t.Fatalf("after %d tries: %+v", tries, dead)
		}
		if ran, _ := w.RunOnce(ctx); ran != 0 {
			t.Fatal("a dead job ran again")
		}
		if err := a.ReviveJob(ctx, dead[0].ID, clock.Now()); err != nil {
			t.Fatal(err)
		}
		if ran, _ := w.RunOnce(ctx); ran != 1 || tries != 11 {
			t.Fatalf("the revived job did not run: ran %d, tries %d", ran, tries)
		}
	})
}

func TestScheduledWorkRunsOncePerTick(t *testing.T) {
	pairs(t, func(t *testing.T, a, b queueStore) {
		clock := platform.NewManualClock(start)
		workers := []*jobqueue.Runner{
			jobqueue.New(a, clock, jobqueue.Config{Worker: "w1"}),
			jobqueue.New(b, clock, jobqueue.Config{Worker: "w2"}),
		}
		for tick := 0; tick < 3; tick++ {
			ran := 0
			var mu sync.Mutex
			var wg sync.WaitGroup
			for _, w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := w.Tick(ctx, "renew-due", time.Minute, func(context.Context) error {
						mu.Lock()
						ran++
						mu.Unlock()
						return nil
					})
					if err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if ran != 1 {
				t.Fatalf("tick %d ran %d times with two workers", tick, ran)
			}
			clock.Advance(time.Minute)
		}
	})
}

func TestLostLeaseIsTakenOver(t *testing.T) {
	pairs(t, func(t *testing.T, a, b queueStore) {
		if err := a.EnqueueJob(ctx, &platform.Job{Kind: "slow", RunAt: start, CreatedAt: start}); err != nil {
			t.Fatal(err)
		}
		clock := platform.NewManualClock(start)
		// Worker 1 claims the job and dies before finishing.
		jobs, err := a.ClaimJobs(ctx, "dead-worker", time.Minute, clock.Now())
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim: %v %d", err, len(jobs))
		}
		w := jobqueue.New(b, clock, jobqueue.Config{Worker: "w2"})
		done := 0
		w.Handle("slow", func(context.Context, *platform.Job) error { done++; return nil })
		if ran, _ := w.RunOnce(ctx); ran != 0 {
			t.Fatal("a leased job was taken before its lease ran out")
		}
		clock.Advance(2 * time.Minute)
		if ran, _ := w.RunOnce(ctx); ran != 1 || done != 1 {
			t.Fatalf("the abandoned job was not taken over: ran %d", ran)
		}
		// The first worker comes back: its late completion changes nothing.
		if err := a.CompleteJob(ctx, jobs[0].ID, "dead-worker", clock.Now()); platform.ErrorCode(err) != platform.ECONFLICT {
			t.Fatalf("a late completion by the lost worker: %v", err)
		}
	})
}

func TestPermanentFailureIsDeadLetteredAtOnce(t *testing.T) {
	pairs(t, func(t *testing.T, a, _ queueStore) {
		if err := a.EnqueueJob(ctx, &platform.Job{Kind: "email", RunAt: start, CreatedAt: start}); err != nil {
			t.Fatal(err)
		}
		w := jobqueue.New(a, platform.NewManualClock(start), jobqueue.Config{Worker: "w"})
		w.Handle("email", func(context.Context, *platform.Job) error {
			return jobqueue.Permanent(errors.New("550 no such mailbox"))
		})
		if ran, err := w.RunOnce(ctx); ran != 1 || err != nil {
			t.Fatalf("ran %d: %v", ran, err)
		}
		dead, err := a.DeadJobs(ctx)
		if err != nil || len(dead) != 1 || dead[0].Attempts != 1 || dead[0].LastError != "550 no such mailbox" {
			t.Fatalf("dead letters after one permanent failure: %+v, %v", dead, err)
		}
	})
}

func TestScheduleRunsOncePerPeriodAndIsRecorded(t *testing.T) {
	pairs(t, func(t *testing.T, a, _ queueStore) {
		clock := platform.NewManualClock(start)
		w := jobqueue.New(a, clock, jobqueue.Config{Worker: "w1"})
		runs := 0
		fail := errors.New("gateway down")
		tick := func() {
			t.Helper()
			_, err := w.Tick(ctx, "reconcile", time.Hour, func(context.Context) error {
				runs++
				if runs == 2 {
					return fail
				}
				return nil
			})
			if err != nil && !errors.Is(err, fail) {
				t.Fatal(err)
			}
		}
		tick()
		clock.Advance(30 * time.Minute)
		tick() // same worker, lease still running: must not run again
		if runs != 1 {
			t.Fatalf("ran %d times within one period", runs)
		}
		clock.Advance(31 * time.Minute)
		tick()
		status, err := jobqueue.ReadStatus(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if runs != 2 || len(status.Schedules) != 1 {
			t.Fatalf("runs %d, schedules %+v", runs, status.Schedules)
		}
		last := status.Schedules[0]
		if last.Name != "reconcile" || last.Worker != "w1" || last.Error != "gateway down" || last.Failures != 1 || !last.StartedAt.Equal(clock.Now()) {
			t.Fatalf("last run: %+v", last)
		}
	})
}
