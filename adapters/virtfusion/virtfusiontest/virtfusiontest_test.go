package virtfusiontest_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"ezscale.cloud/platform/adapters/virtfusion/virtfusiontest"
)

func TestTheFakeRefusesWrongRequests(t *testing.T) {
	fake := virtfusiontest.New(t)
	send := func(method, path, token, contentType, body string) int {
		req, _ := http.NewRequest(method, fake.URL+"/api/v1"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	userID := fake.AddUser(7, "ada@example.com")
	create := func(body string) string { return strings.ReplaceAll(body, "USER", strconv.FormatInt(userID, 10)) }
	for _, c := range []struct {
		name, method, path, token, contentType, body string
		want                                         int
	}{
		{"wrong token", "GET", "/connect", "nope", "", "", 401},
		{"missing package", "POST", "/servers", virtfusiontest.Token, "application/json", create(`{"userId":USER,"hypervisorId":1}`), 422},
		{"misspelled field", "POST", "/servers", virtfusiontest.Token, "application/json", create(`{"packageId":1,"userId":USER,"hypervisorId":1,"ram":1}`), 422},
		{"string for an integer", "POST", "/servers", virtfusiontest.Token, "application/json", create(`{"packageId":"1","userId":USER,"hypervisorId":1}`), 422},
		{"form body", "POST", "/servers", virtfusiontest.Token, "application/x-www-form-urlencoded", "packageId=1", 422},
		{"good create", "POST", "/servers", virtfusiontest.Token, "application/json", create(`{"packageId":1,"userId":USER,"hypervisorId":1}`), 201},
		{"unknown route", "GET", "/servers/1/nothing", virtfusiontest.Token, "", "", 404},
	} {
		if got := send(c.method, c.path, c.token, c.contentType, c.body); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
}
