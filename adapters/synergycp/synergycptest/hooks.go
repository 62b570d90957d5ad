package synergycptest

import (
	"fmt"
	"slices"
	"strconv"
)

// AddServer stocks the inventory with a free server of the given hardware,
// with one IPMI controller, and returns its id.
func (s *Server) AddServer(hw Hardware) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addServer(hw)
}

// addServer adds a free server; callers hold s.mu.
func (s *Server) addServer(hw Hardware) int64 {
	id := s.nextID()
	s.servers[id] = &server{
		id: id, hardware: cloneHardware(hw), power: "off", controlID: s.nextID(),
		ipv4: fmt.Sprintf("198.51.%d.%d", id/250, 1+id%250), ipv6: fmt.Sprintf("2001:db8:%x::2", id),
	}
	return id
}

// AddTakenServer adds a server of the given hardware that staff already
// assigned to another client, and returns its id.
func (s *Server) AddTakenServer(hw Hardware) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.addServer(hw)
	owner := &client{id: s.nextID(), email: fmt.Sprintf("owner-%d@example.net", id), first: "Other", last: "Owner"}
	s.clients[owner.id] = owner
	srv := s.servers[id]
	srv.access = &access{id: s.nextID(), clientID: owner.id, active: true}
	srv.power = "on"
	return id
}

// Resources counts the servers assigned with the billing id, our service
// id: servers returned to the inventory or deleted do not count.
func (s *Server) Resources(billingID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, srv := range s.servers {
		if srv.access != nil && srv.billingID == strconv.FormatInt(billingID, 10) {
			n++
		}
	}
	return n
}

// Suspended reports whether the server's access is suspended.
func (s *Server) Suspended(serverID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	srv := s.servers[serverID]
	return srv != nil && srv.access != nil && !srv.access.active
}

// ServerState is the panel's view of one server, for assertions.
type ServerState struct {
	Hardware Hardware
	// Assigned is false for a server in the inventory.
	Assigned                bool
	ClientID                int64
	BillingID, MaxBandwidth string
	Nickname                string
	OS, PortSpeed, IPs      string
	Power                   string
	IPMIAccess              bool
}

// State returns a server's state and whether the server exists.
func (s *Server) State(serverID int64) (ServerState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	srv := s.servers[serverID]
	if srv == nil {
		return ServerState{}, false
	}
	st := ServerState{
		Hardware: cloneHardware(srv.hardware), Assigned: srv.access != nil,
		BillingID: srv.billingID, MaxBandwidth: srv.maxBandwidth, Nickname: srv.nickname,
		OS: srv.os, PortSpeed: srv.portSpeed, IPs: srv.ips, Power: srv.power,
	}
	if srv.access != nil {
		st.ClientID, st.IPMIAccess = srv.access.clientID, srv.access.ipmi
	}
	return st, true
}

// DeleteServer removes a server from the panel, as an admin would.
func (s *Server) DeleteServer(serverID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.servers, serverID)
}

// MarkVIP makes the client with the billing id (our customer id) a VIP,
// whose servers SynergyCP will not suspend or wipe automatically.
func (s *Server) MarkVIP(billingID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cl := range s.clients {
		if cl.billingID == strconv.FormatInt(billingID, 10) {
			cl.vip = true
		}
	}
}

// SetUsage sets a server's bandwidth usage and limit, in bits, as
// SynergyCP's switch polling reports them.
func (s *Server) SetUsage(serverID, usedBits, maxBits int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if srv := s.servers[serverID]; srv != nil {
		srv.usedBits, srv.maxBits = usedBits, maxBits
	}
}

// Requests returns the requests received so far, oldest first, without
// the key query parameter.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func cloneHardware(hw Hardware) Hardware {
	hw.Disks, hw.Addons = slices.Clone(hw.Disks), slices.Clone(hw.Addons)
	return hw
}
