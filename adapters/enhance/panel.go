package enhance

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// Config configures a Panel.
type Config struct {
	// BaseURL is the API root of the control panel, like
	// https://cp.example.com/api.
	BaseURL string
	// APIKey is an access token made in the panel for the organisation
	// OrgID, with the Owner or SuperAdmin role.
	APIKey string
	// OrgID is the id (a UUID) of the master or reseller organisation
	// whose plans are sold and under which customers are made.
	OrgID string
	// FallbackDomain is the parent domain of the website of an order
	// without a hostname: the website becomes
	// service-<service id>.<FallbackDomain>. Empty makes such orders
	// fail, as every Enhance website needs a domain.
	FallbackDomain string
	// ForceDelete makes Terminate wipe the subscription's data
	// (force=true, which needs an MO Owner, SuperAdmin or Support token)
	// instead of Enhance's default soft delete, which keeps it.
	ForceDelete bool
	// HTTPClient makes the calls; nil means a client with a 30 second
	// timeout.
	HTTPClient *http.Client
}

// Panel is the Enhance adapter. It is safe for concurrent use.
type Panel struct {
	base           *url.URL
	apiKey         string
	orgID          string
	fallbackDomain string
	forceDelete    bool
	http           *http.Client
}

var _ provisioning.Panel = (*Panel)(nil)

// New returns a Panel for cfg. It makes no call; TestConnection does.
func New(cfg Config) (*Panel, error) {
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if cfg.BaseURL == "" || err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, platform.Invalid("base_url", "enhance needs the panel's API URL, like https://cp.example.com/api")
	}
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, platform.Invalid("api_key", "enhance needs an access token")
	}
	if strings.TrimSpace(cfg.OrgID) == "" {
		return nil, platform.Invalid("org_id", "enhance needs the id of the organisation that owns the access token")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Panel{
		base: base, apiKey: cfg.APIKey, orgID: cfg.OrgID, forceDelete: cfg.ForceDelete, http: hc,
		fallbackDomain: strings.Trim(strings.ToLower(cfg.FallbackDomain), "."),
	}, nil
}

// TestConnection reads the configured organisation, which needs a token
// the panel accepts and an organisation id it knows.
func (p *Panel) TestConnection(ctx context.Context) error {
	err := p.do(ctx, http.MethodGet, p.path("orgs", p.orgID), nil, nil, nil)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return platform.Invalid("org_id", "enhance has no organisation %s", p.orgID)
	}
	return err
}
