package pterodactyl

import (
	"context"
	"net/http"
	"net/url"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// Status implements provisioning.Panel from the Client API's resources
// (Wings' live view, cached by the panel for about 20 seconds). A server
// still installing, or whose install failed, has no container to measure
// and reports offline. CPUPercent is the share of the server's CPU limit
// in use (the panel's cpu_absolute counts 100 per core), or cpu_absolute
// itself when the CPU is unlimited. BandwidthBytes is received plus sent
// since the container started: Wings' counters reset on every restart, so
// they are not a billing-grade total.
func (p *Panel) Status(ctx context.Context, externalID string) (provisioning.ResourceStatus, error) {
	sv, err := p.server(ctx, externalID)
	if err != nil {
		return provisioning.ResourceStatus{}, err
	}
	if sv.Status != nil && *sv.Status != "suspended" {
		return provisioning.ResourceStatus{}, nil
	}
	var st item[statsObject]
	if err := p.call(ctx, client, http.MethodGet, clientPath(sv, "/resources"), nil, nil, &st, "resources of server "+externalID); err != nil {
		return provisioning.ResourceStatus{}, err
	}
	r := st.Attributes.Resources
	cpu := r.CPUAbsolute
	if sv.Limits.CPU > 0 {
		cpu = r.CPUAbsolute * 100 / float64(sv.Limits.CPU)
	}
	return provisioning.ResourceStatus{Online: st.Attributes.CurrentState == "running", CPUPercent: cpu,
		RAMBytes: r.MemoryBytes, DiskBytes: r.DiskBytes, BandwidthBytes: r.NetworkRXBytes + r.NetworkTXBytes}, nil
}

// powerSignals maps our power actions to the Client API's signals.
var powerSignals = map[provisioning.PowerAction]string{
	provisioning.PowerStart:   "start",
	provisioning.PowerStop:    "stop",
	provisioning.PowerRestart: "restart",
}

// Power implements provisioning.Panel through the Client API. The panel
// refuses power signals to a suspended or installing server with a 409,
// which is ECONFLICT.
func (p *Panel) Power(ctx context.Context, externalID string, action provisioning.PowerAction) error {
	signal, ok := powerSignals[action]
	if !ok {
		return platform.Invalid("action", "unknown power action %q", action)
	}
	sv, err := p.server(ctx, externalID)
	if err != nil {
		return err
	}
	return p.call(ctx, client, http.MethodPost, clientPath(sv, "/power"), nil, map[string]string{"signal": signal}, nil,
		signal+" server "+externalID)
}

// LoginURL implements provisioning.Panel with the address of the server's
// page on the panel, <base>/server/<identifier>, the link the panel's own
// WHMCS module gives customers. Pterodactyl has no single sign-on or
// login-token API, so this is not a sign-on link: it holds no secret, does
// not expire, and the customer signs in with their panel account (the
// request's password for an account Create made).
func (p *Panel) LoginURL(ctx context.Context, externalID string) (string, error) {
	sv, err := p.server(ctx, externalID)
	if err != nil {
		return "", err
	}
	return p.baseURL + "/server/" + url.PathEscape(sv.Identifier), nil
}

// TestConnection implements provisioning.Panel by reading one user on the
// Application API and the client key's own account on the Client API, so
// a wrong key of either kind, or the application key given as client
// key, is EUNAUTHORIZED.
func (p *Panel) TestConnection(ctx context.Context) error {
	if err := p.call(ctx, application, http.MethodGet, "/api/application/users", url.Values{"per_page": {"1"}}, nil, nil, "test application key"); err != nil {
		return err
	}
	return p.call(ctx, client, http.MethodGet, "/api/client/account", nil, nil, nil, "test client key")
}

// clientPath is a server's Client API path: the panel names servers there
// by their 8-character identifier.
func clientPath(sv serverObject, suffix string) string {
	return "/api/client/servers/" + url.PathEscape(sv.Identifier) + suffix
}
