package provisioning

import (
	"context"
	"strings"

	"ezscale.cloud/platform"
)

// Error codes that panels add to the platform's set.
const (
	// ENEEDSHARDWARE means a dedicated-server panel has no free machine
	// for the plan: the order waits in the admin "needs hardware" queue
	// until staff assign one (CreateRequest.HardwareID).
	ENEEDSHARDWARE = "needs_hardware"
	// EUNSUPPORTED means the panel does not offer the operation (e.g. a
	// single sign-on link).
	EUNSUPPORTED = "unsupported"
)

// Panel is the port every control panel adapter implements. Methods that
// name a resource take its ExternalID; an unknown id is ENOTFOUND.
//
// Calls are retried by the job worker, so they must be safe to repeat:
// Create looks the resource up by CreateRequest.ServiceID before creating
// and returns the existing one instead of a second server, and Suspend,
// Unsuspend and Terminate succeed when the resource is already in the state
// asked for. Terminate also succeeds when the resource is already gone from
// the panel; Suspend, Unsuspend and the others report ENOTFOUND then, so
// staff learn that the panel lost a resource the customer still pays for.
// A panel that refuses the configured credentials reports EUNAUTHORIZED.
type Panel interface {
	// Create creates the resource for a service and returns its panel id,
	// addresses and first credentials.
	Create(ctx context.Context, req CreateRequest) (CreateResult, error)
	// Suspend stops the resource and locks the customer out of it.
	Suspend(ctx context.Context, externalID string) error
	// Unsuspend undoes Suspend.
	Unsuspend(ctx context.Context, externalID string) error
	// Terminate destroys the resource and its data.
	Terminate(ctx context.Context, externalID string) error
	// ChangePlan moves the resource to another plan and option values,
	// for upgrades and downgrades.
	ChangePlan(ctx context.Context, externalID, planCode string, options map[string]int64) error
	// Status reads the resource's live state and usage gauges.
	Status(ctx context.Context, externalID string) (ResourceStatus, error)
	// Power starts, stops or restarts the resource.
	Power(ctx context.Context, externalID string, action PowerAction) error
	// LoginURL returns a short-lived single sign-on URL that logs the
	// customer into the panel's view of the resource.
	LoginURL(ctx context.Context, externalID string) (string, error)
	// TestConnection checks that the panel is reachable and accepts the
	// configured credentials, for the admin's "test connection" button.
	TestConnection(ctx context.Context) error
}

// CreateRequest is what a panel needs to create a service's resource.
type CreateRequest struct {
	// ServiceID is our service id; panels store it on the resource so
	// that a repeated Create finds the resource it already made.
	ServiceID     int64
	CustomerID    int64
	CustomerEmail string
	// PlanCode is the panel's package, product or egg the plan maps to.
	PlanCode string
	// Options are the configurable option values chosen at order time,
	// keyed by option code (e.g. "ram_mb": 4096, "extra_ipv4": 1).
	Options map[string]int64
	// Hostname is optional; panels that need one generate it when empty.
	Hostname   string
	OSTemplate string
	// HardwareID is the panel's id of the machine staff assigned to a
	// dedicated-server order that waited for hardware; empty lets the
	// panel pick free hardware itself.
	HardwareID string
	// Password is the first password the platform generated and stored
	// (encrypted) before the call, so that a retried create hands the
	// customer the same credentials. Panels that accept a password set it
	// on the user or server they create; panels that make their own
	// return theirs in CreateResult.
	Password string
}

// Validate checks the request before it is sent to a panel.
func (r CreateRequest) Validate() error {
	if r.ServiceID <= 0 {
		return platform.Invalid("service_id", "service id is required")
	}
	if strings.TrimSpace(r.CustomerEmail) == "" {
		return platform.Invalid("customer_email", "customer email is required")
	}
	if strings.TrimSpace(r.PlanCode) == "" {
		return platform.Invalid("plan_code", "plan code is required")
	}
	for code, v := range r.Options {
		if v < 0 {
			return platform.Invalid("options", "option %s is negative", code)
		}
	}
	if r.Hostname != "" && !validHostname(r.Hostname) {
		return platform.Invalid("hostname", "%q is not a valid hostname", r.Hostname)
	}
	return nil
}

// validHostname reports whether h is an RFC 1123 host name: dot-separated
// labels of 1 to 63 letters, digits and inner hyphens, 253 bytes at most.
func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// CreateResult is what a panel reports back after creating a resource, or
// finding the one it created before. Username and Password are the login
// the panel uses; Password is empty when it is the request's password or
// the panel cannot reveal it again. They are secrets and are encrypted
// before they are stored.
type CreateResult struct {
	ExternalID string
	IPv4       string
	IPv6       string
	Username   string
	Password   string
}

// ResourceStatus is a resource's live state as the panel reports it.
// CPUPercent is the share of the CPU allocation in use as the panel reports
// it; it is a gauge, not money, so a float is fine. The byte counts are
// current use.
type ResourceStatus struct {
	Online         bool
	CPUPercent     float64
	RAMBytes       int64
	DiskBytes      int64
	BandwidthBytes int64
}

// PowerAction is a power operation a customer or admin can ask for.
type PowerAction string

// The power actions every panel supports.
const (
	PowerStart   PowerAction = "start"
	PowerStop    PowerAction = "stop"
	PowerRestart PowerAction = "restart"
)

// Valid reports whether a is one of the known power actions.
func (a PowerAction) Valid() bool {
	switch a {
	case PowerStart, PowerStop, PowerRestart:
		return true
	}
	return false
}
