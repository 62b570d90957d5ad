package pterodactyl

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// Config configures a Panel.
type Config struct {
	// BaseURL is the panel's address, like https://panel.example.com.
	BaseURL string
	// ApplicationKey is an Application API key (ptla_...) with read and
	// write access to users, servers, nests, eggs, nodes and allocations.
	ApplicationKey string
	// ClientKey is a Client API key (ptlc_...) of a root administrator,
	// which reaches every server: resource figures and power signals are
	// only on the Client API, and the panel refuses the application key
	// there.
	ClientKey string
	// Plans maps our plan codes to what the panel needs to build a server;
	// Pterodactyl has no plans of its own.
	Plans map[string]Plan
	// ForceDelete deletes servers even when the node's Wings daemon cannot
	// be reached (DELETE .../force). The node may then keep the server's
	// files until staff clean them up; without it Terminate fails until
	// Wings answers.
	ForceDelete bool
	// HTTPClient makes the calls; nil means a client with a 30 second
	// timeout.
	HTTPClient *http.Client
}

// Plan is one of our plans as the panel builds it: an egg (the game), its
// container, the limits and where the server goes.
type Plan struct {
	// Nest and Egg are the panel's ids of the egg the server runs.
	Nest, Egg int
	// DockerImage and Startup override the egg's own when set.
	DockerImage, Startup string
	// Environment sets egg variables (env_variable → value) over the
	// egg's defaults.
	Environment   map[string]string
	Limits        Limits
	FeatureLimits FeatureLimits
	// LocationIDs makes the panel deploy the server on a node in one of
	// these locations, on an allocation within PortRange (like "25565" or
	// "25565-25600"; empty allows any), on an IP of its own when
	// DedicatedIP.
	LocationIDs []int
	DedicatedIP bool
	PortRange   []string
	// NodeID, used when LocationIDs is empty, puts the server on the first
	// free allocation of that node.
	NodeID int
}

// Limits are a server's build limits in the panel's units.
type Limits struct {
	MemoryMB int64
	// SwapMB is -1 for unlimited swap.
	SwapMB int64
	DiskMB int64
	// IO is the block IO weight, 10 to 1000; 0 means the panel's usual 500.
	IO int64
	// CPUPercent is the CPU limit, 100 per core; 0 is unlimited.
	CPUPercent int64
}

// FeatureLimits are how many databases, extra port allocations and
// backups the customer may create.
type FeatureLimits struct {
	Databases, Allocations, Backups int64
}

// The configurable option codes that override a plan's limits, each in the
// unit of the limit it replaces. Other option codes are billing-only
// add-ons the panel does not see.
const (
	OptionMemoryMB    = "memory_mb"
	OptionSwapMB      = "swap_mb"
	OptionDiskMB      = "disk_mb"
	OptionCPUPercent  = "cpu_percent"
	OptionDatabases   = "databases"
	OptionAllocations = "allocations"
	OptionBackups     = "backups"
)

// defaultIO is the block IO weight the panel's own forms start with.
const defaultIO = 500

// Panel is the Pterodactyl adapter. It is safe for concurrent use.
type Panel struct {
	baseURL   string
	appKey    string
	clientKey string
	plans     map[string]Plan
	force     bool
	http      *http.Client
}

var _ provisioning.Panel = (*Panel)(nil)

// New returns a panel for cfg. It makes no call; TestConnection checks
// the address and both keys.
func New(cfg Config) (*Panel, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, platform.Invalid("base_url", "pterodactyl needs the panel's http(s) address, got %q", cfg.BaseURL)
	}
	if cfg.ApplicationKey == "" {
		return nil, platform.Invalid("application_key", "pterodactyl needs an application API key")
	}
	if cfg.ClientKey == "" {
		return nil, platform.Invalid("client_key", "pterodactyl needs an administrator's client API key")
	}
	if len(cfg.Plans) == 0 {
		return nil, platform.Invalid("plans", "pterodactyl needs at least one plan")
	}
	for code, p := range cfg.Plans {
		if err := p.validate(code); err != nil {
			return nil, err
		}
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Panel{baseURL: strings.TrimRight(cfg.BaseURL, "/"), appKey: cfg.ApplicationKey,
		clientKey: cfg.ClientKey, plans: cfg.Plans, force: cfg.ForceDelete, http: hc}, nil
}

// validate checks what the panel would refuse later, so that a bad plan
// table fails at start-up rather than on a customer's order.
func (p Plan) validate(code string) error {
	switch {
	case p.Nest <= 0 || p.Egg <= 0:
		return platform.Invalid("plans", "plan %q needs the panel's nest and egg ids", code)
	case len(p.LocationIDs) == 0 && p.NodeID <= 0:
		return platform.Invalid("plans", "plan %q needs location ids to deploy to or a node id", code)
	case p.Limits.IO != 0 && (p.Limits.IO < 10 || p.Limits.IO > 1000):
		return platform.Invalid("plans", "plan %q has block IO weight %d, the panel takes 10 to 1000", code, p.Limits.IO)
	case p.Limits.MemoryMB < 0 || p.Limits.DiskMB < 0 || p.Limits.CPUPercent < 0 || p.Limits.SwapMB < -1:
		return platform.Invalid("plans", "plan %q has a negative limit", code)
	}
	return nil
}
