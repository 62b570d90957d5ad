package virtfusiontest

import (
	"net/http"
	"strconv"
	"time"
)

// power is POST /servers/{id}/power/{boot|shutdown|restart|poweroff}.
// VirtFusion queues the action and answers with the queue id; the fake
// carries it out at once.
func (s *Server) power(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.server(w, r)
	if v == nil {
		return
	}
	switch r.PathValue("action") {
	case "boot", "restart":
		v.Running = true
	case "shutdown", "poweroff":
		v.Running = false
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "The route " + r.URL.Path + " could not be found."})
		return
	}
	s.queue++
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"queueId": s.queue}})
}

// traffic is GET /servers/{id}/traffic: the current month first, rx, tx
// and total in bytes, limit in GB.
func (s *Server) traffic(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.server(w, r)
	if v == nil {
		return
	}
	start := monthStart(s.now())
	month := map[string]any{"month": 1, "start": stamp(start), "end": stamp(start.AddDate(0, 1, 0)),
		"rx": v.RX, "tx": v.TX, "total": v.RX + v.TX, "limit": v.Traffic, "blocks": []any{}}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"monthly": []any{month}}})
}

// serverLoginTokens is POST /users/{extRelationId}/serverAuthenticationTokens/
// {serverId}: one-time tokens for the server's owner. endpoint_complete
// is a path on the panel, as the real clients append it to the panel's
// address.
func (s *Server) serverLoginTokens(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByExt(r.PathValue("ext"))
	if u == nil {
		writeError(w, notFound("ext_relation_id not found"))
		return
	}
	v := s.server(w, r)
	if v == nil {
		return
	}
	if v.OwnerID != u.ID {
		writeError(w, notFound("server not found"))
		return
	}
	one, two := randomPassword(), randomPassword()
	endpoint := "/token_login"
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"authentication": map[string]any{
		"tokens":            map[string]string{"1": one, "2": two},
		"endpoint":          endpoint,
		"endpoint_complete": endpoint + "?token_1=" + one + "&token_2=" + two + "&server=" + strconv.FormatInt(v.ID, 10),
		"expiry":            map[string]any{"ttl": 60, "expires": stamp(s.now().Add(time.Minute))},
	}}})
}
