package synergycptest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// listServers is GET server: the inventory and assigned servers, filtered
// the way the WHMCS module searches for free hardware (available=1,
// parts[exact]=1, *_billing) and looks servers up (billing_id,
// integration_id=me).
func (s *Server) listServers(w http.ResponseWriter, c *call) {
	f, page, perPage, err := parseFilters(c.r.URL.Query(), "available", "parts[exact]", "mem_billing", "cpu_billing",
		"disks_billing", "addons_billing", "ip_group_billing", "billing_id", "integration_id")
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []map[string]any
	for _, id := range s.serverIDs() {
		if srv := s.servers[id]; f.match(srv) {
			items = append(items, srv.json())
		}
	}
	paginate(w, items, page, perPage)
}

// serverIDs returns the ids of all servers in order; callers hold s.mu.
func (s *Server) serverIDs() []int64 {
	ids := make([]int64, 0, len(s.servers))
	for id := range s.servers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// match reports whether a server passes the list filters.
func (f filters) match(srv *server) bool {
	if v, ok := f.one("available"); ok && truthy(v) != (srv.access == nil) {
		return false
	}
	if v, ok := f.one("billing_id"); ok && (srv.billingID == "" || v != srv.billingID) {
		return false
	}
	if v, ok := f.one("integration_id"); ok && (v != "me" || srv.billingID == "") {
		return false
	}
	if v, ok := f.one("mem_billing"); ok && v != srv.hardware.Mem {
		return false
	}
	if v, ok := f.one("cpu_billing"); ok && v != srv.hardware.CPU {
		return false
	}
	if groups, ok := f["ip_group_billing"]; ok && !contains(groups, srv.hardware.IPGroup) {
		return false
	}
	exact := false
	if v, ok := f.one("parts[exact]"); ok {
		exact = truthy(v)
	}
	return partsMatch(f["disks_billing"], srv.hardware.Disks, exact) &&
		partsMatch(f["addons_billing"], srv.hardware.Addons, exact)
}

// partsMatch compares asked-for part billing ids with a server's: with
// exact the two lists must hold the same parts, otherwise the server must
// hold at least the asked-for ones.
func partsMatch(want, have []string, exact bool) bool {
	if exact && len(want) != len(have) {
		return false
	}
	left := slices.Clone(have)
	for _, w := range want {
		i := slices.Index(left, w)
		if i < 0 {
			return false
		}
		left = slices.Delete(left, i, i+1)
	}
	return true
}

// showServer is GET server/{id}.
func (s *Server) showServer(w http.ResponseWriter, c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	srv, found := s.server(w, c)
	if found {
		ok(w, srv.json())
	}
}

// server finds the server in the path or answers 404; callers hold s.mu.
func (s *Server) server(w http.ResponseWriter, c *call) (*server, bool) {
	srv := s.servers[pathID(c.r, "id")]
	if srv == nil {
		fail(w, http.StatusNotFound, "No query results for model [Server].")
		return nil, false
	}
	return srv, true
}

// patchServer is PATCH server/{id}: wiping ({"wiped": 1, "auto": true})
// returns the server to the inventory, and billing.max_bandwidth sets the
// bandwidth limit, as the admin panel's billing-limits dialog does.
func (s *Server) patchServer(w http.ResponseWriter, c *call) {
	if err := c.fields("wiped", "auto", "billing", "nickname"); err != nil {
		fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	billing, hasBilling := object(c.body, "billing")
	if hasBilling {
		for name := range billing {
			if name != "max_bandwidth" && name != "date" {
				fail(w, http.StatusUnprocessableEntity, "Unknown field billing."+name+".")
				return
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	srv, found := s.server(w, c)
	if !found {
		return
	}
	if wiped, _ := boolean(c.body, "wiped"); wiped && srv.access != nil {
		if s.ignoredForVIP(w, c, srv, "wipe") {
			return
		}
		srv.release()
	}
	if v, ok := str(billing, "max_bandwidth"); ok {
		srv.maxBandwidth = v
	}
	if v, ok := str(c.body, "nickname"); ok {
		srv.nickname = v
	}
	ok(w, srv.json())
}

// ignoredForVIP answers an automatic action on a VIP client's server the
// way SynergyCP does, an error envelope with data.ignored, and reports
// whether it did; callers hold s.mu.
func (s *Server) ignoredForVIP(w http.ResponseWriter, c *call, srv *server, action string) bool {
	auto, _ := boolean(c.body, "auto")
	if !auto || srv.access == nil || !s.clients[srv.access.clientID].vip {
		return false
	}
	failWith(w, http.StatusOK, fmt.Sprintf("Automatic %s ignored: the client is VIP.", action), map[string]any{"ignored": true})
	return true
}

// release returns a wiped server to the inventory.
func (srv *server) release() {
	srv.access = nil
	srv.billingID, srv.maxBandwidth, srv.nickname = "", "", ""
	srv.os, srv.portSpeed, srv.ips = "", "", ""
	srv.power = "off"
	srv.usedBits, srv.maxBits = 0, 0
}

// provision is POST server/provision: assign a free server to a client,
// with its billing id, OS install, port speed, IPs and access flags.
func (s *Server) provision(w http.ResponseWriter, c *call) {
	if err := c.fields("client_id", "server_id", "ips_billing", "pxe_profile_billing", "port_speed_billing",
		"nickname", "password", "server", "billing", "access"); err != nil {
		fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	clientID, okClient := integer(c.body, "client_id")
	serverID, okServer := integer(c.body, "server_id")
	if !okClient || !okServer {
		fail(w, http.StatusUnprocessableEntity, "The client id and server id fields are required.")
		return
	}
	choices := map[string][]string{"pxe_profile_billing": PXEProfiles, "port_speed_billing": PortSpeeds, "ips_billing": IPAllocations}
	for field, offered := range choices {
		if v, given := str(c.body, field); given && v != "" && !contains(offered, v) {
			fail(w, http.StatusUnprocessableEntity, fmt.Sprintf("The selected %s is invalid.", field))
			return
		}
	}
	billing, _ := object(c.body, "billing")
	grants, _ := object(c.body, "access")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.clients[clientID] == nil {
		fail(w, http.StatusUnprocessableEntity, "The selected client id is invalid.")
		return
	}
	srv := s.servers[serverID]
	if srv == nil || srv.access != nil {
		fail(w, http.StatusUnprocessableEntity, "The selected server is not available.")
		return
	}
	srv.access = &access{id: s.nextID(), clientID: clientID, active: true}
	srv.access.pxe, _ = boolean(grants, "pxe")
	srv.access.ipmi, _ = boolean(grants, "ipmi")
	srv.access.switchPorts, _ = boolean(grants, "switch")
	srv.billingID, _ = str(billing, "id")
	srv.maxBandwidth, _ = str(billing, "max_bandwidth")
	srv.nickname, _ = str(c.body, "nickname")
	srv.os, _ = str(c.body, "pxe_profile_billing")
	srv.portSpeed, _ = str(c.body, "port_speed_billing")
	srv.ips, _ = str(c.body, "ips_billing")
	srv.power = "on"
	ok(w, map[string]any{"server": srv.json()})
}

// patchAccess is PATCH server/{id}/access/{access}: is_active false
// suspends the client's access, true restores it.
func (s *Server) patchAccess(w http.ResponseWriter, c *call) {
	if err := c.fields("is_active", "suspension_reason", "auto"); err != nil {
		fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	active, given := boolean(c.body, "is_active")
	if !given {
		fail(w, http.StatusUnprocessableEntity, "The is active field is required.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	srv, found := s.server(w, c)
	if !found {
		return
	}
	if srv.access == nil || srv.access.id != pathID(c.r, "access") {
		fail(w, http.StatusNotFound, "No query results for model [Access].")
		return
	}
	if !active && s.ignoredForVIP(w, c, srv, "suspension") {
		return
	}
	srv.access.active = active
	srv.access.suspensionReason, _ = str(c.body, "suspension_reason")
	if active {
		srv.access.suspensionReason = ""
	}
	ok(w, srv.access.json())
}

// json renders a server the way GET server/{id} does.
func (srv *server) json() map[string]any {
	parts := func(ids []string) []map[string]any {
		out := []map[string]any{}
		for _, id := range ids {
			out = append(out, map[string]any{"billing_id": id})
		}
		return out
	}
	var billingID, acc, usage any
	if srv.billingID != "" {
		billingID = srv.billingID
	}
	if srv.access != nil {
		acc = srv.access.json()
	}
	if srv.maxBits > 0 || srv.usedBits > 0 {
		usage = map[string]any{"used": srv.usedBits, "max": srv.maxBits}
	}
	return map[string]any{
		"id":       srv.id,
		"srv_id":   "SRV" + strconv.FormatInt(srv.id, 10),
		"nickname": srv.nickname,
		"cpu":      map[string]any{"billing_id": srv.hardware.CPU},
		"mem":      map[string]any{"billing_id": srv.hardware.Mem},
		"disks":    parts(srv.hardware.Disks),
		"addons":   parts(srv.hardware.Addons),
		"group":    map[string]any{"billing_id": srv.hardware.IPGroup},
		"billing":  map[string]any{"id": billingID, "max_bandwidth": srv.maxBandwidth, "date": nil},
		"access":   acc,
		"usage":    usage,
	}
}

func (a *access) json() map[string]any {
	return map[string]any{
		"id": a.id, "client": map[string]any{"id": a.clientID}, "is_active": a.active,
		"pxe": a.pxe, "ipmi": a.ipmi, "switch": a.switchPorts, "suspension_reason": a.suspensionReason,
	}
}
