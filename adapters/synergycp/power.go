package synergycp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// ipmiPower maps a power action to the IPMI command's power value. Stop
// is a hard power-off, so that it takes effect even on a hung OS.
var ipmiPower = map[provisioning.PowerAction]string{
	provisioning.PowerStart:   "on",
	provisioning.PowerStop:    "off",
	provisioning.PowerRestart: "reset",
}

// Power implements provisioning.Panel through the server's IPMI
// controller, the way the WHMCS module's power buttons do: as the client,
// with a client-owned key, GET server/{id}/control, then POST
// server/{id}/control/{control}/command {"power": ...}. A plan without
// IPMI access, or a server without a controller, is EUNSUPPORTED; a
// suspended server is ECONFLICT, as its client may not use IPMI.
func (p *Panel) Power(ctx context.Context, externalID string, action provisioning.PowerAction) error {
	if !action.Valid() {
		return platform.Invalid("action", "unknown power action %q", action)
	}
	r, err := parseRef(externalID)
	if err != nil {
		return err
	}
	srv, err := p.owned(ctx, r)
	if err != nil {
		return err
	}
	switch {
	case !bool(srv.Access.IsActive):
		return platform.Errorf(platform.ECONFLICT, "synergycp server %d is suspended", srv.ID)
	case !bool(srv.Access.IPMI):
		return platform.Errorf(provisioning.EUNSUPPORTED, "synergycp server %d was provisioned without IPMI access", srv.ID)
	}
	key, err := p.clientKey(ctx, srv.Access.Client.ID)
	if err != nil {
		return err
	}
	asClient := p.api.withKey(key)
	control, found, err := first[struct {
		ID int64 `json:"id"`
	}](ctx, asClient, fmt.Sprintf("server/%d/control", srv.ID), nil)
	if err != nil {
		return err
	}
	if !found {
		return platform.Errorf(provisioning.EUNSUPPORTED, "synergycp server %d has no IPMI controller", srv.ID)
	}
	path := fmt.Sprintf("server/%d/control/%d/command", srv.ID, control.ID)
	return asClient.call(ctx, http.MethodPost, path, nil, map[string]string{"power": ipmiPower[action]}, nil)
}

// LoginURL implements provisioning.Panel with SynergyCP's single sign-on:
// a key owned by the server's client, sent to <api>/auth/sso with the
// server as the page to open. SynergyCP does not expire such keys by
// itself, so the link is only as short-lived as staff make client keys.
func (p *Panel) LoginURL(ctx context.Context, externalID string) (string, error) {
	r, err := parseRef(externalID)
	if err != nil {
		return "", err
	}
	srv, err := p.owned(ctx, r)
	if err != nil {
		return "", err
	}
	key, err := p.clientKey(ctx, srv.Access.Client.ID)
	if err != nil {
		return "", err
	}
	view := url.Values{"view_type": {"server"}, "view_id": {strconv.FormatInt(srv.ID, 10)}}
	return p.api.withKey(key).url("auth/sso", view), nil
}
