package pterodactyl_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/pterodactyl"
	"ezscale.cloud/platform/adapters/pterodactyl/pterodactyltest"
	"ezscale.cloud/platform/provisioning"
)

func createRequest(serviceID int64, plan string) provisioning.CreateRequest {
	return provisioning.CreateRequest{ServiceID: serviceID, CustomerID: 7, CustomerEmail: "ada@example.com",
		PlanCode: plan, Hostname: "mc.example.com", Password: "correct horse battery staple"}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := platform.ErrorCode(err); got != code {
		t.Fatalf("%s: %v (code %q), want %q", what, err, got, code)
	}
}

// lastBody decodes the body of the last request the fake got for method
// and path.
func lastBody(t *testing.T, fake *pterodactyltest.Server, method, path string) map[string]any {
	t.Helper()
	reqs := fake.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method && reqs[i].Path == path {
			var body map[string]any
			if err := json.Unmarshal(reqs[i].Body, &body); err != nil {
				t.Fatalf("%s %s body: %v", method, path, err)
			}
			return body
		}
	}
	t.Fatalf("the panel got no %s %s", method, path)
	return nil
}

func TestCreateBuildsTheServerFromEggPlanAndOptions(t *testing.T) {
	fake, p := fakeAndPanel(t)
	req := createRequest(101, "mc-small")
	req.Options = map[string]int64{pterodactyl.OptionMemoryMB: 4096, pterodactyl.OptionDatabases: 3, "extra_ipv4": 1}
	res, err := p.Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.IPv4 != "203.0.113.10" || res.Username != "ada_7" || res.Password != "" {
		t.Fatalf("result %+v", res)
	}
	sv, _ := fake.Server(res.ExternalID)
	if sv.ExternalID != "101" || sv.Egg != pterodactyltest.PaperEgg || sv.Image != "ghcr.io/pterodactyl/yolks:java_17" {
		t.Fatalf("server %+v", sv)
	}
	// The egg's defaults fill the variables the plan does not set; the
	// panel refuses a create that leaves a required one out.
	wantEnv := map[string]string{"SERVER_JARFILE": "server.jar", "MINECRAFT_VERSION": "1.21.4", "BUILD_NUMBER": "latest"}
	for k, v := range wantEnv {
		if sv.Environment[k] != v {
			t.Errorf("environment %s = %q, want %q", k, sv.Environment[k], v)
		}
	}
	if l := sv.Limits; l.Memory != 4096 || l.Disk != 10240 || l.CPU != 100 || l.IO != 500 || l.Swap != 0 {
		t.Errorf("limits %+v: memory_mb should override the plan, io default to 500", l)
	}
	if f := sv.FeatureLimits; *f.Databases != 3 || *f.Backups != 1 || *f.Allocations != 0 {
		t.Errorf("feature limits %d/%d/%d", *f.Databases, *f.Allocations, *f.Backups)
	}
	if !sv.Running {
		t.Error("server should start once installed (start_on_completion)")
	}
	body := lastBody(t, fake, "POST", "/api/application/servers")
	deploy, _ := body["deploy"].(map[string]any)
	if _, hasAllocation := body["allocation"]; hasAllocation || deploy == nil || body["name"] != "mc.example.com" {
		t.Fatalf("create body %v: want deploy, no allocation, the hostname as name", body)
	}
	if locs, _ := deploy["locations"].([]any); len(locs) != 1 || deploy["dedicated_ip"] != false || deploy["port_range"] == nil {
		t.Fatalf("deploy %v", deploy)
	}
	u, _ := fake.User("ada@example.com")
	if u.ID != sv.Owner || u.Password != req.Password || u.ExternalID != "7" || u.Username != "ada_7" {
		t.Fatalf("user %+v owns server of %d", u, sv.Owner)
	}
}

