package virtfusiontest

import (
	"net/http"
	"strconv"
	"strings"
)

// User is a VirtFusion user the fake holds, for tests to inspect.
type User struct {
	ID            int64
	ExtRelationID int64 // 0 when none
	Name, Email   string
	password      string
}

// AddUser creates a user directly, as staff would on the panel, and
// returns its VirtFusion id; extRelationID 0 leaves it without one.
func (s *Server) AddUser(extRelationID int64, email string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &User{ID: s.nextID(), ExtRelationID: extRelationID, Name: email, Email: email, password: randomPassword()}
	s.users[u.ID] = u
	return u.ID
}

// Users returns every user, in no particular order.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, *u)
	}
	return out
}

// userByExt finds a user by the extRelationId path segment. It must be
// called with s.mu held.
func (s *Server) userByExt(ext string) *User {
	id, err := strconv.ParseInt(ext, 10, 64)
	if err != nil || id == 0 {
		return nil
	}
	for _, u := range s.users {
		if u.ExtRelationID == id {
			return u
		}
	}
	return nil
}

func (s *Server) userJSON(u *User) map[string]any {
	var ext any
	if u.ExtRelationID != 0 {
		ext = u.ExtRelationID
	}
	return map[string]any{
		"id": u.ID, "admin": false, "extRelationId": ext, "selfService": 0,
		"selfServiceHourlyGroupProfiles": []int{}, "selfServiceResourceGroupProfiles": []int{},
		"selfServiceHourlyResourcePack": nil, "name": u.Name, "email": u.Email, "timezone": "UTC",
		"suspended": false, "twoFactorAuth": false, "created": stamp(s.now()), "updated": stamp(s.now()),
	}
}

// getUserByExt is GET /users/{extRelationId}/byExtRelation.
func (s *Server) getUserByExt(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByExt(r.PathValue("ext"))
	if u == nil {
		writeError(w, notFound("ext_relation_id not found"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": s.userJSON(u)})
}

// createUser is POST /users: name and email required, extRelationId and
// email unique. The answer carries the panel password VirtFusion made.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name          *string `json:"name"`
		Email         *string `json:"email"`
		ExtRelationID *int64  `json:"extRelationId"`
		RelStr        *string `json:"relStr"`
		SelfService   *int    `json:"selfService"`
		SendMail      *bool   `json:"sendMail"`
	}
	if e := decode(r, &in); e != nil {
		writeError(w, e)
		return
	}
	switch {
	case in.Name == nil || *in.Name == "":
		writeError(w, required("name"))
		return
	case in.Email == nil || !strings.Contains(*in.Email, "@"):
		writeError(w, invalid("The email must be a valid email address."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if strings.EqualFold(u.Email, *in.Email) {
			writeError(w, invalid("The email has already been taken."))
			return
		}
		if in.ExtRelationID != nil && u.ExtRelationID == *in.ExtRelationID {
			writeError(w, invalid("The ext relation id has already been taken."))
			return
		}
	}
	u := &User{ID: s.nextID(), Name: *in.Name, Email: *in.Email, password: randomPassword()}
	if in.ExtRelationID != nil {
		u.ExtRelationID = *in.ExtRelationID
	}
	s.users[u.ID] = u
	out := s.userJSON(u)
	out["password"] = u.password
	writeJSON(w, http.StatusCreated, map[string]any{"data": out})
}
