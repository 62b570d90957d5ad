package pterodactyl_test

import (
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/pterodactyl"
)

func TestNewRefusesIncompleteConfig(t *testing.T) {
	good := pterodactyl.Config{BaseURL: "https://panel.example.com", ApplicationKey: "ptla_k", ClientKey: "ptlc_k", Plans: testPlans}
	if _, err := pterodactyl.New(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
	plan := func(edit func(*pterodactyl.Plan)) map[string]pterodactyl.Plan {
		p := testPlans["mc-small"]
		edit(&p)
		return map[string]pterodactyl.Plan{"p": p}
	}
	for field, edit := range map[string]func(*pterodactyl.Config){
		"base_url":        func(c *pterodactyl.Config) { c.BaseURL = "panel.example.com" },
		"application_key": func(c *pterodactyl.Config) { c.ApplicationKey = "" },
		"client_key":      func(c *pterodactyl.Config) { c.ClientKey = "" },
		"plans":           func(c *pterodactyl.Config) { c.Plans = nil },
	} {
		cfg := good
		edit(&cfg)
		if _, err := pterodactyl.New(cfg); platform.ErrorField(err) != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	for name, plans := range map[string]map[string]pterodactyl.Plan{
		"no egg":       plan(func(p *pterodactyl.Plan) { p.Egg = 0 }),
		"no placement": plan(func(p *pterodactyl.Plan) { p.LocationIDs, p.NodeID = nil, 0 }),
		"io too low":   plan(func(p *pterodactyl.Plan) { p.Limits.IO = 5 }),
		"negative":     plan(func(p *pterodactyl.Plan) { p.Limits.MemoryMB = -1 }),
	} {
		cfg := good
		cfg.Plans = plans
		if _, err := pterodactyl.New(cfg); platform.ErrorField(err) != "plans" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
