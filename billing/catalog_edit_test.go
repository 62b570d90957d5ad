package billing_test

import (
	"reflect"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// Staff edit a plan's options the way they would in WHMCS: rename and
// reprice one in place, add one, retire one nobody holds. What a
// subscriber holds (the option, its price, its unit count) cannot be taken
// away: the edit is refused naming the field and changes nothing, and the
// subscription renews at its option under the option's new terms.
func TestPlanOptionEdits(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, h *harness) {
		plan := h.plan
		plan.Options = append(plan.Options, billing.ConfigOption{Code: "backup", Name: "Backup slot", MaxUnits: 2,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 300}}})
		mustOK(t, h.svc.UpdatePlan(ctx, plan))
		ipv4, backup := plan.Options[0].ID, plan.Options[1].ID
		if backup == 0 || backup == ipv4 {
			t.Fatalf("added option ids: %d, %d", ipv4, backup)
		}
		sub := h.activeSubscription(t, h.customer(t, "opt@example.com", ""), []billing.OptionChoice{{OptionID: ipv4, Units: 3}})

		edited := editablePlan(t, h, plan.ID)
		edited.Options[0].Name, edited.Options[0].MaxUnits = "Additional IPv4", 16
		edited.Options[0].Prices[0].Amount = 250
		edited.Options = append(edited.Options[:1], billing.ConfigOption{Code: "ram", Name: "RAM", Unit: "GB", MinUnits: 0, MaxUnits: 64,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 400}}}) // backup retired
		mustOK(t, h.svc.UpdatePlan(ctx, edited))
		got := editablePlan(t, h, plan.ID)
		if len(got.Options) != 2 || got.Options[0].ID != ipv4 || got.Options[0].Name != "Additional IPv4" || got.Options[0].Prices[0].Amount != 250 ||
			got.Options[1].Code != "ram" || got.Options[1].ID == 0 || got.Options[1].ID == backup {
			t.Fatalf("after the edit: %+v", got.Options)
		}

		refusals := []struct {
			field string
			edit  func(p *billing.Plan)
		}{
			{"options", func(p *billing.Plan) { p.Options = p.Options[1:] }},
			{"options[0].prices", func(p *billing.Plan) { p.Options[0].Prices = p.Options[0].Prices[1:] }},
			{"options[0].max_units", func(p *billing.Plan) { p.Options[0].MaxUnits = 2 }},
			{"options[0].min_units", func(p *billing.Plan) { p.Options[0].MinUnits = 4 }},
			{"prices", func(p *billing.Plan) { p.Prices = p.Prices[1:] }},
			{"options[0].code", func(p *billing.Plan) { p.Options[0].Code = "ip" }},
			{"options[1].id", func(p *billing.Plan) { p.Options[1].ID = 999999 }},
		}
		for _, r := range refusals {
			p := editablePlan(t, h, plan.ID)
			p.Name = "should not be saved"
			r.edit(p)
			err := h.svc.UpdatePlan(ctx, p)
			if platform.ErrorField(err) != r.field {
				t.Fatalf("edit of %s: %v", r.field, err)
			}
			if now := editablePlan(t, h, plan.ID); !reflect.DeepEqual(now, got) {
				t.Fatalf("refused edit of %s changed the plan: %+v", r.field, now)
			}
		}

		renewal := lcRenew(t, h, sub.CurrentPeriodEnd.Add(-time.Hour), sub.ID)
		var option *billing.InvoiceItem
		for i, it := range renewal.Items {
			if it.Kind == billing.ItemOption {
				option = &renewal.Items[i]
			}
		}
		if option == nil || option.Description != "Additional IPv4" || option.Quantity != 3 || option.UnitAmount != 250 {
			t.Fatalf("renewal lines after the edit: %+v", renewal.Items)
		}
	})
}

// editablePlan reads a plan as staff would start editing it.
func editablePlan(t *testing.T, h *harness, id int64) *billing.Plan {
	t.Helper()
	p, err := h.svc.Plan(ctx, id)
	mustOK(t, err)
	return p
}
