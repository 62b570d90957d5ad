package synergycp

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// provisionRequest is the body of POST server/provision, as the WHMCS
// module's ServerProvisioner sends it.
type provisionRequest struct {
	ClientID          int64            `json:"client_id"`
	ServerID          int64            `json:"server_id"`
	IPsBilling        string           `json:"ips_billing,omitempty"`
	PXEProfileBilling string           `json:"pxe_profile_billing"`
	PortSpeedBilling  string           `json:"port_speed_billing,omitempty"`
	Nickname          string           `json:"nickname"`
	Password          string           `json:"password,omitempty"`
	Billing           provisionBilling `json:"billing"`
	Access            provisionAccess  `json:"access"`
}

type provisionBilling struct {
	// ID is our service id: the key a repeated Create finds the server by.
	ID           string `json:"id"`
	MaxBandwidth string `json:"max_bandwidth,omitempty"`
}

type provisionAccess struct {
	PXE    bool `json:"pxe"`
	IPMI   bool `json:"ipmi"`
	Switch bool `json:"switch"`
}

// Create implements provisioning.Panel. It returns the server already
// provisioned for the service if there is one. Otherwise it takes the
// machine staff assigned (req.HardwareID) or a free machine matching the
// plan, and fails with ENEEDSHARDWARE, having changed nothing, when the
// inventory has none.
func (p *Panel) Create(ctx context.Context, req provisioning.CreateRequest) (provisioning.CreateResult, error) {
	if err := req.Validate(); err != nil {
		return provisioning.CreateResult{}, err
	}
	plan, err := p.plan(req.PlanCode)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	osProfile := req.OSTemplate
	if osProfile == "" {
		osProfile = plan.PXEProfileBilling
	}
	if osProfile == "" {
		return provisioning.CreateResult{}, platform.Invalid("os_template", "plan %s has no default OS and the order names none", req.PlanCode)
	}
	existing, found, err := p.provisionedFor(ctx, req.ServiceID)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	if found {
		return p.result(ctx, ref{server: existing.ID, service: req.ServiceID})
	}
	serverID, err := p.pickServer(ctx, req, plan)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	clientID, err := p.customer(ctx, req)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	nickname := req.Hostname
	if nickname == "" {
		nickname = fmt.Sprintf("service-%d", req.ServiceID)
	}
	body := provisionRequest{
		ClientID: clientID, ServerID: serverID,
		IPsBilling: plan.IPsBilling, PXEProfileBilling: osProfile, PortSpeedBilling: plan.PortSpeedBilling,
		Nickname: nickname, Password: req.Password,
		Billing: provisionBilling{ID: strconv.FormatInt(req.ServiceID, 10), MaxBandwidth: plan.MaxBandwidth},
		Access:  provisionAccess{PXE: plan.Access.PXE, IPMI: plan.Access.IPMI, Switch: plan.Access.Switch},
	}
	var out struct {
		Server server `json:"server"`
	}
	for tries := 1; ; tries++ {
		err := p.api.call(ctx, http.MethodPost, "server/provision", nil, body, &out)
		if err == nil {
			break
		}
		// Another order may have taken the machine since the search;
		// the next free one will do, unless staff chose this one.
		if req.HardwareID != "" || tries == maxProvisionTries || !p.takenMeanwhile(ctx, body.ServerID, body.Billing.ID) {
			return provisioning.CreateResult{}, err
		}
		if body.ServerID, err = p.pickServer(ctx, req, plan); err != nil {
			return provisioning.CreateResult{}, err
		}
	}
	return p.result(ctx, ref{server: out.Server.ID, service: req.ServiceID})
}

// maxProvisionTries bounds how often Create looks for another machine
// when the one it found was taken before it could provision it.
const maxProvisionTries = 3

// takenMeanwhile reports whether a server is now assigned under another
// billing id than ours.
func (p *Panel) takenMeanwhile(ctx context.Context, serverID int64, billingID string) bool {
	var srv server
	err := p.api.call(ctx, http.MethodGet, fmt.Sprintf("server/%d", serverID), nil, nil, &srv)
	return err == nil && srv.Access != nil && string(srv.Billing.ID) != billingID
}

// pickServer returns the machine to provision: the one staff assigned,
// which must be free, or the first free one matching the plan.
func (p *Panel) pickServer(ctx context.Context, req provisioning.CreateRequest, plan Plan) (int64, error) {
	if req.HardwareID == "" {
		id, found, err := p.freeServer(ctx, plan)
		if err == nil && !found {
			err = platform.Errorf(provisioning.ENEEDSHARDWARE,
				"synergycp has no free server for plan %s; the order waits for staff to assign one", req.PlanCode)
		}
		return id, err
	}
	id, err := strconv.ParseInt(req.HardwareID, 10, 64)
	if err != nil || id <= 0 {
		return 0, platform.Invalid("hardware_id", "%q is not a synergycp server id", req.HardwareID)
	}
	var srv server
	err = p.api.call(ctx, http.MethodGet, fmt.Sprintf("server/%d", id), nil, nil, &srv)
	switch {
	case platform.ErrorCode(err) == platform.ENOTFOUND:
		return 0, platform.Invalid("hardware_id", "synergycp has no server %d", id)
	case err != nil:
		return 0, err
	case srv.Access != nil:
		return 0, platform.Errorf(platform.ECONFLICT, "synergycp server %d is already assigned to a client", id)
	}
	return id, nil
}

// result describes a provisioned server. The password is the request's,
// which SynergyCP sets on the OS install, so none is returned.
func (p *Panel) result(ctx context.Context, r ref) (provisioning.CreateResult, error) {
	ipv4, ipv6, err := p.addresses(ctx, r.server)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	return provisioning.CreateResult{ExternalID: r.String(), IPv4: ipv4, IPv6: ipv6, Username: "root"}, nil
}
