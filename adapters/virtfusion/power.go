package virtfusion

import (
	"context"
	"net/http"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// PowerOff cuts a server's power at once, where PowerStop asks its OS to
// shut down. Power accepts it besides the port's own actions, for admins.
const PowerOff provisioning.PowerAction = "poweroff"

// powerPaths maps power actions to VirtFusion's POST
// /servers/{id}/power/{action} endpoints.
var powerPaths = map[provisioning.PowerAction]string{
	provisioning.PowerStart:   "boot",
	provisioning.PowerStop:    "shutdown",
	provisioning.PowerRestart: "restart",
	PowerOff:                  "poweroff",
}

// Power implements provisioning.Panel. VirtFusion queues the action and
// answers with a queue id; the call does not wait for it to finish.
func (p *Panel) Power(ctx context.Context, externalID string, action provisioning.PowerAction) error {
	path, ok := powerPaths[action]
	if !ok {
		return platform.Invalid("action", "unknown power action %q", action)
	}
	id, err := serverID(externalID)
	if err != nil {
		return err
	}
	return p.call(ctx, "power "+path+" server "+externalID, http.MethodPost, serverPath(id, "power", path), nil, nil, nil)
}
