package virtfusion

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// rootUser is the account VirtFusion's Linux templates give the password
// to; Windows templates use "Administrator".
const rootUser = "root"

// Create implements provisioning.Panel: it finds or creates the customer's
// user, finds the service's server by name or creates and names one, and
// builds it with the OS template unless an earlier attempt already did.
func (p *Panel) Create(ctx context.Context, req provisioning.CreateRequest) (provisioning.CreateResult, error) {
	if err := req.Validate(); err != nil {
		return provisioning.CreateResult{}, err
	}
	if req.CustomerID <= 0 {
		return provisioning.CreateResult{}, platform.Invalid("customer_id", "customer id is required")
	}
	packageID, err := numericID("plan_code", "package", req.PlanCode)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	templateID, err := numericID("os_template", "OS template", req.OSTemplate)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	if err := checkOptions(req.Options); err != nil {
		return provisioning.CreateResult{}, err
	}

	userID, err := p.ensureUser(ctx, req.CustomerID, req.CustomerEmail)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	name := p.ServerName(req.ServiceID)
	id, found, err := p.findServer(ctx, userID, name)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	if found {
		srv, err := p.getServer(ctx, id, false)
		if err != nil {
			return provisioning.CreateResult{}, err
		}
		if srv.BuildFailed {
			return provisioning.CreateResult{}, platform.Errorf(platform.EINTERNAL,
				"virtfusion server %d of service %d failed to build; staff must rebuild or delete it", id, req.ServiceID)
		}
		if srv.built() {
			return p.resetRootPassword(ctx, srv)
		}
	} else if id, err = p.createServer(ctx, name, p.createBody(packageID, userID, req.Options)); err != nil {
		return provisioning.CreateResult{}, err
	}
	return p.build(ctx, id, templateID, name, req.Hostname)
}

// findServer looks for the server named after a service among a user's
// servers, taking the oldest if staff ever made two.
func (p *Panel) findServer(ctx context.Context, userID int64, name string) (int64, bool, error) {
	var res envelope[[]struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}]
	path := "/servers/user/" + strconv.FormatInt(userID, 10)
	if err := p.call(ctx, "list servers", http.MethodGet, path, nil, nil, &res); err != nil {
		return 0, false, err
	}
	var id int64
	for _, s := range res.Data {
		if s.Name == name && (id == 0 || s.ID < id) {
			id = s.ID
		}
	}
	return id, id != 0, nil
}

// createServer creates a server and names it at once, so that a retried
// Create finds it. A server that cannot be named is deleted again, since
// nothing could ever find it.
func (p *Panel) createServer(ctx context.Context, name string, body map[string]int64) (int64, error) {
	var res envelope[server]
	if err := p.call(ctx, "create server", http.MethodPost, "/servers", nil, body, &res); err != nil {
		return 0, err
	}
	id := res.Data.ID
	err := p.call(ctx, "name server", http.MethodPut, serverPath(id, "modify", "name"), nil, map[string]string{"name": name}, nil)
	if err == nil {
		return id, nil
	}
	q := url.Values{"delay": {"0"}}
	if delErr := p.call(ctx, "delete unnamed server", http.MethodDelete, serverPath(id), q, nil, nil); delErr != nil {
		err = errors.Join(err, delErr)
	}
	return 0, err
}

// build installs the OS template. VirtFusion's build takes no password;
// its answer carries the root password it generated.
func (p *Panel) build(ctx context.Context, id, templateID int64, name, hostname string) (provisioning.CreateResult, error) {
	body := map[string]any{"operatingSystemId": templateID, "name": name, "email": false, "ipv6": p.ipv6}
	if hostname != "" {
		body["hostname"] = hostname
	}
	var res envelope[server]
	if err := p.call(ctx, "build server", http.MethodPost, serverPath(id, "build"), nil, body, &res); err != nil {
		return provisioning.CreateResult{}, err
	}
	if res.Data.Settings.DecryptedPassword == "" {
		return p.resetRootPassword(ctx, res.Data)
	}
	return result(res.Data, res.Data.Settings.DecryptedPassword), nil
}

// resetRootPassword sets a new root password on a built server whose
// first password was lost (a retried create) and returns it. VirtFusion
// queues the change and reports the password it will set.
func (p *Panel) resetRootPassword(ctx context.Context, srv server) (provisioning.CreateResult, error) {
	var res envelope[struct {
		ExpectedPassword string `json:"expectedPassword"`
	}]
	err := p.call(ctx, "reset root password", http.MethodPost, serverPath(srv.ID, "resetPassword"), nil,
		map[string]any{"user": rootUser, "sendMail": false}, &res)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	return result(srv, res.Data.ExpectedPassword), nil
}

// result is what Create reports for a server and its root password.
func result(srv server, password string) provisioning.CreateResult {
	out := provisioning.CreateResult{ExternalID: strconv.FormatInt(srv.ID, 10), IPv6: srv.ipv6(),
		Username: rootUser, Password: password}
	if ips := srv.ipv4(); len(ips) > 0 {
		out.IPv4 = ips[0]
	}
	return out
}
