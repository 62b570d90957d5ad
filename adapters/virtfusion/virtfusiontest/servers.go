package virtfusiontest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// VPS is a server the fake holds, for tests to inspect.
type VPS struct {
	ID, OwnerID, PackageID, HypervisorGroupID int64
	Name, Hostname                            string
	// OSTemplateID is the template of the last build; 0 until built.
	OSTemplateID                   int64
	Built                          time.Time
	Suspended, Running             bool
	Memory, Storage, Traffic       int64 // MB, GB, GB
	CPUCores                       int64
	NetworkIn, NetworkOut          int64 // kB/s
	StorageProfile, NetworkProfile int64
	IPv4                           []string
	IPv6Subnet                     string // like 2001:db8:65::, a /64
	RootPassword                   string
	// RX and TX are this month's traffic in bytes; DiskUsed is what the
	// guest agent reports.
	RX, TX, DiskUsed int64
	// DeleteAt is when a delayed DELETE destroys the server; zero
	// unless one is pending.
	DeleteAt time.Time
}

// server finds a live server by path id and answers VirtFusion's 404 when
// there is none. It must be called with s.mu held.
func (s *Server) server(w http.ResponseWriter, r *http.Request) *VPS {
	v := s.servers[pathID(r, "id")]
	if v == nil {
		writeError(w, notFound("server not found"))
	}
	return v
}

