package virtfusion_test

import (
	"net/http"
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/virtfusion/virtfusiontest"
)

func TestVirtFusionErrorsMapToPlatformCodes(t *testing.T) {
	cases := []struct {
		status    int
		body      any
		code      string
		field     string
		inMessage string
	}{
		{http.StatusUnauthorized, map[string]string{"message": "Unauthenticated."}, platform.EUNAUTHORIZED, "", "Unauthenticated."},
		{http.StatusForbidden, map[string]string{"message": "This action is unauthorized."}, platform.EUNAUTHORIZED, "", "unauthorized"},
		{http.StatusNotFound, map[string]string{"msg": "server not found"}, platform.ENOTFOUND, "", "server not found"},
		{http.StatusUnprocessableEntity, map[string]any{"errors": []string{"The selected package id is invalid."}},
			platform.EINVALID, "", "package id is invalid"},
		{http.StatusUnprocessableEntity, map[string]any{"message": "Validation failed",
			"errors": map[string][]string{"packageId": {"The package id field is required."}, "userId": {"x"}}},
			platform.EINVALID, "packageId", "package id field is required"},
		{http.StatusConflict, map[string]string{"msg": "conflict"}, platform.ECONFLICT, "", "conflict"},
		{http.StatusLocked, map[string]string{"msg": "server is locked"}, platform.ECONFLICT, "", "locked"},
		{http.StatusTooManyRequests, map[string]string{"message": "Too Many Attempts."}, platform.ERATELIMITED, "", "Too Many"},
		{http.StatusInternalServerError, map[string]string{"message": "Server Error"}, platform.EINTERNAL, "", "Server Error"},
	}
	p, fake := open(t)
	for _, c := range cases {
		fake.Respond(http.MethodGet, "/connect", c.status, c.body)
		err := p.TestConnection(ctx)
		wantCode(t, err, c.code)
		if platform.ErrorField(err) != c.field || !strings.Contains(err.Error(), c.inMessage) {
			t.Errorf("%d: %v (field %q), want field %q and %q", c.status, err, platform.ErrorField(err), c.field, c.inMessage)
		}
		if strings.Contains(err.Error(), virtfusiontest.Token) {
			t.Errorf("%d: the error shows the API token: %v", c.status, err)
		}
	}
}
