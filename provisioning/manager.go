package provisioning

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// ServiceJob is the payload of the service.* jobs. Billing names the
// subscription; staff actions name the service and the admin who asked.
type ServiceJob struct {
	ServiceID      int64  `json:"service_id,omitempty"`
	SubscriptionID int64  `json:"subscription_id,omitempty"`
	AdminID        int64  `json:"admin_id,omitempty"`
	Reason         string `json:"reason,omitempty"`
}

// Config wires a Manager.
type Config struct {
	Store   Store
	Billing Billing
	Sealer  Sealer
	// Panels maps each platform to its configured adapter.
	Panels map[Platform]Panel
	Clock  platform.Clock
	// ObservePanelCall, when set, hears of every panel call: the platform,
	// the action, its error (nil on success) and how long it took; the
	// apps count them for their metrics.
	ObservePanelCall func(p Platform, action string, err error, took time.Duration)
}

// Manager runs the service lifecycle: it turns paid subscriptions into
// resources on panels and carries suspensions, plan changes and
// terminations to them. Every use case may run more than once (the job
// worker retries after crashes), so each checks the service's state first
// and every panel call it makes is one the port promises is safe to repeat.
type Manager struct {
	cfg Config
	// panels is swapped whole when staff change a panel connection; a
	// call in flight finishes on the panel it started with.
	panels atomic.Pointer[map[Platform]Panel]
}

// NewManager returns a manager; Store, Billing, Sealer and Clock are
// required.
func NewManager(cfg Config) *Manager {
	if cfg.Clock == nil {
		cfg.Clock = platform.SystemClock{}
	}
	m := &Manager{cfg: cfg}
	m.SetPanels(cfg.Panels)
	return m
}

// SetPanels replaces the platforms' panels, for connections changed while
// the process runs.
func (m *Manager) SetPanels(panels map[Platform]Panel) {
	m.panels.Store(&panels)
}

func (m *Manager) panel(p Platform) (Panel, bool) {
	panel, ok := (*m.panels.Load())[p]
	return panel, ok
}

// OnSubscriptionPaid creates the service of a subscription whose invoice
// was paid, with its provision job, unless it already has one. A plan with
// no panel mapping (a manual product) gets no service.
func (m *Manager) OnSubscriptionPaid(ctx context.Context, subscriptionID int64) error {
	sub, err := m.cfg.Billing.GetSubscription(ctx, subscriptionID)
	if err != nil {
		return err
	}
	if sub.Status != billing.SubActive {
		return nil
	}
	product, err := m.cfg.Store.GetProduct(ctx, sub.PlanID)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	plan, err := m.cfg.Billing.GetPlan(ctx, sub.PlanID)
	if err != nil {
		return err
	}
	now := m.cfg.Clock.Now()
	err = m.cfg.Store.InTx(ctx, func(tx Store) error {
		if _, err := tx.ServiceForSubscription(ctx, sub.ID); platform.ErrorCode(err) != platform.ENOTFOUND {
			return err // nil when it exists: an earlier run made it
		}
		svc := &Service{
			SubscriptionID: sub.ID, CustomerID: sub.CustomerID, PlanID: sub.PlanID, Type: string(plan.Type),
			Platform: product.Platform, Status: ServicePending, PanelPlan: product.PanelPlan,
			OSTemplate: product.OSTemplate, AutoRenew: !sub.CancelAtPeriodEnd, CreatedAt: now, UpdatedAt: now,
			NeedsHardware: sub.Backordered,
		}
		if err := tx.CreateService(ctx, svc); err != nil {
			return err
		}
		return enqueue(ctx, tx, platform.JobServiceProvision, "service.provision:"+id(svc.ID), now, ServiceJob{ServiceID: svc.ID})
	})
	if platform.ErrorCode(err) == platform.ECONFLICT {
		return nil // a concurrent run created it
	}
	return err
}

