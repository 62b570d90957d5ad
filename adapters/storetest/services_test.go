package storetest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ezscale.cloud/platform/adapters/sqlstore"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/provisioning"
)

// TestServiceSearch pages the staff's service list and applies each filter,
// on both engines.
func TestServiceSearch(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testServiceSearch(t, storetest.OpenSQLite(t).Store) })
	t.Run("mysql", func(t *testing.T) { testServiceSearch(t, storetest.OpenMySQL(t).Store) })
}

func testServiceSearch(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	plan := &billing.Plan{Code: "vps", Name: "VPS", Type: billing.ServiceVPS, Status: billing.PlanActive,
		Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 500}}}
	if err := s.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	var customers [2]int64
	for i := range customers {
		c := &billing.Customer{Email: fmt.Sprintf("c%d@example.com", i)}
		if err := s.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		customers[i] = c.ID
	}
	store := s.Provisioning()
	// One more than a page: every service belongs to the first customer,
	// on VirtFusion, active, except the last, the second customer's
	// suspended game server on Pterodactyl.
	n := provisioning.ServicePageSize + 1
	for i := 1; i <= n; i++ {
		svc := &provisioning.Service{CustomerID: customers[0], PlanID: plan.ID, Type: "vps",
			Platform: provisioning.PlatformVirtFusion, ExternalID: fmt.Sprintf("vf-%d", i), Status: provisioning.ServiceActive,
			Hostname: fmt.Sprintf("node%d.Example.net", i), IPv4: fmt.Sprintf("10.0.0.%d", i), CreatedAt: now, UpdatedAt: now}
		if i == n {
			svc.CustomerID, svc.Platform, svc.Status, svc.Type = customers[1], provisioning.PlatformPterodactyl, provisioning.ServiceSuspended, "game"
		}
		if err := store.CreateService(ctx, svc); err != nil {
			t.Fatal(err)
		}
	}

	first, err := store.SearchServices(ctx, provisioning.ServiceSearch{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != provisioning.ServicePageSize || first[0].ExternalID != fmt.Sprintf("vf-%d", n) {
		t.Fatalf("first page: %d services from %q, want %d newest first", len(first), first[0].ExternalID, provisioning.ServicePageSize)
	}
	rest, err := store.SearchServices(ctx, provisioning.ServiceSearch{BeforeID: first[len(first)-1].ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 1 || rest[0].ExternalID != "vf-1" {
		t.Fatalf("second page: %d services, want the oldest alone", len(rest))
	}

	for name, tc := range map[string]struct {
		q    provisioning.ServiceSearch
		want int
	}{
		"customer":           {provisioning.ServiceSearch{ServiceFilter: provisioning.ServiceFilter{CustomerID: customers[1]}}, 1},
		"status":             {provisioning.ServiceSearch{ServiceFilter: provisioning.ServiceFilter{Status: provisioning.ServiceSuspended}}, 1},
		"platform":           {provisioning.ServiceSearch{Platform: provisioning.PlatformPterodactyl}, 1},
		"host, any case":     {provisioning.ServiceSearch{Text: "NODE7.example"}, 1},
		"address":            {provisioning.ServiceSearch{Text: "10.0.0.4"}, 11}, // .4 and .40–.49
		"panel id":           {provisioning.ServiceSearch{Text: "vf-51"}, 1},
		"wildcards are text": {provisioning.ServiceSearch{Text: "node%"}, 0},
		"filters combine":    {provisioning.ServiceSearch{ServiceFilter: provisioning.ServiceFilter{CustomerID: customers[1]}, Platform: provisioning.PlatformVirtFusion}, 0},
	} {
		got, err := store.SearchServices(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("%s: %d services, want %d", name, len(got), tc.want)
		}
	}
}
