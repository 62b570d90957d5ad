package synergycp

import (
	"context"
	"fmt"
	"net/http"

	"ezscale.cloud/platform"
)

// suspensionReason is what SynergyCP shows staff and the client as the
// reason for a suspension the platform made.
const suspensionReason = "Suspended by billing"

// Suspend implements provisioning.Panel: it deactivates the client's
// access to the server. It is sent as an automatic suspension, which
// SynergyCP refuses for VIP clients; that refusal is ECONFLICT.
func (p *Panel) Suspend(ctx context.Context, externalID string) error {
	return p.setActive(ctx, externalID, false)
}

// Unsuspend implements provisioning.Panel.
func (p *Panel) Unsuspend(ctx context.Context, externalID string) error {
	return p.setActive(ctx, externalID, true)
}

// setActive patches the server's primary access to the state asked for,
// unless it is there already.
func (p *Panel) setActive(ctx context.Context, externalID string, active bool) error {
	r, err := parseRef(externalID)
	if err != nil {
		return err
	}
	srv, err := p.owned(ctx, r)
	if err != nil {
		return err
	}
	if bool(srv.Access.IsActive) == active {
		return nil
	}
	body := map[string]any{"is_active": true}
	if !active {
		body = map[string]any{"is_active": false, "suspension_reason": suspensionReason, "auto": true}
	}
	return p.api.call(ctx, http.MethodPatch, fmt.Sprintf("server/%d/access/%d", srv.ID, srv.Access.ID), nil, body, nil)
}

// Terminate implements provisioning.Panel. SynergyCP servers are not
// deleted: an automatic wipe erases the disks and returns the machine to
// the inventory, as the WHMCS module's terminate does. A server already
// gone, wiped, or assigned to another service is left alone.
func (p *Panel) Terminate(ctx context.Context, externalID string) error {
	r, err := parseRef(externalID)
	if err != nil {
		return err
	}
	srv, err := p.owned(ctx, r)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	return p.api.call(ctx, http.MethodPatch, fmt.Sprintf("server/%d", srv.ID), nil, map[string]any{"wiped": true, "auto": true}, nil)
}
