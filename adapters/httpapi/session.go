package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gorilla/sessions"

	"ezscale.cloud/platform/identity"
)

// SessionStore is a gorilla/sessions store whose sessions live in the
// database through the identity service: the cookie holds only the opaque
// session token, so sessions can be listed and revoked server-side.
// Sessions are created by logging in, never by this store; a request
// without a valid session gets a new, anonymous session that is not saved.
type SessionStore struct {
	id      *identity.Service
	options sessions.Options
}

var _ sessions.Store = (*SessionStore)(nil)

// authKey is the private key under which a loaded session keeps its
// *identity.Authenticated in Values; only string keys are saved.
type authKey struct{}

// NewSessionStore returns the store. Cookies are HttpOnly and SameSite=Lax
// always, and Secure unless insecure is set for plain-HTTP development.
// domain, when set, shares them with its subdomains (see
// Config.CookieDomain); empty keeps each cookie to the host that set it.
func NewSessionStore(id *identity.Service, insecure bool, domain string) *SessionStore {
	return &SessionStore{id: id, options: sessions.Options{
		Path: "/", Domain: domain, HttpOnly: true, Secure: !insecure, SameSite: http.SameSiteLaxMode,
		MaxAge: int(identity.CustomerAbsoluteTimeout.Seconds()),
	}}
}

// Get returns the request's session, loaded once per request.
func (s *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the request's cookie, or returns a new
// anonymous one when there is no cookie or its session is not valid.
func (s *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	opts := s.options
	sess.Options = &opts
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	auth, err := s.id.Authenticate(r.Context(), c.Value)
	if err != nil {
		return sess, nil
	}
	values := map[string]any{}
	if len(auth.Data) > 0 {
		if err := json.Unmarshal(auth.Data, &values); err != nil {
			return sess, fmt.Errorf("session %d data: %w", auth.Session.ID, err)
		}
	}
	for k, v := range values {
		sess.Values[k] = v
	}
	sess.Values[authKey{}] = auth
	sess.ID = strconv.FormatInt(auth.Session.ID, 10)
	sess.IsNew = false
	return sess, nil
}

// Save stores a logged-in session's values. An anonymous session has
// nothing to save: sessions begin at login.
func (s *SessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	auth, ok := sess.Values[authKey{}].(*identity.Authenticated)
	if !ok {
		return errors.New("anonymous sessions are not stored; log in first")
	}
	values := map[string]any{}
	for k, v := range sess.Values {
		if key, ok := k.(string); ok {
			values[key] = v
		}
	}
	data, err := json.Marshal(values)
	if err != nil {
		return fmt.Errorf("session values: %w", err)
	}
	return s.id.SaveSessionData(r.Context(), auth.Session.ID, data)
}

// cookie returns the session cookie carrying token, or one that deletes the
// cookie when token is empty.
func (s *SessionStore) cookie(name, token string) *http.Cookie {
	opts := s.options
	if token == "" {
		opts.MaxAge = -1
	}
	return sessions.NewCookie(name, token, &opts)
}
