package provisioning

import (
	"context"
	"encoding/json"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/identity"
)

// AdminAction is a staff request on a service. It goes through the same
// jobs as the automatic flows, so a manual suspend is retried, logged and
// idempotent like a dunning one.
type AdminAction string

// The actions staff can ask for.
const (
	AdminProvision AdminAction = "provision"
	AdminSuspend   AdminAction = "suspend"
	AdminUnsuspend AdminAction = "unsuspend"
	AdminTerminate AdminAction = "terminate"
	AdminChange    AdminAction = "change_plan"
)

var adminJobKinds = map[AdminAction]string{
	AdminProvision: platform.JobServiceProvision,
	AdminSuspend:   platform.JobServiceSuspend,
	AdminUnsuspend: platform.JobServiceResume,
	AdminTerminate: platform.JobServiceTerminate,
	AdminChange:    platform.JobServiceChange,
}

// Request queues a staff action on a service and records it in the audit
// log in the same transaction.
func (m *Manager) Request(ctx context.Context, adminID, serviceID int64, action AdminAction, reason string) error {
	kind, ok := adminJobKinds[action]
	if !ok {
		return platform.Invalid("action", "unknown service action %q", action)
	}
	if adminID <= 0 {
		return platform.Invalid("admin_id", "the admin asking is required")
	}
	return m.cfg.Store.InTx(ctx, func(tx Store) error {
		s, err := tx.GetService(ctx, serviceID)
		if err != nil {
			return err
		}
		if action == AdminProvision && s.Status != ServicePending && s.Status != ServiceFailed && s.Status != ServiceProvisioning {
			return platform.Errorf(platform.ECONFLICT, "service %d is %s; only a pending, failed or stuck service can be provisioned", s.ID, s.Status)
		}
		now := m.cfg.Clock.Now()
		job := ServiceJob{ServiceID: s.ID, AdminID: adminID, Reason: reason}
		if err := enqueue(ctx, tx, kind, "", now, job); err != nil {
			return err
		}
		return m.audit(ctx, tx, adminID, "service."+string(action), s, map[string]any{"reason": reason})
	})
}

// AssignHardware gives a dedicated-server order that waits in the
// needs-hardware queue the machine staff chose, and queues its provision.
func (m *Manager) AssignHardware(ctx context.Context, adminID, serviceID int64, hardwareID string) error {
	if hardwareID == "" {
		return platform.Invalid("hardware_id", "choose the server to assign")
	}
	return m.cfg.Store.InTx(ctx, func(tx Store) error {
		s, err := tx.GetService(ctx, serviceID)
		if err != nil {
			return err
		}
		if !s.NeedsHardware {
			return platform.Errorf(platform.ECONFLICT, "service %d is not waiting for hardware", s.ID)
		}
		now := m.cfg.Clock.Now()
		s.HardwareID, s.UpdatedAt = hardwareID, now
		if err := tx.UpdateService(ctx, s); err != nil {
			return err
		}
		key := "service.provision:" + id(s.ID) + ":hardware:" + hardwareID
		if err := enqueue(ctx, tx, platform.JobServiceProvision, key, now, ServiceJob{ServiceID: s.ID, AdminID: adminID}); err != nil {
			return err
		}
		return m.audit(ctx, tx, adminID, "service.assign_hardware", s, map[string]any{"hardware_id": hardwareID})
	})
}

func (m *Manager) audit(ctx context.Context, tx Store, adminID int64, action string, s *Service, details map[string]any) error {
	after, err := json.Marshal(details)
	if err != nil {
		return err
	}
	return tx.AppendAudit(ctx, identity.AuditEntry{
		At: m.cfg.Clock.Now(), ActorID: adminID, Action: action,
		ResourceType: "service", ResourceID: id(s.ID), After: after,
	})
}

// Caller is who asks for a live action on a service: its customer, or
// staff acting for them.
type Caller struct {
	UserID int64
	Staff  bool
}

// live returns the service when the caller may act on it and it has a
// resource on a panel. A customer asking about another's service is told
// it does not exist.
func (m *Manager) live(ctx context.Context, c Caller, serviceID int64) (*Service, error) {
	s, err := m.cfg.Store.GetService(ctx, serviceID)
	if err != nil {
		return nil, err
	}
	if !c.Staff && s.CustomerID != c.UserID {
		return nil, platform.Errorf(platform.ENOTFOUND, "service %d not found", serviceID)
	}
	if s.Status != ServiceActive {
		return nil, platform.Errorf(platform.ECONFLICT, "service %d is %s", s.ID, s.Status)
	}
	return s, nil
}

func (c Caller) adminID() int64 {
	if c.Staff {
		return c.UserID
	}
	return 0
}

// Power starts, stops or restarts a service's resource.
func (m *Manager) Power(ctx context.Context, c Caller, serviceID int64, action PowerAction) error {
	if !action.Valid() {
		return platform.Invalid("action", "unknown power action %q", action)
	}
	s, err := m.live(ctx, c, serviceID)
	if err != nil {
		return err
	}
	return m.call(ctx, s, c.adminID(), "power", "action="+string(action), func(p Panel) (string, error) {
		return "", p.Power(ctx, s.ExternalID, action)
	})
}

// Status reads a service's live state from its panel.
func (m *Manager) Status(ctx context.Context, c Caller, serviceID int64) (ResourceStatus, error) {
	s, err := m.live(ctx, c, serviceID)
	if err != nil {
		return ResourceStatus{}, err
	}
	var st ResourceStatus
	err = m.call(ctx, s, c.adminID(), "status", "", func(p Panel) (string, error) {
		var callErr error
		st, callErr = p.Status(ctx, s.ExternalID)
		return "", callErr
	})
	return st, err
}

// LoginURL returns a single sign-on link into the service's panel.
func (m *Manager) LoginURL(ctx context.Context, c Caller, serviceID int64) (string, error) {
	s, err := m.live(ctx, c, serviceID)
	if err != nil {
		return "", err
	}
	var link string
	err = m.call(ctx, s, c.adminID(), "login_url", "", func(p Panel) (string, error) {
		var callErr error
		link, callErr = p.LoginURL(ctx, s.ExternalID)
		return "", callErr // the link is a credential: never logged
	})
	return link, err
}

// TestPanel checks that a platform's panel is reachable and accepts the
// configured credentials, for the admin's "test connection" button.
func (m *Manager) TestPanel(ctx context.Context, p Platform) error {
	panel, ok := m.panel(p)
	if !ok {
		return platform.Errorf(platform.ENOTFOUND, "no panel is configured for %q", p)
	}
	err := panel.TestConnection(ctx)
	if platform.ErrorCode(err) == platform.EUNAUTHORIZED {
		// The panel refused our key: a setting to fix, not the admin's
		// session to renew.
		return &platform.Error{Code: platform.EINVALID, Field: "api_key", Message: "the " + string(p) + " panel refused the configured API key", Err: err}
	}
	return err
}
