package enhance

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// subscription reads the live subscription an external id names. A
// subscription deleted in the panel is ENOTFOUND whether it was removed
// (404) or soft-deleted (still returned, with status "deleted").
func (p *Panel) subscription(ctx context.Context, externalID string) (ref, subscription, error) {
	r, err := parseRef(externalID)
	if err != nil {
		return ref{}, subscription{}, err
	}
	var sub subscription
	if err := p.do(ctx, http.MethodGet, p.subscriptionPath(r), nil, nil, &sub); err != nil {
		return r, sub, err
	}
	if !sub.live() {
		return r, sub, platform.Errorf(platform.ENOTFOUND, "enhance subscription %d was deleted", r.subscriptionID)
	}
	return r, sub, nil
}

func (p *Panel) subscriptionPath(r ref) string {
	return p.path("orgs", r.customerOrgID, "subscriptions", strconv.FormatInt(r.subscriptionID, 10))
}

// Suspend suspends the subscription, which locks the customer out of its
// websites.
func (p *Panel) Suspend(ctx context.Context, externalID string) error {
	return p.setSuspended(ctx, externalID, true)
}

// Unsuspend lifts the subscription's suspension.
func (p *Panel) Unsuspend(ctx context.Context, externalID string) error {
	return p.setSuspended(ctx, externalID, false)
}

// setSuspended patches isSuspended unless the subscription is already in
// that state; suspendedBy is set exactly while it is suspended.
func (p *Panel) setSuspended(ctx context.Context, externalID string, suspended bool) error {
	r, sub, err := p.subscription(ctx, externalID)
	if err != nil || (sub.SuspendedBy != "") == suspended {
		return err
	}
	return p.do(ctx, http.MethodPatch, p.subscriptionPath(r), nil, updateSubscription{IsSuspended: &suspended}, nil)
}

// Terminate deletes the subscription and, with it, its websites: a soft
// delete that keeps the data, or a forced one that wipes it when
// Config.ForceDelete is set. A subscription already deleted is success.
// The customer organisation and login stay, as the customer may hold other
// services.
func (p *Panel) Terminate(ctx context.Context, externalID string) error {
	r, _, err := p.subscription(ctx, externalID)
	if err == nil {
		err = p.do(ctx, http.MethodDelete, p.subscriptionPath(r), url.Values{"force": {strconv.FormatBool(p.forceDelete)}}, nil, nil)
	}
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil
	}
	return err
}

// ChangePlan moves the subscription to another plan of the organisation.
// Options are not sent: Enhance takes a subscription's resources from its
// plan.
func (p *Panel) ChangePlan(ctx context.Context, externalID, planCode string, options map[string]int64) error {
	r, sub, err := p.subscription(ctx, externalID)
	if err != nil {
		return err
	}
	planID, err := p.knownPlan(ctx, planCode)
	if err != nil || sub.PlanID == planID {
		return err
	}
	return p.do(ctx, http.MethodPatch, p.subscriptionPath(r), nil, updateSubscription{PlanID: &planID}, nil)
}

// Power accepts the three power actions and does nothing beyond checking
// that the subscription exists: shared hosting has no power state (see the
// package doc).
func (p *Panel) Power(ctx context.Context, externalID string, action provisioning.PowerAction) error {
	if !action.Valid() {
		return platform.Invalid("action", "unknown power action %q", action)
	}
	_, _, err := p.subscription(ctx, externalID)
	return err
}
