package virtfusiontest

import (
	"fmt"
	"sort"
	"time"
)

// serverJSON renders a server the way GET /servers/{id} documents it, with
// the fields a client reads; remote adds the live hypervisor state. It
// must be called with s.mu held.
func (s *Server) serverJSON(v *VPS, remote bool) map[string]any {
	var hostname, built any
	if v.Hostname != "" {
		hostname = v.Hostname
	}
	if !v.Built.IsZero() {
		built = stamp(v.Built)
	}
	ipv4 := []map[string]any{}
	for i, a := range v.IPv4 {
		ipv4 = append(ipv4, map[string]any{"id": i + 1, "order": i + 1, "enabled": true, "blockId": 1, "address": a,
			"gateway": "203.0.113.254", "netmask": "255.255.255.0", "resolver1": "1.1.1.1", "resolver2": "8.8.8.8",
			"rdns": nil, "mac": nil})
	}
	ipv6 := []map[string]any{}
	if v.IPv6Subnet != "" {
		ipv6 = append(ipv6, map[string]any{"id": 1, "order": 1, "enabled": true, "subnet": v.IPv6Subnet, "cidr": 64,
			"addresses": []string{v.IPv6Subnet + "1"}, "gateway": "2001:db8::1", "exhausted": false})
	}
	owner := s.users[v.OwnerID]
	var remoteState any = false
	if remote {
		fs := []map[string]any{}
		if v.Running {
			fs = append(fs, map[string]any{"mountpoint": "/", "used-bytes": v.DiskUsed, "total-bytes": v.Storage << 30})
		}
		remoteState = map[string]any{"state": powerState(v), "running": v.Running, "agent": map[string]any{"fsinfo": fs}}
	}
	month := monthStart(s.now())
	return map[string]any{
		"id": v.ID, "ownerId": v.OwnerID, "hypervisorId": v.HypervisorGroupID, "name": v.Name, "hostname": hostname,
		"commissionStatus": 3, "uuid": uuid(v.ID), "state": state(v), "suspended": v.Suspended, "protected": false,
		"buildFailed": false, "built": built, "created": stamp(s.now()), "updated": stamp(s.now()),
		"traffic": map[string]any{"public": map[string]any{"countMethod": 1, "currentPeriod": map[string]any{
			"start": stamp(month), "end": stamp(month.AddDate(0, 1, 0)), "limit": v.Traffic}}},
		"settings": map[string]any{
			"osTemplateInstall": !v.Built.IsZero(), "osTemplateInstallId": v.OSTemplateID,
			"encryptedPassword": "eyJpdiI6IiIsInZhbHVlIjoiIn0=",
			"resources":         map[string]any{"memory": v.Memory, "storage": v.Storage, "traffic": v.Traffic, "cpuCores": v.CPUCores},
		},
		"network": map[string]any{"interfaces": []map[string]any{{"id": 1, "order": 1, "enabled": true, "name": "eth0",
			"type": "public", "mac": fmt.Sprintf("52:54:00:00:%02x:%02x", v.ID>>8&0xff, v.ID&0xff),
			"inAverage": v.NetworkIn, "outAverage": v.NetworkOut, "networkProfile": v.NetworkProfile,
			"ipv4": ipv4, "ipv6": ipv6}}, "secondaryInterfaces": []any{}},
		"owner": map[string]any{"id": owner.ID, "admin": false, "extRelationId": s.userJSON(owner)["extRelationId"],
			"name": owner.Name, "email": owner.Email, "timezone": "UTC", "suspended": false, "twoFactorAuth": false},
		"tasks":       map[string]any{"active": false},
		"remoteState": remoteState,
	}
}

// state is the server's commission state; VirtFusion's exact words are
// not documented.
func state(v *VPS) string {
	if v.Built.IsZero() {
		return "queued"
	}
	return "complete"
}

// powerState is the libvirt domain state reported as live state.
func powerState(v *VPS) string {
	if v.Running {
		return "running"
	}
	return "shutoff"
}

func uuid(id int64) string { return fmt.Sprintf("00000000-0000-4000-8000-%012x", id) }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// sortedServerIDs lists server ids in creation order. It must be called
// with s.mu held.
func (s *Server) sortedServerIDs() []int64 {
	ids := make([]int64, 0, len(s.servers))
	for id := range s.servers {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
