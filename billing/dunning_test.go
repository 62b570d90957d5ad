package billing_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

var dunningDue = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// dunningDays returns the instant n days of 24 hours after the due date.
func dunningDays(n int) time.Time { return dunningDue.Add(time.Duration(n) * 24 * time.Hour) }

func TestDefaultDunningPolicySchedule(t *testing.T) {
	p := billing.DefaultDunningPolicy()
	if err := p.Validate(); err != nil {
		t.Fatalf("default policy invalid: %v", err)
	}
	if p.AutoCancelUnpaidOrderDays != 7 || p.LastRetryAttempt() != 3 {
		t.Errorf("auto-cancel %d days, last retry %d; want 7 and 3", p.AutoCancelUnpaidOrderDays, p.LastRetryAttempt())
	}
	unsuspended := []billing.DunningStep{
		{Kind: billing.DunningRemindBeforeDue, Key: "remind_before_due:3", At: dunningDays(-3)},
		{Kind: billing.DunningRemindBeforeDue, Key: "remind_before_due:1", At: dunningDays(-1)},
		{Kind: billing.DunningRetryCharge, Key: "retry_charge:1", At: dunningDays(1), Attempt: 1},
		{Kind: billing.DunningRemindOverdue, Key: "remind_overdue:1", At: dunningDays(1)},
		{Kind: billing.DunningSuspend, Key: "suspend", At: dunningDays(2)},
		{Kind: billing.DunningRetryCharge, Key: "retry_charge:2", At: dunningDays(3), Attempt: 2},
		{Kind: billing.DunningRemindOverdue, Key: "remind_overdue:3", At: dunningDays(3)},
		{Kind: billing.DunningRetryCharge, Key: "retry_charge:3", At: dunningDays(5), Attempt: 3},
		{Kind: billing.DunningRemindOverdue, Key: "remind_overdue:5", At: dunningDays(5)},
	}
	if got := p.Schedule(dunningDue, time.Time{}); !reflect.DeepEqual(got, unsuspended) {
		t.Errorf("not suspended:\n got %+v\nwant %+v", got, unsuspended)
	}

	// The worker suspended the service five minutes after the step was due;
	// termination counts from then.
	suspendedAt := dunningDays(2).Add(5 * time.Minute)
	suspended := append(unsuspended,
		billing.DunningStep{Kind: billing.DunningTerminate, Key: "terminate", At: dunningDays(16).Add(5 * time.Minute)})
	if got := p.Schedule(dunningDue, suspendedAt); !reflect.DeepEqual(got, suspended) {
		t.Errorf("suspended:\n got %+v\nwant %+v", got, suspended)
	}
}

func TestCustomDunningPolicySchedule(t *testing.T) {
	p := billing.DunningPolicy{
		RemindBeforeDue:           []int{0, 14}, // any order
		RetryAfterDue:             []int{2, 7, 10},
		SuspendAfterDays:          7,
		TerminateAfterSuspendDays: 5,
		AutoCancelUnpaidOrderDays: 3,
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	// An admin granted three more days: suspension came late, and so does
	// termination.
	suspendedAt := dunningDays(10)
	want := []billing.DunningStep{
		{Kind: billing.DunningRemindBeforeDue, Key: "remind_before_due:14", At: dunningDays(-14)},
		{Kind: billing.DunningRemindBeforeDue, Key: "remind_before_due:0", At: dunningDue},
		{Kind: billing.DunningRetryCharge, Key: "retry_charge:1", At: dunningDays(2), Attempt: 1},
		// A retry due with the suspension goes first: if it succeeds there
		// is nothing to suspend.
		{Kind: billing.DunningRetryCharge, Key: "retry_charge:2", At: dunningDays(7), Attempt: 2},
		{Kind: billing.DunningSuspend, Key: "suspend", At: dunningDays(7)},
		{Kind: billing.DunningRetryCharge, Key: "retry_charge:3", At: dunningDays(10), Attempt: 3},
		{Kind: billing.DunningTerminate, Key: "terminate", At: dunningDays(15)},
	}
	if got := p.Schedule(dunningDue, suspendedAt); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if p.LastRetryAttempt() != 3 {
		t.Errorf("last retry attempt %d, want 3", p.LastRetryAttempt())
	}
	if n := (billing.DunningPolicy{SuspendAfterDays: 1}).LastRetryAttempt(); n != 0 {
		t.Errorf("no retries: last attempt %d, want 0", n)
	}
}

func TestDunningPolicyValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *billing.DunningPolicy)
		field  string // "" if valid
	}{
		{"default", func(*billing.DunningPolicy) {}, ""},
		{"no reminders or retries", func(p *billing.DunningPolicy) {
			p.RemindBeforeDue, p.RemindAfterDue, p.RetryAfterDue = nil, nil, nil
		}, ""},
		{"reminder on the due date", func(p *billing.DunningPolicy) { p.RemindBeforeDue = []int{0} }, ""},
		{"retry the day before the earliest termination", func(p *billing.DunningPolicy) { p.RetryAfterDue = []int{1, 15} }, ""},
		{"no suspension", func(p *billing.DunningPolicy) { p.SuspendAfterDays = 0 }, "suspend_after_days"},
		{"negative suspension", func(p *billing.DunningPolicy) { p.SuspendAfterDays = -2 }, "suspend_after_days"},
		{"suspension after a year", func(p *billing.DunningPolicy) { p.SuspendAfterDays = 400 }, "suspend_after_days"},
		{"no termination", func(p *billing.DunningPolicy) { p.TerminateAfterSuspendDays = 0 }, "terminate_after_suspend_days"},
		{"no order cancellation", func(p *billing.DunningPolicy) { p.AutoCancelUnpaidOrderDays = 0 }, "auto_cancel_unpaid_order_days"},
		{"negative reminder", func(p *billing.DunningPolicy) { p.RemindBeforeDue = []int{3, -1} }, "remind_before_due"},
		{"repeated reminder", func(p *billing.DunningPolicy) { p.RemindBeforeDue = []int{3, 1, 3} }, "remind_before_due"},
		{"overdue notice on the due date", func(p *billing.DunningPolicy) { p.RemindAfterDue = []int{0} }, "remind_after_due"},
		{"repeated overdue notice", func(p *billing.DunningPolicy) { p.RemindAfterDue = []int{2, 2} }, "remind_after_due"},
		{"retry on the due date", func(p *billing.DunningPolicy) { p.RetryAfterDue = []int{0, 3} }, "retry_after_due"},
		{"retries out of order", func(p *billing.DunningPolicy) { p.RetryAfterDue = []int{3, 1} }, "retry_after_due"},
		{"repeated retry", func(p *billing.DunningPolicy) { p.RetryAfterDue = []int{1, 1} }, "retry_after_due"},
		{"retry at the earliest termination", func(p *billing.DunningPolicy) { p.RetryAfterDue = []int{1, 16} }, "retry_after_due"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := billing.DefaultDunningPolicy()
			tt.change(&p)
			err := p.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tt.field {
				t.Fatalf("error = %v, want %s on %q", err, platform.EINVALID, tt.field)
			}
		})
	}
}

