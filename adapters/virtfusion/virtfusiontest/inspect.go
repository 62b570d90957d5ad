package virtfusiontest

import "strconv"

// Servers returns every server, pending deletions included, in creation
// order.
func (s *Server) Servers() []VPS {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]VPS, 0, len(s.servers))
	for _, id := range s.sortedServerIDs() {
		v := *s.servers[id]
		v.IPv4 = append([]string(nil), v.IPv4...)
		out = append(out, v)
	}
	return out
}

// LiveServersNamed counts the servers of a name that are not pending
// deletion, which is how a client that names servers after its own ids
// counts the servers it holds for one of them.
func (s *Server) LiveServersNamed(name string) int {
	n := 0
	for _, v := range s.Servers() {
		if v.Name == name && v.DeleteAt.IsZero() {
			n++
		}
	}
	return n
}

// lookup finds a server by its id as a decimal string.
func (s *Server) lookup(id string) (VPS, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return VPS{}, false
	}
	for _, v := range s.Servers() {
		if v.ID == n {
			return v, true
		}
	}
	return VPS{}, false
}

// Suspended reports whether the server with this id is suspended.
func (s *Server) Suspended(id string) bool {
	v, ok := s.lookup(id)
	return ok && v.Suspended
}

// Package reports the package id of the server with this id, as a
// decimal string, or "" when there is no such server.
func (s *Server) Package(id string) string {
	if v, ok := s.lookup(id); ok {
		return strconv.FormatInt(v.PackageID, 10)
	}
	return ""
}

// DeleteOutOfBand destroys a server at once, as a panel admin would,
// without any API call.
func (s *Server) DeleteOutOfBand(id string) {
	n, _ := strconv.ParseInt(id, 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.servers, n)
}

// SetUsage sets a server's traffic this month and the disk use its guest
// agent reports, in bytes.
func (s *Server) SetUsage(id int64, rx, tx, diskUsed int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.servers[id]; v != nil {
		v.RX, v.TX, v.DiskUsed = rx, tx, diskUsed
	}
}
