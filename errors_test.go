package platform_test

import (
	"errors"
	"testing"

	"ezscale.cloud/platform"
)

func TestUnderField(t *testing.T) {
	if got := platform.ErrorField(platform.UnderField("dunning", platform.Invalid("suspend_after_days", "x"))); got != "dunning.suspend_after_days" {
		t.Errorf("nested field %q", got)
	}
	if got := platform.ErrorField(platform.UnderField("config", platform.Errorf(platform.EINVALID, "x"))); got != "config" {
		t.Errorf("fieldless error under %q", got)
	}
	plain := errors.New("disk full")
	if platform.UnderField("config", plain) != plain || platform.UnderField("config", nil) != nil {
		t.Error("a non-platform error or nil must come back unchanged")
	}
}
