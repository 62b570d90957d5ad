package pterodactyl

import (
	"context"
	"net/http"

	"ezscale.cloud/platform"
)

// Suspend implements provisioning.Panel. The panel stops the server and
// answers a repeated suspend with 204 as well.
func (p *Panel) Suspend(ctx context.Context, externalID string) error {
	return p.serverAction(ctx, externalID, "/suspend", "suspend")
}

// Unsuspend implements provisioning.Panel. The server stays stopped until
// the customer starts it.
func (p *Panel) Unsuspend(ctx context.Context, externalID string) error {
	return p.serverAction(ctx, externalID, "/unsuspend", "unsuspend")
}

func (p *Panel) serverAction(ctx context.Context, externalID, suffix, what string) error {
	path, err := serverPath(externalID)
	if err != nil {
		return err
	}
	return p.call(ctx, application, http.MethodPost, path+suffix, nil, nil, nil, what+" server "+externalID)
}

// Terminate implements provisioning.Panel: the panel deletes the server
// on Wings and then its record; a server already gone is success. With
// Config.ForceDelete the record goes even when Wings is down.
func (p *Panel) Terminate(ctx context.Context, externalID string) error {
	path, err := serverPath(externalID)
	if err != nil {
		return nil // no such server can exist, so there is nothing to delete
	}
	if p.force {
		path += "/force"
	}
	err = p.call(ctx, application, http.MethodDelete, path, nil, nil, nil, "delete server "+externalID)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil
	}
	return err
}

// buildChange is the body of PATCH /api/application/servers/{id}/build.
type buildChange struct {
	// Allocation is the server's default allocation, which the panel
	// requires on every build change.
	Allocation    int                `json:"allocation"`
	Limits        buildLimits        `json:"limits"`
	FeatureLimits buildFeatureLimits `json:"feature_limits"`
}

// ChangePlan implements provisioning.Panel by changing the server's build:
// limits and feature limits. Plans on another egg are refused: moving a
// server to another game means reinstalling it, which wipes its files.
// The container image and startup command are left as they are.
func (p *Panel) ChangePlan(ctx context.Context, externalID, planCode string, options map[string]int64) error {
	plan, err := p.planFor(planCode, options)
	if err != nil {
		return err
	}
	sv, err := p.server(ctx, externalID)
	if err != nil {
		return err
	}
	if sv.Egg != plan.Egg {
		return platform.Invalid("plan_code", "plan %q runs egg %d but server %s runs egg %d; changing the game needs a reinstall",
			planCode, plan.Egg, externalID, sv.Egg)
	}
	path, _ := serverPath(externalID)
	body := buildChange{Allocation: sv.Allocation, Limits: plan.limits(), FeatureLimits: plan.featureLimits()}
	return p.call(ctx, application, http.MethodPatch, path+"/build", nil, body, nil, "change build of server "+externalID)
}
