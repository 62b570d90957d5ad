package virtfusion

import (
	"sort"
	"strconv"

	"ezscale.cloud/platform"
)

// The configurable option codes the adapter understands. An order or plan
// change with any other code is refused, so an option the customer pays
// for is never silently left unapplied.
const (
	// OptionIPv4 is the total number of IPv4 addresses, replacing
	// Config.DefaultIPv4.
	OptionIPv4 = "ipv4"
	// OptionExtraIPv4 is a number of IPv4 addresses on top of the
	// default (or of OptionIPv4).
	OptionExtraIPv4 = "extra_ipv4"
	// OptionRAM is the memory in MB.
	OptionRAM = "ram_mb"
	// OptionDisk is the primary storage in GB.
	OptionDisk = "disk_gb"
	// OptionCPU is the number of CPU cores.
	OptionCPU = "cpu_cores"
	// OptionTraffic is the monthly traffic allowance in GB; 0 is
	// unlimited.
	OptionTraffic = "traffic_gb"
	// OptionNetworkIn and OptionNetworkOut are the network speeds in
	// kB/s.
	OptionNetworkIn  = "net_in_kbps"
	OptionNetworkOut = "net_out_kbps"
	// OptionStorageProfile and OptionNetworkProfile pick VirtFusion
	// storage and network profiles by id.
	OptionStorageProfile = "storage_profile"
	OptionNetworkProfile = "network_profile"
	// OptionHypervisorGroup places the server on another hypervisor
	// group than Config.HypervisorGroupID (a "location" choice).
	OptionHypervisorGroup = "hypervisor_group"
)

// createFields maps option codes to the POST /servers fields they set.
// The IPv4 options are counted separately, by ipv4Count.
var createFields = map[string]string{
	OptionRAM:             "memory",
	OptionDisk:            "storage",
	OptionCPU:             "cpuCores",
	OptionTraffic:         "traffic",
	OptionNetworkIn:       "networkSpeedInbound",
	OptionNetworkOut:      "networkSpeedOutbound",
	OptionStorageProfile:  "storageProfile",
	OptionNetworkProfile:  "networkProfile",
	OptionHypervisorGroup: "hypervisorId",
}

// checkOptions refuses option codes the adapter does not know, naming the
// first in sorted order so the error is stable.
func checkOptions(options map[string]int64) error {
	var unknown []string
	for code := range options {
		if _, ok := createFields[code]; !ok && code != OptionIPv4 && code != OptionExtraIPv4 {
			unknown = append(unknown, code)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return platform.Invalid("options", "virtfusion has no option %q", unknown[0])
}

// ipv4Count is the number of IPv4 addresses the options ask for, and
// whether they ask at all; without IPv4 options the default applies.
func (p *Panel) ipv4Count(options map[string]int64) (int64, bool) {
	total, set := options[OptionIPv4]
	if !set {
		total = p.defaultIPv4
	}
	extra, hasExtra := options[OptionExtraIPv4]
	return total + extra, set || hasExtra
}

// createBody is the POST /servers body for a package, a VirtFusion user
// and the order's options.
func (p *Panel) createBody(packageID, userID int64, options map[string]int64) map[string]int64 {
	body := map[string]int64{"packageId": packageID, "userId": userID, "hypervisorId": p.group}
	for code, v := range options {
		if field, ok := createFields[code]; ok && !(code == OptionHypervisorGroup && v == 0) {
			body[field] = v
		}
	}
	if n, asked := p.ipv4Count(options); asked || n > 0 {
		body["ipv4"] = n
	}
	return body
}

// numericID parses a plan code or OS template, which name VirtFusion ids.
func numericID(field, what, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, platform.Invalid(field, "%q is not a VirtFusion %s id", s, what)
	}
	return id, nil
}
