package billing

import (
	"testing"
	"time"

	"ezscale.cloud/platform"
)

func TestSubscriptionTransitions(t *testing.T) {
	legal := map[[2]SubscriptionStatus]bool{}
	for from, tos := range subscriptionTransitions {
		for _, to := range tos {
			legal[[2]SubscriptionStatus{from, to}] = true
		}
	}
	all := []SubscriptionStatus{SubPending, SubTrialing, SubActive, SubPastDue, SubSuspended, SubPaused, SubCancelled, SubTerminated}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, from := range all {
		for _, to := range all {
			s := &Subscription{ID: 1, Status: from}
			err := s.TransitionTo(to, now)
			if legal[[2]SubscriptionStatus{from, to}] {
				if err != nil || s.Status != to {
					t.Errorf("%s -> %s refused: %v", from, to, err)
				}
				continue
			}
			if platform.ErrorCode(err) != platform.ECONFLICT || s.Status != from {
				t.Errorf("%s -> %s: err %v, status %s; want ECONFLICT and no change", from, to, err, s.Status)
			}
		}
	}
	// Spot checks of the rules the table encodes.
	for _, bad := range [][2]SubscriptionStatus{{SubTerminated, SubActive}, {SubCancelled, SubActive}, {SubPending, SubSuspended}, {SubPaused, SubSuspended}} {
		if CanTransition(bad[0], bad[1]) {
			t.Errorf("%s -> %s must be illegal", bad[0], bad[1])
		}
	}
}

func TestSubscriptionTransitionStamps(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := &Subscription{Status: SubPastDue}
	if err := s.TransitionTo(SubSuspended, now); err != nil || !s.SuspendedAt.Equal(now) {
		t.Fatalf("suspend: %v, suspended at %v", err, s.SuspendedAt)
	}
	if err := s.TransitionTo(SubActive, now.Add(time.Hour)); err != nil || !s.SuspendedAt.IsZero() {
		t.Fatalf("unsuspend: %v, suspended at %v", err, s.SuspendedAt)
	}
}

func TestCancelAtPeriodEndAndResume(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := &Subscription{ID: 4, Status: SubActive}
	if err := s.Cancel(now, true, "moving to a bigger provider"); err != nil {
		t.Fatal(err)
	}
	if !s.CancelAtPeriodEnd || s.Status != SubActive || s.CancelReason == "" {
		t.Fatalf("cancel at period end: %+v", s)
	}
	if s.RenewalDue(now.AddDate(1, 0, 0), 7) {
		t.Fatal("a subscription cancelling at period end must not renew")
	}
	if err := s.Resume(now); err != nil || s.CancelAtPeriodEnd {
		t.Fatalf("resume: %v %+v", err, s)
	}
	if err := s.Resume(now); platform.ErrorCode(err) != platform.ECONFLICT {
		t.Fatalf("resume without a pending cancellation: %v", err)
	}
	if err := s.Cancel(now, false, ""); err != nil || s.Status != SubCancelled || !s.CancelledAt.Equal(now) {
		t.Fatalf("cancel now: %v %+v", err, s)
	}
	if err := s.Cancel(now, false, ""); platform.ErrorCode(err) != platform.ECONFLICT {
		t.Fatalf("cancelling twice: %v", err)
	}
}

func TestCycleNextKeepsAnchorDay(t *testing.T) {
	anchor := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	want := []string{"2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"}
	at := anchor
	for _, w := range want {
		at = Monthly.Next(at, anchor)
		if got := at.Format("2006-01-02"); got != w {
			t.Fatalf("monthly from 31 Jan: got %s, want %s", got, w)
		}
	}
	if got := Annual.Next(time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)); got.Format("2006-01-02") != "2029-02-28" {
		t.Fatalf("annual from 29 Feb: %s", got)
	}
	if got := Quarterly.Next(anchor, anchor); got.Format("2006-01-02") != "2026-04-30" {
		t.Fatalf("quarterly from 31 Jan: %s", got)
	}
	if got := Hourly.Next(anchor, anchor); !got.Equal(anchor.Add(time.Hour)) {
		t.Fatalf("hourly: %s", got)
	}
}

