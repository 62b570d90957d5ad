package virtfusion_test

import (
	"net/http"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/virtfusion"
	"ezscale.cloud/platform/adapters/virtfusion/virtfusiontest"
	"ezscale.cloud/platform/provisioning"
)

func TestCreateMakesTheCustomersUserOnce(t *testing.T) {
	p, fake := open(t)
	create(t, p, request())
	other := request()
	other.ServiceID = 43
	create(t, p, other)
	if n := calls(fake, http.MethodPost, "/users"); n != 1 {
		t.Fatalf("%d user creates for one customer, want 1", n)
	}
	body := lastBody(t, fake, http.MethodPost, "/users")
	if body["extRelationId"] != float64(7) || body["email"] != "ada@example.com" || body["sendMail"] != false {
		t.Fatalf("user create body %v", body)
	}
	users := fake.Users()
	for _, v := range fake.Servers() {
		if v.OwnerID != users[0].ID {
			t.Fatalf("server %d belongs to user %d, want %d", v.ID, v.OwnerID, users[0].ID)
		}
	}
}

func TestCreateUsesAUserStaffMadeBefore(t *testing.T) {
	p, fake := open(t)
	userID := fake.AddUser(7, "ada@example.com")
	res := create(t, p, request())
	if n := calls(fake, http.MethodPost, "/users"); n != 0 {
		t.Fatalf("%d user creates for a customer VirtFusion knew", n)
	}
	if owner := server(t, fake, res.ExternalID).OwnerID; owner != userID {
		t.Fatalf("owner %d, want %d", owner, userID)
	}
}

func TestCreateWhenTheEmailBelongsToAnotherUserIsAConflict(t *testing.T) {
	p, fake := open(t)
	fake.AddUser(99, "ada@example.com")
	_, err := p.Create(ctx, request())
	wantCode(t, err, platform.ECONFLICT)
	if platform.ErrorField(err) != "customer_email" {
		t.Fatalf("field %q, want customer_email", platform.ErrorField(err))
	}
}

func TestCreateSendsOptionsAsDocumentedFields(t *testing.T) {
	p, fake := open(t, func(c *virtfusion.Config) { c.DefaultIPv4 = 1 })
	req := request()
	req.Options = map[string]int64{
		virtfusion.OptionExtraIPv4: 2, virtfusion.OptionRAM: 2048, virtfusion.OptionDisk: 40,
		virtfusion.OptionCPU: 2, virtfusion.OptionTraffic: 0, virtfusion.OptionNetworkIn: 50000,
		virtfusion.OptionNetworkOut: 25000, virtfusion.OptionStorageProfile: 3, virtfusion.OptionNetworkProfile: 4,
	}
	res := create(t, p, req)
	body := lastBody(t, fake, http.MethodPost, "/servers")
	want := map[string]float64{"packageId": 1, "hypervisorId": 1, "ipv4": 3, "memory": 2048, "storage": 40,
		"cpuCores": 2, "traffic": 0, "networkSpeedInbound": 50000, "networkSpeedOutbound": 25000,
		"storageProfile": 3, "networkProfile": 4}
	for field, v := range want {
		if body[field] != v {
			t.Errorf("%s = %v, want %v", field, body[field], v)
		}
	}
	v := server(t, fake, res.ExternalID)
	if len(v.IPv4) != 3 || v.Memory != 2048 || v.Storage != 40 || v.CPUCores != 2 || v.Traffic != 0 {
		t.Fatalf("server %+v does not have the options", v)
	}
}

func TestCreateBuildsWithTheTemplateAndReturnsTheRootPassword(t *testing.T) {
	p, fake := open(t)
	res := create(t, p, request())
	path := "/servers/" + res.ExternalID + "/build"
	body := lastBody(t, fake, http.MethodPost, path)
	if body["operatingSystemId"] != float64(virtfusiontest.TemplateDebian) || body["name"] != p.ServerName(42) ||
		body["hostname"] != "web.example.com" || body["email"] != false || body["ipv6"] != true {
		t.Fatalf("build body %v", body)
	}
	v := server(t, fake, res.ExternalID)
	if res.Username != "root" || res.Password == "" || res.Password != v.RootPassword {
		t.Fatalf("credentials %s/%s, the server's root password is %s", res.Username, res.Password, v.RootPassword)
	}
	if res.IPv4 != v.IPv4[0] || res.IPv6 != v.IPv6Subnet+"1" {
		t.Fatalf("addresses %s %s, server has %v %s", res.IPv4, res.IPv6, v.IPv4, v.IPv6Subnet)
	}
	if v.OSTemplateID != virtfusiontest.TemplateDebian || v.Name != p.ServerName(42) {
		t.Fatalf("server %+v", v)
	}
}

