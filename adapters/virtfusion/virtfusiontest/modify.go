package virtfusiontest

import (
	"net/http"
	"slices"
	"strconv"
)

// changePackage is PUT /servers/{id}/package/{packageId}: the server moves
// to the package, and each flag set true re-applies that package value.
// VirtFusion answers 200 {"info": []} (the WHMCS module saw 204).
func (s *Server) changePackage(w http.ResponseWriter, r *http.Request) {
	var in struct {
		BackupPlan                  *bool `json:"backupPlan"`
		CPU                         *bool `json:"cpu"`
		Memory                      *bool `json:"memory"`
		PrimaryDiskReadIOPS         *bool `json:"primaryDiskReadIOPS"`
		PrimaryDiskReadThroughput   *bool `json:"primaryDiskReadThroughput"`
		PrimaryDiskSize             *bool `json:"primaryDiskSize"`
		PrimaryDiskWriteIOPS        *bool `json:"primaryDiskWriteIOPS"`
		PrimaryDiskWriteThroughput  *bool `json:"primaryDiskWriteThroughput"`
		PrimaryNetworkInboundSpeed  *bool `json:"primaryNetworkInboundSpeed"`
		PrimaryNetworkOutboundSpeed *bool `json:"primaryNetworkOutboundSpeed"`
		PrimaryNetworkTraffic       *bool `json:"primaryNetworkTraffic"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.server(w, r)
	if v == nil {
		return
	}
	pkg := s.packages[pathID(r, "packageId")]
	if pkg == nil {
		writeError(w, notFound("package not found"))
		return
	}
	v.PackageID = pkg.ID
	set := func(flag *bool, dst *int64, val int64) {
		if flag != nil && *flag {
			*dst = val
		}
	}
	set(in.CPU, &v.CPUCores, pkg.CPUCores)
	set(in.Memory, &v.Memory, pkg.Memory)
	set(in.PrimaryDiskSize, &v.Storage, pkg.Storage)
	set(in.PrimaryNetworkTraffic, &v.Traffic, pkg.Traffic)
	set(in.PrimaryNetworkInboundSpeed, &v.NetworkIn, pkg.NetworkIn)
	set(in.PrimaryNetworkOutboundSpeed, &v.NetworkOut, pkg.NetworkOut)
	writeJSON(w, http.StatusOK, map[string]any{"info": []string{}})
}

// modifyMemory is PUT /servers/{id}/modify/memory {memory: MB}.
func (s *Server) modifyMemory(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Memory *int64 `json:"memory"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	s.setResource(w, r, "memory", in.Memory, 1, func(v *VPS) *int64 { return &v.Memory })
}

// modifyCPUCores is PUT /servers/{id}/modify/cpuCores {cores}.
func (s *Server) modifyCPUCores(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Cores *int64 `json:"cores"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	s.setResource(w, r, "cores", in.Cores, 1, func(v *VPS) *int64 { return &v.CPUCores })
}

// modifyTraffic is PUT /servers/{id}/modify/traffic {traffic}; the spec
// types the value as a string, 0 to 999999999 GB.
func (s *Server) modifyTraffic(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Traffic *string `json:"traffic"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	var gb *int64
	if in.Traffic != nil {
		n, err := strconv.ParseInt(*in.Traffic, 10, 64)
		if err != nil || n > 999999999 {
			writeError(w, invalid("The traffic must be a number from 0 to 999999999."))
			return
		}
		gb = &n
	}
	s.setResource(w, r, "traffic", gb, 0, func(v *VPS) *int64 { return &v.Traffic })
}

// setResource finishes a modify call: the value is required and at least
// min; it is set on the server and the answer is 201.
func (s *Server) setResource(w http.ResponseWriter, r *http.Request, field string, n *int64, min int64, dst func(*VPS) *int64) {
	switch {
	case n == nil:
		writeError(w, required(field))
		return
	case *n < min:
		writeError(w, invalid("The "+field+" value is out of range."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.server(w, r); v != nil {
		*dst(v) = *n
		writeJSON(w, http.StatusCreated, nil)
	}
}

// addIPv4Qty is POST /servers/{id}/ipv4Qty {interface, quantity}.
func (s *Server) addIPv4Qty(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Interface *string `json:"interface"`
		Quantity  *int64  `json:"quantity"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	switch {
	case in.Interface == nil || (*in.Interface != "primary" && *in.Interface != "secondary"):
		writeError(w, invalid("The interface must be primary or secondary."))
		return
	case in.Quantity == nil || *in.Quantity < 1:
		writeError(w, invalid("The quantity must be at least 1."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.server(w, r); v != nil {
		writeJSON(w, http.StatusOK, map[string]any{"data": s.addAddresses(v, *in.Quantity)})
	}
}

// removeIPv4 is DELETE /servers/{id}/ipv4 {ip: [addresses]}.
func (s *Server) removeIPv4(w http.ResponseWriter, r *http.Request) {
	var in struct {
		IP []string `json:"ip"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	if len(in.IP) == 0 {
		writeError(w, required("ip"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.server(w, r)
	if v == nil {
		return
	}
	for _, ip := range in.IP {
		if !slices.Contains(v.IPv4, ip) {
			writeError(w, invalid("The address "+ip+" is not assigned to this server."))
			return
		}
	}
	v.IPv4 = slices.DeleteFunc(v.IPv4, func(a string) bool { return slices.Contains(in.IP, a) })
	writeJSON(w, http.StatusNoContent, nil)
}
