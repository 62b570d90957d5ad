package pterodactyltest

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// listUsers is GET /api/application/users. Like the panel's
// spatie/query-builder filters, filter[email], filter[username],
// filter[uuid] and filter[external_id] match any part of the value,
// ignoring case: filtering by ada@example.com also finds
// bada@example.com.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	var ids []int
	for id, u := range s.users {
		ext := ""
		if u.externalID != nil {
			ext = *u.externalID
		}
		if matches(q.Get("filter[email]"), u.email) && matches(q.Get("filter[username]"), u.username) &&
			matches(q.Get("filter[uuid]"), u.uuid) && matches(q.Get("filter[external_id]"), ext) {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	items := make([]item, 0, len(ids))
	for _, id := range ids {
		items = append(items, s.users[id].item())
	}
	writeJSON(w, http.StatusOK, paginate(r, items))
}

// matches is a SQL LIKE %filter% in a case-insensitive collation.
func matches(filter, value string) bool {
	return filter == "" || strings.Contains(strings.ToLower(value), strings.ToLower(filter))
}

// getUser is GET /api/application/users/{id}.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, _ := strconv.Atoi(r.PathValue("id"))
	if u := s.users[id]; u != nil {
		writeJSON(w, http.StatusOK, u.item())
		return
	}
	writeError(w, notFound("NotFoundHttpException", ""))
}

// getExternalUser is GET /api/application/users/external/{external_id}.
func (s *Server) getExternalUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.externalID != nil && *u.externalID == r.PathValue("external_id") {
			writeJSON(w, http.StatusOK, u.item())
			return
		}
	}
	writeError(w, notFound("NotFoundHttpException", ""))
}

// createUser is POST /api/application/users with StoreUserRequest's rules:
// email, username, first_name and last_name required; username, email and
// external_id unique; password optional.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := &validator{in: input(r)}
	if v.required("email") {
		v.str("email", 191)
		if !emailPattern.MatchString(v.in.str("email")) {
			v.fail("email", "email", "The email must be a valid email address.")
		}
	}
	if v.required("username") {
		v.str("username", 191)
		if !usernamePattern.MatchString(strings.ToLower(v.in.str("username"))) {
			v.fail("username", "p_username", "The username must start and end with alpha-numeric characters and contain only letters, numbers, dashes, underscores, and periods.")
		}
	}
	for _, f := range []string{"first_name", "last_name"} {
		if v.required(f) {
			v.str(f, 191)
		}
	}
	if p, ok := v.in.get("password"); ok && p != nil {
		v.str("password", 0)
	}
	if e, ok := v.in.get("external_id"); ok && e != nil {
		v.str("external_id", 191)
	}
	s.checkUserUnique(v)
	if v.failed() {
		writeError(w, v.errors...)
		return
	}
	u := &user{id: s.nextID("user"), uuid: newUUID(), username: strings.ToLower(v.in.str("username")),
		email: v.in.str("email"), first: v.in.str("first_name"), last: v.in.str("last_name"),
		password: v.in.str("password"), createdAt: timestamp()}
	if ext := v.in.str("external_id"); ext != "" {
		u.externalID = &ext
	}
	s.users[u.id] = u
	writeJSON(w, http.StatusCreated, u.item())
}

// checkUserUnique applies the unique rules of email, username and
// external_id. It must be called with s.mu held.
func (s *Server) checkUserUnique(v *validator) {
	for _, u := range s.users {
		if strings.EqualFold(u.email, v.in.str("email")) {
			v.fail("email", "unique", "The email has already been taken.")
		}
		if strings.EqualFold(u.username, v.in.str("username")) {
			v.fail("username", "unique", "The username has already been taken.")
		}
		if ext := v.in.str("external_id"); ext != "" && u.externalID != nil && *u.externalID == ext {
			v.fail("external_id", "unique", "The external id has already been taken.")
		}
	}
}
