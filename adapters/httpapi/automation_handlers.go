package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/jobqueue"
	"ezscale.cloud/platform/provisioning"
)

// Queue is what the automation status view and the dead-letter retry
// need; the SQL stores implement it.
type Queue interface {
	jobqueue.StatusStore
	ReviveJob(ctx context.Context, id int64, now time.Time) error
}

type scheduleBody struct {
	Name       string    `json:"name"`
	Worker     string    `json:"worker"`
	LastRunAt  time.Time `json:"last_run_at"`
	DurationMS int64     `json:"duration_ms"`
	LastError  string    `json:"last_error,omitempty"`
	Failures   int64     `json:"failures"`
}

type jobBody struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	CreatedAt time.Time `json:"created_at"`
}

type automationOutput struct {
	Body struct {
		Schedules []scheduleBody   `json:"schedules"`
		Jobs      map[string]int64 `json:"jobs" doc:"Jobs by status: pending, running, done, dead."`
		Dead      []jobBody        `json:"dead"`
	}
}

type serviceFilterInput struct {
	CustomerID    int64  `query:"customer_id"`
	Status        string `query:"status" enum:"pending,provisioning,active,suspended,terminated,failed,"`
	NeedsHardware bool   `query:"needs_hardware" doc:"Only orders waiting for staff to assign a dedicated server."`
	Platform      string `query:"platform" enum:"virtfusion,pterodactyl,synergycp,enhance,sandbox,"`
	Q             string `query:"q" maxLength:"191" doc:"Part of the host name, an IP address or the panel's id."`
	BeforeID      int64  `query:"before_id" doc:"Continue after the last service of the previous page."`
}

type serviceActionInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Action string `json:"action" enum:"provision,suspend,unsuspend,terminate,change_plan"`
		Reason string `json:"reason,omitempty" maxLength:"500"`
	}
}

type hardwareInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		HardwareID string `json:"hardware_id" minLength:"1" maxLength:"64" doc:"The panel's id of the free server to provision on."`
	}
}

type panelProductInput struct {
	request
	ID   int64 `path:"id" doc:"The plan."`
	Body struct {
		Platform   string `json:"platform" enum:"virtfusion,pterodactyl,synergycp,enhance,sandbox"`
		PanelPlan  string `json:"panel_plan" minLength:"1" maxLength:"191" doc:"The panel's package, egg or plan id."`
		OSTemplate string `json:"os_template,omitempty" maxLength:"191"`
	}
}

type planPanelBody struct {
	PlanID     int64  `json:"plan_id"`
	Platform   string `json:"platform"`
	PanelPlan  string `json:"panel_plan"`
	OSTemplate string `json:"os_template,omitempty"`
}

type planPanelsOutput struct {
	Body struct {
		Mappings []planPanelBody `json:"mappings"`
	}
}

type platformInput struct {
	Platform string `path:"platform" enum:"virtfusion,pterodactyl,synergycp,enhance,sandbox"`
}

type logBody struct {
	Action         string    `json:"action"`
	RequestSummary string    `json:"request_summary"`
	Response       string    `json:"response,omitempty"`
	Error          string    `json:"error,omitempty"`
	DurationMS     int64     `json:"duration_ms"`
	AdminID        int64     `json:"admin_id,omitempty"`
	At             time.Time `json:"at"`
}

type logOutput struct {
	Body struct {
		Entries []logBody `json:"entries"`
	}
}

// permitted refuses a staff member without the permission.
func permitted(ctx context.Context, perm identity.Permission) error {
	if !principalFrom(ctx).user.Can(perm) {
		return platform.Errorf(platform.EFORBIDDEN, "this needs the %s permission", perm)
	}
	return nil
}

