package virtfusion

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// remoteState is the part of the live hypervisor view the adapter reads.
// The WHMCS module's usage sync documents agent.fsinfo[].used-bytes (from
// the QEMU guest agent, absent when the agent is not running); the running
// flag and state string are read as VirtFusion's panel shows them.
type remoteState struct {
	Running *bool  `json:"running"`
	State   string `json:"state"`
	Agent   struct {
		FSInfo []struct {
			UsedBytes int64 `json:"used-bytes"`
		} `json:"fsinfo"`
	} `json:"agent"`
}

// trafficMonth is one entry of GET /servers/{id}/traffic's monthly list;
// rx, tx and total are bytes, limit is GB.
type trafficMonth struct {
	Total int64 `json:"total"`
}

// Status implements provisioning.Panel from the server's live state and
// the traffic of its current period. VirtFusion reports no CPU or memory
// use through the API, so those stay zero.
func (p *Panel) Status(ctx context.Context, externalID string) (provisioning.ResourceStatus, error) {
	id, err := serverID(externalID)
	if err != nil {
		return provisioning.ResourceStatus{}, err
	}
	srv, err := p.getServer(ctx, id, true)
	if err != nil {
		return provisioning.ResourceStatus{}, err
	}
	var st provisioning.ResourceStatus
	var live remoteState
	if raw := bytes.TrimSpace(srv.RemoteState); len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &live); err != nil {
			return provisioning.ResourceStatus{}, &platform.Error{Code: platform.EINTERNAL,
				Message: "virtfusion server " + externalID + ": unexpected live state", Err: err}
		}
	}
	st.Online = live.State == "running"
	if live.Running != nil {
		st.Online = *live.Running
	}
	for _, fs := range live.Agent.FSInfo {
		st.DiskBytes += fs.UsedBytes
	}
	var traffic envelope[struct {
		Monthly []trafficMonth `json:"monthly"`
	}]
	if err := p.call(ctx, "get traffic of server "+externalID, http.MethodGet, serverPath(id, "traffic"), nil, nil, &traffic); err != nil {
		return provisioning.ResourceStatus{}, err
	}
	// The first month is the current period, as the WHMCS module reads it.
	if len(traffic.Data.Monthly) > 0 {
		st.BandwidthBytes = traffic.Data.Monthly[0].Total
	}
	return st, nil
}
