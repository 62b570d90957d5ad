package pterodactyl

import (
	"context"
	"strconv"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// placement decides where a new server goes: on the node staff assigned
// to an order that waited for capacity (CreateRequest.HardwareID is a
// node id), else wherever the panel deploys it in the plan's locations,
// else on the first free allocation of the plan's node.
func (p *Panel) placement(ctx context.Context, req provisioning.CreateRequest, plan Plan) (*newAllocation, *deploy, error) {
	node := plan.NodeID
	switch {
	case req.HardwareID != "":
		n, err := strconv.Atoi(req.HardwareID)
		if err != nil || n <= 0 {
			return nil, nil, platform.Invalid("hardware_id", "pterodactyl takes a node id as hardware id, got %q", req.HardwareID)
		}
		node = n
	case len(plan.LocationIDs) > 0:
		// The panel wants both lists present, empty or not.
		return nil, &deploy{Locations: plan.LocationIDs, DedicatedIP: plan.DedicatedIP,
			PortRange: append([]string{}, plan.PortRange...)}, nil
	}
	path := "/api/application/nodes/" + strconv.Itoa(node) + "/allocations"
	a, ok, err := find(ctx, p, path, nil, "list allocations of node "+strconv.Itoa(node),
		func(a allocationObject) bool { return !a.Assigned })
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, platform.Errorf(provisioning.ENEEDSHARDWARE, "pterodactyl node %d has no free allocation", node)
	}
	return &newAllocation{Default: a.ID}, nil, nil
}
