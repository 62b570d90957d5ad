package pterodactyl

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strconv"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// maxNameLength is the longest server name the panel takes; a host name
// may be longer.
const maxNameLength = 191

// newServer is the body of POST /api/application/servers.
type newServer struct {
	ExternalID        string             `json:"external_id"`
	Name              string             `json:"name"`
	User              int                `json:"user"`
	Egg               int                `json:"egg"`
	DockerImage       string             `json:"docker_image"`
	Startup           string             `json:"startup"`
	Environment       map[string]string  `json:"environment"`
	Limits            buildLimits        `json:"limits"`
	FeatureLimits     buildFeatureLimits `json:"feature_limits"`
	Allocation        *newAllocation     `json:"allocation,omitempty"`
	Deploy            *deploy            `json:"deploy,omitempty"`
	StartOnCompletion bool               `json:"start_on_completion"`
}

type newAllocation struct {
	Default int `json:"default"`
}

type deploy struct {
	Locations   []int    `json:"locations"`
	DedicatedIP bool     `json:"dedicated_ip"`
	PortRange   []string `json:"port_range"`
}

// Create implements provisioning.Panel. The server's external_id is our
// service id, as the panel's WHMCS module sets it, so a retried create,
// or a server made by WHMCS before the migration, is found by
// GET /servers/external/{id} instead of made twice. The panel keeps
// external_id unique, so two creates racing for one service make one
// server: the loser's 422 sends it back to the lookup.
//
// The result's ExternalID is the panel's server id, the address is the
// server's default allocation's IP, and Username is the owning panel
// account's. Password is always empty: a new account gets the request's
// password, and an account the customer already had keeps its own.
func (p *Panel) Create(ctx context.Context, req provisioning.CreateRequest) (provisioning.CreateResult, error) {
	if err := req.Validate(); err != nil {
		return provisioning.CreateResult{}, err
	}
	plan, err := p.planFor(req.PlanCode, req.Options)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	externalID := strconv.FormatInt(req.ServiceID, 10)
	if sv, found, err := p.serverByExternalID(ctx, externalID); err != nil || found {
		return result(sv, err)
	}
	owner, err := p.owner(ctx, req)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	body, err := p.newServer(ctx, req, plan, owner)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	var created item[serverObject]
	err = p.call(ctx, application, http.MethodPost, "/api/application/servers", serverIncludes, body, &created, "create server for service "+externalID)
	if platform.ErrorField(err) == "external_id" {
		if sv, found, findErr := p.serverByExternalID(ctx, externalID); findErr == nil && found {
			return result(sv, nil)
		}
	}
	return result(created.Attributes, err)
}

// serverByExternalID finds the server made for a service, if any.
func (p *Panel) serverByExternalID(ctx context.Context, externalID string) (serverObject, bool, error) {
	var it item[serverObject]
	err := p.call(ctx, application, http.MethodGet, "/api/application/servers/external/"+url.PathEscape(externalID),
		serverIncludes, nil, &it, "find server for service "+externalID)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return serverObject{}, false, nil
	}
	return it.Attributes, err == nil, err
}

// newServer builds the create request: the egg's image, startup command
// and variable defaults (the panel validates every egg variable, so a
// required one left out fails the create) with the plan's values over
// them, and the server's placement.
func (p *Panel) newServer(ctx context.Context, req provisioning.CreateRequest, plan Plan, owner userObject) (newServer, error) {
	var eg item[eggObject]
	path := "/api/application/nests/" + strconv.Itoa(plan.Nest) + "/eggs/" + strconv.Itoa(plan.Egg)
	if err := p.call(ctx, application, http.MethodGet, path, url.Values{"include": {"variables"}}, nil, &eg, "get egg "+strconv.Itoa(plan.Egg)); err != nil {
		return newServer{}, err
	}
	body := newServer{ExternalID: strconv.FormatInt(req.ServiceID, 10), Name: req.Hostname, User: owner.ID,
		Egg: plan.Egg, DockerImage: eg.Attributes.DockerImage, Startup: eg.Attributes.Startup,
		Environment: map[string]string{}, Limits: plan.limits(), FeatureLimits: plan.featureLimits(),
		StartOnCompletion: true}
	if body.Name == "" {
		body.Name = "Service " + body.ExternalID
	}
	body.Name = body.Name[:min(len(body.Name), maxNameLength)]
	if plan.DockerImage != "" {
		body.DockerImage = plan.DockerImage
	}
	if plan.Startup != "" {
		body.Startup = plan.Startup
	}
	for _, v := range eg.Attributes.Relationships.Variables.Data {
		body.Environment[v.Attributes.EnvVariable] = v.Attributes.DefaultValue
	}
	for k, v := range plan.Environment {
		body.Environment[k] = v
	}
	var err error
	body.Allocation, body.Deploy, err = p.placement(ctx, req, plan)
	return body, err
}

// result turns the panel's server into what Create reports.
func result(sv serverObject, err error) (provisioning.CreateResult, error) {
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	res := provisioning.CreateResult{ExternalID: strconv.Itoa(sv.ID)}
	for _, a := range sv.Relationships.Allocations.Data {
		if a.Attributes.ID != sv.Allocation {
			continue
		}
		if ip := net.ParseIP(a.Attributes.IP); ip != nil && ip.To4() == nil {
			res.IPv6 = a.Attributes.IP
		} else {
			res.IPv4 = a.Attributes.IP
		}
	}
	res.Username = sv.Relationships.User.Attributes.Username
	return res, nil
}
