package enhancetest

import (
	"net/http"
	"slices"
	"strings"
)

// org is an organisation: the MO or one of its customers.
type org struct {
	id, parentID, name string
	// status is "active" or "deleted" (orchd's Status).
	status    string
	createdAt string
}

// login is a login in the MO's realm; emails are unique in a realm.
type login struct {
	id, email, name, password string
}

// member links a login to an organisation with roles.
type member struct {
	id, orgID, loginID string
	roles              []string
	joinedAt           string
}

// roles is orchd's Role enum.
var roles = []string{"Owner", "SuperAdmin", "Business", "SiteAccess", "Support", "Sysadmin"}

// customer returns the live customer organisation id of the MO, or nil.
func (s *Server) customer(id string) *org {
	o := s.orgs[id]
	if o == nil || o.parentID != MasterOrgID || o.status == "deleted" {
		return nil
	}
	return o
}

// liveOrg returns the MO or a live customer organisation named by the
// org_id path value, or writes a 404.
func (s *Server) liveOrg(w http.ResponseWriter, r *http.Request) *org {
	id := r.PathValue("org_id")
	if id == MasterOrgID {
		return s.orgs[id]
	}
	if o := s.customer(id); o != nil {
		return o
	}
	notFound(w, "Organization")
	return nil
}

// owner returns the organisation's owner member, or nil.
func (s *Server) owner(orgID string) *member {
	for _, id := range s.memberOrder {
		if m := s.members[id]; m.orgID == orgID && slices.Contains(m.roles, "Owner") {
			return m
		}
	}
	return nil
}

// orgJSON renders orchd's Org schema, with the owner's fields when the
// organisation has one.
func (s *Server) orgJSON(o *org) map[string]any {
	subs, sites := 0, 0
	for _, sub := range s.subscriptions {
		if sub.subscriberID == o.id && sub.status == "active" {
			subs++
		}
	}
	for _, site := range s.websites {
		if site.orgID == o.id && site.status != "deleted" {
			sites++
		}
	}
	v := map[string]any{
		"id": o.id, "name": o.name, "status": o.status, "subscriptionsCount": subs,
		"websitesCount": sites, "createdAt": o.createdAt, "locale": "en",
	}
	if o.parentID != "" {
		v["parentId"] = o.parentID
	}
	if m := s.owner(o.id); m != nil {
		l := s.logins[m.loginID]
		v["owner"], v["ownerEmail"], v["ownerId"], v["ownerLoginId"] = l.name, l.email, m.id, l.id
	}
	return v
}

// getOrg is GET /orgs/{org_id} (getOrg).
func (s *Server) getOrg(w http.ResponseWriter, r *http.Request) {
	if o := s.liveOrg(w, r); o != nil {
		writeJSON(w, http.StatusOK, s.orgJSON(o))
	}
}

// deleteOrg is DELETE /orgs/{org_id}?force= (deleteOrg): a soft delete
// marks the customer deleted, force removes it.
func (s *Server) deleteOrg(w http.ResponseWriter, r *http.Request) {
	o := s.customer(r.PathValue("org_id"))
	if o == nil {
		notFound(w, "Organization")
		return
	}
	if r.URL.Query().Get("force") == "true" {
		delete(s.orgs, o.id)
	} else {
		o.status = "deleted"
	}
	w.WriteHeader(http.StatusNoContent)
}

// getCustomers is GET /orgs/{org_id}/customers (getOrgCustomers). Only the
// MO is a reseller here; orchd answers an empty list for other orgs.
func (s *Server) getCustomers(w http.ResponseWriter, r *http.Request) {
	parent := s.liveOrg(w, r)
	if parent == nil {
		return
	}
	var items []map[string]any
	for _, id := range s.orgOrder {
		if o := s.orgs[id]; o != nil && o.parentID == parent.id {
			items = append(items, s.orgJSON(o))
		}
	}
	from, to, ok := s.page(w, r, len(items))
	if ok {
		writeJSON(w, http.StatusOK, listing{Items: append([]map[string]any{}, items[from:to]...), Total: len(items)})
	}
}

// createCustomer is POST /orgs/{org_id}/customers (createCustomer) with a
// NewCustomer body {name}.
func (s *Server) createCustomer(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("org_id") != MasterOrgID {
		writeError(w, http.StatusForbidden, "forbidden", "Insufficient privileges")
		return
	}
	var body struct {
		Name *string `json:"name"`
	}
	if !readBody(w, r, &body) {
		return
	}
	if body.Name == nil || strings.TrimSpace(*body.Name) == "" {
		writeError(w, http.StatusBadRequest, "invalid_input", "name is required")
		return
	}
	o := &org{id: newUUID(), parentID: MasterOrgID, name: *body.Name, status: "active", createdAt: now()}
	s.orgs[o.id] = o
	s.orgOrder = append(s.orgOrder, o.id)
	writeJSON(w, http.StatusCreated, map[string]string{"id": o.id})
}

