package provisioning_test

import (
	"context"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/provisioning"
)

func TestTestPanel(t *testing.T) {
	good := sandbox.NewPanel("key")
	m := provisioning.NewManager(provisioning.Config{Panels: map[provisioning.Platform]provisioning.Panel{
		provisioning.PlatformSandbox: good, provisioning.PlatformEnhance: good.WithKey("stale-key"),
	}})
	ctx := context.Background()
	if err := m.TestPanel(ctx, provisioning.PlatformSandbox); err != nil {
		t.Fatalf("good key: %v", err)
	}
	err := m.TestPanel(ctx, provisioning.PlatformEnhance)
	if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != "api_key" {
		t.Fatalf("refused key: %v, want EINVALID on api_key", err)
	}
	if err := m.TestPanel(ctx, provisioning.PlatformVirtFusion); platform.ErrorCode(err) != platform.ENOTFOUND {
		t.Fatalf("unconfigured panel: %v, want ENOTFOUND", err)
	}
}
