package virtfusion

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// DefaultServerNamePrefix starts the name of every server the adapter
// creates; the service id follows it.
const DefaultServerNamePrefix = "svc-"

// maxDeleteDelay is the longest delay VirtFusion's DELETE /servers/{id}
// accepts: 43800 minutes, about a month.
const maxDeleteDelay = 43800 * time.Minute

// Config configures a Panel.
type Config struct {
	// BaseURL is the panel's address, like https://cp.example.com; a
	// trailing /api/v1 is accepted too.
	BaseURL string
	// APIKey is an API token made in VirtFusion's admin area.
	APIKey string
	// HypervisorGroupID is the hypervisor group new servers are placed
	// on, unless the order's "hypervisor_group" option names another.
	HypervisorGroupID int64
	// DefaultIPv4 is how many IPv4 addresses a server gets when the order
	// has no "ipv4" option; "extra_ipv4" adds to it. Zero leaves the
	// count to VirtFusion unless an option sets one.
	DefaultIPv4 int64
	// IPv6 asks VirtFusion to assign an IPv6 subnet when it builds a
	// server.
	IPv6 bool
	// DeleteDelay is how long VirtFusion waits before it destroys a
	// terminated server, so staff can undo a mistaken termination on the
	// panel; zero destroys it at once. Whole minutes, at most 43800.
	DeleteDelay time.Duration
	// ServerNamePrefix is the start of the server names that tie servers
	// to our service ids; empty means DefaultServerNamePrefix. Changing it
	// on a live platform makes retried creates miss servers named before.
	ServerNamePrefix string
	// HTTPClient makes the calls; nil means a client with a 60 second
	// timeout.
	HTTPClient *http.Client
}

// Panel is the VirtFusion adapter. It is safe for concurrent use once made
// by New.
type Panel struct {
	api         *url.URL // the panel's /api/v1
	site        *url.URL // the panel's address, for login links
	key         string
	http        *http.Client
	group       int64
	defaultIPv4 int64
	ipv6        bool
	deleteDelay int // minutes
	namePrefix  string
}

var _ provisioning.Panel = (*Panel)(nil)

// New returns a panel for cfg. It makes no call; TestConnection checks the
// address and key.
func New(cfg Config) (*Panel, error) {
	site, err := url.Parse(strings.TrimSuffix(strings.TrimRight(cfg.BaseURL, "/"), "/api/v1"))
	if err != nil || (site.Scheme != "https" && site.Scheme != "http") || site.Host == "" {
		return nil, platform.Invalid("base_url", "virtfusion needs the panel's http(s) address, got %q", cfg.BaseURL)
	}
	if cfg.APIKey == "" {
		return nil, platform.Invalid("api_key", "virtfusion needs an API key")
	}
	if cfg.HypervisorGroupID <= 0 {
		return nil, platform.Invalid("hypervisor_group_id", "virtfusion needs the hypervisor group new servers go on")
	}
	if cfg.DefaultIPv4 < 0 {
		return nil, platform.Invalid("default_ipv4", "default IPv4 count is negative")
	}
	if cfg.DeleteDelay < 0 || cfg.DeleteDelay > maxDeleteDelay || cfg.DeleteDelay%time.Minute != 0 {
		return nil, platform.Invalid("delete_delay", "delete delay must be whole minutes from 0 to 43800, got %s", cfg.DeleteDelay)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	prefix := cfg.ServerNamePrefix
	if prefix == "" {
		prefix = DefaultServerNamePrefix
	}
	return &Panel{
		api: site.JoinPath("api", "v1"), site: site, key: cfg.APIKey, http: hc,
		group: cfg.HypervisorGroupID, defaultIPv4: cfg.DefaultIPv4, ipv6: cfg.IPv6,
		deleteDelay: int(cfg.DeleteDelay / time.Minute), namePrefix: prefix,
	}, nil
}

// ServerName is the name the adapter gives the server of a service, by
// which a retried Create finds it.
func (p *Panel) ServerName(serviceID int64) string {
	return p.namePrefix + strconv.FormatInt(serviceID, 10)
}

// TestConnection implements provisioning.Panel with GET /connect.
func (p *Panel) TestConnection(ctx context.Context) error {
	return p.call(ctx, "test connection", http.MethodGet, "/connect", nil, nil, nil)
}

// serverID parses an ExternalID, which is VirtFusion's numeric server id.
func serverID(externalID string) (int64, error) {
	id, err := strconv.ParseInt(externalID, 10, 64)
	if err != nil || id <= 0 {
		return 0, platform.Invalid("external_id", "%q is not a VirtFusion server id", externalID)
	}
	return id, nil
}

// serverPath is the API path of a server, with more path segments after it.
func serverPath(id int64, more ...string) string {
	return "/servers/" + strconv.FormatInt(id, 10) + strings.Join(append([]string{""}, more...), "/")
}
