package synergycptest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"ezscale.cloud/platform/adapters/synergycp/synergycptest"
)

// send makes one raw request and returns the status and the envelope.
func send(t *testing.T, method, url, contentType, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatalf("%s %s: body is not an envelope: %v", method, url, err)
	}
	return resp.StatusCode, env
}

func TestWrongRequestsFail(t *testing.T) {
	fake := synergycptest.New(t)
	key := "?key=" + synergycptest.APIKey
	for _, tc := range []struct {
		name, method, path, contentType, body string
		status                                int
	}{
		{"no key", "GET", "/server", "", "", 401},
		{"wrong key", "GET", "/server?key=nope", "", "", 401},
		{"unknown filter", "GET", "/server" + key + "&mem_biling=MEM-32GB", "", "", 422},
		{"form body", "POST", "/client" + key, "application/x-www-form-urlencoded", "email=a@b.c", 415},
		{"not json", "POST", "/client" + key, "application/json", "{", 400},
		{"client without name", "POST", "/client" + key, "application/json", `{"email":"a@example.com"}`, 422},
		{"unknown field", "POST", "/client" + key, "application/json", `{"email":"a@example.com","first":"A","last":"B","name":"x"}`, 422},
		{"provision without client", "POST", "/server/provision" + key, "application/json", `{"server_id":1}`, 422},
		{"unknown server", "GET", "/server/999" + key, "", "", 404},
		{"unknown route", "GET", "/servers" + key, "", "", 404},
		{"access of a free server", "PATCH", "/server/1/access/1" + key, "application/json", `{"is_active":false}`, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, env := send(t, tc.method, fake.URL+tc.path, tc.contentType, tc.body)
			if status != tc.status || env["error"] == false {
				t.Fatalf("got %d %v, want %d and an error envelope", status, env, tc.status)
			}
		})
	}
}

func TestInventorySearchMatchesExactParts(t *testing.T) {
	fake := synergycptest.New(t)
	raid := synergycptest.DefaultHardware
	raid.Disks = []string{"SSD-480GB", "SSD-480GB"}
	want := fake.AddServer(raid)
	q := "/server?key=" + synergycptest.APIKey + "&available=1&parts%5Bexact%5D=1&mem_billing=MEM-32GB&cpu_billing=CPU-E3-1270V6" +
		"&disks_billing%5B%5D=SSD-480GB&disks_billing%5B%5D=SSD-480GB&ip_group_billing%5B%5D=LAX"
	_, env := send(t, "GET", fake.URL+q, "", "")
	data, _ := env["data"].(map[string]any)
	items, _ := data["data"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["id"] != float64(want) {
		t.Fatalf("search found %v, want only server %d", items, want)
	}
}
