package sandbox_test

import (
	"testing"

	"ezscale.cloud/platform/adapters/paneltest"
	"ezscale.cloud/platform/adapters/sandbox"
)

func TestPanelContract(t *testing.T) {
	paneltest.Run(t, func(t *testing.T) paneltest.Harness {
		p := sandbox.NewPanel("sandbox-key", "vps-small", "vps-large")
		return paneltest.Harness{
			Panel:           p,
			BadCredentials:  p.WithKey("wrong-key"),
			PlanCode:        "vps-small",
			OtherPlanCode:   "vps-large",
			Options:         map[string]int64{"ram_mb": 2048},
			OSTemplate:      "debian-13",
			Resources:       p.Resources,
			Suspended:       p.Suspended,
			Plan:            p.Plan,
			DeleteOutOfBand: p.DeleteOutOfBand,
		}
	})
}
