package virtfusion_test

import (
	"net/http"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/virtfusion"
	"ezscale.cloud/platform/adapters/virtfusion/virtfusiontest"
	"ezscale.cloud/platform/provisioning"
)

func TestChangePlanAppliesThePackageAndTheOptions(t *testing.T) {
	p, fake := open(t)
	req := request()
	req.Options = map[string]int64{virtfusion.OptionRAM: 2048, virtfusion.OptionExtraIPv4: 1}
	id := create(t, p, req).ExternalID
	upgrade := map[string]int64{virtfusion.OptionRAM: 8192, virtfusion.OptionCPU: 6,
		virtfusion.OptionTraffic: 0, virtfusion.OptionExtraIPv4: 3}
	for range 2 { // a retried change must not add addresses twice
		if err := p.ChangePlan(ctx, id, largePlan, upgrade); err != nil {
			t.Fatal(err)
		}
	}
	v := server(t, fake, id)
	if v.PackageID != virtfusiontest.PackageLarge || v.Memory != 8192 || v.CPUCores != 6 || v.Traffic != 0 || len(v.IPv4) != 4 {
		t.Fatalf("server after the change: %+v", v)
	}
	flags := lastBody(t, fake, http.MethodPut, "/servers/"+id+"/package/2")
	for _, f := range []string{"cpu", "memory", "primaryDiskSize", "primaryNetworkTraffic", "primaryNetworkInboundSpeed"} {
		if flags[f] != true {
			t.Errorf("package flag %s = %v, want true", f, flags[f])
		}
	}
	if traffic := lastBody(t, fake, http.MethodPut, "/servers/"+id+"/modify/traffic"); traffic["traffic"] != "0" {
		t.Fatalf("traffic sent as %#v, want the string the spec asks for", traffic["traffic"])
	}

	first := v.IPv4[0]
	if err := p.ChangePlan(ctx, id, smallPlan, map[string]int64{virtfusion.OptionExtraIPv4: 0}); err != nil {
		t.Fatal(err)
	}
	if v := server(t, fake, id); len(v.IPv4) != 1 || v.IPv4[0] != first {
		t.Fatalf("addresses after the downgrade %v, want only %s", v.IPv4, first)
	}
}

func TestChangePlanKeepsWhatTheAPICannotChangeBack(t *testing.T) {
	p, fake := open(t)
	req := request()
	req.Options = map[string]int64{virtfusion.OptionDisk: 40, virtfusion.OptionNetworkIn: 50000}
	id := create(t, p, req).ExternalID
	if err := p.ChangePlan(ctx, id, largePlan, req.Options); err != nil {
		t.Fatal(err)
	}
	v := server(t, fake, id)
	if v.Storage != 40 || v.NetworkIn != 50000 || v.PackageID != virtfusiontest.PackageLarge {
		t.Fatalf("server after the change: %+v", v)
	}
	flags := lastBody(t, fake, http.MethodPut, "/servers/"+id+"/package/2")
	if flags["primaryDiskSize"] != false || flags["primaryNetworkInboundSpeed"] != false {
		t.Fatalf("package flags %v re-apply what the options set", flags)
	}
}

func TestChangePlanRefusesADiskResizeBeforeChangingAnything(t *testing.T) {
	p, fake := open(t)
	id := create(t, p, request()).ExternalID
	err := p.ChangePlan(ctx, id, largePlan, map[string]int64{virtfusion.OptionDisk: 100})
	wantCode(t, err, provisioning.EUNSUPPORTED)
	if n := calls(fake, http.MethodPut, "/servers/"+id+"/package/2"); n != 0 || server(t, fake, id).PackageID != virtfusiontest.PackageSmall {
		t.Fatalf("a refused change still moved the package (%d calls)", n)
	}
}

func TestChangePlanToAPackageVirtFusionLacksIsInvalid(t *testing.T) {
	p, _ := open(t)
	id := create(t, p, request()).ExternalID
	err := p.ChangePlan(ctx, id, "999", nil)
	wantCode(t, err, platform.EINVALID)
	if platform.ErrorField(err) != "plan_code" {
		t.Fatalf("field %q, want plan_code", platform.ErrorField(err))
	}
}
