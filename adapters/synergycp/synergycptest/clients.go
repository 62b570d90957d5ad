package synergycptest

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// listClients is GET client, filtered by billing_id or email.
func (s *Server) listClients(w http.ResponseWriter, c *call) {
	f, page, perPage, err := parseFilters(c.r.URL.Query(), "billing_id", "email")
	if err != nil {
		fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(s.clients))
	for id := range s.clients {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var items []map[string]any
	for _, id := range ids {
		cl := s.clients[id]
		if v, ok := f.one("billing_id"); ok && (cl.billingID == "" || v != cl.billingID) {
			continue
		}
		if v, ok := f.one("email"); ok && !strings.EqualFold(v, cl.email) {
			continue
		}
		items = append(items, cl.json())
	}
	paginate(w, items, page, perPage)
}

// createClient is POST client {email, first, last, billing_id, password}.
func (s *Server) createClient(w http.ResponseWriter, c *call) {
	if err := c.fields("email", "first", "last", "billing_id", "password"); err != nil {
		fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	cl := &client{}
	cl.email, _ = str(c.body, "email")
	cl.first, _ = str(c.body, "first")
	cl.last, _ = str(c.body, "last")
	cl.billingID, _ = str(c.body, "billing_id")
	switch {
	case !strings.Contains(cl.email, "@"):
		fail(w, http.StatusUnprocessableEntity, "The email must be a valid email address.")
		return
	case cl.first == "" || cl.last == "":
		fail(w, http.StatusUnprocessableEntity, "The first and last name fields are required.")
		return
	}
	if pw, given := str(c.body, "password"); given && len(pw) < 8 {
		fail(w, http.StatusUnprocessableEntity, "The password must be at least 8 characters.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, other := range s.clients {
		if strings.EqualFold(other.email, cl.email) {
			fail(w, http.StatusUnprocessableEntity, "The email has already been taken.")
			return
		}
	}
	cl.id = s.nextID()
	s.clients[cl.id] = cl
	ok(w, cl.json())
}

func (cl *client) json() map[string]any {
	return map[string]any{"id": cl.id, "email": cl.email, "first": cl.first, "last": cl.last, "billing_id": cl.billingID}
}

// createKey is POST key {owner_id, owner_type: "client"}: an API key that
// acts as the client, used for single sign-on and the client's own IPMI
// controls.
func (s *Server) createKey(w http.ResponseWriter, c *call) {
	if err := c.fields("owner_id", "owner_type"); err != nil {
		fail(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	ownerID, _ := integer(c.body, "owner_id")
	if t, _ := str(c.body, "owner_type"); t != "client" {
		fail(w, http.StatusUnprocessableEntity, "The selected owner type is invalid.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.clients[ownerID] == nil {
		fail(w, http.StatusUnprocessableEntity, "The selected owner id is invalid.")
		return
	}
	key := rand.Text()
	s.keys[key] = ownerID
	ok(w, map[string]any{"id": s.nextID(), "key": key, "owner": map[string]any{"id": ownerID, "type": "client"}})
}

// singleSignOn is GET auth/sso?key=<client key>&view_type=server&view_id=N,
// the page a customer's browser is sent to: it logs the key's client in
// and redirects to the server's page in the client area.
func (s *Server) singleSignOn(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	clientID, isClientKey := s.keys[q.Get("key")]
	var allowed bool
	if id, err := strconv.ParseInt(q.Get("view_id"), 10, 64); err == nil && q.Get("view_type") == "server" {
		srv := s.servers[id]
		allowed = srv != nil && srv.access != nil && srv.access.clientID == clientID
	}
	s.mu.Unlock()
	switch {
	case !isClientKey:
		fail(w, http.StatusUnauthorized, "Unauthenticated.")
	case !allowed:
		fail(w, http.StatusForbidden, "This action is unauthorized.")
	default:
		http.Redirect(w, r, fmt.Sprintf("/client/hardware/server/%s", q.Get("view_id")), http.StatusFound)
	}
}
