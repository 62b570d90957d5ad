package enhance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// Create provisions a hosting service: the customer (found by email or
// made), a subscription to the plan named SubscriptionName(req.ServiceID)
// and a website with the order's domain. Each step first looks for what an
// earlier attempt made, so a retried Create finishes the job instead of
// making a second subscription. Configurable options are not sent: an
// Enhance subscription takes its resources from its plan.
//
// The login gets req.Password, or a random password returned in the result
// when req.Password is empty. A customer who already has a login keeps it,
// and the result's password is then empty.
func (p *Panel) Create(ctx context.Context, req provisioning.CreateRequest) (provisioning.CreateResult, error) {
	if req.Hostname == "" && p.fallbackDomain != "" {
		req.Hostname = fmt.Sprintf("service-%d.%s", req.ServiceID, p.fallbackDomain)
	}
	if err := req.Validate(); err != nil {
		return provisioning.CreateResult{}, err
	}
	if req.Hostname == "" {
		return provisioning.CreateResult{}, platform.Invalid("hostname", "an Enhance website needs a domain; none was ordered and no fallback domain is configured")
	}
	planID, err := p.knownPlan(ctx, req.PlanCode)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	customerID, password, err := p.ensureCustomer(ctx, req.CustomerEmail, req.Password)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	r := ref{customerOrgID: customerID}
	if r.subscriptionID, err = p.ensureSubscription(ctx, customerID, req.ServiceID, planID); err != nil {
		return provisioning.CreateResult{}, err
	}
	site, err := p.ensureWebsite(ctx, r, req.Hostname)
	if err != nil {
		return provisioning.CreateResult{}, err
	}
	return provisioning.CreateResult{
		ExternalID: r.String(), IPv4: site.primaryIPv4(), IPv6: site.AppServerIPv6,
		Username: req.CustomerEmail, Password: password,
	}, nil
}

// knownPlan parses a plan code and checks that the organisation sells that
// plan, so that an unknown plan is refused as bad input before anything is
// made, rather than as a missing resource.
func (p *Panel) knownPlan(ctx context.Context, planCode string) (int64, error) {
	id, err := parsePlanCode(planCode)
	if err != nil {
		return 0, err
	}
	err = p.do(ctx, http.MethodGet, p.path("orgs", p.orgID, "plans", strconv.FormatInt(id, 10)), nil, nil, nil)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return 0, platform.Invalid("plan_code", "enhance organisation %s has no plan %d", p.orgID, id)
	}
	return id, err
}

// ensureSubscription returns the customer's live subscription for the
// service, subscribing the customer to the plan when there is none.
func (p *Panel) ensureSubscription(ctx context.Context, customerID string, serviceID, planID int64) (int64, error) {
	path := p.path("orgs", p.orgID, "customers", customerID, "subscriptions")
	name := SubscriptionName(serviceID)
	found, ok, err := find(ctx, p, path, nil, func(s subscription) bool { return s.live() && s.FriendlyName == name })
	if err != nil || ok {
		return found.ID, err
	}
	var made newResourceID[int64]
	err = p.do(ctx, http.MethodPost, path, nil, newSubscription{PlanID: planID, FriendlyName: name}, &made)
	return made.ID, err
}

// ensureWebsite returns the subscription's website, making it with the
// domain when the subscription has none.
func (p *Panel) ensureWebsite(ctx context.Context, r ref, domain string) (website, error) {
	found, ok, err := p.website(ctx, r)
	if err != nil || ok {
		return found, err
	}
	var made newResourceID[string]
	err = p.do(ctx, http.MethodPost, p.path("orgs", r.customerOrgID, "websites"), nil,
		newWebsite{Domain: domain, SubscriptionID: r.subscriptionID}, &made)
	if err != nil {
		return website{}, err
	}
	var site website
	err = p.do(ctx, http.MethodGet, p.path("orgs", r.customerOrgID, "websites", made.ID), nil, nil, &site)
	return site, err
}

// website returns the subscription's first website that is not deleted.
func (p *Panel) website(ctx context.Context, r ref) (website, bool, error) {
	query := url.Values{"subscriptionId": {strconv.FormatInt(r.subscriptionID, 10)}}
	return find(ctx, p, p.path("orgs", r.customerOrgID, "websites"), query, func(w website) bool {
		return w.Status != "deleted" && w.SubscriptionID == r.subscriptionID
	})
}
