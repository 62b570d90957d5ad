package enhance

import (
	"context"
	"net/http"
	"net/url"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// Status reports the service online while the subscription is not
// suspended and its website is active and not suspended. Disk use is the
// subscription's diskspace resource usage and bandwidth the month's
// transfer from the bandwidth endpoint, both in bytes. Enhance reports no
// CPU or memory use per subscription, so those stay zero.
func (p *Panel) Status(ctx context.Context, externalID string) (provisioning.ResourceStatus, error) {
	r, sub, err := p.subscription(ctx, externalID)
	if err != nil {
		return provisioning.ResourceStatus{}, err
	}
	site, hasSite, err := p.website(ctx, r)
	if err != nil {
		return provisioning.ResourceStatus{}, err
	}
	var bandwidth int64
	if err := p.do(ctx, http.MethodGet, p.subscriptionPath(r)+"/bandwidth", nil, nil, &bandwidth); err != nil {
		return provisioning.ResourceStatus{}, err
	}
	return provisioning.ResourceStatus{
		Online:         sub.SuspendedBy == "" && hasSite && site.Status == "active" && site.SuspendedBy == "",
		DiskBytes:      sub.usage("diskspace"),
		BandwidthBytes: bandwidth,
	}, nil
}

// LoginURL returns the one-time-password login link orchd makes for the
// customer organisation's owner. It is short-lived, as the port asks.
func (p *Panel) LoginURL(ctx context.Context, externalID string) (string, error) {
	r, _, err := p.subscription(ctx, externalID)
	if err != nil {
		return "", err
	}
	owner, err := p.owner(ctx, r.customerOrgID)
	if err != nil {
		return "", err
	}
	var link string
	if err := p.do(ctx, http.MethodGet, p.path("orgs", r.customerOrgID, "members", owner.ID, "sso"), nil, nil, &link); err != nil {
		return "", err
	}
	u, err := url.Parse(link)
	if err != nil || link == "" {
		return "", platform.Errorf(platform.EINTERNAL, "enhance returned an unusable login link")
	}
	// The spec does not say whether the link is absolute; a relative one
	// is on the panel's own host.
	return p.base.ResolveReference(u).String(), nil
}
