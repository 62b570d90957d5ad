package automation_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/adapters/synergycp"
	"ezscale.cloud/platform/adapters/synergycp/synergycptest"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/provisioning"
)

// TestDedicatedOrdersWaitForHardware: a dedicated server the panel has no
// machine for, and one ordered while the plan's stock was 0, both wait in
// the needs-hardware queue without a server being made; once staff assign
// a machine, the same jobs provision on it.
func TestDedicatedOrdersWaitForHardware(t *testing.T) {
	s := storetest.OpenSQLite(t)
	p := newPlatform(t, s, s, s.Provisioning())
	fake := synergycptest.New(t)
	epyc := synergycptest.Hardware{Mem: "MEM-128GB", CPU: "CPU-EPYC-7443P", Disks: []string{"NVME-1.9TB"}, IPGroup: "LAX"}
	plan := func(hw synergycptest.Hardware) synergycp.Plan {
		return synergycp.Plan{MemBilling: hw.Mem, CPUBilling: hw.CPU, DiskBillings: hw.Disks, IPGroupBillings: []string{hw.IPGroup},
			IPsBilling: "ipv4-1", PortSpeedBilling: "1gbps", PXEProfileBilling: "debian-12", MaxBandwidth: "10TB"}
	}
	panel, err := synergycp.New(synergycp.Config{BaseURL: fake.URL, APIKey: synergycptest.APIKey,
		Plans: map[string]synergycp.Plan{"epyc": plan(epyc), "e3": plan(synergycptest.DefaultHardware)}})
	if err != nil {
		t.Fatal(err)
	}
	manager := provisioning.NewManager(provisioning.Config{
		Store: s.Provisioning(), Billing: s, Sealer: p.keyring, Clock: p.clock,
		Panels: map[provisioning.Platform]provisioning.Panel{provisioning.PlatformSynergyCP: panel},
	})
	admin := &identity.User{Email: "ops@example.com", Role: identity.RoleAdmin, Status: identity.UserActive, CreatedAt: start}
	if err := s.Identity().CreateUser(ctx, admin, "", identity.Profile{}); err != nil {
		t.Fatal(err)
	}
	var ready atomic.Int64
	r := p.workerWith("w1", s, manager, &ready)

	order := func(code, panelPlan string, stock int64) *provisioning.Service {
		t.Helper()
		bp := &billing.Plan{Code: code, Name: "Dedicated " + code, Type: billing.ServiceDedicated, Status: billing.PlanActive, Stock: &stock,
			Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 9900}}}
		if err := p.billing.CreatePlan(ctx, bp); err != nil {
			t.Fatal(err)
		}
		if err := s.Provisioning().SaveProduct(ctx, &provisioning.Product{PlanID: bp.ID, Platform: provisioning.PlatformSynergyCP, PanelPlan: panelPlan}); err != nil {
			t.Fatal(err)
		}
		p.plan = bp
		sub := p.subscribeAndPay(t)
		if err := p.drain(t, ctx, r); err != nil {
			t.Fatal(err)
		}
		return p.service(t, sub.ID)
	}
	noMachine := order("epyc", "epyc", 5)
	backorder := order("e3", "e3", 0)

	queue, err := s.Provisioning().ListServices(ctx, provisioning.ServiceFilter{NeedsHardware: true})
	if err != nil || len(queue) != 2 {
		t.Fatalf("needs-hardware queue: %d services, %v", len(queue), err)
	}
	for _, svc := range []*provisioning.Service{noMachine, backorder} {
		if !svc.NeedsHardware || svc.Status == provisioning.ServiceActive || fake.Resources(svc.ID) != 0 {
			t.Fatalf("service %d waiting for hardware: %s, %d servers", svc.ID, svc.Status, fake.Resources(svc.ID))
		}
	}
	if log, _ := s.Provisioning().ListLog(ctx, backorder.ID); len(log) != 0 {
		t.Fatalf("a backorder called the panel: %+v", log)
	}

	machine := fake.AddServer(epyc)
	if err := manager.AssignHardware(ctx, admin.ID, noMachine.ID, strconv.FormatInt(machine, 10)); err != nil {
		t.Fatal(err)
	}
	if err := manager.AssignHardware(ctx, admin.ID, backorder.ID, strconv.FormatInt(fake.AddServer(synergycptest.DefaultHardware), 10)); err != nil {
		t.Fatal(err)
	}
	if err := p.drain(t, ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, svc := range []*provisioning.Service{noMachine, backorder} {
		got, _ := s.Provisioning().GetService(ctx, svc.ID)
		if got.Status != provisioning.ServiceActive || got.NeedsHardware || fake.Resources(svc.ID) != 1 {
			t.Fatalf("after assignment service %d is %s (needs hardware %v), %d servers", svc.ID, got.Status, got.NeedsHardware, fake.Resources(svc.ID))
		}
	}
	if ready.Load() != 2 {
		t.Fatalf("%d service-ready emails, want 2", ready.Load())
	}
	audit, err := s.Identity().ListAudit(ctx, identity.AuditFilter{Action: "service.assign_hardware"})
	if err != nil || len(audit) != 2 || audit[0].ActorID != admin.ID {
		t.Fatalf("hardware assignments audited: %+v, %v", audit, err)
	}
}