func TestCreateReusesTheCustomersAccount(t *testing.T) {
	t.Run("by external id", func(t *testing.T) {
		fake, p := fakeAndPanel(t)
		id := fake.AddUser("ada.old@example.com", "ada", "7")
		res, err := p.Create(context.Background(), createRequest(1, "mc-small"))
		if err != nil {
			t.Fatal(err)
		}
		if sv, _ := fake.Server(res.ExternalID); sv.Owner != id || res.Username != "ada" {
			t.Fatalf("server owned by %d as %q, want the account with external id 7 (%d)", sv.Owner, res.Username, id)
		}
	})
	t.Run("by exact email, past the filter's partial matches", func(t *testing.T) {
		fake, p := fakeAndPanel(t)
		fake.AddUser("bada@example.com", "bada", "")
		id := fake.AddUser("Ada@Example.com", "ada", "")
		res, err := p.Create(context.Background(), createRequest(1, "mc-small"))
		if err != nil {
			t.Fatal(err)
		}
		if sv, _ := fake.Server(res.ExternalID); sv.Owner != id {
			t.Fatalf("server owned by %d, want %d", sv.Owner, id)
		}
		for _, r := range fake.Requests() {
			if r.Method == "POST" && r.Path == "/api/application/users" {
				t.Fatal("created an account for a customer who has one")
			}
		}
	})
}

func TestConcurrentCreatesMakeOneServerAndOneAccount(t *testing.T) {
	fake, p := fakeAndPanel(t)
	ids := make([]string, 6)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			res, err := p.Create(context.Background(), createRequest(301, "mc-small"))
			if err != nil {
				t.Errorf("create #%d: %v", i, err)
			}
			ids[i] = res.ExternalID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("creates returned different servers: %v", ids)
		}
	}
	if n := fake.Resources(301); n != 1 {
		t.Fatalf("%d servers for one service", n)
	}
	// Another service of the same customer, at the same time, shares the
	// account.
	a, errA := p.Create(context.Background(), createRequest(302, "mc-small"))
	b, errB := p.Create(context.Background(), createRequest(303, "mc-small"))
	if errA != nil || errB != nil || a.Username != b.Username {
		t.Fatalf("%v %v: accounts %q and %q", errA, errB, a.Username, b.Username)
	}
}

func TestCreateRefusesBeforeCallingThePanel(t *testing.T) {
	fake, p := fakeAndPanel(t)
	for name, req := range map[string]provisioning.CreateRequest{
		"unknown plan": createRequest(1, "no-such-plan"),
		"memory made unlimited": func() provisioning.CreateRequest {
			r := createRequest(1, "mc-small")
			r.Options = map[string]int64{"memory_mb": 0}
			return r
		}(),
		"no email": func() provisioning.CreateRequest { r := createRequest(1, "mc-small"); r.CustomerEmail = ""; return r }(),
	} {
		_, err := p.Create(context.Background(), req)
		wantCode(t, name, err, platform.EINVALID)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("the panel got %d requests", n)
	}
}

func TestCreateOnANodeTakesTheFirstFreeAllocationAcrossPages(t *testing.T) {
	fake, p := fakeAndPanel(t)
	node := fake.AddNode(9, "198.51.100.7", 30000, 101)
	plans := map[string]pterodactyl.Plan{
		"fill":  {Nest: pterodactyltest.MinecraftNest, Egg: pterodactyltest.PaperEgg, LocationIDs: []int{9}},
		"paper": testPlans["mc-small"],
	}
	fill := newPanel(t, fake, pterodactyltest.ApplicationKey, pterodactyltest.ClientKey, pterodactyl.Config{Plans: plans})
	for i := int64(1); i <= 100; i++ {
		if _, err := fill.Create(context.Background(), createRequest(1000+i, "fill")); err != nil {
			t.Fatal(err)
		}
	}
	// The order waited for capacity and staff picked node 9 for it: the
	// one free port is on the second page of the node's allocations.
	req := createRequest(2000, "mc-vanilla")
	req.HardwareID = strconv.Itoa(node)
	res, err := p.Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if sv, _ := fake.Server(res.ExternalID); sv.Node != node || res.IPv4 != "198.51.100.7" {
		t.Fatalf("server on node %d at %s, want node %d", sv.Node, res.IPv4, node)
	}
	body := lastBody(t, fake, "POST", "/api/application/servers")
	if _, deploys := body["deploy"]; deploys || body["allocation"] == nil {
		t.Fatalf("create body %v: want a default allocation, no deploy", body)
	}

	req.ServiceID, req.HardwareID = 2001, strconv.Itoa(node)
	_, err = p.Create(context.Background(), req)
	wantCode(t, "create on a full node", err, provisioning.ENEEDSHARDWARE)
	_, err = fill.Create(context.Background(), createRequest(2002, "fill"))
	wantCode(t, "deploy to a full location", err, provisioning.ENEEDSHARDWARE)
	req.HardwareID = "rack-4"
	_, err = p.Create(context.Background(), req)
	wantCode(t, "hardware id that is no node id", err, platform.EINVALID)
}