// Provision creates the service's resource on its panel and, once the
// panel has it, marks the service active and queues the "service ready"
// email in the same transaction, so the email is queued exactly once.
// final says this is the job's last attempt: a failure then marks the
// service failed and alerts staff.
func (m *Manager) Provision(ctx context.Context, job ServiceJob, final bool) error {
	svc, err := m.cfg.Store.GetService(ctx, job.ServiceID)
	if err != nil {
		return err
	}
	switch {
	case svc.Status == ServiceActive || svc.Status == ServiceSuspended || svc.Status == ServiceTerminated:
		return nil // done by an earlier run, or cancelled
	case svc.NeedsHardware && svc.HardwareID == "":
		return nil // waits in the needs-hardware queue for staff
	}
	password, err := m.prepare(ctx, svc)
	if err != nil {
		return err
	}
	req, err := m.createRequest(ctx, svc, password)
	if err != nil {
		return err
	}
	var res CreateResult
	summary := fmt.Sprintf("plan=%s os=%s hostname=%s hardware=%s", req.PlanCode, req.OSTemplate, req.Hostname, req.HardwareID)
	err = m.call(ctx, svc, job.AdminID, "create", summary, func(p Panel) (string, error) {
		var err error
		res, err = p.Create(ctx, req)
		return "external_id=" + res.ExternalID, err
	})
	switch {
	case platform.ErrorCode(err) == ENEEDSHARDWARE:
		return m.update(ctx, svc.ID, func(tx Store, s *Service) error {
			s.NeedsHardware, s.HardwareID, s.LastError = true, "", err.Error()
			return nil
		})
	case err != nil && final:
		return m.failProvisioning(ctx, svc.ID, err)
	case err != nil:
		return err
	}
	return m.update(ctx, svc.ID, func(tx Store, s *Service) error {
		if s.Status == ServiceActive {
			return nil
		}
		if err := s.TransitionTo(ServiceActive, m.cfg.Clock.Now()); err != nil {
			return err // terminated while the panel worked: terminate's job removes it
		}
		s.ExternalID, s.IPv4, s.IPv6, s.Username = res.ExternalID, res.IPv4, res.IPv6, res.Username
		if res.Password != "" {
			s.Credentials = m.seal(s.ID, res.Password)
		}
		s.NeedsHardware, s.LastError = false, ""
		return enqueue(ctx, tx, platform.JobEmailServiceReady, "email.service_ready:"+id(s.ID), m.cfg.Clock.Now(), ServiceJob{ServiceID: s.ID})
	})
}

// prepare moves the service to provisioning and makes its password once,
// before the panel call, so every retry sends the same one.
func (m *Manager) prepare(ctx context.Context, svc *Service) (string, error) {
	var sealed string
	err := m.update(ctx, svc.ID, func(tx Store, s *Service) error {
		if s.Status == ServicePending || s.Status == ServiceFailed {
			if err := s.TransitionTo(ServiceProvisioning, m.cfg.Clock.Now()); err != nil {
				return err
			}
		}
		if s.Credentials == "" {
			pw, err := GeneratePassword()
			if err != nil {
				return err
			}
			s.Credentials = m.seal(s.ID, pw)
		}
		*svc = *s
		sealed = s.Credentials
		return nil
	})
	if err != nil {
		return "", err
	}
	pw, err := m.cfg.Sealer.Open(sealed, credentialsAAD(svc.ID))
	return string(pw), err
}

// failProvisioning marks a service whose create gave up and alerts staff.
func (m *Manager) failProvisioning(ctx context.Context, serviceID int64, cause error) error {
	err := m.update(ctx, serviceID, func(tx Store, s *Service) error {
		if s.Status != ServiceProvisioning {
			return nil
		}
		if err := s.TransitionTo(ServiceFailed, m.cfg.Clock.Now()); err != nil {
			return err
		}
		s.LastError = cause.Error()
		return m.alert(ctx, tx, s, "create", cause)
	})
	if err != nil {
		return err
	}
	return cause
}

// createRequest gathers what the panel needs from billing.
func (m *Manager) createRequest(ctx context.Context, svc *Service, password string) (CreateRequest, error) {
	sub, err := m.cfg.Billing.GetSubscription(ctx, svc.SubscriptionID)
	if err != nil {
		return CreateRequest{}, err
	}
	options, err := m.options(ctx, sub)
	if err != nil {
		return CreateRequest{}, err
	}
	cust, err := m.cfg.Billing.GetCustomer(ctx, svc.CustomerID)
	if err != nil {
		return CreateRequest{}, err
	}
	req := CreateRequest{
		ServiceID: svc.ID, CustomerID: svc.CustomerID, CustomerEmail: cust.Email, PlanCode: svc.PanelPlan,
		Options: options, Hostname: svc.Hostname, OSTemplate: svc.OSTemplate, HardwareID: svc.HardwareID, Password: password,
	}
	return req, req.Validate()
}

// options turns the subscription's option choices into the option codes
// panels understand.
func (m *Manager) options(ctx context.Context, sub *billing.Subscription) (map[string]int64, error) {
	if len(sub.Options) == 0 {
		return nil, nil
	}
	plan, err := m.cfg.Billing.GetPlan(ctx, sub.PlanID)
	if err != nil {
		return nil, err
	}
	codes := map[int64]string{}
	for _, o := range plan.Options {
		codes[o.ID] = o.Code
	}
	out := map[string]int64{}
	for _, c := range sub.Options {
		if code, ok := codes[c.OptionID]; ok {
			out[code] = c.Units
		}
	}
	return out, nil
}

