package synergycp

import (
	"slices"
	"testing"

	"ezscale.cloud/platform/adapters/paneltest"
	"ezscale.cloud/platform/adapters/synergycp/synergycptest"
)

// defaultPlan is a plan for the fake's default stock with a bandwidth
// limit; the contract's two plans differ only there, as a plan change on
// the same machine can.
func defaultPlan(maxBandwidth string) Plan {
	hw := synergycptest.DefaultHardware
	return Plan{
		MemBilling: hw.Mem, CPUBilling: hw.CPU, DiskBillings: hw.Disks, IPGroupBillings: []string{hw.IPGroup},
		IPsBilling: "ipv4-1", PortSpeedBilling: "1gbps", PXEProfileBilling: "debian-12",
		MaxBandwidth: maxBandwidth, Access: Access{PXE: true, IPMI: true, Switch: true},
	}
}

// bigHardware is a machine the fake has no stock of until a test adds it.
var bigHardware = synergycptest.Hardware{
	Mem: "MEM-128GB", CPU: "CPU-EPYC-7443P", Disks: []string{"NVME-1.9TB", "NVME-1.9TB"}, IPGroup: "LAX",
}

func testPlans() map[string]Plan {
	big := defaultPlan("50TB")
	big.MemBilling, big.CPUBilling, big.DiskBillings = bigHardware.Mem, bigHardware.CPU, bigHardware.Disks
	noIPMI := defaultPlan("5TB")
	noIPMI.Access.IPMI = false
	return map[string]Plan{"e3-10tb": defaultPlan("10TB"), "e3-20tb": defaultPlan("20TB"), "epyc-50tb": big, "e3-5tb-no-ipmi": noIPMI}
}

// newPanel returns the adapter for a fake, with the test plans and key.
func newPanel(t *testing.T, fake *synergycptest.Server, key string) *Panel {
	t.Helper()
	p, err := New(Config{BaseURL: fake.URL, APIKey: key, Plans: testPlans()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// serverOf returns the SynergyCP server id of an external id.
func serverOf(t *testing.T, externalID string) int64 {
	t.Helper()
	r, err := parseRef(externalID)
	if err != nil {
		t.Fatal(err)
	}
	return r.server
}

// planOf reads a server's plan back from the panel: the configured plan
// whose hardware and bandwidth limit the server has.
func planOf(fake *synergycptest.Server, serverID int64) string {
	st, ok := fake.State(serverID)
	if !ok || !st.Assigned {
		return ""
	}
	for code, p := range testPlans() {
		hw := st.Hardware
		if hw.Mem == p.MemBilling && hw.CPU == p.CPUBilling && slices.Equal(hw.Disks, p.DiskBillings) &&
			slices.Contains(p.IPGroupBillings, hw.IPGroup) && st.MaxBandwidth == p.MaxBandwidth {
			return code
		}
	}
	return ""
}

func TestContract(t *testing.T) {
	paneltest.Run(t, func(t *testing.T) paneltest.Harness {
		fake := synergycptest.New(t)
		return paneltest.Harness{
			Panel:          newPanel(t, fake, synergycptest.APIKey),
			BadCredentials: newPanel(t, fake, "wrong-key"),
			PlanCode:       "e3-10tb",
			OtherPlanCode:  "e3-20tb",
			OSTemplate:     "ubuntu-24.04",
			Resources:      fake.Resources,
			Suspended:      func(id string) bool { return fake.Suspended(serverOf(t, id)) },
			Plan:           func(id string) string { return planOf(fake, serverOf(t, id)) },
			DeleteOutOfBand: func(id string) {
				fake.DeleteServer(serverOf(t, id))
			},
		}
	})
}
