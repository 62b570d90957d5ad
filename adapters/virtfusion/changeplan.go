package virtfusion

import (
	"context"
	"net/http"
	"strconv"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// modifyCalls are the options VirtFusion can change on a live server, each
// through its own PUT /servers/{id}/modify/... call, after the package
// change re-applied the package's own values. A slice keeps the calls in
// one order from run to run.
var modifyCalls = []struct {
	option, path, field string
	asString            bool // the spec types modify/traffic's value as a string
}{
	{OptionRAM, "memory", "memory", false},
	{OptionCPU, "cpuCores", "cores", false},
	{OptionTraffic, "traffic", "traffic", true},
}

// ChangePlan implements provisioning.Panel: PUT /servers/{id}/package/
// {packageId}, then the options on top. Memory, CPU cores and traffic are
// set through VirtFusion's modify calls and the IPv4 count is brought to
// what the options ask by adding or removing addresses. VirtFusion has no
// call to resize a disk or change network speeds, so when those options
// are given the package change leaves them as they are, and a disk size
// other than the server's is EUNSUPPORTED before anything changes.
// Profiles and the hypervisor group only matter when a server is created.
func (p *Panel) ChangePlan(ctx context.Context, externalID, planCode string, options map[string]int64) error {
	id, err := serverID(externalID)
	if err != nil {
		return err
	}
	packageID, err := numericID("plan_code", "package", planCode)
	if err != nil {
		return err
	}
	if err := checkOptions(options); err != nil {
		return err
	}
	srv, err := p.getServer(ctx, id, false)
	if err != nil {
		return err
	}
	if disk, ok := options[OptionDisk]; ok && disk != srv.Settings.Resources.Storage {
		return platform.Errorf(provisioning.EUNSUPPORTED,
			"virtfusion cannot resize server %d from %d GB to %d GB through its API; resize it on the panel",
			id, srv.Settings.Resources.Storage, disk)
	}
	if err := p.changePackage(ctx, id, packageID, options); err != nil {
		return err
	}
	for _, m := range modifyCalls {
		v, ok := options[m.option]
		if !ok {
			continue
		}
		var value any = v
		if m.asString {
			value = strconv.FormatInt(v, 10)
		}
		if err := p.call(ctx, "modify "+m.path, http.MethodPut, serverPath(id, "modify", m.path), nil,
			map[string]any{m.field: value}, nil); err != nil {
			return err
		}
	}
	return p.reconcileIPv4(ctx, srv, options)
}

// changePackage moves a server to a package and re-applies the package's
// resources, except those the options set and VirtFusion cannot change
// back afterwards. A 404 here means the package: the server was just read.
func (p *Panel) changePackage(ctx context.Context, id, packageID int64, options map[string]int64) error {
	_, keepDisk := options[OptionDisk]
	_, keepIn := options[OptionNetworkIn]
	_, keepOut := options[OptionNetworkOut]
	flags := map[string]bool{
		"cpu": true, "memory": true, "primaryNetworkTraffic": true, "backupPlan": true,
		"primaryDiskSize":            !keepDisk,
		"primaryDiskReadIOPS":        true,
		"primaryDiskWriteIOPS":       true,
		"primaryDiskReadThroughput":  true,
		"primaryDiskWriteThroughput": true,
		"primaryNetworkInboundSpeed": !keepIn, "primaryNetworkOutboundSpeed": !keepOut,
	}
	path := serverPath(id, "package", strconv.FormatInt(packageID, 10))
	err := p.call(ctx, "change package", http.MethodPut, path, nil, flags, nil)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return &platform.Error{Code: platform.EINVALID, Field: "plan_code",
			Message: "virtfusion has no package " + strconv.FormatInt(packageID, 10), Err: err}
	}
	return err
}

// reconcileIPv4 adds or removes primary-interface IPv4 addresses until the
// server has as many as the options ask for, so a retried change does not
// add them twice. The newest addresses go first; the main one stays.
func (p *Panel) reconcileIPv4(ctx context.Context, srv server, options map[string]int64) error {
	want, asked := p.ipv4Count(options)
	if !asked {
		return nil
	}
	have := srv.ipv4()
	switch n := int64(len(have)); {
	case want > n:
		return p.call(ctx, "add IPv4", http.MethodPost, serverPath(srv.ID, "ipv4Qty"), nil,
			map[string]any{"interface": "primary", "quantity": want - n}, nil)
	case want < n:
		return p.call(ctx, "remove IPv4", http.MethodDelete, serverPath(srv.ID, "ipv4"), nil,
			map[string]any{"ip": have[max(want, 1):]}, nil)
	}
	return nil
}