func TestDunningDueStepsGrowWithNow(t *testing.T) {
	policies := map[string]billing.DunningPolicy{
		"default": billing.DefaultDunningPolicy(),
		"custom": {RemindBeforeDue: []int{0, 14}, RetryAfterDue: []int{2, 7, 10}, SuspendAfterDays: 7,
			TerminateAfterSuspendDays: 5, AutoCancelUnpaidOrderDays: 3},
	}
	for name, p := range policies {
		for _, suspendedAt := range []time.Time{{}, dunningDays(p.SuspendAfterDays).Add(time.Minute)} {
			all := p.Schedule(dunningDue, suspendedAt)
			keys := map[string]bool{}
			for _, s := range all {
				if keys[s.Key] {
					t.Errorf("%s: key %q twice", name, s.Key)
				}
				keys[s.Key] = true
			}
			prev := -1
			for now := dunningDays(-20); now.Before(dunningDays(40)); now = now.Add(30 * time.Minute) {
				due := p.DueSteps(dunningDue, suspendedAt, now)
				// Due steps are a prefix of the schedule that ends with the
				// last step due by now, and never shrink as now grows.
				if !slices.Equal(due, all[:len(due)]) {
					t.Fatalf("%s at %s: %+v is not a prefix of %+v", name, now, due, all)
				}
				if len(due) < prev {
					t.Fatalf("%s at %s: %d steps due, %d before", name, now, len(due), prev)
				}
				if len(due) > 0 && due[len(due)-1].At.After(now) {
					t.Fatalf("%s at %s: step %+v is not due yet", name, now, due[len(due)-1])
				}
				if len(due) < len(all) && !all[len(due)].At.After(now) {
					t.Fatalf("%s at %s: step %+v is due but missing", name, now, all[len(due)])
				}
				prev = len(due)
			}
			if prev != len(all) {
				t.Errorf("%s: %d of %d steps due at the end", name, prev, len(all))
			}
		}
	}

	// A step is due at its very instant, not a moment before.
	p := billing.DefaultDunningPolicy()
	if got := p.DueSteps(dunningDue, time.Time{}, dunningDays(2)); got[len(got)-1].Key != "suspend" {
		t.Errorf("at the suspension instant the last due step is %+v", got[len(got)-1])
	}
	if got := p.DueSteps(dunningDue, time.Time{}, dunningDays(2).Add(-time.Second)); got[len(got)-1].Key != "remind_overdue:1" {
		t.Errorf("a second before the suspension the last due step is %+v", got[len(got)-1])
	}
	if got := p.DueSteps(dunningDue, time.Time{}, dunningDays(-4)); len(got) != 0 {
		t.Errorf("nothing is due four days early, got %+v", got)
	}
}
