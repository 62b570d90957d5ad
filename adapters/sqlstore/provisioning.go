package sqlstore

import (
	"context"
	"strings"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/provisioning"
)

// ProvisioningStore implements provisioning.Store on the same database and
// transactions as the billing store.
type ProvisioningStore struct {
	s *Store
}

var _ provisioning.Store = (*ProvisioningStore)(nil)

// Provisioning returns the provisioning store that shares this store's
// database.
func (s *Store) Provisioning() *ProvisioningStore { return &ProvisioningStore{s: s} }

// InTx runs fn in a transaction; see provisioning.Store.
func (p *ProvisioningStore) InTx(ctx context.Context, fn func(tx provisioning.Store) error) error {
	return p.s.inTx(ctx, func(tx *Store) error { return fn(&ProvisioningStore{s: tx}) })
}

// CreateService inserts a service; a second one for a subscription is an
// ECONFLICT.
func (p *ProvisioningStore) CreateService(ctx context.Context, v *provisioning.Service) error {
	if !v.Status.Valid() || !v.Platform.Valid() {
		return platform.Invalid("status", "service status %q or platform %q is unknown", v.Status, v.Platform)
	}
	id, err := p.s.writeQ().ServiceInsert(ctx, dbsqlc.ServiceInsertParams{
		SubscriptionID: nullID(v.SubscriptionID), CustomerID: v.CustomerID, PlanID: v.PlanID,
		ServiceType: v.Type, Platform: string(v.Platform), ExternalID: v.ExternalID, Status: string(v.Status),
		Hostname: v.Hostname, Ipv4: v.IPv4, Ipv6: v.IPv6, CredentialsEnc: v.Credentials, AutoRenew: v.AutoRenew,
		ProvisionedAt: nullTime(v.ProvisionedAt), SuspendedAt: nullTime(v.SuspendedAt), TerminatedAt: nullTime(v.TerminatedAt),
		PanelPlan: v.PanelPlan, OsTemplate: v.OSTemplate, Username: v.Username, NeedsHardware: v.NeedsHardware,
		HardwareID: v.HardwareID, LastError: v.LastError, CreatedAt: v.CreatedAt.UTC(), UpdatedAt: v.UpdatedAt.UTC(),
	})
	if err != nil {
		return p.s.translate(err, "service")
	}
	v.ID = id
	return nil
}

// GetService returns a service by id.
func (p *ProvisioningStore) GetService(ctx context.Context, id int64) (*provisioning.Service, error) {
	r, err := p.s.q.ServiceGetByID(ctx, id)
	if err != nil {
		return nil, p.s.translate(err, "service")
	}
	return serviceFromRow(r), nil
}

// ServiceForSubscription returns a subscription's service.
func (p *ProvisioningStore) ServiceForSubscription(ctx context.Context, subscriptionID int64) (*provisioning.Service, error) {
	r, err := p.s.q.ServiceGetBySubscription(ctx, nullID(subscriptionID))
	if err != nil {
		return nil, p.s.translate(err, "service of subscription")
	}
	return serviceFromRow(r), nil
}

// UpdateService saves a service's changeable fields.
func (p *ProvisioningStore) UpdateService(ctx context.Context, v *provisioning.Service) error {
	n, err := p.s.writeQ().ServiceUpdate(ctx, dbsqlc.ServiceUpdateParams{
		PlanID: v.PlanID, ExternalID: v.ExternalID, Status: string(v.Status), Hostname: v.Hostname,
		Ipv4: v.IPv4, Ipv6: v.IPv6, CredentialsEnc: v.Credentials, AutoRenew: v.AutoRenew,
		ProvisionedAt: nullTime(v.ProvisionedAt), SuspendedAt: nullTime(v.SuspendedAt), TerminatedAt: nullTime(v.TerminatedAt),
		PanelPlan: v.PanelPlan, OsTemplate: v.OSTemplate, Username: v.Username, NeedsHardware: v.NeedsHardware,
		HardwareID: v.HardwareID, LastError: v.LastError, UpdatedAt: v.UpdatedAt.UTC(), ID: v.ID,
	})
	if err != nil {
		return p.s.translate(err, "service")
	}
	if n == 0 {
		return platform.Errorf(platform.ENOTFOUND, "service %d not found", v.ID)
	}
	return nil
}

// ListServices returns the first 1,000 services matching f, oldest first.
func (p *ProvisioningStore) ListServices(ctx context.Context, f provisioning.ServiceFilter) ([]*provisioning.Service, error) {
	rows, err := p.s.q.ServiceList(ctx, dbsqlc.ServiceListParams{
		Column1: f.CustomerID, CustomerID: f.CustomerID, Column3: string(f.Status), Status: string(f.Status), Column5: f.NeedsHardware,
	})
	if err != nil {
		return nil, p.s.translate(err, "services")
	}
	return fromRows(rows, serviceFromRow), nil
}

