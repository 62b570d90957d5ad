package provisioning

import (
	"time"

	"ezscale.cloud/platform"
)

// ServiceStatus is where a hosted service is in its life.
type ServiceStatus string

// Service statuses. Pending is a service whose subscription is paid but whose
// panel request has not started; failed is a panel request that gave up and
// waits for a retry.
const (
	ServicePending      ServiceStatus = "pending"
	ServiceProvisioning ServiceStatus = "provisioning"
	ServiceActive       ServiceStatus = "active"
	ServiceSuspended    ServiceStatus = "suspended"
	ServiceTerminated   ServiceStatus = "terminated"
	ServiceFailed       ServiceStatus = "failed"
)

// serviceTransitions lists the legal moves. A failed create goes back to
// provisioning to be retried; terminated is final because the resource is
// gone from the panel.
// A service cancelled before its resource exists is terminated without a
// panel call.
var serviceTransitions = map[ServiceStatus][]ServiceStatus{
	ServicePending:      {ServiceProvisioning, ServiceTerminated},
	ServiceProvisioning: {ServiceActive, ServiceFailed, ServiceTerminated},
	ServiceFailed:       {ServiceProvisioning, ServiceTerminated},
	ServiceActive:       {ServiceSuspended, ServiceTerminated},
	ServiceSuspended:    {ServiceActive, ServiceTerminated},
	ServiceTerminated:   nil,
}

// Valid reports whether s is one of the known service statuses.
func (s ServiceStatus) Valid() bool {
	_, ok := serviceTransitions[s]
	return ok
}

// CanTransition reports whether a service may move from one status to
// another.
func CanTransition(from, to ServiceStatus) bool {
	for _, s := range serviceTransitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Platform names the control panel a service lives on.
type Platform string

// The control panels the platform provisions on. Sandbox is the built-in
// stand-in panel of the zero-infrastructure default.
const (
	PlatformVirtFusion  Platform = "virtfusion"
	PlatformPterodactyl Platform = "pterodactyl"
	PlatformSynergyCP   Platform = "synergycp"
	PlatformEnhance     Platform = "enhance"
	PlatformSandbox     Platform = "sandbox"
)

// Valid reports whether p is one of the known platforms.
func (p Platform) Valid() bool {
	switch p {
	case PlatformVirtFusion, PlatformPterodactyl, PlatformSynergyCP, PlatformEnhance, PlatformSandbox:
		return true
	}
	return false
}

// Service is one hosted resource a subscription pays for: a VPS, a
// dedicated server, a hosting account or a game server on one panel.
type Service struct {
	ID             int64
	SubscriptionID int64
	CustomerID     int64
	PlanID         int64
	// Type is the billing service type of the plan: "vps", "dedicated",
	// "hosting" or "game_server" (billing.ServiceType's values).
	Type     string
	Platform Platform
	// ExternalID is the resource's id on the panel; empty until the panel
	// has created it.
	ExternalID string
	Status     ServiceStatus
	Hostname   string
	// IPv4 and IPv6 are the primary addresses the panel assigned, in
	// textual form; empty when none is assigned.
	IPv4 string
	IPv6 string
	// ProvisionedAt is when the service first became active; SuspendedAt
	// is when the current suspension began (zero when not suspended);
	// TerminatedAt is when it was terminated.
	ProvisionedAt time.Time
	SuspendedAt   time.Time
	TerminatedAt  time.Time
	// PanelPlan is the panel's plan code the resource is on now, and
	// OSTemplate the image it was built from.
	PanelPlan  string
	OSTemplate string
	// Username is the panel login; Credentials is the password sealed by
	// the secrets keyring, never stored in the clear. It is generated
	// before the first panel call so a retried create hands out the same.
	Username    string
	Credentials string
	// NeedsHardware marks a dedicated-server order waiting for staff to
	// assign a machine (HardwareID) because the panel had none free.
	NeedsHardware bool
	HardwareID    string
	// LastError is the last panel failure, for staff; empty once a call
	// succeeds.
	LastError string
	// AutoRenew mirrors the subscription's wish to renew; false once the
	// customer asked to cancel at period end.
	AutoRenew bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TransitionTo moves the service to a new status, refusing illegal moves
// with ECONFLICT, and stamps the time of the move on the matching field.
func (s *Service) TransitionTo(to ServiceStatus, now time.Time) error {
	if !CanTransition(s.Status, to) {
		return platform.Errorf(platform.ECONFLICT, "service %d cannot go from %s to %s", s.ID, s.Status, to)
	}
	switch to {
	case ServiceActive:
		if s.Status == ServiceProvisioning {
			s.ProvisionedAt = now
		}
		s.SuspendedAt = time.Time{}
	case ServiceSuspended:
		s.SuspendedAt = now
	case ServiceTerminated:
		s.TerminatedAt = now
	}
	s.Status = to
	return nil
}