// createLogin is POST /logins?orgId= (createLogin) with a LoginInfo body
// {email, password, name}; an email already in the realm is a 409.
func (s *Server) createLogin(w http.ResponseWriter, r *http.Request) {
	orgID := r.URL.Query().Get("orgId")
	if orgID == "" {
		writeError(w, http.StatusBadRequest, "invalid_input", "orgId query parameter is required")
		return
	}
	if orgID != MasterOrgID && s.customer(orgID) == nil {
		notFound(w, "Organization")
		return
	}
	var body struct {
		Email    *string `json:"email"`
		Password *string `json:"password"`
		Name     *string `json:"name"`
	}
	if !readBody(w, r, &body) {
		return
	}
	switch {
	case body.Email == nil || !strings.Contains(*body.Email, "@"):
		writeError(w, http.StatusBadRequest, "invalid_input", "email must be an email address")
		return
	case body.Password == nil || *body.Password == "":
		writeError(w, http.StatusBadRequest, "invalid_input", "password is required")
		return
	case body.Name == nil:
		writeError(w, http.StatusBadRequest, "invalid_input", "name is required")
		return
	}
	for _, l := range s.logins {
		if strings.EqualFold(l.email, *body.Email) {
			writeError(w, http.StatusConflict, "already_exists", "Login already exists")
			return
		}
	}
	l := &login{id: newUUID(), email: *body.Email, name: *body.Name, password: *body.Password}
	s.logins[l.id] = l
	writeJSON(w, http.StatusCreated, map[string]string{"id": l.id})
}

// getMembers is GET /orgs/{org_id}/members?role= (getMembers).
func (s *Server) getMembers(w http.ResponseWriter, r *http.Request) {
	o := s.liveOrg(w, r)
	if o == nil {
		return
	}
	role := r.URL.Query().Get("role")
	if role != "" && !slices.Contains(roles, role) {
		writeError(w, http.StatusBadRequest, "invalid_input", "unknown role "+role)
		return
	}
	var items []map[string]any
	for _, id := range s.memberOrder {
		m := s.members[id]
		if m.orgID != o.id || role != "" && !slices.Contains(m.roles, role) {
			continue
		}
		l := s.logins[m.loginID]
		items = append(items, map[string]any{
			"id": m.id, "loginId": l.id, "isActive": true, "email": l.email, "name": l.name,
			"roles": m.roles, "siteAccesses": []string{}, "notifications": []string{},
			"joinedAt": m.joinedAt, "colorCode": "#3f51b5", "authMethod": "basic",
		})
	}
	from, to, ok := s.page(w, r, len(items))
	if ok {
		writeJSON(w, http.StatusOK, listing{Items: append([]map[string]any{}, items[from:to]...), Total: len(items)})
	}
}

// createMember is POST /orgs/{org_id}/members (createMember) with a
// NewMember body {loginId, roles}.
func (s *Server) createMember(w http.ResponseWriter, r *http.Request) {
	o := s.liveOrg(w, r)
	if o == nil {
		return
	}
	var body struct {
		LoginID *string  `json:"loginId"`
		Roles   []string `json:"roles"`
	}
	if !readBody(w, r, &body) {
		return
	}
	if body.LoginID == nil || body.Roles == nil {
		writeError(w, http.StatusBadRequest, "invalid_input", "loginId and roles are required")
		return
	}
	for _, role := range body.Roles {
		if !slices.Contains(roles, role) {
			writeError(w, http.StatusBadRequest, "invalid_input", "unknown role "+role)
			return
		}
	}
	if s.logins[*body.LoginID] == nil {
		notFound(w, "Login")
		return
	}
	for _, m := range s.members {
		if m.orgID == o.id && m.loginID == *body.LoginID {
			writeError(w, http.StatusConflict, "already_exists", "Member already exists")
			return
		}
	}
	m := &member{id: newUUID(), orgID: o.id, loginID: *body.LoginID, roles: body.Roles, joinedAt: now()}
	s.members[m.id] = m
	s.memberOrder = append(s.memberOrder, m.id)
	writeJSON(w, http.StatusCreated, map[string]string{"id": m.id})
}

// memberSSO is GET /orgs/{org_id}/members/{member_id}/sso
// (getOrgMemberLogin): 201 with the one-time login link as a JSON string.
func (s *Server) memberSSO(w http.ResponseWriter, r *http.Request) {
	o := s.liveOrg(w, r)
	if o == nil {
		return
	}
	m := s.members[r.PathValue("member_id")]
	if m == nil || m.orgID != o.id {
		notFound(w, "Member")
		return
	}
	writeJSON(w, http.StatusCreated, s.srv.URL+"/login/sessions/sso?otp="+newUUID())
}