func TestNumberPattern(t *testing.T) {
	at := time.Date(2026, 7, 4, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		pattern string
		yearly  bool
		seq     int64
		want    string
		scope   string
	}{
		{"INV-{YYYY}-{SEQ:6}", true, 42, "INV-2026-000042", "INV-{YYYY}-{SEQ:6}@2026"},
		{"{YY}{MM}/{SEQ:4}", false, 7, "2607/0007", "{YY}{MM}/{SEQ:4}"},
		{"EZ{SEQ}", false, 1234567, "EZ1234567", "EZ{SEQ}"},
	} {
		p := NumberPattern{Pattern: tc.pattern, YearlyReset: tc.yearly}
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		if got := p.Format(at, tc.seq); got != tc.want {
			t.Errorf("%s with %d = %q, want %q", tc.pattern, tc.seq, got, tc.want)
		}
		if got := p.Scope(at); got != tc.scope {
			t.Errorf("%s scope = %q, want %q", tc.pattern, got, tc.scope)
		}
	}
	for _, bad := range []NumberPattern{
		{Pattern: "INV-{YYYY}"},
		{Pattern: "{SEQ}{SEQ}"},
		{Pattern: "INV-{SEQ:0}"},
		{Pattern: "INV-{DD}-{SEQ}"},
		{Pattern: "INV-{SEQ", YearlyReset: false},
		{Pattern: "INV-{SEQ:6}", YearlyReset: true},
	} {
		if err := bad.Validate(); platform.ErrorCode(err) != platform.EINVALID {
			t.Errorf("pattern %+v accepted: %v", bad, err)
		}
	}
}

func TestInvoiceLifecycle(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	inv := &Invoice{ID: 1, Currency: "USD", Status: InvoiceDraft}
	if err := inv.Finalize(now, now); platform.ErrorField(err) != "items" {
		t.Fatalf("finalising an empty invoice: %v", err)
	}
	if err := inv.AddItem(InvoiceItem{Kind: ItemManual, Description: "Migration service", Quantity: 1, UnitAmount: 5000, Amount: 5000}); err != nil {
		t.Fatal(err)
	}
	if err := inv.ComputeTotals(TaxDecision{Rate: 190000}); err != nil || inv.Total != 5950 || inv.Tax != 950 {
		t.Fatalf("totals: %v %+v", err, inv)
	}
	if err := inv.Finalize(now, now.AddDate(0, 0, -1)); platform.ErrorField(err) != "due_at" {
		t.Fatalf("due before issue: %v", err)
	}
	if err := inv.Finalize(now, now.AddDate(0, 0, 14)); err != nil || inv.Status != InvoiceOpen {
		t.Fatalf("finalise: %v", err)
	}
	if err := inv.AddItem(InvoiceItem{Description: "late", Quantity: 1}); platform.ErrorCode(err) != platform.ECONFLICT {
		t.Fatalf("adding a line to an open invoice: %v", err)
	}
	if paid, err := inv.ApplyPayment(2000, now); err != nil || paid || inv.AmountDue() != 3950 {
		t.Fatalf("partial payment: %v %v %d", paid, err, inv.AmountDue())
	}
	if err := inv.Void(now); platform.ErrorCode(err) != platform.ECONFLICT {
		t.Fatalf("voiding a part-paid invoice: %v", err)
	}
	if _, err := inv.ApplyPayment(3951, now); platform.ErrorField(err) != "amount" {
		t.Fatalf("overpayment: %v", err)
	}
	if paid, err := inv.ApplyPayment(3950, now); err != nil || !paid || inv.Status != InvoicePaid {
		t.Fatalf("final payment: %v %v %s", paid, err, inv.Status)
	}
	if _, err := inv.ApplyPayment(1, now); platform.ErrorCode(err) != platform.ECONFLICT {
		t.Fatalf("paying a paid invoice: %v", err)
	}
	neg := &Invoice{Currency: "USD", Status: InvoiceDraft, Items: []InvoiceItem{{Amount: 100}, {Amount: -200}}}
	if err := neg.ComputeTotals(TaxDecision{}); platform.ErrorField(err) != "items" {
		t.Fatalf("a negative invoice was accepted: %v", err)
	}
}
