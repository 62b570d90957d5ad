package enhance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/enhance/enhancetest"
	"ezscale.cloud/platform/provisioning"
)

func hostingRequest(serviceID int64) provisioning.CreateRequest {
	return provisioning.CreateRequest{
		ServiceID: serviceID, CustomerID: 7, CustomerEmail: "ada@example.com",
		PlanCode: "1", Hostname: "ada.example.com", Password: "first-Pa55word",
	}
}

// sent returns the decoded bodies of the calls the fake received with
// this method whose path ends with suffix.
func sent(t *testing.T, fake *enhancetest.Server, method, suffix string) []map[string]any {
	t.Helper()
	var bodies []map[string]any
	for _, r := range fake.Requests() {
		if r.Method != method || !strings.HasSuffix(r.Path, suffix) {
			continue
		}
		body := map[string]any{}
		if len(r.Body) > 0 {
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("%s %s body: %v", r.Method, r.Path, err)
			}
		}
		bodies = append(bodies, body)
	}
	return bodies
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if platform.ErrorCode(err) != code || platform.ErrorField(err) != field {
		t.Fatalf("error %v, want code %q field %q", err, code, field)
	}
}

func TestCreateMakesCustomerSubscriptionAndWebsite(t *testing.T) {
	fake := enhancetest.New(t)
	p := newPanel(t, fake, enhancetest.Token)
	res, err := p.Create(context.Background(), hostingRequest(11))
	if err != nil {
		t.Fatal(err)
	}
	if res.Username != "ada@example.com" || res.Password != "" || res.IPv4 != enhancetest.ServerIPv4 || res.IPv6 != enhancetest.ServerIPv6 {
		t.Fatalf("result %+v", res)
	}
	if got := fake.LoginPassword("ada@example.com"); got != "first-Pa55word" {
		t.Fatalf("login password %q, want the request's", got)
	}
	if c := sent(t, fake, http.MethodPost, "/customers"); len(c) != 1 || c[0]["name"] != "ada@example.com" {
		t.Fatalf("customer bodies %v", c)
	}
	if m := sent(t, fake, http.MethodPost, "/members"); len(m) != 1 || m[0]["roles"].([]any)[0] != "Owner" || m[0]["loginId"] == "" {
		t.Fatalf("member bodies %v", m)
	}
	subs := sent(t, fake, http.MethodPost, "/subscriptions")
	if len(subs) != 1 || subs[0]["planId"] != float64(1) || subs[0]["friendlyName"] != "ezscale-service-11" {
		t.Fatalf("subscription bodies %v", subs)
	}
	r, err := parseRef(res.ExternalID)
	if err != nil {
		t.Fatal(err)
	}
	sites := sent(t, fake, http.MethodPost, "/websites")
	if len(sites) != 1 || sites[0]["domain"] != "ada.example.com" || sites[0]["subscriptionId"] != float64(r.subscriptionID) {
		t.Fatalf("website bodies %v", sites)
	}
	for _, req := range fake.Requests() {
		if req.Path == "/api/logins" && req.Query.Get("orgId") != r.customerOrgID {
			t.Fatalf("login made in org %q, want the customer's %q", req.Query.Get("orgId"), r.customerOrgID)
		}
	}
}

func TestCreateGeneratesAPasswordWhenNoneIsGiven(t *testing.T) {
	fake := enhancetest.New(t)
	req := hostingRequest(12)
	req.Password = ""
	res, err := newPanel(t, fake, enhancetest.Token).Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Password == "" || fake.LoginPassword(req.CustomerEmail) != res.Password {
		t.Fatalf("result password %q, panel has %q", res.Password, fake.LoginPassword(req.CustomerEmail))
	}
}

func TestCreateFindsTheCustomerOnALaterPage(t *testing.T) {
	fake := enhancetest.New(t)
	fake.SetMaxPageSize(2)
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com"} {
		fake.AddCustomer(email, email, "their-password")
	}
	orgID := fake.AddCustomer("Ada", "ADA@example.com", "her-own-password")
	res, err := newPanel(t, fake, enhancetest.Token).Create(context.Background(), hostingRequest(13))
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := parseRef(res.ExternalID); r.customerOrgID != orgID {
		t.Fatalf("subscription under %q, want the existing customer %q", r.customerOrgID, orgID)
	}
	if n := fake.LiveCustomers(); n != 5 {
		t.Fatalf("%d customers, want the 5 there were", n)
	}
	if res.Password != "" || fake.LoginPassword("ada@example.com") != "her-own-password" {
		t.Fatal("an existing customer's password was changed or reported")
	}
}

func TestCreateRollsBackTheCustomerWhenTheLoginIsTaken(t *testing.T) {
	fake := enhancetest.New(t)
	orphan := fake.AddCustomer("Ada", "ada@example.com", "x")
	deleteOrg(t, fake, orphan) // the login outlives its organisation
	_, err := newPanel(t, fake, enhancetest.Token).Create(context.Background(), hostingRequest(14))
	wantCode(t, err, platform.ECONFLICT, "customer_email")
	if n := fake.LiveCustomers(); n != 0 {
		t.Fatalf("%d customers left behind, want the new one deleted", n)
	}
}

// deleteOrg deletes a customer organisation through the API, as staff
// might.
func deleteOrg(t *testing.T, fake *enhancetest.Server, orgID string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, fake.URL+"/orgs/"+orgID, nil)
	req.Header.Set("Authorization", "Bearer "+enhancetest.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete org: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestCreateNeedsADomain(t *testing.T) {
	fake := enhancetest.New(t)
	req := hostingRequest(15)
	req.Hostname = ""
	_, err := newPanel(t, fake, enhancetest.Token).Create(context.Background(), req)
	wantCode(t, err, platform.EINVALID, "hostname")
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("%d calls before refusing the request", n)
	}

	p, err := New(Config{BaseURL: fake.URL, APIKey: enhancetest.Token, OrgID: enhancetest.MasterOrgID, FallbackDomain: "Hosting.example.net."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Create(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if sites := sent(t, fake, http.MethodPost, "/websites"); len(sites) != 1 || sites[0]["domain"] != "service-15.hosting.example.net" {
		t.Fatalf("website bodies %v", sites)
	}
}

func TestCreateRefusesAPlanTheOrganisationDoesNotSell(t *testing.T) {
	fake := enhancetest.New(t)
	p := newPanel(t, fake, enhancetest.Token)
	req := hostingRequest(16)
	req.PlanCode = "basic"
	_, err := p.Create(context.Background(), req)
	wantCode(t, err, platform.EINVALID, "plan_code")
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("%d calls for a plan code that is not an id", n)
	}
	req.PlanCode = "99"
	_, err = p.Create(context.Background(), req)
	wantCode(t, err, platform.EINVALID, "plan_code")
	if n := fake.LiveCustomers(); n != 0 {
		t.Fatalf("an unknown plan made %d customers", n)
	}
}

func TestConcurrentCreatesForDifferentCustomers(t *testing.T) {
	fake := enhancetest.New(t)
	p := newPanel(t, fake, enhancetest.Token)
	var wg sync.WaitGroup
	for i := range int64(8) {
		wg.Go(func() {
			req := hostingRequest(40 + i)
			req.CustomerEmail = fmt.Sprintf("c%d@example.com", i)
			req.Hostname = fmt.Sprintf("c%d.example.com", i)
			if _, err := p.Create(context.Background(), req); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := fake.LiveCustomers(); n != 8 {
		t.Fatalf("%d customers, want 8", n)
	}
}
