package pterodactyltest

import (
	"net/http"
	"slices"
)

// account is GET /api/client/account: the key's owner.
func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[1]
	writeJSON(w, http.StatusOK, item{Object: "user", Attributes: map[string]any{
		"id": u.id, "admin": u.rootAdmin, "username": u.username, "email": u.email,
		"first_name": u.first, "last_name": u.last, "language": "en",
	}})
}

// clientServer returns the server the {server} path value names, by its
// 8-character identifier or its UUID, checked the way
// AuthenticateServerAccess checks it: a suspended server answers only the
// resources route, one not installed answers nothing. It writes the
// panel's answer and returns nil otherwise. It must be called with s.mu
// held.
func (s *Server) clientServer(w http.ResponseWriter, r *http.Request, resourcesRoute bool) *server {
	ref := r.PathValue("server")
	for _, sv := range s.servers {
		if sv.identifier != ref && sv.uuid != ref {
			continue
		}
		switch {
		case sv.status == nil:
			return sv
		case *sv.status == statusSuspended && resourcesRoute:
			return sv
		case *sv.status == statusSuspended:
			writeError(w, conflict("This server is currently suspended and the functionality requested is unavailable."))
		default:
			writeError(w, conflict("This server has not yet completed its installation process, please try again later."))
		}
		return nil
	}
	writeError(w, notFound("NotFoundHttpException", ""))
	return nil
}

// resources is GET /api/client/servers/{server}/resources: Wings' view of
// the container. The figures are fixed: a running server uses a quarter of
// its memory and 37.5% CPU.
func (s *Server) resources(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := s.clientServer(w, r, true)
	if sv == nil {
		return
	}
	if s.wingsOffline {
		writeError(w, daemonUnreachable())
		return
	}
	state, res := "offline", map[string]any{"memory_bytes": 0, "cpu_absolute": 0, "disk_bytes": 1 << 30,
		"network_rx_bytes": 0, "network_tx_bytes": 0, "uptime": 0}
	if sv.running {
		state = "running"
		res["memory_bytes"], res["cpu_absolute"] = sv.limits.Memory<<20/4, 37.5
		res["network_rx_bytes"], res["network_tx_bytes"], res["uptime"] = 123456, 654321, 3600000
	}
	suspended := sv.status != nil && *sv.status == statusSuspended
	writeJSON(w, http.StatusOK, item{Object: "stats", Attributes: map[string]any{
		"current_state": state, "is_suspended": suspended, "resources": res,
	}})
}

// power is POST /api/client/servers/{server}/power with SendPowerRequest's
// rule: signal one of start, stop, restart, kill. It answers 204.
func (s *Server) power(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := s.clientServer(w, r, false)
	if sv == nil {
		return
	}
	v := &validator{in: input(r)}
	if v.required("signal") && !slices.Contains([]string{"start", "stop", "restart", "kill"}, v.in.str("signal")) {
		v.fail("signal", "in", "The selected signal is invalid.")
	}
	if v.failed() {
		writeError(w, v.errors...)
		return
	}
	if s.wingsOffline {
		writeError(w, daemonUnreachable())
		return
	}
	sv.running = v.in.str("signal") == "start" || v.in.str("signal") == "restart"
	w.WriteHeader(http.StatusNoContent)
}