// Suspend suspends the service on its panel, then records it and emails
// the customer.
func (m *Manager) Suspend(ctx context.Context, job ServiceJob) error {
	svc, err := m.resolve(ctx, job)
	if svc == nil || err != nil {
		return err
	}
	if svc.Status != ServiceActive {
		return nil // already suspended, gone, or not on a panel yet
	}
	err = m.call(ctx, svc, job.AdminID, "suspend", "reason="+job.Reason, func(p Panel) (string, error) {
		return "", p.Suspend(ctx, svc.ExternalID)
	})
	if err != nil {
		return m.panelFailed(ctx, svc, "suspend", err)
	}
	return m.update(ctx, svc.ID, func(tx Store, s *Service) error {
		if s.Status != ServiceActive {
			return nil
		}
		now := m.cfg.Clock.Now()
		if err := s.TransitionTo(ServiceSuspended, now); err != nil {
			return err
		}
		key := id(s.ID) + ":" + strconv.FormatInt(now.Unix(), 10)
		payload := ServiceJob{ServiceID: s.ID, Reason: job.Reason, AdminID: job.AdminID}
		if err := enqueue(ctx, tx, platform.JobAlertServiceSuspended, "alert.service_suspended:"+key, now, payload); err != nil {
			return err
		}
		return enqueue(ctx, tx, platform.JobEmailServiceSuspended, "email.service_suspended:"+key, now, payload)
	})
}

// Unsuspend lifts a suspension on the panel and records it.
func (m *Manager) Unsuspend(ctx context.Context, job ServiceJob) error {
	svc, err := m.resolve(ctx, job)
	if svc == nil || err != nil {
		return err
	}
	if svc.Status != ServiceSuspended {
		return nil
	}
	err = m.call(ctx, svc, job.AdminID, "unsuspend", "reason="+job.Reason, func(p Panel) (string, error) {
		return "", p.Unsuspend(ctx, svc.ExternalID)
	})
	if err != nil {
		return m.panelFailed(ctx, svc, "unsuspend", err)
	}
	return m.update(ctx, svc.ID, func(tx Store, s *Service) error {
		if s.Status != ServiceSuspended {
			return nil
		}
		return s.TransitionTo(ServiceActive, m.cfg.Clock.Now())
	})
}

// Terminate destroys the service's resource and records it. A service the
// panel never made is terminated without a panel call.
func (m *Manager) Terminate(ctx context.Context, job ServiceJob) error {
	svc, err := m.resolve(ctx, job)
	if svc == nil || err != nil || svc.Status == ServiceTerminated {
		return err
	}
	if svc.ExternalID != "" {
		err = m.call(ctx, svc, job.AdminID, "terminate", "reason="+job.Reason, func(p Panel) (string, error) {
			return "", p.Terminate(ctx, svc.ExternalID)
		})
		if err != nil {
			return err // the port promises terminate succeeds on a gone resource: this is worth retrying
		}
	}
	return m.update(ctx, svc.ID, func(tx Store, s *Service) error {
		if s.Status == ServiceTerminated {
			return nil
		}
		now := m.cfg.Clock.Now()
		if err := s.TransitionTo(ServiceTerminated, now); err != nil {
			return err
		}
		payload := ServiceJob{ServiceID: s.ID, Reason: job.Reason, AdminID: job.AdminID}
		if err := enqueue(ctx, tx, platform.JobAlertServiceTerminated, "alert.service_terminated:"+id(s.ID), now, payload); err != nil {
			return err
		}
		if s.ExternalID == "" {
			return nil // never had a resource: nothing to tell the customer about
		}
		return enqueue(ctx, tx, platform.JobEmailServiceTerminated, "email.service_terminated:"+id(s.ID), now, payload)
	})
}

// ChangePlan moves the resource to the subscription's new plan after the
// change's invoice was paid. The subscription's plan, read now, is the one
// applied rather than the plan named when the job was queued, so when two
// changes race the later one wins on the panel too.
func (m *Manager) ChangePlan(ctx context.Context, job ServiceJob) error {
	svc, err := m.resolve(ctx, job)
	if svc == nil || err != nil {
		return err
	}
	sub, err := m.cfg.Billing.GetSubscription(ctx, svc.SubscriptionID)
	if err != nil {
		return err
	}
	product, err := m.cfg.Store.GetProduct(ctx, sub.PlanID)
	if err != nil {
		return err
	}
	options, err := m.options(ctx, sub)
	if err != nil {
		return err
	}
	if svc.ExternalID != "" && svc.Status != ServiceTerminated {
		err = m.call(ctx, svc, job.AdminID, "change_plan", "plan="+product.PanelPlan, func(p Panel) (string, error) {
			return "", p.ChangePlan(ctx, svc.ExternalID, product.PanelPlan, options)
		})
		if err != nil {
			return m.panelFailed(ctx, svc, "change_plan", err)
		}
	}
	return m.update(ctx, svc.ID, func(tx Store, s *Service) error {
		s.PlanID, s.PanelPlan = sub.PlanID, product.PanelPlan
		return nil
	})
}

