package synergycp

import (
	"context"
	"net/url"

	"ezscale.cloud/platform/provisioning"
)

// Status implements provisioning.Panel. SynergyCP reports no CPU, memory
// or disk gauges for bare metal and its documented API no power state, so
// Online means the client's access is active, and the one usage figure is
// this period's traffic, which SynergyCP counts in bits.
func (p *Panel) Status(ctx context.Context, externalID string) (provisioning.ResourceStatus, error) {
	r, err := parseRef(externalID)
	if err != nil {
		return provisioning.ResourceStatus{}, err
	}
	srv, err := p.owned(ctx, r)
	if err != nil {
		return provisioning.ResourceStatus{}, err
	}
	st := provisioning.ResourceStatus{Online: bool(srv.Access.IsActive)}
	if srv.Usage != nil {
		st.BandwidthBytes = int64(srv.Usage.Used / 8)
	}
	return st, nil
}

// TestConnection implements provisioning.Panel by listing one of the
// servers this key manages, the listing the WHMCS module's usage update
// pages through.
func (p *Panel) TestConnection(ctx context.Context) error {
	_, _, err := first[server](ctx, p.api, "server", url.Values{"integration_id": {"me"}})
	return err
}