// SearchServices returns one page of the staff's service list, newest
// first.
func (p *ProvisioningStore) SearchServices(ctx context.Context, q provisioning.ServiceSearch) ([]*provisioning.Service, error) {
	text := strings.ToLower(strings.TrimSpace(q.Text))
	rows, err := p.s.q.ServiceSearch(ctx, dbsqlc.ServiceSearchParams{
		Column1: q.CustomerID, CustomerID: q.CustomerID, Column3: string(q.Status), Status: string(q.Status), Column5: q.NeedsHardware,
		Column6: string(q.Platform), Platform: string(q.Platform),
		Column8: text, INSTR: text, INSTR_2: text, INSTR_3: text, INSTR_4: text,
		Column13: q.BeforeID, ID: q.BeforeID,
	})
	if err != nil {
		return nil, p.s.translate(err, "services")
	}
	return fromRows(rows, serviceFromRow), nil
}

func serviceFromRow(r dbsqlc.Service) *provisioning.Service {
	return &provisioning.Service{
		ID: r.ID, SubscriptionID: r.SubscriptionID.Int64, CustomerID: r.CustomerID, PlanID: r.PlanID,
		Type: r.ServiceType, Platform: provisioning.Platform(r.Platform), ExternalID: r.ExternalID,
		Status: provisioning.ServiceStatus(r.Status), Hostname: r.Hostname, IPv4: r.Ipv4, IPv6: r.Ipv6,
		ProvisionedAt: timeOf(r.ProvisionedAt), SuspendedAt: timeOf(r.SuspendedAt), TerminatedAt: timeOf(r.TerminatedAt),
		PanelPlan: r.PanelPlan, OSTemplate: r.OsTemplate, Username: r.Username, Credentials: r.CredentialsEnc,
		NeedsHardware: r.NeedsHardware, HardwareID: r.HardwareID, LastError: r.LastError, AutoRenew: r.AutoRenew,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// GetProduct returns how a plan is provisioned.
func (p *ProvisioningStore) GetProduct(ctx context.Context, planID int64) (*provisioning.Product, error) {
	r, err := p.s.q.PanelProductGet(ctx, planID)
	if err != nil {
		return nil, p.s.translate(err, "panel mapping of the plan")
	}
	return &provisioning.Product{PlanID: r.PlanID, Platform: provisioning.Platform(r.Platform), PanelPlan: r.PanelPlan, OSTemplate: r.OsTemplate}, nil
}

// ListProducts returns every plan's panel mapping, by plan.
func (p *ProvisioningStore) ListProducts(ctx context.Context) ([]*provisioning.Product, error) {
	rows, err := p.s.q.PanelProductList(ctx)
	if err != nil {
		return nil, p.s.translate(err, "panel mappings")
	}
	out := make([]*provisioning.Product, 0, len(rows))
	for _, r := range rows {
		out = append(out, &provisioning.Product{PlanID: r.PlanID, Platform: provisioning.Platform(r.Platform), PanelPlan: r.PanelPlan, OSTemplate: r.OsTemplate})
	}
	return out, nil
}

// SaveProduct sets how a plan is provisioned, replacing any earlier
// mapping.
func (p *ProvisioningStore) SaveProduct(ctx context.Context, v *provisioning.Product) error {
	if err := v.Validate(); err != nil {
		return err
	}
	return p.s.inTx(ctx, func(t *Store) error {
		if err := t.q.PanelProductDelete(ctx, v.PlanID); err != nil {
			return t.translate(err, "panel mapping")
		}
		err := t.q.PanelProductInsert(ctx, dbsqlc.PanelProductInsertParams{
			PlanID: v.PlanID, Platform: string(v.Platform), PanelPlan: v.PanelPlan, OsTemplate: v.OSTemplate,
		})
		return t.translate(err, "panel mapping")
	})
}

// AddLog appends a provisioning log row.
func (p *ProvisioningStore) AddLog(ctx context.Context, e *provisioning.LogEntry) error {
	err := p.s.writeQ().ProvisioningLogInsert(ctx, dbsqlc.ProvisioningLogInsertParams{
		ServiceID: e.ServiceID, Action: e.Action, RequestSummary: e.RequestSummary, Response: e.Response,
		Error: e.Error, DurationMs: e.Duration.Milliseconds(), AdminID: nullID(e.AdminID), CreatedAt: e.CreatedAt.UTC(),
	})
	return p.s.translate(err, "provisioning log")
}

// ListLog returns a service's latest 200 log rows, newest first.
func (p *ProvisioningStore) ListLog(ctx context.Context, serviceID int64) ([]*provisioning.LogEntry, error) {
	rows, err := p.s.q.ProvisioningLogList(ctx, serviceID)
	if err != nil {
		return nil, p.s.translate(err, "provisioning log")
	}
	return fromRows(rows, func(r dbsqlc.ProvisioningLog) *provisioning.LogEntry {
		return &provisioning.LogEntry{
			ServiceID: r.ServiceID, Action: r.Action, RequestSummary: r.RequestSummary, Response: r.Response,
			Error: r.Error, Duration: time.Duration(r.DurationMs) * time.Millisecond, AdminID: r.AdminID.Int64,
			CreatedAt: r.CreatedAt.UTC(),
		}
	}), nil
}

// EnqueueJob writes a job in the current transaction.
func (p *ProvisioningStore) EnqueueJob(ctx context.Context, j *platform.Job) error {
	return p.s.EnqueueJob(ctx, j)
}

// AppendAudit appends to the audit log in the current transaction.
func (p *ProvisioningStore) AppendAudit(ctx context.Context, e identity.AuditEntry) error {
	return (&IdentityStore{s: p.s}).Append(ctx, e)
}
