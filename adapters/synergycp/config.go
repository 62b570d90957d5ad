package synergycp

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
	// BaseURL is the SynergyCP API's address, like
	// https://api.synergycp.example (the WHMCS module's "hostname"); a
	// path prefix is kept.
	BaseURL string
	// APIKey is an admin API key (SynergyCP → Account → API Keys).
	APIKey string
	// HTTPClient makes the calls; nil means a client with a 30 second
	// timeout.
	HTTPClient *http.Client
	// Plans maps our plan codes (CreateRequest.PlanCode) to the hardware
	// and settings SynergyCP provisions for them.
	Plans map[string]Plan
}

// Plan is one dedicated-server plan in SynergyCP's terms. SynergyCP has no
// plan object: a plan is a machine whose parts carry these billing ids,
// plus the settings POST server/provision takes. All ids are the "billing
// ids" staff configure on parts, IP groups, IP allocations, port speeds and
// PXE profiles in SynergyCP.
type Plan struct {
	// MemBilling and CPUBilling are the memory and CPU part billing ids.
	MemBilling, CPUBilling string
	// DiskBillings and AddonBillings are the disk and add-on part billing
	// ids; the machine must have exactly these parts.
	DiskBillings, AddonBillings []string
	// IPGroupBillings are the IP groups (locations) the machine may be in.
	IPGroupBillings []string
	// IPsBilling is the IP allocation to assign.
	IPsBilling string
	// PortSpeedBilling is the switch port speed.
	PortSpeedBilling string
	// PXEProfileBilling is the OS installed when the order names none.
	PXEProfileBilling string
	// MaxBandwidth is the monthly bandwidth limit SynergyCP enforces,
	// as SynergyCP's billing.max_bandwidth takes it; empty means none.
	MaxBandwidth string
	// Access is what the customer may do with the machine.
	Access Access
}

// Access is the customer's rights on a provisioned machine: network boot
// (OS reinstalls), IPMI (power control) and switch port control.
type Access struct {
	PXE, IPMI, Switch bool
}

// Panel is the SynergyCP adapter. It is safe for concurrent use.
type Panel struct {
	api   *api
	plans map[string]Plan
}

var _ provisioning.Panel = (*Panel)(nil)

// New returns a Panel for cfg. It makes no call.
func New(cfg Config) (*Panel, error) {
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if cfg.BaseURL == "" || err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, platform.Invalid("base_url", "synergycp needs an absolute http(s) API URL")
	}
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, platform.Invalid("api_key", "synergycp needs an API key")
	}
	if len(cfg.Plans) == 0 {
		return nil, platform.Invalid("plans", "synergycp needs at least one plan")
	}
	for code, p := range cfg.Plans {
		if strings.TrimSpace(code) == "" {
			return nil, platform.Invalid("plans", "a plan has an empty code")
		}
		if p.MemBilling == "" || p.CPUBilling == "" {
			return nil, platform.Invalid("plans", "plan %s needs memory and CPU billing ids", code)
		}
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Panel{api: &api{base: base.String(), key: cfg.APIKey, http: hc}, plans: cfg.Plans}, nil
}

// plan returns the plan for a code, EINVALID when there is none.
func (p *Panel) plan(code string) (Plan, error) {
	plan, ok := p.plans[code]
	if !ok {
		return Plan{}, platform.Invalid("plan_code", "synergycp has no plan %q configured", code)
	}
	return plan, nil
}
