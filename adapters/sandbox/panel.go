package sandbox

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// Panel is the sandbox control panel: a stateful, in-memory stand-in for
// VirtFusion, Pterodactyl, SynergyCP and Enhance in the zero-infrastructure
// default and in tests. It creates no servers; its ids and login links say
// "sandbox". It keeps the same promises as the real adapters (a repeated
// create returns the first resource, suspend and terminate repeat safely)
// and passes the same contract suite.
type Panel struct {
	*panelState
	// key is the API key this client presents.
	key string
}

// panelState is the panel itself, shared by clients presenting different
// keys.
type panelState struct {
	apiKey string
	// plans lists the plan codes the panel accepts; nil accepts any.
	plans map[string]bool

	mu        sync.Mutex
	nextID    int
	resources map[string]*sandboxResource
	byService map[int64]string
}

type sandboxResource struct {
	serviceID  int64
	ipv4, ipv6 string
	plan       string
	options    map[string]int64
	suspended  bool
	online     bool
}

// NewPanel returns an empty sandbox panel that accepts apiKey and, when
// plans is not empty, only those plan codes.
func NewPanel(apiKey string, plans ...string) *Panel {
	p := &Panel{key: apiKey, panelState: &panelState{apiKey: apiKey, resources: map[string]*sandboxResource{}, byService: map[int64]string{}}}
	if len(plans) > 0 {
		p.plans = map[string]bool{}
		for _, c := range plans {
			p.plans[c] = true
		}
	}
	return p
}

// WithKey returns a client of the same sandbox panel that presents key, so
// tests can show what the panel does with the wrong credentials.
func (p *Panel) WithKey(key string) *Panel { return &Panel{panelState: p.panelState, key: key} }

// Resources counts the live resources held for a service.
func (p *Panel) Resources(serviceID int64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, r := range p.resources {
		if r.serviceID == serviceID {
			n++
		}
	}
	return n
}

// Suspended reports whether the resource is suspended.
func (p *Panel) Suspended(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.resources[id]
	return r != nil && r.suspended
}

// Plan reports the resource's plan code.
func (p *Panel) Plan(id string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := p.resources[id]; r != nil {
		return r.plan
	}
	return ""
}

// DeleteOutOfBand removes a resource as a panel admin would.
func (p *Panel) DeleteOutOfBand(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := p.resources[id]; r != nil {
		delete(p.byService, r.serviceID)
		delete(p.resources, id)
	}
}

// TestConnection implements provisioning.Panel.
func (p *Panel) TestConnection(ctx context.Context) error { return p.auth() }

func (p *Panel) auth() error {
	if p.key == "" || p.key != p.apiKey {
		return platform.Errorf(platform.EUNAUTHORIZED, "sandbox panel refused the API key")
	}
	return nil
}

// Create implements provisioning.Panel.
func (p *Panel) Create(ctx context.Context, req provisioning.CreateRequest) (provisioning.CreateResult, error) {
	if err := req.Validate(); err != nil {
		return provisioning.CreateResult{}, err
	}
	if err := p.auth(); err != nil {
		return provisioning.CreateResult{}, err
	}
	if p.plans != nil && !p.plans[req.PlanCode] {
		return provisioning.CreateResult{}, platform.Invalid("plan_code", "sandbox panel has no plan %q", req.PlanCode)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	id, ok := p.byService[req.ServiceID]
	if !ok {
		p.nextID++
		id = fmt.Sprintf("sandbox-srv-%d", p.nextID)
		p.resources[id] = &sandboxResource{
			serviceID: req.ServiceID, plan: req.PlanCode, options: req.Options, online: true,
			ipv4: fmt.Sprintf("192.0.2.%d", 1+p.nextID%250), ipv6: fmt.Sprintf("2001:db8::%x", p.nextID),
		}
		p.byService[req.ServiceID] = id
	}
	r := p.resources[id]
	// The sandbox takes the platform's password, as most panels do, so
	// it never reveals one of its own.
	return provisioning.CreateResult{ExternalID: id, IPv4: r.ipv4, IPv6: r.ipv6, Username: "root"}, nil
}

func (p *Panel) resource(id string) (*sandboxResource, error) {
	if err := p.auth(); err != nil {
		return nil, err
	}
	r := p.resources[id]
	if r == nil {
		return nil, platform.Errorf(platform.ENOTFOUND, "sandbox panel has no resource %s", id)
	}
	return r, nil
}

// Suspend implements provisioning.Panel.
func (p *Panel) Suspend(ctx context.Context, id string) error { return p.setSuspended(id, true) }

// Unsuspend implements provisioning.Panel.
func (p *Panel) Unsuspend(ctx context.Context, id string) error { return p.setSuspended(id, false) }

func (p *Panel) setSuspended(id string, suspended bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, err := p.resource(id)
	if err != nil {
		return err
	}
	r.suspended = suspended
	r.online = !suspended
	return nil
}

// Terminate implements provisioning.Panel.
func (p *Panel) Terminate(ctx context.Context, id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, err := p.resource(id)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil // already gone: what terminate asks for
	}
	if err != nil {
		return err
	}
	delete(p.byService, r.serviceID)
	delete(p.resources, id)
	return nil
}

// ChangePlan implements provisioning.Panel.
func (p *Panel) ChangePlan(ctx context.Context, id, plan string, options map[string]int64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, err := p.resource(id)
	if err != nil {
		return err
	}
	if plan == "" || p.plans != nil && !p.plans[plan] {
		return platform.Invalid("plan_code", "sandbox panel has no plan %q", plan)
	}
	r.plan, r.options = plan, options
	return nil
}

// Status implements provisioning.Panel.
func (p *Panel) Status(ctx context.Context, id string) (provisioning.ResourceStatus, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, err := p.resource(id)
	if err != nil {
		return provisioning.ResourceStatus{}, err
	}
	st := provisioning.ResourceStatus{Online: r.online}
	if r.online {
		st.CPUPercent, st.RAMBytes, st.DiskBytes = 3.5, 512<<20, 4<<30
	}
	return st, nil
}

// Power implements provisioning.Panel.
func (p *Panel) Power(ctx context.Context, id string, a provisioning.PowerAction) error {
	if !a.Valid() {
		return platform.Invalid("action", "unknown power action %q", a)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r, err := p.resource(id)
	if err != nil {
		return err
	}
	if r.suspended {
		return platform.Errorf(platform.ECONFLICT, "sandbox resource %s is suspended", id)
	}
	r.online = a != provisioning.PowerStop
	return nil
}

// LoginURL implements provisioning.Panel.
func (p *Panel) LoginURL(ctx context.Context, id string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.resource(id); err != nil {
		return "", err
	}
	return "https://sandbox-panel.invalid/login?resource=" + id + "&token=" + rand.Text(), nil
}
