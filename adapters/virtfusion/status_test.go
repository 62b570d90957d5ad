package virtfusion_test

import (
	"net/http"
	"strconv"
	"testing"

	"ezscale.cloud/platform/provisioning"
)

func TestStatusReportsLiveStateDiskAndTraffic(t *testing.T) {
	p, fake := open(t)
	id := create(t, p, request()).ExternalID
	n, _ := strconv.ParseInt(id, 10, 64)
	fake.SetUsage(n, 3<<30, 1<<30, 7<<30)
	st, err := p.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Online || st.DiskBytes != 7<<30 || st.BandwidthBytes != 4<<30 {
		t.Fatalf("status %+v", st)
	}
	reqs := fake.Requests()
	var remote bool
	for _, r := range reqs {
		remote = remote || (r.Method == http.MethodGet && r.Path == "/servers/"+id && r.Query.Get("remoteState") == "true")
	}
	if !remote {
		t.Fatal("status did not ask for the live state")
	}
	if err := p.Power(ctx, id, provisioning.PowerStop); err != nil {
		t.Fatal(err)
	}
	if st, err := p.Status(ctx, id); err != nil || st.Online {
		t.Fatalf("status after stop %+v, %v", st, err)
	}
}