// resolve finds the service a job is about. A subscription without a
// service (a manual product, or cancelled before payment) has nothing on
// a panel: resolve returns nil then.
func (m *Manager) resolve(ctx context.Context, job ServiceJob) (*Service, error) {
	if job.ServiceID != 0 {
		return m.cfg.Store.GetService(ctx, job.ServiceID)
	}
	svc, err := m.cfg.Store.ServiceForSubscription(ctx, job.SubscriptionID)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil, nil
	}
	return svc, err
}

// panelFailed handles a failed call on an existing resource. A resource
// the panel no longer has is not retried: the service keeps its status,
// records the loss and alerts staff, who decide what the customer is owed.
// Other failures are returned for the job worker to retry.
func (m *Manager) panelFailed(ctx context.Context, svc *Service, action string, err error) error {
	if platform.ErrorCode(err) != platform.ENOTFOUND {
		return err
	}
	return m.update(ctx, svc.ID, func(tx Store, s *Service) error {
		s.LastError = fmt.Sprintf("%s: the panel no longer has resource %s", action, s.ExternalID)
		return m.alert(ctx, tx, s, action, err)
	})
}

// update reads the service inside a transaction, lets change modify it and
// saves it.
func (m *Manager) update(ctx context.Context, serviceID int64, change func(tx Store, s *Service) error) error {
	return m.cfg.Store.InTx(ctx, func(tx Store) error {
		s, err := tx.GetService(ctx, serviceID)
		if err != nil {
			return err
		}
		if err := change(tx, s); err != nil {
			return err
		}
		s.UpdatedAt = m.cfg.Clock.Now()
		return tx.UpdateService(ctx, s)
	})
}

// call makes one panel call and writes its provisioning log row. The
// summary and response never carry secrets.
func (m *Manager) call(ctx context.Context, svc *Service, adminID int64, action, summary string, fn func(Panel) (string, error)) error {
	panel, ok := m.panel(svc.Platform)
	if !ok {
		return platform.Errorf(platform.EINTERNAL, "no panel is configured for %s", svc.Platform)
	}
	start := m.cfg.Clock.Now()
	response, err := fn(panel)
	entry := &LogEntry{
		ServiceID: svc.ID, Action: action, RequestSummary: summary, Response: response,
		Duration: m.cfg.Clock.Now().Sub(start), AdminID: adminID, CreatedAt: start,
	}
	if m.cfg.ObservePanelCall != nil {
		m.cfg.ObservePanelCall(svc.Platform, action, err, entry.Duration)
	}
	if err != nil {
		entry.Error = err.Error()
	}
	if logErr := m.cfg.Store.AddLog(ctx, entry); logErr != nil && err == nil {
		return logErr // the job retries; every panel call is safe to repeat
	}
	return err
}

func (m *Manager) alert(ctx context.Context, tx Store, s *Service, action string, cause error) error {
	now := m.cfg.Clock.Now()
	payload := map[string]any{"service_id": s.ID, "action": action, "error": cause.Error()}
	return enqueue(ctx, tx, platform.JobAlertProvisioningFailed, "", now, payload)
}

func (m *Manager) seal(serviceID int64, password string) string {
	return m.cfg.Sealer.Seal([]byte(password), credentialsAAD(serviceID))
}

// Password opens a service's stored password, for the "service ready"
// email and the customer's service page.
func (m *Manager) Password(s *Service) (string, error) {
	if s.Credentials == "" {
		return "", nil
	}
	pw, err := m.cfg.Sealer.Open(s.Credentials, credentialsAAD(s.ID))
	return string(pw), err
}

func credentialsAAD(serviceID int64) []byte { return []byte("service-credentials:" + id(serviceID)) }

func enqueue(ctx context.Context, tx Store, kind, dedupe string, now time.Time, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("job %s payload: %w", kind, err)
	}
	return tx.EnqueueJob(ctx, &platform.Job{Kind: kind, DedupeKey: dedupe, Payload: b, RunAt: now, CreatedAt: now})
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
