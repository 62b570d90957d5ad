package pterodactyltest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"ezscale.cloud/platform/adapters/pterodactyl/pterodactyltest"
)

// call sends a request as a client of the panel would, with a JSON Accept
// header and, when body is not empty, a JSON Content-Type unless
// contentType overrides it.
func call(t *testing.T, fake *pterodactyltest.Server, key, method, path, body string, contentType ...string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, fake.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", "Application/vnd.pterodactyl.v1+json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, ct := range contentType {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// sourceFields lists the source_field of each entry of an error body.
func sourceFields(body map[string]any) []string {
	var out []string
	errs, _ := body["errors"].([]any)
	for _, e := range errs {
		meta, _ := e.(map[string]any)["meta"].(map[string]any)
		field, _ := meta["source_field"].(string)
		out = append(out, field)
	}
	return out
}

func firstError(body map[string]any) map[string]any {
	errs, _ := body["errors"].([]any)
	if len(errs) == 0 {
		return nil
	}
	e, _ := errs[0].(map[string]any)
	return e
}

const validServer = `{"external_id":"5","name":"mc","user":1,"egg":1,"docker_image":"img","startup":"java",
	"environment":{},"limits":{"memory":1024,"swap":0,"disk":1024,"io":500,"cpu":100},
	"feature_limits":{"databases":0,"backups":0},"deploy":{"locations":[1],"dedicated_ip":false,"port_range":[]}}`

func TestAuthentication(t *testing.T) {
	fake := pterodactyltest.New(t)
	status, body := call(t, fake, "ptla_nope", "GET", "/api/application/users", "")
	if e := firstError(body); status != 401 || e["code"] != "AuthenticationException" || e["status"] != "401" {
		t.Fatalf("unknown key: %d %v", status, body)
	}
	status, body = call(t, fake, pterodactyltest.ApplicationKey, "GET", "/api/client/account", "")
	if e := firstError(body); status != 403 || !strings.Contains(e["detail"].(string), "application API key") {
		t.Fatalf("application key on the client API: %d %v", status, body)
	}
	if status, _ := call(t, fake, pterodactyltest.ClientKey, "GET", "/api/application/users", ""); status != 200 {
		t.Fatalf("an administrator's client key on the application API: %d", status)
	}
	// Without a JSON Accept header Laravel treats the caller as a browser.
	req, _ := http.NewRequest("GET", fake.URL+"/api/application/users", nil)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/auth/login" {
		t.Fatalf("no key, no Accept: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestServerCreationValidation(t *testing.T) {
	fake := pterodactyltest.New(t)
	key := pterodactyltest.ApplicationKey
	// A body not sent as JSON is not read: every required field is missing.
	status, body := call(t, fake, key, "POST", "/api/application/servers", validServer, "text/plain")
	if fields := sourceFields(body); status != 422 || len(fields) < 8 || firstError(body)["code"] != "ValidationException" {
		t.Fatalf("body without a JSON content type: %d %v", status, fields)
	}
	// Egg variables have rules of their own: Paper requires these two.
	status, body = call(t, fake, key, "POST", "/api/application/servers", validServer)
	if fields := sourceFields(body); status != 422 || strings.Join(fields, ",") != "environment.SERVER_JARFILE,environment.BUILD_NUMBER" {
		t.Fatalf("missing egg variables: %d %v", status, fields)
	}
	good := strings.Replace(validServer, `"environment":{}`, `"environment":{"SERVER_JARFILE":"server.jar","BUILD_NUMBER":"1"}`, 1)
	if status, body := call(t, fake, key, "POST", "/api/application/servers", good); status != 201 || body["object"] != "server" {
		t.Fatalf("valid create: %d %v", status, body)
	}
	status, body = call(t, fake, key, "POST", "/api/application/servers", good)
	if fields := sourceFields(body); status != 422 || len(fields) != 1 || fields[0] != "external_id" {
		t.Fatalf("second server with the same external_id: %d %v", status, fields)
	}
	bad := strings.Replace(good, `"io":500`, `"io":5`, 1)
	bad = strings.Replace(bad, `"external_id":"5"`, `"external_id":"6"`, 1)
	if status, body := call(t, fake, key, "POST", "/api/application/servers", bad); status != 422 || sourceFields(body)[0] != "limits.io" {
		t.Fatalf("io out of range: %d %v", status, body)
	}
	if status, _ := call(t, fake, key, "POST", "/api/application/servers", `{"name":`); status != 400 {
		t.Fatalf("malformed JSON: %d", status)
	}
}

func TestBuildChangeNeedsTheServersOwnAllocation(t *testing.T) {
	fake := pterodactyltest.New(t)
	key := pterodactyltest.ApplicationKey
	good := strings.Replace(validServer, `"environment":{}`, `"environment":{"SERVER_JARFILE":"s.jar","BUILD_NUMBER":"1"}`, 1)
	if status, _ := call(t, fake, key, "POST", "/api/application/servers", good); status != 201 {
		t.Fatal(status)
	}
	sv, _ := fake.Server("1")
	build := `{"allocation":%d,"limits":{"memory":2048,"swap":0,"disk":2048,"io":500,"cpu":200},"feature_limits":{"databases":1,"backups":1}}`
	status, body := call(t, fake, key, "PATCH", "/api/application/servers/1/build", strings.Replace(build, "%d", "99", 1))
	if status != 400 || firstError(body)["code"] != "DisplayException" {
		t.Fatalf("another server's allocation: %d %v", status, body)
	}
	status, body = call(t, fake, key, "PATCH", "/api/application/servers/1/build", `{"allocation":1}`)
	if fields := sourceFields(body); status != 422 || !strings.Contains(strings.Join(fields, ","), "feature_limits") || !strings.Contains(strings.Join(fields, ","), "memory") {
		t.Fatalf("build without limits: %d %v", status, fields)
	}
	own := strings.Replace(build, "%d", "1", 1)
	if sv.Allocation != 1 {
		t.Fatalf("server holds allocation %d", sv.Allocation)
	}
	if status, _ := call(t, fake, key, "PATCH", "/api/application/servers/1/build", own); status != 200 {
		t.Fatalf("valid build change: %d", status)
	}
	if sv, _ := fake.Server("1"); sv.Limits.Memory != 2048 || sv.Limits.CPU != 200 {
		t.Fatalf("limits after the change: %+v", sv.Limits)
	}
}

func TestListsArePaginatedAndEmailFiltersMatchPartly(t *testing.T) {
	fake := pterodactyltest.New(t)
	fake.AddUser("ada@example.com", "ada", "")
	fake.AddUser("bada@example.com", "bada", "")
	status, body := call(t, fake, pterodactyltest.ApplicationKey, "GET", "/api/application/users?filter%5Bemail%5D=ada@example.com", "")
	if data, _ := body["data"].([]any); status != 200 || body["object"] != "list" || len(data) != 2 {
		t.Fatalf("email filter: %d %v", status, body)
	}
	_, body = call(t, fake, pterodactyltest.ApplicationKey, "GET", "/api/application/nodes/1/allocations?page=3", "")
	p := body["meta"].(map[string]any)["pagination"].(map[string]any)
	if p["total"] != float64(120) || p["per_page"] != float64(50) || p["current_page"] != float64(3) || p["total_pages"] != float64(3) || p["count"] != float64(20) {
		t.Fatalf("pagination %v", p)
	}
}

func TestPowerSignalsAndSuspension(t *testing.T) {
	fake := pterodactyltest.New(t)
	key := pterodactyltest.ApplicationKey
	good := strings.Replace(validServer, `"environment":{}`, `"environment":{"SERVER_JARFILE":"s.jar","BUILD_NUMBER":"1"}`, 1)
	if status, _ := call(t, fake, key, "POST", "/api/application/servers", good); status != 201 {
		t.Fatal(status)
	}
	sv, _ := fake.Server("1")
	power := "/api/client/servers/" + sv.Identifier + "/power"
	if status, body := call(t, fake, pterodactyltest.ClientKey, "POST", power, `{"signal":"explode"}`); status != 422 || sourceFields(body)[0] != "signal" {
		t.Fatalf("unknown signal: %d %v", status, body)
	}
	if status, _ := call(t, fake, pterodactyltest.ClientKey, "POST", power, `{"signal":"start"}`); status != 204 {
		t.Fatalf("start: %d", status)
	}
	for range 2 {
		if status, _ := call(t, fake, key, "POST", "/api/application/servers/1/suspend", ""); status != 204 {
			t.Fatalf("suspend: %d", status)
		}
	}
	if status, body := call(t, fake, pterodactyltest.ClientKey, "POST", power, `{"signal":"start"}`); status != 409 || firstError(body)["code"] != "ServerStateConflictException" {
		t.Fatalf("start while suspended: %d %v", status, body)
	}
	status, body := call(t, fake, pterodactyltest.ClientKey, "GET", "/api/client/servers/"+sv.Identifier+"/resources", "")
	if attrs, _ := body["attributes"].(map[string]any); status != 200 || attrs["is_suspended"] != true || attrs["current_state"] != "offline" {
		t.Fatalf("resources while suspended: %d %v", status, body)
	}
}
