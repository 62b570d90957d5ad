package synergycp

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/synergycp/synergycptest"
	"ezscale.cloud/platform/provisioning"
)

// provisioned creates a server for a service on a plan and returns its
// external id.
func provisioned(t *testing.T, p *Panel, serviceID int64, plan string) string {
	t.Helper()
	res, err := p.Create(context.Background(), createRequest(serviceID, plan))
	if err != nil {
		t.Fatal(err)
	}
	return res.ExternalID
}

func TestVIPClientsAreNotSuspendedOrWipedAutomatically(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	ctx := context.Background()
	id := provisioned(t, p, 30, "e3-10tb")
	fake.MarkVIP(7)

	// SynergyCP answers HTTP 200 with error set and data.ignored.
	err := p.Suspend(ctx, id)
	wantCode(t, err, platform.ECONFLICT)
	if fake.Suspended(serverOf(t, id)) || !strings.Contains(err.Error(), "VIP") {
		t.Fatalf("suspend of a VIP: %v, suspended %v", err, fake.Suspended(serverOf(t, id)))
	}
	wantCode(t, p.Terminate(ctx, id), platform.ECONFLICT)
	if fake.Resources(30) != 1 {
		t.Fatal("a VIP's server was wiped")
	}
}

func TestTerminateWipesTheServerBackIntoInventory(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	ctx := context.Background()
	id := provisioned(t, p, 31, "e3-10tb")
	if err := p.Terminate(ctx, id); err != nil {
		t.Fatal(err)
	}
	st, exists := fake.State(serverOf(t, id))
	if !exists || st.Assigned || st.BillingID != "" {
		t.Fatalf("after terminate the server is %+v (exists %v), want it free in the inventory", st, exists)
	}

	// The machine is sold again; the old service's late calls must not
	// touch the new customer's server.
	again, err := p.Create(ctx, createRequest(32, "e3-10tb"))
	if err != nil {
		t.Fatal(err)
	}
	if serverOf(t, again.ExternalID) != serverOf(t, id) {
		t.Fatalf("the fake sold %s, want the wiped machine of %s first", again.ExternalID, id)
	}
	if err := p.Terminate(ctx, id); err != nil {
		t.Fatal(err)
	}
	wantCode(t, p.Suspend(ctx, id), platform.ENOTFOUND)
	if fake.Resources(32) != 1 || fake.Suspended(serverOf(t, again.ExternalID)) {
		t.Fatal("calls for the old service reached the new customer's server")
	}
}

func TestChangePlanToOtherHardwareNeedsHardware(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	id := provisioned(t, p, 33, "e3-10tb")
	fake.AddServer(bigHardware)
	wantCode(t, p.ChangePlan(context.Background(), id, "epyc-50tb", nil), provisioning.ENEEDSHARDWARE)
	if got := planOf(fake, serverOf(t, id)); got != "e3-10tb" {
		t.Fatalf("a refused change left the server on %q", got)
	}
}

func TestStatusReportsBandwidthInBytes(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	ctx := context.Background()
	id := provisioned(t, p, 34, "e3-10tb")
	fake.SetUsage(serverOf(t, id), 8_000_000_000, 80_000_000_000_000) // bits
	st, err := p.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Online || st.BandwidthBytes != 1_000_000_000 {
		t.Fatalf("status %+v, want online and 1 GB", st)
	}
	if err := p.Suspend(ctx, id); err != nil {
		t.Fatal(err)
	}
	if st, _ := p.Status(ctx, id); st.Online {
		t.Fatal("a suspended server reports online")
	}
}

func TestPowerSendsIPMICommandsAsTheClient(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	ctx := context.Background()
	id := provisioned(t, p, 35, "e3-10tb")
	srv := serverOf(t, id)
	for action, want := range map[provisioning.PowerAction]string{
		provisioning.PowerStop: "off", provisioning.PowerStart: "on",
	} {
		if err := p.Power(ctx, id, action); err != nil {
			t.Fatal(err)
		}
		if st, _ := fake.State(srv); st.Power != want {
			t.Fatalf("after %s the server is %q, want %q", action, st.Power, want)
		}
	}
	if err := p.Suspend(ctx, id); err != nil {
		t.Fatal(err)
	}
	wantCode(t, p.Power(ctx, id, provisioning.PowerStart), platform.ECONFLICT)

	noIPMI := provisioned(t, p, 36, "e3-5tb-no-ipmi")
	wantCode(t, p.Power(ctx, noIPMI, provisioning.PowerRestart), provisioning.EUNSUPPORTED)
}

func TestLoginURLSignsTheClientIntoTheServer(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	id := provisioned(t, p, 37, "e3-10tb")
	link, err := p.LoginURL(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(link, synergycptest.APIKey) {
		t.Fatal("the login link carries the admin key")
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || !strings.HasSuffix(resp.Header.Get("Location"), "/server/"+strings.Split(id, ":")[0]) {
		t.Fatalf("sso answered %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestMalformedExternalIDIsInvalid(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	for _, id := range []string{"", "12", "a:b", "12:-1"} {
		wantCode(t, p.Terminate(context.Background(), id), platform.EINVALID)
	}
	if len(fake.Requests()) != 0 {
		t.Fatal("a malformed id reached the panel")
	}
}
