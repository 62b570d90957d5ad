package virtfusion

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Suspend implements provisioning.Panel. It reads the server first, so a
// repeated suspend succeeds without asking VirtFusion again, and a server
// the panel lost is ENOTFOUND.
func (p *Panel) Suspend(ctx context.Context, externalID string) error {
	return p.setSuspended(ctx, externalID, true)
}

// Unsuspend implements provisioning.Panel, the same way as Suspend.
func (p *Panel) Unsuspend(ctx context.Context, externalID string) error {
	return p.setSuspended(ctx, externalID, false)
}

func (p *Panel) setSuspended(ctx context.Context, externalID string, suspend bool) error {
	id, err := serverID(externalID)
	if err != nil {
		return err
	}
	srv, err := p.getServer(ctx, id, false)
	if err != nil || srv.Suspended == suspend {
		return err
	}
	action := "unsuspend"
	if suspend {
		action = "suspend"
	}
	return p.call(ctx, action+" server "+externalID, http.MethodPost, serverPath(id, action), nil, nil, nil)
}

// Terminate implements provisioning.Panel: DELETE with Config.DeleteDelay
// as the documented delay in minutes. A server VirtFusion no longer has
// counts as terminated, as the WHMCS module treats "server not found"; any
// other 404 stays an error.
func (p *Panel) Terminate(ctx context.Context, externalID string) error {
	id, err := serverID(externalID)
	if err != nil {
		return err
	}
	q := url.Values{"delay": {strconv.Itoa(p.deleteDelay)}}
	err = p.call(ctx, "delete server "+externalID, http.MethodDelete, serverPath(id), q, nil, nil)
	if serverGone(err) {
		return nil
	}
	return err
}
