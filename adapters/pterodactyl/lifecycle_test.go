package pterodactyl_test

import (
	"context"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/pterodactyl"
	"ezscale.cloud/platform/adapters/pterodactyl/pterodactyltest"
)

func TestChangePlanSendsTheBuildWithTheDefaultAllocation(t *testing.T) {
	fake, p := fakeAndPanel(t)
	ctx := context.Background()
	res, err := p.Create(ctx, createRequest(1, "mc-small"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ChangePlan(ctx, res.ExternalID, "mc-large", map[string]int64{pterodactyl.OptionBackups: 9}); err != nil {
		t.Fatal(err)
	}
	sv, _ := fake.Server(res.ExternalID)
	body := lastBody(t, fake, "PATCH", "/api/application/servers/"+res.ExternalID+"/build")
	if body["allocation"] != float64(sv.Allocation) {
		t.Fatalf("build body %v: want the server's allocation %d", body, sv.Allocation)
	}
	if l := sv.Limits; l.Memory != 8192 || l.Swap != -1 || l.IO != 800 || l.CPU != 400 || *sv.FeatureLimits.Backups != 9 {
		t.Fatalf("limits %+v, backups %d", l, *sv.FeatureLimits.Backups)
	}
	// Another egg is another game: that needs a reinstall, not a build.
	err = p.ChangePlan(ctx, res.ExternalID, "mc-vanilla", nil)
	wantCode(t, "change to another egg", err, platform.EINVALID)
	if fake.Plan(res.ExternalID) != "mc-large" {
		t.Fatalf("a refused change moved the server to %q", fake.Plan(res.ExternalID))
	}
}

func TestTerminateWhenWingsIsDown(t *testing.T) {
	fake, p := fakeAndPanel(t)
	ctx := context.Background()
	res, err := p.Create(ctx, createRequest(1, "mc-small"))
	if err != nil {
		t.Fatal(err)
	}
	fake.SetWingsOffline(true)
	wantCode(t, "plain delete", p.Terminate(ctx, res.ExternalID), platform.EINTERNAL)
	if fake.Resources(1) != 1 {
		t.Fatal("a failed delete removed the server")
	}
	force := newPanel(t, fake, pterodactyltest.ApplicationKey, pterodactyltest.ClientKey, pterodactyl.Config{ForceDelete: true})
	if err := force.Terminate(ctx, res.ExternalID); err != nil {
		t.Fatalf("force delete: %v", err)
	}
	if fake.Resources(1) != 0 {
		t.Fatal("force delete left the server")
	}
	if err := p.Terminate(ctx, "not-a-server-id"); err != nil {
		t.Fatalf("terminating an id the panel cannot have: %v", err)
	}
}
