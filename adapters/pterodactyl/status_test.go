package pterodactyl_test

import (
	"context"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/pterodactyl"
	"ezscale.cloud/platform/adapters/pterodactyl/pterodactyltest"
	"ezscale.cloud/platform/provisioning"
)

func TestStatusReportsWingsFigures(t *testing.T) {
	fake, p := fakeAndPanel(t)
	ctx := context.Background()
	res, err := p.Create(ctx, createRequest(1, "mc-large"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Status(ctx, res.ExternalID)
	if err != nil {
		t.Fatal(err)
	}
	// The fake's running server uses 37.5% of one core out of a 400% limit.
	want := provisioning.ResourceStatus{Online: true, CPUPercent: 9.375, RAMBytes: 8192 << 20 / 4, DiskBytes: 1 << 30,
		BandwidthBytes: 123456 + 654321}
	if st != want {
		t.Fatalf("status %+v, want %+v", st, want)
	}
	if err := p.Power(ctx, res.ExternalID, provisioning.PowerStop); err != nil {
		t.Fatal(err)
	}
	if sv, _ := fake.Server(res.ExternalID); sv.Running {
		t.Fatal("stop left the server running")
	}
	if st, _ := p.Status(ctx, res.ExternalID); st.Online || st.CPUPercent != 0 {
		t.Fatalf("stopped server reports %+v", st)
	}
}

func TestStatusAndPowerWhileInstallingOrSuspended(t *testing.T) {
	fake, p := fakeAndPanel(t)
	ctx := context.Background()
	fake.HoldInstalls(true)
	res, err := p.Create(ctx, createRequest(1, "mc-small"))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := p.Status(ctx, res.ExternalID); err != nil || st.Online {
		t.Fatalf("installing server: %+v, %v; want offline", st, err)
	}
	wantCode(t, "power while installing", p.Power(ctx, res.ExternalID, provisioning.PowerStart), platform.ECONFLICT)
	fake.FinishInstall(res.ExternalID)
	if st, err := p.Status(ctx, res.ExternalID); err != nil || !st.Online {
		t.Fatalf("installed server: %+v, %v; want online", st, err)
	}
	if err := p.Suspend(ctx, res.ExternalID); err != nil {
		t.Fatal(err)
	}
	if st, err := p.Status(ctx, res.ExternalID); err != nil || st.Online {
		t.Fatalf("suspended server: %+v, %v; want offline, read through the client API", st, err)
	}
	wantCode(t, "power while suspended", p.Power(ctx, res.ExternalID, provisioning.PowerStart), platform.ECONFLICT)
}

func TestLoginURLIsTheServersPanelPage(t *testing.T) {
	fake, p := fakeAndPanel(t)
	res, err := p.Create(context.Background(), createRequest(1, "mc-small"))
	if err != nil {
		t.Fatal(err)
	}
	link, err := p.LoginURL(context.Background(), res.ExternalID)
	sv, _ := fake.Server(res.ExternalID)
	if err != nil || link != fake.URL+"/server/"+sv.Identifier {
		t.Fatalf("login url %q, %v", link, err)
	}
}

func TestEachAPITakesItsOwnKey(t *testing.T) {
	fake, p := fakeAndPanel(t)
	ctx := context.Background()
	res, err := p.Create(ctx, createRequest(1, "mc-small"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range fake.Requests() {
		if r.Key != "application" {
			t.Fatalf("%s %s was sent with the %q key", r.Method, r.Path, r.Key)
		}
	}
	// The application key given as client key: the panel refuses it on the
	// client API.
	mixed := newPanel(t, fake, pterodactyltest.ApplicationKey, pterodactyltest.ApplicationKey, pterodactyl.Config{})
	wantCode(t, "test connection", mixed.TestConnection(ctx), platform.EUNAUTHORIZED)
	_, err = mixed.Status(ctx, res.ExternalID)
	wantCode(t, "status", err, platform.EUNAUTHORIZED)
	wrongClient := newPanel(t, fake, pterodactyltest.ApplicationKey, "ptlc_wrong", pterodactyl.Config{})
	wantCode(t, "wrong client key", wrongClient.TestConnection(ctx), platform.EUNAUTHORIZED)
}
