package synergycp

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/synergycp/synergycptest"
	"ezscale.cloud/platform/provisioning"
)

func createRequest(serviceID int64, plan string) provisioning.CreateRequest {
	return provisioning.CreateRequest{
		ServiceID: serviceID, CustomerID: 7, CustomerEmail: "ada@example.com", PlanCode: plan,
		Hostname: "srv.example.com", Password: "s3cret-Passw0rd",
	}
}

// wantCode fails the test unless err carries the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := platform.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

// provisionRequests counts the POST server/provision calls the fake got.
func provisionRequests(fake *synergycptest.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == "POST" && r.Path == "/server/provision" {
			n++
		}
	}
	return n
}

func TestCreateSendsTheWHMCSModulesProvisionRequest(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	res, err := p.Create(context.Background(), createRequest(42, "e3-10tb"))
	if err != nil {
		t.Fatal(err)
	}
	if res.IPv4 == "" || res.IPv6 == "" || res.Username != "root" || res.Password != "" {
		t.Fatalf("result %+v, want addresses, root and no password of the panel's own", res)
	}
	var body map[string]any
	for _, r := range fake.Requests() {
		if r.Path == "/server/provision" {
			body = r.Body
		}
	}
	billing, _ := body["billing"].(map[string]any)
	access, _ := body["access"].(map[string]any)
	if billing["id"] != "42" || billing["max_bandwidth"] != "10TB" || body["password"] != "s3cret-Passw0rd" ||
		body["pxe_profile_billing"] != "debian-12" || body["nickname"] != "srv.example.com" || access["ipmi"] != true {
		t.Fatalf("provision body %v", body)
	}
	st, _ := fake.State(serverOf(t, res.ExternalID))
	if st.OS != "debian-12" || st.PortSpeed != "1gbps" || st.IPs != "ipv4-1" || st.BillingID != "42" {
		t.Fatalf("panel state %+v", st)
	}
}

func TestCreateReusesTheCustomersClient(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	ctx := context.Background()
	first, err := p.Create(ctx, createRequest(1, "e3-10tb"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := p.Create(ctx, createRequest(2, "e3-10tb"))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := fake.State(serverOf(t, first.ExternalID))
	b, _ := fake.State(serverOf(t, second.ExternalID))
	if a.ClientID == 0 || a.ClientID != b.ClientID {
		t.Fatalf("two orders of one customer went to clients %d and %d", a.ClientID, b.ClientID)
	}
}

func TestCreateUsesTheOrdersOS(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	req := createRequest(3, "e3-10tb")
	req.OSTemplate = "no-such-os"
	_, err := p.Create(context.Background(), req)
	wantCode(t, err, platform.EINVALID)
	if fake.Resources(3) != 0 {
		t.Fatal("a refused provision left a server behind")
	}
}

func TestCreateUnknownPlanFailsBeforeCallingThePanel(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	_, err := p.Create(context.Background(), createRequest(4, "no-such-plan"))
	wantCode(t, err, platform.EINVALID)
	if platform.ErrorField(err) != "plan_code" || len(fake.Requests()) != 0 {
		t.Fatalf("error %v, %d requests", err, len(fake.Requests()))
	}
}

func TestCreateWithoutFreeHardwareNeedsHardware(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	ctx := context.Background()
	fake.AddTakenServer(bigHardware) // matching, but sold

	_, err := p.Create(ctx, createRequest(10, "epyc-50tb"))
	wantCode(t, err, provisioning.ENEEDSHARDWARE)
	if fake.Resources(10) != 0 || provisionRequests(fake) != 0 {
		t.Fatal("an order without hardware provisioned something")
	}
	for _, r := range fake.Requests() {
		if r.Method != "GET" {
			t.Fatalf("an order without hardware sent %s %s", r.Method, r.Path)
		}
	}

	// Stock arrives: the retried job provisions it.
	id := fake.AddServer(bigHardware)
	res, err := p.Create(ctx, createRequest(10, "epyc-50tb"))
	if err != nil {
		t.Fatal(err)
	}
	if serverOf(t, res.ExternalID) != id || planOf(fake, id) != "epyc-50tb" {
		t.Fatalf("provisioned %s, want server %d on epyc-50tb", res.ExternalID, id)
	}
}

func TestCreateOnAssignedHardware(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	ctx := context.Background()

	free := fake.AddServer(bigHardware)
	req := createRequest(20, "epyc-50tb")
	req.HardwareID = strconv.FormatInt(free, 10)
	res, err := p.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if serverOf(t, res.ExternalID) != free || fake.Resources(20) != 1 {
		t.Fatalf("staff assigned server %d, got %s", free, res.ExternalID)
	}

	taken := fake.AddTakenServer(bigHardware)
	req = createRequest(21, "epyc-50tb")
	req.HardwareID = strconv.FormatInt(taken, 10)
	_, err = p.Create(ctx, req)
	wantCode(t, err, platform.ECONFLICT)

	req.HardwareID = "99999"
	_, err = p.Create(ctx, req)
	wantCode(t, err, platform.EINVALID)
	if platform.ErrorField(err) != "hardware_id" {
		t.Fatalf("unknown hardware: %v, want field hardware_id", err)
	}
	if fake.Resources(21) != 0 {
		t.Fatal("a refused assignment provisioned a server")
	}
}

// raceTransport lets a competing order run just before the first
// provision request goes out, as a parallel worker would.
type raceTransport struct {
	once    sync.Once
	compete func()
}

func (rt *raceTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && r.URL.Path == "/server/provision" {
		rt.once.Do(rt.compete)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestCreateTakesTheNextServerWhenAnotherOrderWinsTheRace(t *testing.T) {
	fake := synergycptest.New(t)
	ctx := context.Background()
	competitor := newPanel(t, fake, synergycptest.APIKey)
	var theirs provisioning.CreateResult
	rt := &raceTransport{compete: func() {
		var err error
		if theirs, err = competitor.Create(ctx, createRequest(51, "e3-10tb")); err != nil {
			t.Error(err)
		}
	}}
	p, err := New(Config{BaseURL: fake.URL, APIKey: synergycptest.APIKey, Plans: testPlans(), HTTPClient: &http.Client{Transport: rt}})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := p.Create(ctx, createRequest(50, "e3-10tb"))
	if err != nil {
		t.Fatal(err)
	}
	if serverOf(t, ours.ExternalID) == serverOf(t, theirs.ExternalID) || fake.Resources(50) != 1 || fake.Resources(51) != 1 {
		t.Fatalf("ours %s, theirs %s", ours.ExternalID, theirs.ExternalID)
	}
	if n := provisionRequests(fake); n != 3 {
		t.Fatalf("%d provision requests, want theirs, our lost one and our retry", n)
	}
}

func TestCreateFindsTheClientByEmailWhenTheBillingIDIsNew(t *testing.T) {
	fake := synergycptest.New(t)
	p := newPanel(t, fake, synergycptest.APIKey)
	ctx := context.Background()
	first, err := p.Create(ctx, createRequest(60, "e3-10tb"))
	if err != nil {
		t.Fatal(err)
	}
	// The same mailbox under another customer id: SynergyCP refuses a
	// second client with that email, so the existing one must be used.
	req := createRequest(61, "e3-10tb")
	req.CustomerID = 8
	second, err := p.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := fake.State(serverOf(t, first.ExternalID))
	b, _ := fake.State(serverOf(t, second.ExternalID))
	if a.ClientID != b.ClientID {
		t.Fatalf("clients %d and %d for one email", a.ClientID, b.ClientID)
	}
}
