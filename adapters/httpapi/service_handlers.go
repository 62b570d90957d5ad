package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/provisioning"
)

// serviceBody is a service as the API shows it. Credentials never appear
// here: the "service ready" email carries the first password.
type serviceBody struct {
	ID             int64     `json:"id"`
	SubscriptionID int64     `json:"subscription_id"`
	CustomerID     int64     `json:"customer_id"`
	PlanID         int64     `json:"plan_id"`
	PlanName       string    `json:"plan_name,omitempty" doc:"The plan's name, as the catalog shows it."`
	Type           string    `json:"type"`
	Platform       string    `json:"platform"`
	Status         string    `json:"status"`
	Hostname       string    `json:"hostname,omitempty"`
	IPv4           string    `json:"ipv4,omitempty"`
	IPv6           string    `json:"ipv6,omitempty"`
	Username       string    `json:"username,omitempty"`
	ExternalID     string    `json:"external_id,omitempty"`
	NeedsHardware  bool      `json:"needs_hardware,omitempty"`
	HardwareID     string    `json:"hardware_id,omitempty"`
	LastError      string    `json:"last_error,omitempty"`
	ProvisionedAt  time.Time `json:"provisioned_at,omitzero"`
	SuspendedAt    time.Time `json:"suspended_at,omitzero"`
	TerminatedAt   time.Time `json:"terminated_at,omitzero"`
}

func serviceOut(s *provisioning.Service, staff bool) serviceBody {
	b := serviceBody{
		ID: s.ID, SubscriptionID: s.SubscriptionID, CustomerID: s.CustomerID, PlanID: s.PlanID, Type: s.Type,
		Platform: string(s.Platform), Status: string(s.Status), Hostname: s.Hostname, IPv4: s.IPv4, IPv6: s.IPv6,
		Username: s.Username, ProvisionedAt: s.ProvisionedAt, SuspendedAt: s.SuspendedAt, TerminatedAt: s.TerminatedAt,
	}
	if staff { // panel internals and errors are for staff
		b.ExternalID, b.NeedsHardware, b.HardwareID, b.LastError = s.ExternalID, s.NeedsHardware, s.HardwareID, s.LastError
	}
	return b
}

// PlanNamer names the plans services are on; the Catalog does.
type PlanNamer interface {
	// PlanNames names every plan, retired ones included.
	PlanNames(ctx context.Context) (map[int64]string, error)
}

type servicesOutput struct {
	Body struct {
		Services []serviceBody `json:"services"`
	}
}

// servicesOut describes services with their plans' names, in one query
// whatever their number; without a namer (no catalog mounted) the names
// are left out.
func servicesOut(ctx context.Context, namer PlanNamer, list []*provisioning.Service, staff bool) ([]serviceBody, error) {
	out := []serviceBody{}
	if len(list) == 0 {
		return out, nil
	}
	var names map[int64]string
	if namer != nil {
		var err error
		if names, err = namer.PlanNames(ctx); err != nil {
			return nil, err
		}
	}
	for _, s := range list {
		b := serviceOut(s, staff)
		b.PlanName = names[s.PlanID]
		out = append(out, b)
	}
	return out, nil
}

type powerInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Action string `json:"action" enum:"start,stop,restart"`
	}
}

type resourceStatusOutput struct {
	Body struct {
		Online         bool    `json:"online"`
		CPUPercent     float64 `json:"cpu_percent"`
		RAMBytes       int64   `json:"ram_bytes"`
		DiskBytes      int64   `json:"disk_bytes"`
		BandwidthBytes int64   `json:"bandwidth_bytes"`
	}
}

type loginURLOutput struct {
	Body struct {
		URL string `json:"url"`
	}
}

// caller is the principal as provisioning sees it: staff act on any
// service, a customer only on their own.
func caller(ctx context.Context) provisioning.Caller {
	p := principalFrom(ctx)
	return provisioning.Caller{UserID: p.user.ID, Staff: p.actor().IsStaff() && !p.actor().Impersonating()}
}

// registerServices mounts the customer's service operations: list, live
// status, power and panel sign-on, each on the caller's own services.
func (s *Server) registerServices(m *provisioning.Manager, store provisioning.Store, namer PlanNamer) {
	read := access{scope: identity.ScopeServicesRead}
	write := access{scope: identity.ScopeServicesWrite}
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-services", Method: http.MethodGet, Path: APIPrefix + "/services", Tags: []string{"services"},
		Summary: "List your services", Middlewares: huma.Middlewares{s.guard(read)},
	}, func(ctx context.Context, _ *struct{}) (*servicesOutput, error) {
		list, err := store.ListServices(ctx, provisioning.ServiceFilter{CustomerID: principalFrom(ctx).user.ID})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &servicesOutput{}
		if out.Body.Services, err = servicesOut(ctx, namer, list, false); err != nil {
			return nil, apiError(s.log, err)
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "service-status", Method: http.MethodGet, Path: APIPrefix + "/services/{id}/status", Tags: []string{"services"},
		Summary: "Read a service's live state from its panel", Middlewares: huma.Middlewares{s.guard(read)},
	}, func(ctx context.Context, in *idInput) (*resourceStatusOutput, error) {
		st, err := m.Status(ctx, caller(ctx), in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &resourceStatusOutput{}
		out.Body.Online, out.Body.CPUPercent, out.Body.RAMBytes = st.Online, st.CPUPercent, st.RAMBytes
		out.Body.DiskBytes, out.Body.BandwidthBytes = st.DiskBytes, st.BandwidthBytes
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "service-power", Method: http.MethodPost, Path: APIPrefix + "/services/{id}/power", Tags: []string{"services"},
		Summary: "Start, stop or restart a service", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *powerInput) (*struct{}, error) {
		return nil, apiError(s.log, m.Power(ctx, caller(ctx), in.ID, provisioning.PowerAction(in.Body.Action)))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "service-login", Method: http.MethodPost, Path: APIPrefix + "/services/{id}/login", Tags: []string{"services"},
		Summary: "Get a single sign-on link into the service's control panel", Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *idInput) (*loginURLOutput, error) {
		link, err := m.LoginURL(ctx, caller(ctx), in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &loginURLOutput{}
		out.Body.URL = link
		return out, nil
	})
}
