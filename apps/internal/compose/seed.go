package compose

import (
	"context"
	"crypto/rand"

	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/provisioning"
)

// DemoAdmin is the staff account SeedDemo makes; its password is shown
// once, when it is made.
type DemoAdmin struct {
	Email    string
	Password string
}

// demoPlan is one product of the demo catalog and the panel it runs on.
type demoPlan struct {
	plan      billing.Plan
	platform  provisioning.Platform
	panelPlan string
}

func monthlyAndYearly(usdMonthly, eurMonthly int64) []billing.Price {
	return []billing.Price{
		{Currency: "USD", Cycle: billing.Monthly, Amount: usdMonthly},
		{Currency: "USD", Cycle: billing.Annual, Amount: usdMonthly * 10},
		{Currency: "EUR", Cycle: billing.Monthly, Amount: eurMonthly},
		{Currency: "EUR", Cycle: billing.Annual, Amount: eurMonthly * 10},
	}
}

func demoCatalog() []demoPlan {
	three := int64(3)
	return []demoPlan{
		{billing.Plan{Code: "vps-2g", Name: "VPS 2 GB", Type: billing.ServiceVPS, Prices: monthlyAndYearly(1200, 1100),
			Features: map[string]string{"cpu": "2 vCPU", "ram": "2 GB", "disk": "40 GB NVMe", "traffic": "2 TB"},
			Options: []billing.ConfigOption{{Code: "extra_ipv4", Name: "Extra IPv4", Unit: "address", MaxUnits: 4,
				Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 300}, {Currency: "EUR", Cycle: billing.Monthly, Amount: 300}}}}},
			provisioning.PlatformVirtFusion, "1"},
		{billing.Plan{Code: "vps-8g", Name: "VPS 8 GB", Type: billing.ServiceVPS, Prices: monthlyAndYearly(4800, 4400),
			Features: map[string]string{"cpu": "4 vCPU", "ram": "8 GB", "disk": "160 GB NVMe", "traffic": "8 TB"}},
			provisioning.PlatformVirtFusion, "2"},
		{billing.Plan{Code: "dedi-e3", Name: "Dedicated E3-1240", Type: billing.ServiceDedicated, Stock: &three, Prices: monthlyAndYearly(9900, 9200),
			Features: map[string]string{"cpu": "Xeon E3-1240 v6", "ram": "32 GB", "disk": "2 × 1 TB SSD", "traffic": "10 TB"}},
			provisioning.PlatformSynergyCP, "e3-10tb"},
		{billing.Plan{Code: "web-starter", Name: "Web Hosting Starter", Type: billing.ServiceHosting, Prices: monthlyAndYearly(500, 500),
			Features: map[string]string{"sites": "1 website", "disk": "10 GB", "email": "5 mailboxes"}},
			provisioning.PlatformEnhance, "1"},
		{billing.Plan{Code: "mc-4g", Name: "Minecraft 4 GB", Type: billing.ServiceGameServer, Prices: monthlyAndYearly(1600, 1500),
			Features: map[string]string{"ram": "4 GB", "players": "up to 40", "backups": "3"}},
			provisioning.PlatformPterodactyl, "minecraft-4g"},
	}
}

// SeedDemo fills an empty database with a demo catalog (a plan per product
// line, mapped to its panel), a welcome coupon and a staff account with
// every permission. It does nothing when the catalog has plans, and
// returns the staff account only when it made one.
func (p *Platform) SeedDemo(ctx context.Context) (*DemoAdmin, error) {
	plans, err := p.Store.ListPlans(ctx)
	if err != nil || len(plans) > 0 {
		return nil, err
	}
	for _, d := range demoCatalog() {
		plan := d.plan
		plan.Status = billing.PlanActive
		if err := p.Billing.CreatePlan(ctx, &plan); err != nil {
			return nil, err
		}
		err := p.Store.Provisioning().SaveProduct(ctx, &provisioning.Product{PlanID: plan.ID, Platform: d.platform, PanelPlan: d.panelPlan, OSTemplate: "debian-13"})
		if err != nil {
			return nil, err
		}
	}
	ten, _ := billing.ParseRate("10")
	err = p.Billing.CreateCoupon(ctx, &billing.Coupon{Code: "WELCOME10", Kind: billing.CouponPercent, Percent: ten, Duration: billing.CouponOnce, Active: true})
	if err != nil {
		return nil, err
	}
	return p.seedAdmin(ctx)
}

func (p *Platform) seedAdmin(ctx context.Context) (*DemoAdmin, error) {
	admin := &DemoAdmin{Email: "admin@ezscale.localhost", Password: rand.Text()}
	hash, err := identity.HashPassword(admin.Password)
	if err != nil {
		return nil, err
	}
	now := p.Clock.Now()
	ids := p.Store.Identity()
	u := &identity.User{Email: admin.Email, Role: identity.RoleAdmin, Status: identity.UserActive, CreatedAt: now}
	if err := ids.CreateUser(ctx, u, hash, identity.Profile{Name: "Demo Admin"}); err != nil {
		return nil, err
	}
	if _, err := ids.MarkEmailVerified(ctx, u.ID, now); err != nil {
		return nil, err
	}
	role, err := ids.EnsureRole(ctx, "owner", identity.AllPermissions())
	if err != nil {
		return nil, err
	}
	return admin, ids.AssignRole(ctx, u.ID, role)
}
