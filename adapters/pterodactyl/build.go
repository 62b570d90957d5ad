package pterodactyl

import (
	"ezscale.cloud/platform"
)

// buildLimits is the limits object of the create and build endpoints.
type buildLimits struct {
	Memory int64 `json:"memory"`
	Swap   int64 `json:"swap"`
	Disk   int64 `json:"disk"`
	IO     int64 `json:"io"`
	CPU    int64 `json:"cpu"`
}

// buildFeatureLimits is the feature_limits object of the same endpoints.
type buildFeatureLimits struct {
	Databases   int64 `json:"databases"`
	Allocations int64 `json:"allocations"`
	Backups     int64 `json:"backups"`
}

// planFor returns the plan for code with the configurable options applied
// over its limits. An unknown plan, or an option that would make memory,
// disk or CPU unlimited (0 in the panel), is EINVALID.
func (p *Panel) planFor(code string, options map[string]int64) (Plan, error) {
	plan, ok := p.plans[code]
	if !ok {
		return Plan{}, platform.Invalid("plan_code", "pterodactyl has no plan %q configured", code)
	}
	overrides := []struct {
		option       string
		limit        *int64
		zeroUnlimits bool
	}{
		{OptionMemoryMB, &plan.Limits.MemoryMB, true},
		{OptionSwapMB, &plan.Limits.SwapMB, false},
		{OptionDiskMB, &plan.Limits.DiskMB, true},
		{OptionCPUPercent, &plan.Limits.CPUPercent, true},
		{OptionDatabases, &plan.FeatureLimits.Databases, false},
		{OptionAllocations, &plan.FeatureLimits.Allocations, false},
		{OptionBackups, &plan.FeatureLimits.Backups, false},
	}
	for _, o := range overrides {
		v, set := options[o.option]
		switch {
		case !set:
		case v < 0 || v == 0 && o.zeroUnlimits:
			return Plan{}, platform.Invalid("options", "option %s = %d is out of range", o.option, v)
		default:
			*o.limit = v
		}
	}
	return plan, nil
}

// limits renders a plan's limits for the panel.
func (pl Plan) limits() buildLimits {
	io := pl.Limits.IO
	if io == 0 {
		io = defaultIO
	}
	return buildLimits{Memory: pl.Limits.MemoryMB, Swap: pl.Limits.SwapMB, Disk: pl.Limits.DiskMB, IO: io, CPU: pl.Limits.CPUPercent}
}

func (pl Plan) featureLimits() buildFeatureLimits {
	return buildFeatureLimits{Databases: pl.FeatureLimits.Databases, Allocations: pl.FeatureLimits.Allocations,
		Backups: pl.FeatureLimits.Backups}
}