// registerAutomation mounts the staff's view of the automation: the
// schedules' last runs, the queue and its dead letters, the services with
// their provisioning log, and the actions staff take on them.
func (s *Server) registerAutomation(m *provisioning.Manager, store provisioning.Store, namer PlanNamer, queue Queue, audit identity.AuditLog, clock platform.Clock) {
	staff := access{staff: true, scope: identity.ScopeAdmin}
	humaop.Register(s.api, huma.Operation{
		OperationID: "automation-status", Method: http.MethodGet, Path: adminPrefix + "automation", Tags: []string{"admin"},
		Summary: "Scheduled runs, queue size and dead-lettered jobs", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*automationOutput, error) {
		st, err := jobqueue.ReadStatus(ctx, queue)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &automationOutput{}
		out.Body.Schedules, out.Body.Dead, out.Body.Jobs = []scheduleBody{}, []jobBody{}, st.Jobs
		for _, r := range st.Schedules {
			out.Body.Schedules = append(out.Body.Schedules, scheduleBody{Name: r.Name, Worker: r.Worker, LastRunAt: r.StartedAt,
				DurationMS: r.Duration.Milliseconds(), LastError: r.Error, Failures: r.Failures})
		}
		for _, j := range st.Dead {
			out.Body.Dead = append(out.Body.Dead, jobBody{ID: j.ID, Kind: j.Kind, Attempts: j.Attempts, LastError: j.LastError, CreatedAt: j.CreatedAt})
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "retry-job", Method: http.MethodPost, Path: adminPrefix + "jobs/{id}/retry", Tags: []string{"admin"},
		Summary: "Give a dead-lettered job a fresh set of attempts", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *idInput) (*struct{}, error) {
		return nil, apiError(s.log, s.applyStaffChange(ctx, in.request, audit, clock, staffChange{
			perm: identity.PermServicesProvision, action: "job.retry", resourceType: "job",
			change: func(int64) (string, error) {
				return strconv.FormatInt(in.ID, 10), queue.ReviveJob(ctx, in.ID, clock.Now())
			},
		}))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "admin-list-services", Method: http.MethodGet, Path: adminPrefix + "services", Tags: []string{"admin"},
		Summary:     "Find services, e.g. the orders waiting for hardware, newest first",
		Description: fmt.Sprintf("One page of %d; a shorter page is the last.", provisioning.ServicePageSize),
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *serviceFilterInput) (*servicesOutput, error) {
		list, err := store.SearchServices(ctx, provisioning.ServiceSearch{
			ServiceFilter: provisioning.ServiceFilter{CustomerID: in.CustomerID, Status: provisioning.ServiceStatus(in.Status), NeedsHardware: in.NeedsHardware},
			Platform:      provisioning.Platform(in.Platform), Text: in.Q, BeforeID: in.BeforeID,
		})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &servicesOutput{}
		if out.Body.Services, err = servicesOut(ctx, namer, list, true); err != nil {
			return nil, apiError(s.log, err)
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "service-log", Method: http.MethodGet, Path: adminPrefix + "services/{id}/log", Tags: []string{"admin"},
		Summary: "A service's panel calls, newest first", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *idInput) (*logOutput, error) {
		entries, err := store.ListLog(ctx, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &logOutput{}
		out.Body.Entries = []logBody{}
		for _, e := range entries {
			out.Body.Entries = append(out.Body.Entries, logBody{Action: e.Action, RequestSummary: e.RequestSummary, Response: e.Response,
				Error: e.Error, DurationMS: e.Duration.Milliseconds(), AdminID: e.AdminID, At: e.CreatedAt})
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "service-action", Method: http.MethodPost, Path: adminPrefix + "services/{id}/actions", Tags: []string{"admin"},
		Summary: "Provision, suspend, unsuspend, terminate or re-plan a service", DefaultStatus: http.StatusAccepted,
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *serviceActionInput) (*struct{}, error) {
		perm := identity.PermServicesProvision
		if in.Body.Action == string(provisioning.AdminTerminate) {
			perm = identity.PermServicesTerminate
		}
		if err := permitted(ctx, perm); err != nil {
			return nil, apiError(s.log, err)
		}
		return nil, apiError(s.log, m.Request(ctx, principalFrom(ctx).user.ID, in.ID, provisioning.AdminAction(in.Body.Action), in.Body.Reason))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "assign-hardware", Method: http.MethodPost, Path: adminPrefix + "services/{id}/hardware", Tags: []string{"admin"},
		Summary: "Assign a free dedicated server to an order waiting for hardware", DefaultStatus: http.StatusAccepted,
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *hardwareInput) (*struct{}, error) {
		if err := permitted(ctx, identity.PermServicesProvision); err != nil {
			return nil, apiError(s.log, err)
		}
		return nil, apiError(s.log, m.AssignHardware(ctx, principalFrom(ctx).user.ID, in.ID, in.Body.HardwareID))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "test-panel", Method: http.MethodPost, Path: adminPrefix + "panels/{platform}/test", Tags: []string{"admin"},
		Summary: "Check that a panel answers and accepts our credentials", DefaultStatus: http.StatusNoContent,
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *platformInput) (*struct{}, error) {
		return nil, apiError(s.log, m.TestPanel(ctx, provisioning.Platform(in.Platform)))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "plan-panels", Method: http.MethodGet, Path: adminPrefix + "plans/panels", Tags: []string{"admin"},
		Summary: "Which panel and panel plan each plan provisions on", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*planPanelsOutput, error) {
		products, err := store.ListProducts(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &planPanelsOutput{}
		out.Body.Mappings = make([]planPanelBody, 0, len(products))
		for _, p := range products {
			out.Body.Mappings = append(out.Body.Mappings, planPanelBody{PlanID: p.PlanID, Platform: string(p.Platform), PanelPlan: p.PanelPlan, OSTemplate: p.OSTemplate})
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "set-plan-panel", Method: http.MethodPut, Path: adminPrefix + "plans/{id}/panel", Tags: []string{"admin"},
		Summary: "Say which panel and panel plan a plan provisions on", DefaultStatus: http.StatusNoContent,
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *panelProductInput) (*struct{}, error) {
		p := &provisioning.Product{PlanID: in.ID, Platform: provisioning.Platform(in.Body.Platform), PanelPlan: in.Body.PanelPlan, OSTemplate: in.Body.OSTemplate}
		return nil, apiError(s.log, s.applyStaffChange(ctx, in.request, audit, clock, staffChange{
			perm: identity.PermSettingsWrite, action: "plan.panel", resourceType: "plan", details: in.Body,
			change: func(int64) (string, error) { return strconv.FormatInt(in.ID, 10), store.SaveProduct(ctx, p) },
		}))
	})
}
