package synergycp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"ezscale.cloud/platform"
)

// server is the part of SynergyCP's server object the adapter reads.
type server struct {
	ID      int64 `json:"id"`
	Billing struct {
		ID           text `json:"id"`
		MaxBandwidth text `json:"max_bandwidth"`
	} `json:"billing"`
	// Access is the primary access: the client the server is assigned
	// to. A server without one is in the inventory.
	Access *access `json:"access"`
	// Usage is this billing period's traffic, in bits.
	Usage *struct {
		Used float64 `json:"used"`
		Max  float64 `json:"max"`
	} `json:"usage"`
}

type access struct {
	ID       int64 `json:"id"`
	IsActive flag  `json:"is_active"`
	IPMI     flag  `json:"ipmi"`
	Client   struct {
		ID int64 `json:"id"`
	} `json:"client"`
}

// entity is an IP allocation assigned to a server.
type entity struct {
	Address   string `json:"address"`
	V6Address string `json:"v6_address"`
}

// owned returns the server a ref names if it is still assigned to the
// ref's service; a deleted server, one back in the inventory and one sold
// on to another service are all ENOTFOUND.
func (p *Panel) owned(ctx context.Context, r ref) (server, error) {
	var srv server
	err := p.api.call(ctx, http.MethodGet, fmt.Sprintf("server/%d", r.server), nil, nil, &srv)
	if err != nil {
		return server{}, err
	}
	if srv.Access == nil || string(srv.Billing.ID) != r.billingID() {
		return server{}, platform.Errorf(platform.ENOTFOUND, "synergycp server %d is no longer assigned to service %d", r.server, r.service)
	}
	return srv, nil
}

// provisionedFor finds the server assigned under a service id
// (billing.id), the lookup that makes Create safe to repeat. Servers that
// kept the billing id after being unassigned are skipped.
func (p *Panel) provisionedFor(ctx context.Context, serviceID int64) (srv server, found bool, err error) {
	filters := url.Values{"billing_id": {strconv.FormatInt(serviceID, 10)}}
	err = each(ctx, p.api, "server", filters, pageSize, func(s server) bool {
		if s.Access != nil {
			srv, found = s, true
		}
		return !found
	})
	return srv, found, err
}

// hardwareFilters are the server list filters that select a plan's
// machines: exactly its parts, in one of its IP groups.
func hardwareFilters(plan Plan) url.Values {
	q := url.Values{
		"parts[exact]": {"1"},
		"mem_billing":  {plan.MemBilling},
		"cpu_billing":  {plan.CPUBilling},
	}
	for name, ids := range map[string][]string{
		"disks_billing[]": plan.DiskBillings, "addons_billing[]": plan.AddonBillings, "ip_group_billing[]": plan.IPGroupBillings,
	} {
		if len(ids) > 0 {
			q[name] = ids
		}
	}
	return q
}

// freeServer finds a machine in the inventory for a plan.
func (p *Panel) freeServer(ctx context.Context, plan Plan) (id int64, found bool, err error) {
	filters := hardwareFilters(plan)
	filters.Set("available", "1")
	srv, found, err := first[server](ctx, p.api, "server", filters)
	return srv.ID, found, err
}

// addresses returns a server's primary IPv4 and IPv6 addresses from the
// IP allocations assigned to it.
func (p *Panel) addresses(ctx context.Context, serverID int64) (ipv4, ipv6 string, err error) {
	filters := url.Values{"server": {strconv.FormatInt(serverID, 10)}}
	err = each(ctx, p.api, "entity", filters, pageSize, func(e entity) bool {
		if ipv4 == "" {
			ipv4 = e.Address
		}
		if ipv6 == "" {
			ipv6 = e.V6Address
		}
		return ipv4 == "" || ipv6 == ""
	})
	return ipv4, ipv6, err
}
