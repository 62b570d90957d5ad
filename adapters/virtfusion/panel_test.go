package virtfusion_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/paneltest"
	"ezscale.cloud/platform/adapters/virtfusion"
	"ezscale.cloud/platform/adapters/virtfusion/virtfusiontest"
	"ezscale.cloud/platform/provisioning"
)

var ctx = context.Background()

var (
	smallPlan = strconv.FormatInt(virtfusiontest.PackageSmall, 10)
	largePlan = strconv.FormatInt(virtfusiontest.PackageLarge, 10)
	debian    = strconv.FormatInt(virtfusiontest.TemplateDebian, 10)
)

// config is a panel configuration for fake, changed by edit.
func config(fake *virtfusiontest.Server, edit ...func(*virtfusion.Config)) virtfusion.Config {
	cfg := virtfusion.Config{BaseURL: fake.URL, APIKey: virtfusiontest.Token,
		HypervisorGroupID: virtfusiontest.HypervisorGroup, DefaultIPv4: 1, IPv6: true, DeleteDelay: 5 * time.Minute}
	for _, e := range edit {
		e(&cfg)
	}
	return cfg
}

// open returns a panel talking to a fresh fake.
func open(t *testing.T, edit ...func(*virtfusion.Config)) (*virtfusion.Panel, *virtfusiontest.Server) {
	t.Helper()
	fake := virtfusiontest.New(t)
	p, err := virtfusion.New(config(fake, edit...))
	if err != nil {
		t.Fatal(err)
	}
	return p, fake
}

func TestContract(t *testing.T) {
	paneltest.Run(t, func(t *testing.T) paneltest.Harness {
		p, fake := open(t)
		bad, err := virtfusion.New(config(fake, func(c *virtfusion.Config) { c.APIKey = "wrong-token" }))
		if err != nil {
			t.Fatal(err)
		}
		return paneltest.Harness{
			Panel:           p,
			BadCredentials:  bad,
			PlanCode:        smallPlan,
			OtherPlanCode:   largePlan,
			Options:         map[string]int64{virtfusion.OptionRAM: 2048, virtfusion.OptionExtraIPv4: 1},
			OSTemplate:      debian,
			Resources:       func(serviceID int64) int { return fake.LiveServersNamed(p.ServerName(serviceID)) },
			Suspended:       fake.Suspended,
			Plan:            fake.Package,
			DeleteOutOfBand: fake.DeleteOutOfBand,
		}
	})
}

// request is a valid create request for service 42 of customer 7.
func request() provisioning.CreateRequest {
	return provisioning.CreateRequest{ServiceID: 42, CustomerID: 7, CustomerEmail: "ada@example.com",
		PlanCode: smallPlan, OSTemplate: debian, Hostname: "web.example.com"}
}

// create runs a create that must succeed.
func create(t *testing.T, p *virtfusion.Panel, req provisioning.CreateRequest) provisioning.CreateResult {
	t.Helper()
	res, err := p.Create(ctx, req)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return res
}

// server returns the fake's server with the external id.
func server(t *testing.T, fake *virtfusiontest.Server, externalID string) virtfusiontest.VPS {
	t.Helper()
	for _, v := range fake.Servers() {
		if strconv.FormatInt(v.ID, 10) == externalID {
			return v
		}
	}
	t.Fatalf("the fake has no server %s", externalID)
	return virtfusiontest.VPS{}
}

// calls counts the requests the fake received with method and path.
func calls(fake *virtfusiontest.Server, method, path string) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// lastBody is the body of the last request with method and path.
func lastBody(t *testing.T, fake *virtfusiontest.Server, method, path string) map[string]any {
	t.Helper()
	reqs := fake.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method && reqs[i].Path == path {
			return reqs[i].Body
		}
	}
	t.Fatalf("no %s %s request", method, path)
	return nil
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := platform.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want code %q", err, got, code)
	}
}

func TestNewChecksConfig(t *testing.T) {
	fake := virtfusiontest.New(t)
	for field, edit := range map[string]func(*virtfusion.Config){
		"base_url":            func(c *virtfusion.Config) { c.BaseURL = "cp.example.com" },
		"api_key":             func(c *virtfusion.Config) { c.APIKey = "" },
		"hypervisor_group_id": func(c *virtfusion.Config) { c.HypervisorGroupID = 0 },
		"default_ipv4":        func(c *virtfusion.Config) { c.DefaultIPv4 = -1 },
		"delete_delay":        func(c *virtfusion.Config) { c.DeleteDelay = 90 * time.Second },
	} {
		_, err := virtfusion.New(config(fake, edit))
		wantCode(t, err, platform.EINVALID)
		if got := platform.ErrorField(err); got != field {
			t.Errorf("field %q, want %q", got, field)
		}
	}
	if _, err := virtfusion.New(config(fake, func(c *virtfusion.Config) { c.DeleteDelay = 31 * 24 * time.Hour })); err == nil {
		t.Error("a delete delay beyond 43800 minutes was accepted")
	}
}

func TestBaseURLMayIncludeTheAPIPath(t *testing.T) {
	p, _ := open(t, func(c *virtfusion.Config) { c.BaseURL += "/api/v1/" })
	if err := p.TestConnection(ctx); err != nil {
		t.Fatal(err)
	}
}
