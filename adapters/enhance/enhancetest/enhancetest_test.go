package enhancetest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// call sends one request to the fake and returns the status and the
// decoded JSON body.
func call(t *testing.T, s *Server, method, path, token, contentType, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestTheFakeRefusesWrongRequests(t *testing.T) {
	s := New(t)
	cust := s.AddCustomer("Ada", "ada@example.com", "pw")
	subs := "/orgs/" + MasterOrgID + "/customers/" + cust + "/subscriptions"
	for _, tc := range []struct {
		name, method, path, token, contentType, body string
		status                                       int
		code                                         string
	}{
		{"no token", "GET", "/orgs/" + MasterOrgID, "", "", "", 401, "unauthorized"},
		{"wrong token", "GET", "/orgs/" + MasterOrgID, "nope", "", "", 401, "unauthorized"},
		{"not json", "POST", subs, Token, "text/plain", `{"planId":1}`, 400, "invalid_input"},
		{"missing planId", "POST", subs, Token, "application/json", `{"friendlyName":"x"}`, 400, "invalid_input"},
		{"snake case field", "POST", subs, Token, "application/json", `{"plan_id":1}`, 400, "invalid_input"},
		{"unknown plan", "POST", subs, Token, "application/json", `{"planId":99}`, 404, "not_found"},
		{"customer of another org", "POST", "/orgs/" + cust + "/customers/" + cust + "/subscriptions", Token, "application/json", `{"planId":1}`, 404, "not_found"},
		{"login without orgId", "POST", "/logins", Token, "application/json", `{"email":"b@example.com","password":"pw","name":"B"}`, 400, "invalid_input"},
		{"login email taken", "POST", "/logins?orgId=" + cust, Token, "application/json", `{"email":"ADA@example.com","password":"pw","name":"A"}`, 409, "already_exists"},
		{"unknown role", "POST", "/orgs/" + cust + "/members", Token, "application/json", `{"loginId":"x","roles":["Boss"]}`, 400, "invalid_input"},
		{"website without subscription", "POST", "/orgs/" + cust + "/websites", Token, "application/json", `{"domain":"ada.example.com"}`, 400, "invalid_input"},
		{"bad offset", "GET", "/orgs/" + MasterOrgID + "/customers?offset=-1", Token, "", "", 400, "invalid_input"},
	} {
		status, body := call(t, s, tc.method, tc.path, tc.token, tc.contentType, tc.body)
		if status != tc.status || body["code"] != tc.code {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, body, tc.status, tc.code)
		}
	}
	if n := s.LiveSubscriptions(""); n != 0 {
		t.Fatalf("refused requests made %d subscriptions", n)
	}
}

func TestTheFakeKeepsSubscriptionState(t *testing.T) {
	s := New(t)
	cust := s.AddCustomer("Ada", "ada@example.com", "pw")
	status, made := call(t, s, "POST", "/orgs/"+MasterOrgID+"/customers/"+cust+"/subscriptions", Token, "application/json", `{"planId":1,"friendlyName":"svc-1"}`)
	if status != 201 {
		t.Fatalf("create subscription: %d %v", status, made)
	}
	id := int64(made["id"].(float64))
	path := "/orgs/" + cust + "/subscriptions/" + strconv.FormatInt(id, 10)
	if status, _ := call(t, s, "PATCH", path, Token, "application/json", `{"isSuspended":true,"planId":2}`); status != 204 {
		t.Fatalf("patch: %d", status)
	}
	if !s.Suspended(id) || s.PlanID(id) != BusinessPlanID {
		t.Fatalf("suspended %v plan %d", s.Suspended(id), s.PlanID(id))
	}
	s.DeleteSubscription(id)
	if status, sub := call(t, s, "GET", path, Token, "", ""); status != 200 || sub["status"] != "deleted" || s.LiveSubscriptions("svc-1") != 0 {
		t.Fatalf("soft-deleted subscription: %d %v", status, sub)
	}
	if status, _ := call(t, s, "DELETE", path+"?force=true", Token, "", ""); status != 204 {
		t.Fatalf("force delete: %d", status)
	}
	if status, _ := call(t, s, "GET", path, Token, "", ""); status != 404 {
		t.Fatalf("force-deleted subscription: %d, want 404", status)
	}
}

func TestTheFakePagesListings(t *testing.T) {
	s := New(t)
	for range 5 {
		s.AddCustomer("C", "c"+newUUID()+"@example.com", "pw")
	}
	s.SetMaxPageSize(2)
	status, page := call(t, s, "GET", "/orgs/"+MasterOrgID+"/customers?offset=3&limit=10", Token, "", "")
	if status != 200 || page["total"] != float64(5) || len(page["items"].([]any)) != 2 {
		t.Fatalf("page: %d %v", status, page)
	}
}
