package provisioning

import (
	"testing"
	"time"

	"ezscale.cloud/platform"
)

var allStatuses = []ServiceStatus{
	ServicePending, ServiceProvisioning, ServiceActive,
	ServiceSuspended, ServiceTerminated, ServiceFailed,
}

func TestTransitionsAllPairs(t *testing.T) {
	legal := map[[2]ServiceStatus]bool{
		{ServicePending, ServiceProvisioning}: true,
		{ServiceProvisioning, ServiceActive}:  true,
		{ServiceProvisioning, ServiceFailed}:  true,
		{ServiceFailed, ServiceProvisioning}:  true,
		{ServiceActive, ServiceSuspended}:     true,
		{ServiceActive, ServiceTerminated}:    true,
		{ServiceSuspended, ServiceActive}:     true,
		{ServiceSuspended, ServiceTerminated}: true,
		// cancelled before the panel made anything
		{ServicePending, ServiceTerminated}:      true,
		{ServiceProvisioning, ServiceTerminated}: true,
		{ServiceFailed, ServiceTerminated}:       true,
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			t.Run(string(from)+"->"+string(to), func(t *testing.T) {
				want := legal[[2]ServiceStatus{from, to}]
				if got := CanTransition(from, to); got != want {
					t.Fatalf("CanTransition = %v, want %v", got, want)
				}
				s := &Service{ID: 7, Status: from}
				err := s.TransitionTo(to, now)
				if want {
					if err != nil {
						t.Fatalf("TransitionTo: %v", err)
					}
					if s.Status != to {
						t.Fatalf("status = %s, want %s", s.Status, to)
					}
					return
				}
				if code := platform.ErrorCode(err); code != platform.ECONFLICT {
					t.Fatalf("error code = %q, want %q (err: %v)", code, platform.ECONFLICT, err)
				}
				if s.Status != from {
					t.Fatalf("refused move changed status to %s", s.Status)
				}
			})
		}
	}
}

func TestTransitionsUnknownStatus(t *testing.T) {
	if ServiceStatus("deleted").Valid() {
		t.Fatal(`"deleted" reported valid`)
	}
	for _, s := range allStatuses {
		if !s.Valid() {
			t.Errorf("%s reported invalid", s)
		}
		if CanTransition("deleted", s) || CanTransition(s, "deleted") {
			t.Errorf("unknown status may move to or from %s", s)
		}
	}
}

func TestServiceLifecycleTimestamps(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	step := func(s *Service, to ServiceStatus, at time.Time) {
		t.Helper()
		if err := s.TransitionTo(to, at); err != nil {
			t.Fatalf("%s -> %s: %v", s.Status, to, err)
		}
	}
	s := &Service{ID: 1, Status: ServicePending}
	step(s, ServiceProvisioning, t0)
	step(s, ServiceFailed, t0.Add(time.Minute))
	step(s, ServiceProvisioning, t0.Add(2*time.Minute))
	step(s, ServiceActive, t0.Add(3*time.Minute))
	if want := t0.Add(3 * time.Minute); !s.ProvisionedAt.Equal(want) {
		t.Fatalf("ProvisionedAt = %v, want %v", s.ProvisionedAt, want)
	}

	step(s, ServiceSuspended, t0.Add(time.Hour))
	if want := t0.Add(time.Hour); !s.SuspendedAt.Equal(want) {
		t.Fatalf("SuspendedAt = %v, want %v", s.SuspendedAt, want)
	}
	step(s, ServiceActive, t0.Add(2*time.Hour))
	if !s.SuspendedAt.IsZero() {
		t.Fatalf("SuspendedAt = %v after unsuspend, want zero", s.SuspendedAt)
	}
	if want := t0.Add(3 * time.Minute); !s.ProvisionedAt.Equal(want) {
		t.Fatalf("unsuspend moved ProvisionedAt to %v, want %v", s.ProvisionedAt, want)
	}

	step(s, ServiceTerminated, t0.Add(3*time.Hour))
	if want := t0.Add(3 * time.Hour); !s.TerminatedAt.Equal(want) {
		t.Fatalf("TerminatedAt = %v, want %v", s.TerminatedAt, want)
	}
}

func TestPlatformValid(t *testing.T) {
	for _, p := range []Platform{PlatformVirtFusion, PlatformPterodactyl, PlatformSynergyCP, PlatformEnhance, PlatformSandbox} {
		if !p.Valid() {
			t.Errorf("%s reported invalid", p)
		}
	}
	if Platform("whmcs").Valid() {
		t.Error(`"whmcs" reported valid`)
	}
}