func TestCreateRetriedAfterAFailedBuildBuildsTheSameServer(t *testing.T) {
	p, fake := open(t)
	fake.Respond(http.MethodPost, "/servers/*/build", http.StatusInternalServerError, map[string]string{"message": "Server Error"})
	if _, err := p.Create(ctx, request()); err == nil {
		t.Fatal("create succeeded although the build failed")
	}
	res := create(t, p, request())
	if n := calls(fake, http.MethodPost, "/servers"); n != 1 {
		t.Fatalf("%d servers created, want 1", n)
	}
	if v := server(t, fake, res.ExternalID); v.Built.IsZero() || res.Password != v.RootPassword {
		t.Fatalf("retried create left %+v and returned password %q", v, res.Password)
	}
}

func TestCreateRetriedAfterTheBuildResetsTheRootPassword(t *testing.T) {
	p, fake := open(t)
	first := create(t, p, request())
	again := create(t, p, request())
	if again.ExternalID != first.ExternalID {
		t.Fatalf("second server %s, want %s", again.ExternalID, first.ExternalID)
	}
	if n := calls(fake, http.MethodPost, "/servers/"+first.ExternalID+"/build"); n != 1 {
		t.Fatalf("%d builds, want 1: a second would reinstall the server", n)
	}
	body := lastBody(t, fake, http.MethodPost, "/servers/"+first.ExternalID+"/resetPassword")
	if body["user"] != "root" || body["sendMail"] != false {
		t.Fatalf("reset body %v", body)
	}
	if v := server(t, fake, first.ExternalID); again.Password == "" || again.Password != v.RootPassword {
		t.Fatalf("retried create returned %q, server's password is %q", again.Password, v.RootPassword)
	}
}

func TestCreateDeletesAServerItCannotName(t *testing.T) {
	p, fake := open(t)
	fake.Respond(http.MethodPut, "/servers/*/modify/name", http.StatusInternalServerError, map[string]string{"message": "Server Error"})
	if _, err := p.Create(ctx, request()); err == nil {
		t.Fatal("create succeeded although naming failed")
	}
	if n := len(fake.Servers()); n != 0 {
		t.Fatalf("an unnamed server was left behind: %d servers", n)
	}
	create(t, p, request())
	if n := fake.LiveServersNamed(p.ServerName(42)); n != 1 {
		t.Fatalf("%d servers after the retry, want 1", n)
	}
}

func TestCreateRefusesBadInputBeforeAnyCall(t *testing.T) {
	p, fake := open(t)
	cases := map[string]func(*provisioning.CreateRequest){
		"options":     func(r *provisioning.CreateRequest) { r.Options = map[string]int64{"backups": 1} },
		"plan_code":   func(r *provisioning.CreateRequest) { r.PlanCode = "vps-small" },
		"os_template": func(r *provisioning.CreateRequest) { r.OSTemplate = "" },
		"customer_id": func(r *provisioning.CreateRequest) { r.CustomerID = 0 },
	}
	for field, edit := range cases {
		req := request()
		edit(&req)
		_, err := p.Create(ctx, req)
		wantCode(t, err, platform.EINVALID)
		if platform.ErrorField(err) != field {
			t.Errorf("field %q, want %q", platform.ErrorField(err), field)
		}
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("refused creates made %d calls", n)
	}
}

func TestCreateOnAnotherHypervisorGroup(t *testing.T) {
	p, fake := open(t)
	req := request()
	req.Options = map[string]int64{virtfusion.OptionHypervisorGroup: 9}
	_, err := p.Create(ctx, req)
	wantCode(t, err, platform.EINVALID) // the fake has only group 1
	if body := lastBody(t, fake, http.MethodPost, "/servers"); body["hypervisorId"] != float64(9) {
		t.Fatalf("hypervisorId %v, want 9", body["hypervisorId"])
	}
	if n := len(fake.Servers()); n != 0 {
		t.Fatalf("%d servers on an unknown group", n)
	}
}
