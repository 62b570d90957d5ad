package pterodactyl_test

import (
	"testing"

	"ezscale.cloud/platform/adapters/paneltest"
	"ezscale.cloud/platform/adapters/pterodactyl"
	"ezscale.cloud/platform/adapters/pterodactyl/pterodactyltest"
)

// testPlans are the plans the tests configure: two sizes of Paper by
// deploy to the default location, and one Vanilla plan on the default
// node's allocations.
var testPlans = map[string]pterodactyl.Plan{
	"mc-small": {Nest: pterodactyltest.MinecraftNest, Egg: pterodactyltest.PaperEgg,
		Environment:   map[string]string{"MINECRAFT_VERSION": "1.21.4"},
		Limits:        pterodactyl.Limits{MemoryMB: 2048, DiskMB: 10240, CPUPercent: 100},
		FeatureLimits: pterodactyl.FeatureLimits{Databases: 1, Backups: 1},
		LocationIDs:   []int{pterodactyltest.DefaultLocation}, PortRange: []string{"25565-25700"}},
	"mc-large": {Nest: pterodactyltest.MinecraftNest, Egg: pterodactyltest.PaperEgg,
		Limits:        pterodactyl.Limits{MemoryMB: 8192, SwapMB: -1, DiskMB: 40960, IO: 800, CPUPercent: 400},
		FeatureLimits: pterodactyl.FeatureLimits{Databases: 4, Allocations: 2, Backups: 5},
		LocationIDs:   []int{pterodactyltest.DefaultLocation}},
	"mc-vanilla": {Nest: pterodactyltest.MinecraftNest, Egg: pterodactyltest.VanillaEgg,
		Limits: pterodactyl.Limits{MemoryMB: 1024, DiskMB: 5120}, NodeID: pterodactyltest.DefaultNode},
}

// newPanel returns an adapter over fake with these keys and cfg's other
// settings.
func newPanel(t *testing.T, fake *pterodactyltest.Server, appKey, clientKey string, cfg pterodactyl.Config) *pterodactyl.Panel {
	t.Helper()
	cfg.BaseURL, cfg.ApplicationKey, cfg.ClientKey = fake.URL, appKey, clientKey
	if cfg.Plans == nil {
		cfg.Plans = testPlans
	}
	p, err := pterodactyl.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeAndPanel starts a fake that knows the test plans and returns it with
// an adapter holding good keys.
func fakeAndPanel(t *testing.T) (*pterodactyltest.Server, *pterodactyl.Panel) {
	t.Helper()
	fake := pterodactyltest.New(t)
	plans := map[string]pterodactyltest.PlanLimits{}
	for code, p := range testPlans {
		io := p.Limits.IO
		if io == 0 {
			io = 500
		}
		plans[code] = pterodactyltest.PlanLimits{Egg: p.Egg, Memory: p.Limits.MemoryMB, Swap: p.Limits.SwapMB,
			Disk: p.Limits.DiskMB, IO: io, CPU: p.Limits.CPUPercent}
	}
	fake.SetPlans(plans)
	return fake, newPanel(t, fake, pterodactyltest.ApplicationKey, pterodactyltest.ClientKey, pterodactyl.Config{})
}

func TestContract(t *testing.T) {
	paneltest.Run(t, func(t *testing.T) paneltest.Harness {
		fake, p := fakeAndPanel(t)
		return paneltest.Harness{
			Panel:          p,
			BadCredentials: newPanel(t, fake, "ptla_wrong", "ptlc_wrong", pterodactyl.Config{}),
			PlanCode:       "mc-small",
			OtherPlanCode:  "mc-large",
			// Feature-limit options: the fake tells plans apart by egg and
			// limits, which memory_mb and the like would change.
			Options:         map[string]int64{pterodactyl.OptionDatabases: 3, pterodactyl.OptionBackups: 2},
			Resources:       fake.Resources,
			Suspended:       fake.Suspended,
			Plan:            fake.Plan,
			DeleteOutOfBand: fake.DeleteOutOfBand,
		}
	})
}
