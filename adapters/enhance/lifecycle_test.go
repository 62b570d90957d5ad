package enhance

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/enhance/enhancetest"
)

// created returns a panel over a fresh fake and the external id of a
// service created on it.
func created(t *testing.T, cfg Config) (*Panel, *enhancetest.Server, ref) {
	t.Helper()
	fake := enhancetest.New(t)
	cfg.BaseURL, cfg.APIKey, cfg.OrgID = fake.URL, enhancetest.Token, enhancetest.MasterOrgID
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Create(context.Background(), hostingRequest(21))
	if err != nil {
		t.Fatal(err)
	}
	r, err := parseRef(res.ExternalID)
	if err != nil {
		t.Fatal(err)
	}
	return p, fake, r
}

func TestSuspendPatchesOnlyWhenTheStateChanges(t *testing.T) {
	p, fake, r := created(t, Config{})
	ctx := context.Background()
	for range 2 {
		if err := p.Suspend(ctx, r.String()); err != nil {
			t.Fatal(err)
		}
	}
	patches := sent(t, fake, http.MethodPatch, p.subscriptionPath(r))
	if len(patches) != 1 || patches[0]["isSuspended"] != true || len(patches[0]) != 1 {
		t.Fatalf("patch bodies %v, want one {isSuspended: true}", patches)
	}
	if err := p.Unsuspend(ctx, r.String()); err != nil || fake.Suspended(r.subscriptionID) {
		t.Fatalf("unsuspend: %v, suspended %v", err, fake.Suspended(r.subscriptionID))
	}
}

func TestTerminateSoftDeletesUnlessForced(t *testing.T) {
	for _, force := range []bool{false, true} {
		p, fake, r := created(t, Config{ForceDelete: force})
		if err := p.Terminate(context.Background(), r.String()); err != nil {
			t.Fatal(err)
		}
		var deletes []enhancetest.Request
		for _, req := range fake.Requests() {
			if req.Method == http.MethodDelete {
				deletes = append(deletes, req)
			}
		}
		if len(deletes) != 1 || deletes[0].Path != "/api"+p.subscriptionPath(r) || deletes[0].Query.Get("force") != strconv.FormatBool(force) {
			t.Fatalf("ForceDelete %v: deletes %+v", force, deletes)
		}
	}
}

func TestChangePlanSendsThePlanID(t *testing.T) {
	p, fake, r := created(t, Config{})
	ctx := context.Background()
	if err := p.ChangePlan(ctx, r.String(), "2", map[string]int64{"disk_gb": 50}); err != nil {
		t.Fatal(err)
	}
	err := p.ChangePlan(ctx, r.String(), "99", nil)
	wantCode(t, err, platform.EINVALID, "plan_code")
	patches := sent(t, fake, http.MethodPatch, p.subscriptionPath(r))
	if len(patches) != 1 || patches[0]["planId"] != float64(2) || len(patches[0]) != 1 {
		t.Fatalf("patch bodies %v, want one {planId: 2}", patches)
	}
}

func TestStatusReportsSuspensionAndUsage(t *testing.T) {
	p, fake, r := created(t, Config{})
	ctx := context.Background()
	fake.SetBandwidth(r.subscriptionID, 7<<30)
	st, err := p.Status(ctx, r.String())
	if err != nil {
		t.Fatal(err)
	}
	if !st.Online || st.BandwidthBytes != 7<<30 || st.DiskBytes != 48<<20 {
		t.Fatalf("status %+v", st)
	}
	if err := p.Suspend(ctx, r.String()); err != nil {
		t.Fatal(err)
	}
	if st, err := p.Status(ctx, r.String()); err != nil || st.Online {
		t.Fatalf("suspended service: status %+v, %v", st, err)
	}
}

func TestLoginURLIsTheOwnersOneTimeLink(t *testing.T) {
	p, fake, r := created(t, Config{})
	link, err := p.LoginURL(context.Background(), r.String())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(link, "otp=") || !strings.HasPrefix(link, "http://") {
		t.Fatalf("login link %q", link)
	}
	var asked bool
	for _, req := range fake.Requests() {
		asked = asked || req.Path == "/api/orgs/"+r.customerOrgID+"/members" && req.Query.Get("role") == "Owner"
	}
	if !asked {
		t.Fatal("the owner was not looked up by role")
	}
}

func TestAMalformedExternalIDIsRefusedBeforeCallingThePanel(t *testing.T) {
	p, fake, _ := created(t, Config{})
	before := len(fake.Requests())
	for _, id := range []string{"", "42", "org:", "org:x", "org:-1"} {
		wantCode(t, p.Suspend(context.Background(), id), platform.EINVALID, "external_id")
	}
	if n := len(fake.Requests()) - before; n != 0 {
		t.Fatalf("%d calls for malformed ids", n)
	}
}
