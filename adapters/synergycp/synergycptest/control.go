package synergycptest

import (
	"fmt"
	"net/http"
)

// powerCommands are the IPMI power values server/{id}/control/{c}/command
// takes, as the WHMCS module's power buttons send them, and the power
// state each leaves the machine in.
var powerCommands = map[string]string{"on": "on", "off": "off", "soft": "off", "reset": "on", "cycle": "on"}

// listControls is GET server/{id}/control: the server's IPMI controllers.
func (s *Server) listControls(w http.ResponseWriter, c *call) {
	_, page, perPage, err := parseFilters(c.r.URL.Query())
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	srv, found := s.server(w, c)
	if !found {
		return
	}
	controls := []map[string]any{}
	if srv.controlID != 0 {
		controls = append(controls, map[string]any{"id": srv.controlID, "type": map[string]any{"name": "IPMI"}})
	}
	paginate(w, controls, page, perPage)
}

// controlCommand is POST server/{id}/control/{control}/command: a power
// action ({"power": "on"}) or another IPMI action (reset_bmc, pxe_boot,
// add_user, delete_user).
func (s *Server) controlCommand(w http.ResponseWriter, c *call) {
	if err := c.fields("power", "reset_bmc", "pxe_boot", "add_user", "delete_user"); err != nil || len(c.body) != 1 {
		fail(w, http.StatusUnprocessableEntity, "Give exactly one of power, reset_bmc, pxe_boot, add_user, delete_user.")
		return
	}
	power, isPower := str(c.body, "power")
	if _, known := powerCommands[power]; isPower && !known {
		fail(w, http.StatusUnprocessableEntity, fmt.Sprintf("The selected power %q is invalid.", power))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	srv, found := s.server(w, c)
	if !found {
		return
	}
	if srv.controlID == 0 || srv.controlID != pathID(c.r, "control") {
		fail(w, http.StatusNotFound, "No query results for model [Control].")
		return
	}
	if isPower {
		srv.power = powerCommands[power]
	}
	ok(w, map[string]any{"success": true})
}

// listEntities is GET entity?server=<id>: the IP allocations assigned to
// a server.
func (s *Server) listEntities(w http.ResponseWriter, c *call) {
	f, page, perPage, err := parseFilters(c.r.URL.Query(), "server")
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []map[string]any
	for _, id := range s.serverIDs() {
		srv := s.servers[id]
		if v, ok := f.one("server"); (ok && v != fmt.Sprint(id)) || srv.access == nil {
			continue
		}
		items = append(items, map[string]any{
			"id": srv.id, "name": srv.ipv4 + "/32", "address": srv.ipv4, "full_ip": srv.ipv4,
			"gateway": "", "subnet_mask": "255.255.255.255",
			"v6_address": srv.ipv6, "v6_gateway": "fe80::1",
		})
	}
	paginate(w, items, page, perPage)
}
