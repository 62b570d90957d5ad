package httpapi

import (
	"context"
	"encoding/json"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/identity"
)

// staffChange is one change a staff member makes through the API: the
// permission it needs, what the audit log calls it, and the change itself,
// which reports the id of the resource it changed or made.
type staffChange struct {
	perm         identity.Permission
	action       string
	resourceType string
	// details are recorded as the entry's "after" snapshot; never secrets.
	details any
	change  func(adminID int64) (resourceID string, err error)
}

// applyStaffChange checks the permission, makes the change and records it
// in the audit log with who made it and from where.
func (s *Server) applyStaffChange(ctx context.Context, rq request, audit identity.AuditLog, clock platform.Clock, c staffChange) error {
	if err := permitted(ctx, c.perm); err != nil {
		return err
	}
	adminID := principalFrom(ctx).user.ID
	id, err := c.change(adminID)
	if err != nil {
		return err
	}
	after, err := json.Marshal(c.details)
	if err != nil {
		return err
	}
	meta := s.meta(rq.r)
	return audit.Append(ctx, identity.AuditEntry{At: clock.Now(), ActorID: adminID, Action: c.action,
		ResourceType: c.resourceType, ResourceID: id, IP: meta.IP, UserAgent: meta.UserAgent, After: after})
}