// createServer is POST /servers: packageId, userId and hypervisorId (a
// hypervisor group id) required; the documented optional fields override
// the package. The server comes back unbuilt, with a name of VirtFusion's.
func (s *Server) createServer(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PackageID                  *int64  `json:"packageId"`
		UserID                     *int64  `json:"userId"`
		HypervisorID               *int64  `json:"hypervisorId"`
		IPv4                       *int64  `json:"ipv4"`
		Storage                    *int64  `json:"storage"`
		Traffic                    *int64  `json:"traffic"`
		Memory                     *int64  `json:"memory"`
		CPUCores                   *int64  `json:"cpuCores"`
		NetworkSpeedInbound        *int64  `json:"networkSpeedInbound"`
		NetworkSpeedOutbound       *int64  `json:"networkSpeedOutbound"`
		StorageProfile             *int64  `json:"storageProfile"`
		NetworkProfile             *int64  `json:"networkProfile"`
		FirewallRulesets           []int64 `json:"firewallRulesets"`
		HypervisorAssetGroups      []int64 `json:"hypervisorAssetGroups"`
		AdditionalStorage1Enable   *bool   `json:"additionalStorage1Enable"`
		AdditionalStorage2Enable   *bool   `json:"additionalStorage2Enable"`
		AdditionalStorage1Profile  *int64  `json:"additionalStorage1Profile"`
		AdditionalStorage2Profile  *int64  `json:"additionalStorage2Profile"`
		AdditionalStorage1Capacity *int64  `json:"additionalStorage1Capacity"`
		AdditionalStorage2Capacity *int64  `json:"additionalStorage2Capacity"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var pkg *Package
	switch {
	case in.PackageID == nil:
		writeError(w, required("package id"))
		return
	case in.UserID == nil:
		writeError(w, required("user id"))
		return
	case in.HypervisorID == nil:
		writeError(w, required("hypervisor id"))
		return
	}
	if pkg = s.packages[*in.PackageID]; pkg == nil || !pkg.Enabled {
		writeError(w, invalid("The selected package id is invalid."))
		return
	}
	if s.users[*in.UserID] == nil {
		writeError(w, invalid("The selected user id is invalid."))
		return
	}
	if _, ok := s.groups[*in.HypervisorID]; !ok {
		writeError(w, invalid("The selected hypervisor id is invalid."))
		return
	}
	for _, v := range []*int64{in.IPv4, in.Storage, in.Traffic, in.Memory, in.CPUCores,
		in.NetworkSpeedInbound, in.NetworkSpeedOutbound, in.StorageProfile, in.NetworkProfile} {
		if v != nil && *v < 0 {
			writeError(w, invalid("Resource values must be at least 0."))
			return
		}
	}
	id := s.nextID()
	v := &VPS{ID: id, OwnerID: *in.UserID, PackageID: pkg.ID, HypervisorGroupID: *in.HypervisorID,
		Name: fmt.Sprintf("server-%d", id), Memory: pkg.Memory, Storage: pkg.Storage, Traffic: pkg.Traffic,
		CPUCores: pkg.CPUCores, NetworkIn: pkg.NetworkIn, NetworkOut: pkg.NetworkOut}
	for _, o := range []struct {
		dst *int64
		src *int64
	}{{&v.Memory, in.Memory}, {&v.Storage, in.Storage}, {&v.Traffic, in.Traffic}, {&v.CPUCores, in.CPUCores},
		{&v.NetworkIn, in.NetworkSpeedInbound}, {&v.NetworkOut, in.NetworkSpeedOutbound},
		{&v.StorageProfile, in.StorageProfile}, {&v.NetworkProfile, in.NetworkProfile}} {
		if o.src != nil {
			*o.dst = *o.src
		}
	}
	ipv4 := int64(1) // VirtFusion's default count is undocumented
	if in.IPv4 != nil {
		ipv4 = *in.IPv4
	}
	s.addAddresses(v, ipv4)
	s.servers[id] = v
	writeJSON(w, http.StatusCreated, map[string]any{"data": s.serverJSON(v, false)})
}

// addAddresses gives a server n more IPv4 addresses from 203.0.113.0/24
// and beyond. It must be called with s.mu held.
func (s *Server) addAddresses(v *VPS, n int64) []string {
	var added []string
	for range n {
		s.nextIP++
		added = append(added, fmt.Sprintf("203.0.%d.%d", 113+s.nextIP/250, 1+s.nextIP%250))
	}
	v.IPv4 = append(v.IPv4, added...)
	return added
}

// getServer is GET /servers/{id}[?remoteState=true].
func (s *Server) getServer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.server(w, r); v != nil {
		writeJSON(w, http.StatusOK, map[string]any{"data": s.serverJSON(v, r.URL.Query().Get("remoteState") == "true")})
	}
}

// listUserServers is GET /servers/user/{userId}: every server of a user,
// servers pending a delayed deletion included.
func (s *Server) listUserServers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner := pathID(r, "userId")
	if s.users[owner] == nil {
		writeError(w, notFound("user not found"))
		return
	}
	list := []map[string]any{}
	for _, id := range s.sortedServerIDs() {
		if v := s.servers[id]; v.OwnerID == owner {
			list = append(list, map[string]any{"id": v.ID, "ownerId": v.OwnerID, "hypervisorId": v.HypervisorGroupID,
				"name": v.Name, "hostname": v.Hostname, "uuid": uuid(v.ID), "state": state(v),
				"suspended": v.Suspended, "protected": false, "buildFailed": false,
				"resources": map[string]any{"memory": v.Memory, "storage": v.Storage, "traffic": v.Traffic, "cpuCores": v.CPUCores}})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": list})
}

// modifyName is PUT /servers/{id}/modify/name {name}.
func (s *Server) modifyName(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name *string `json:"name"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	if in.Name == nil || *in.Name == "" {
		writeError(w, required("name"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.server(w, r); v != nil {
		v.Name = *in.Name
		writeJSON(w, http.StatusCreated, nil)
	}
}

// buildServer is POST /servers/{id}/build: operatingSystemId required. It
// installs at once, sets a new root password and answers with the server,
// the password under settings.decryptedPassword.
func (s *Server) buildServer(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OperatingSystemID *int64   `json:"operatingSystemId"`
		Name              *string  `json:"name"`
		Hostname          *string  `json:"hostname"`
		SSHKeys           []int64  `json:"sshKeys"`
		VNC               *bool    `json:"vnc"`
		IPv6              *bool    `json:"ipv6"`
		Email             *bool    `json:"email"`
		Swap              *float64 `json:"swap"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.server(w, r)
	switch {
	case v == nil:
		return
	case in.OperatingSystemID == nil:
		writeError(w, required("operating system id"))
		return
	case s.templates[*in.OperatingSystemID] == "":
		writeError(w, invalid("The selected operating system id is invalid."))
		return
	}
	v.OSTemplateID, v.Built, v.Running, v.RootPassword = *in.OperatingSystemID, s.now(), true, randomPassword()
	if in.Name != nil {
		v.Name = *in.Name
	}
	if in.Hostname != nil {
		v.Hostname = *in.Hostname
	}
	if in.IPv6 != nil && *in.IPv6 && v.IPv6Subnet == "" {
		v.IPv6Subnet = fmt.Sprintf("2001:db8:%x::", v.ID)
	}
	out := s.serverJSON(v, false)
	out["settings"].(map[string]any)["decryptedPassword"] = v.RootPassword
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// resetPassword is POST /servers/{id}/resetPassword {user, sendMail}: user
// is root or Administrator. VirtFusion queues the reset and reports the
// password it will set.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	var in struct {
		User     *string `json:"user"`
		SendMail *bool   `json:"sendMail"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	if in.User == nil || (*in.User != "root" && *in.User != "Administrator") {
		writeError(w, invalid("The user must be root or Administrator."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.server(w, r); v != nil {
		v.RootPassword = randomPassword()
		s.queue++
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"queueId": s.queue, "expectedPassword": v.RootPassword}})
	}
}

// suspend is POST /servers/{id}/suspend; suspending stops the server.
func (s *Server) suspend(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.server(w, r); v != nil {
		v.Suspended, v.Running = true, false
		writeJSON(w, http.StatusNoContent, nil)
	}
}

// unsuspend is POST /servers/{id}/unsuspend; the server boots again.
func (s *Server) unsuspend(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.server(w, r); v != nil {
		v.Suspended, v.Running = false, !v.Built.IsZero()
		writeJSON(w, http.StatusNoContent, nil)
	}
}

// deleteServer is DELETE /servers/{id}?delay=minutes (0-43800). A delay
// schedules the deletion; the server stays visible until it falls due,
// and deleting it again keeps the first schedule.
func (s *Server) deleteServer(w http.ResponseWriter, r *http.Request) {
	delay := 0
	if d := r.URL.Query().Get("delay"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 43800 {
			writeError(w, invalid("The delay must be between 0 and 43800."))
			return
		}
		delay = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.server(w, r)
	if v == nil {
		return
	}
	if v.DeleteAt.IsZero() {
		v.DeleteAt = s.now().Add(time.Duration(delay) * time.Minute)
	}
	s.purgeDeleted()
	writeJSON(w, http.StatusNoContent, nil)
}

// purgeDeleted destroys servers whose delayed deletion fell due. It must
// be called with s.mu held.
func (s *Server) purgeDeleted() {
	for id, v := range s.servers {
		if !v.DeleteAt.IsZero() && !v.DeleteAt.After(s.now()) {
			delete(s.servers, id)
		}
	}
}
