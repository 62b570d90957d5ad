package provisioning

import (
	"context"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

// Store is the storage provisioning needs. The SQL adapters implement it
// on the same database and transactions as billing, so a state change and
// the job it causes commit together.
type Store interface {
	// InTx runs fn in one transaction.
	InTx(ctx context.Context, fn func(tx Store) error) error
	// CreateService inserts a service; a second service for the same
	// subscription is an ECONFLICT.
	CreateService(ctx context.Context, s *Service) error
	GetService(ctx context.Context, id int64) (*Service, error)
	// ServiceForSubscription returns the subscription's service, or
	// ENOTFOUND when none was created yet.
	ServiceForSubscription(ctx context.Context, subscriptionID int64) (*Service, error)
	UpdateService(ctx context.Context, s *Service) error
	ListServices(ctx context.Context, f ServiceFilter) ([]*Service, error)
	// SearchServices returns one page of ServicePageSize services matching
	// q, newest first.
	SearchServices(ctx context.Context, q ServiceSearch) ([]*Service, error)
	// GetProduct returns how a plan is provisioned; ENOTFOUND when the
	// plan has no panel mapping.
	GetProduct(ctx context.Context, planID int64) (*Product, error)
	SaveProduct(ctx context.Context, p *Product) error
	// ListProducts returns every plan's mapping, by plan id.
	ListProducts(ctx context.Context) ([]*Product, error)
	AddLog(ctx context.Context, e *LogEntry) error
	// ListLog returns a service's latest panel calls, newest first.
	ListLog(ctx context.Context, serviceID int64) ([]*LogEntry, error)
	EnqueueJob(ctx context.Context, j *platform.Job) error
	// AppendAudit records a staff action in the audit log, inside the
	// transaction of the change it describes.
	AppendAudit(ctx context.Context, e identity.AuditEntry) error
}

// ServiceFilter selects services; zero fields match everything.
type ServiceFilter struct {
	CustomerID    int64
	Status        ServiceStatus
	NeedsHardware bool
}

// ServicePageSize is how many services one page of SearchServices holds.
const ServicePageSize = 50

// ServiceSearch is the staff's service list: the filter, the panel, text
// found in the host name, an address or the panel's id, and the page after
// the service BeforeID (0 for the first page). Zero fields match
// everything.
type ServiceSearch struct {
	ServiceFilter
	Platform Platform
	Text     string
	BeforeID int64
}

// Billing is what provisioning reads from billing to build a panel
// request: the subscription, its plan and options, and the customer.
// billing.Store satisfies it.
type Billing interface {
	GetSubscription(ctx context.Context, id int64) (*billing.Subscription, error)
	GetPlan(ctx context.Context, id int64) (*billing.Plan, error)
	GetCustomer(ctx context.Context, id int64) (*billing.Customer, error)
}

// Sealer encrypts service credentials at rest; secretbox.Keyring
// satisfies it. The associated data binds a sealed secret to its service,
// so a sealed password copied onto another row does not open.
type Sealer interface {
	Seal(plaintext, associatedData []byte) string
	Open(sealed string, associatedData []byte) ([]byte, error)
}

// Product says how a plan is provisioned: on which panel, as which of the
// panel's plans, and from which OS image by default.
type Product struct {
	PlanID     int64
	Platform   Platform
	PanelPlan  string
	OSTemplate string
}

// Validate checks the mapping's fields.
func (p *Product) Validate() error {
	switch {
	case p.PlanID <= 0:
		return platform.Invalid("plan_id", "plan id is required")
	case !p.Platform.Valid():
		return platform.Invalid("platform", "unknown platform %q", p.Platform)
	case p.PanelPlan == "":
		return platform.Invalid("panel_plan", "the panel's plan code is required")
	}
	return nil
}
