package synergycp

import (
	"context"
	"fmt"
	"net/http"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// ChangePlan implements provisioning.Panel for dedicated hardware, where
// a plan is a machine: no API call adds memory or disks to a server. A
// change is therefore allowed only between plans the server's own hardware
// satisfies (same parts and IP group), and then sets what SynergyCP keeps
// per server, the billing bandwidth limit (PATCH server/{id}
// {"billing": {"max_bandwidth"}}, as the admin panel's billing-limits
// dialog sends it). A plan that needs other hardware is ENEEDSHARDWARE:
// staff must move the service to another machine. Port speed and IP
// allocation stay as provisioned, since the integration documents no call
// to change them on an assigned server; options are not used, as a
// dedicated plan's options are its hardware.
func (p *Panel) ChangePlan(ctx context.Context, externalID, planCode string, options map[string]int64) error {
	plan, err := p.plan(planCode)
	if err != nil {
		return err
	}
	r, err := parseRef(externalID)
	if err != nil {
		return err
	}
	srv, err := p.owned(ctx, r)
	if err != nil {
		return err
	}
	fits, err := p.hardwareFits(ctx, r, plan)
	if err != nil {
		return err
	}
	if !fits {
		return platform.Errorf(provisioning.ENEEDSHARDWARE,
			"synergycp server %d does not have plan %s's hardware; staff must move the service to a matching server", srv.ID, planCode)
	}
	body := map[string]any{"billing": map[string]any{"max_bandwidth": plan.MaxBandwidth}}
	return p.api.call(ctx, http.MethodPatch, fmt.Sprintf("server/%d", srv.ID), nil, body, nil)
}

// hardwareFits asks SynergyCP whether the server is among the servers
// with the plan's exact hardware, using the inventory search's own filters
// so that the panel, not the adapter, decides what matches.
func (p *Panel) hardwareFits(ctx context.Context, r ref, plan Plan) (bool, error) {
	filters := hardwareFilters(plan)
	filters.Set("billing_id", r.billingID())
	fits := false
	err := each(ctx, p.api, "server", filters, pageSize, func(s server) bool {
		fits = s.ID == r.server
		return !fits
	})
	return fits, err
}
