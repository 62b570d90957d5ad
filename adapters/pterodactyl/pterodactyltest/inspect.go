package pterodactyltest

import (
	"maps"
	"strconv"
)

// This file is the fake's side door: what a test sees of the panel's own
// state, and what a panel admin or the machines behind the panel do
// without the API.

// ServerView is a server as the panel holds it.
type ServerView struct {
	ID, Identifier, ExternalID string
	// Status is "", "installing" or "suspended".
	Status        string
	Running       bool
	Owner         int
	Egg           int
	Image         string
	Startup       string
	Environment   map[string]string
	Limits        Limits
	FeatureLimits FeatureLimits
	// Allocation is the default allocation's id; Node its node.
	Allocation, Node int
}

// UserView is a panel account as the panel holds it.
type UserView struct {
	ID                                    int
	ExternalID, Username, Email, Password string
	FirstName, LastName                   string
}

// PlanLimits is what tells one of the platform's plans apart on the panel,
// which has no notion of plans: the egg and the build limits. Feature
// limits are left out because configurable options (databases, backups)
// change them within a plan.
type PlanLimits struct {
	Egg                         int
	Memory, Swap, Disk, IO, CPU int64
}

// SetPlans gives the fake the plan table Plan reads.
func (s *Server) SetPlans(plans map[string]PlanLimits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.plans = maps.Clone(plans)
}

// Plan returns the code of the plan whose egg and limits the server has,
// or "" when none matches or the server is gone.
func (s *Server) Plan(id string) string {
	sv, ok := s.Server(id)
	if !ok {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	have := PlanLimits{Egg: sv.Egg, Memory: sv.Limits.Memory, Swap: sv.Limits.Swap, Disk: sv.Limits.Disk,
		IO: sv.Limits.IO, CPU: sv.Limits.CPU}
	for code, p := range s.plans {
		if p == have {
			return code
		}
	}
	return ""
}

// Resources counts the servers whose external_id is the service id.
func (s *Server) Resources(serviceID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, sv := range s.servers {
		if sv.externalID != nil && *sv.externalID == strconv.FormatInt(serviceID, 10) {
			n++
		}
	}
	return n
}

// Suspended reports whether the server with this id is suspended.
func (s *Server) Suspended(id string) bool {
	sv, ok := s.Server(id)
	return ok && sv.Status == statusSuspended
}

// Server returns the server with this id (the panel's numeric id).
func (s *Server) Server(id string) (ServerView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, _ := strconv.Atoi(id)
	sv := s.servers[n]
	if sv == nil {
		return ServerView{}, false
	}
	v := ServerView{ID: id, Identifier: sv.identifier, Running: sv.running, Owner: sv.owner, Egg: sv.egg,
		Image: sv.image, Startup: sv.startup, Environment: maps.Clone(sv.environment), Limits: sv.limits,
		FeatureLimits: sv.features, Allocation: sv.allocation, Node: sv.node}
	if sv.externalID != nil {
		v.ExternalID = *sv.externalID
	}
	if sv.status != nil {
		v.Status = *sv.status
	}
	return v, true
}

// DeleteOutOfBand deletes a server as a panel admin would.
func (s *Server) DeleteOutOfBand(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, _ := strconv.Atoi(id)
	if sv := s.servers[n]; sv != nil {
		s.remove(sv)
	}
}

// User returns the account with this email.
func (s *Server) User(email string) (UserView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.email == email {
			v := UserView{ID: u.id, Username: u.username, Email: u.email, Password: u.password,
				FirstName: u.first, LastName: u.last}
			if u.externalID != nil {
				v.ExternalID = *u.externalID
			}
			return v, true
		}
	}
	return UserView{}, false
}

// AddUser adds an account as a panel admin would, with an external id
// unless externalID is empty, and returns its id.
func (s *Server) AddUser(email, username, externalID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &user{id: s.nextID("user"), uuid: newUUID(), username: username, email: email, first: "Existing",
		last: "User", createdAt: timestamp()}
	if externalID != "" {
		u.externalID = &externalID
	}
	s.users[u.id] = u
	return u.id
}

// AddNode adds a node in a location with count ports on ip from
// firstPort, and returns its id.
func (s *Server) AddNode(location int, ip string, firstPort, count int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID("node")
	s.nodes[id] = &node{id: id, location: location}
	s.addAllocations(id, ip, firstPort, count)
	return id
}

// HoldInstalls keeps servers created from now on installing until
// FinishInstall, as a real install takes minutes; by default installs
// finish at once.
func (s *Server) HoldInstalls(hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdInstalls = hold
}

// FinishInstall ends a held install.
func (s *Server) FinishInstall(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, _ := strconv.Atoi(id)
	if sv := s.servers[n]; sv != nil && sv.status != nil && *sv.status == statusInstalling {
		sv.finishInstall()
	}
}

// SetWingsOffline makes every node's Wings daemon unreachable (or
// reachable again): power, resources and plain deletes then fail with
// the panel's 504 DaemonConnectionException.
func (s *Server) SetWingsOffline(offline bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wingsOffline = offline
}
