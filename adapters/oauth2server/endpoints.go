package oauth2server

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/ory/fosite"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/identity"
)

// token is the token endpoint: codes and refresh tokens in, tokens out.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := s.provider.NewAccessRequest(ctx, r, new(fosite.DefaultSession))
	if err == nil {
		// The grant was checked; the user may have been banned since.
		_, err = s.activeUser(ctx, ar.GetSession().GetSubject())
		if platform.ErrorCode(err) == platform.EUNAUTHORIZED {
			err = fosite.ErrInvalidGrant.WithWrap(err).WithHint("The account is not active.")
		} else if err != nil {
			err = fosite.ErrServerError.WithWrap(err).WithDebug(err.Error())
		}
	}
	if err != nil {
		s.logServerError(r, err)
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	resp, err := s.provider.NewAccessResponse(ctx, ar)
	if err != nil {
		s.logServerError(r, err)
		s.provider.WriteAccessError(ctx, w, ar, err)
		return
	}
	s.provider.WriteAccessResponse(ctx, w, ar, resp)
}

// revoke is the RFC 7009 revocation endpoint. Revoking either token of a
// grant revokes the whole grant.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	err := s.provider.NewRevocationRequest(r.Context(), r)
	if err != nil {
		s.logServerError(r, err)
	}
	s.provider.WriteRevocationResponse(r.Context(), w, err)
}

// UserInfo is what the userinfo endpoint tells a client about the user who
// logged in.
type UserInfo struct {
	// Subject is the user id as a string, as OpenID Connect has it.
	Subject       string `json:"sub"`
	ID            int64  `json:"id"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
}

// userInfo tells the bearer of an access token whose token it is.
func (s *Server) userInfo(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// Only the Authorization header: a token in a query string ends up in
	// logs.
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="platform"`)
		http.Error(w, "a bearer token is required", http.StatusUnauthorized)
		return
	}
	// IntrospectToken falls back to refresh tokens; only an access token
	// is a bearer token.
	use, ar, err := s.provider.IntrospectToken(ctx, token, fosite.AccessToken, new(fosite.DefaultSession))
	if err != nil && fosite.ErrorToRFC6749Error(err).CodeField >= http.StatusInternalServerError {
		s.internalError(w, r, err)
		return
	}
	if err != nil || use != fosite.AccessToken {
		invalidToken(w)
		return
	}
	u, err := s.activeUser(ctx, ar.GetSession().GetSubject())
	if platform.ErrorCode(err) == platform.EUNAUTHORIZED {
		invalidToken(w)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	err = json.NewEncoder(w).Encode(UserInfo{
		Subject: strconv.FormatInt(u.ID, 10), ID: u.ID, Email: u.Email, EmailVerified: !u.EmailVerifiedAt.IsZero(),
	})
	if err != nil {
		s.cfg.Logger.WarnContext(ctx, "oauth2 userinfo", "err", err)
	}
}

func invalidToken(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="platform", error="invalid_token"`)
	http.Error(w, "the access token is not valid", http.StatusUnauthorized)
}

func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.logServerError(r, err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// activeUser returns the user a session's subject names, or EUNAUTHORIZED
// when the account is gone or no longer active.
func (s *Server) activeUser(ctx context.Context, subject string) (*identity.User, error) {
	id, err := strconv.ParseInt(subject, 10, 64)
	if err != nil {
		return nil, platform.Errorf(platform.EINTERNAL, "oauth2 session subject %q is not a user id", subject)
	}
	u, err := s.cfg.Users.GetUser(ctx, id)
	switch {
	case platform.ErrorCode(err) == platform.ENOTFOUND:
		return nil, platform.Errorf(platform.EUNAUTHORIZED, "user %d is gone", id)
	case err != nil:
		return nil, err
	case u.Status != identity.UserActive:
		return nil, platform.Errorf(platform.EUNAUTHORIZED, "user %d is %s", id, u.Status)
	}
	return u, nil
}
