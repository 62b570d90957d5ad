package httpapi

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"ezscale.cloud/platform/identity"
)

// principal is who sends a request: a logged-in session or an API token.
type principal struct {
	auth  *identity.Authenticated // nil for API tokens
	user  *identity.User
	token *identity.APIToken // nil for sessions
}

// actor is the principal for the authorization policy. A staff API token
// can only be created from a session that passed a second factor, so a
// token request counts as having passed one.
func (p *principal) actor() identity.Actor {
	return p.authenticated().Actor()
}

// authenticated is the principal as identity's use cases take it. A token
// request has no session of its own: it acts as one that passed its second
// factor when the token was made, with no impersonator, so operations that
// need a real session (logout, revoking other sessions) stay session-only
// at their guard.
func (p *principal) authenticated() *identity.Authenticated {
	if p.auth != nil {
		return p.auth
	}
	return &identity.Authenticated{User: p.user, Session: &identity.Session{UserID: p.user.ID, SecondFactorAt: p.token.CreatedAt}}
}

type principalKey struct{}

// principalFrom returns the request's principal, set by the guard.
func principalFrom(ctx context.Context) *principal {
	p, _ := ctx.Value(principalKey{}).(*principal)
	return p
}

// access says who may call an operation.
type access struct {
	// public operations need no login.
	public bool
	// scope is what an API token needs for the operation; an empty scope
	// means sessions only.
	scope identity.Scope
	// pendingOK lets a session that still owes its second factor call the
	// operation (the second-factor and logout operations).
	pendingOK bool
	// staff operations need an admin who passed a second factor.
	staff bool
}

// secondFactorPending is the session value set at login when the user has
// a second factor to pass before the session may do anything else.
const secondFactorPending = "second_factor_pending"

// guard enforces an operation's access on each request and puts the
// principal in the request context.
func (s *Server) guard(a access) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if a.public {
			next(ctx)
			return
		}
		r, _ := humago.Unwrap(ctx)
		p, err := s.principal(r, a)
		if err != nil {
			s.writeErr(ctx, apiError(s.log, err))
			return
		}
		if p == nil {
			huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "log in first")
			return
		}
		if p.auth != nil && !a.pendingOK && p.auth.Session.SecondFactorAt.IsZero() {
			if pending, _ := s.session(r).Values[secondFactorPending].(bool); pending {
				huma.WriteErr(s.api, ctx, http.StatusForbidden, "pass your second factor first")
				return
			}
		}
		if a.staff {
			act := p.actor()
			if !act.IsStaff() || act.Impersonating() {
				huma.WriteErr(s.api, ctx, http.StatusForbidden, "staff only")
				return
			}
			if !act.SecondFactorVerified {
				huma.WriteErr(s.api, ctx, http.StatusForbidden, "second factor required: set one up and use it in this session")
				return
			}
		}
		if p.auth != nil && p.auth.Session.ImpersonatorID != 0 {
			if err := s.id.RecordImpersonatedRequest(ctx.Context(), p.auth, r.Method, r.URL.Path, s.meta(r)); err != nil {
				s.writeErr(ctx, apiError(s.log, err))
				return
			}
		}
		next(huma.WithValue(ctx, principalKey{}, p))
	}
}

// principal authenticates the request by its bearer token or session
// cookie; it returns nil for an anonymous request.
func (s *Server) principal(r *http.Request, a access) (*principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || a.scope == "" {
			return nil, unauthorized("this operation needs a session, not an API token")
		}
		u, tok, err := s.id.AuthenticateToken(r.Context(), strings.TrimSpace(token), a.scope)
		if err != nil {
			return nil, err
		}
		return &principal{user: u, token: tok}, nil
	}
	auth, _ := s.session(r).Values[authKey{}].(*identity.Authenticated)
	if auth == nil {
		return nil, nil
	}
	return &principal{auth: auth, user: auth.User}, nil
}

// meta is what the request says about its sender, for rate limits and the
// audit log. Behind a proxy the client address comes from the configured
// header, and only then.
func (s *Server) meta(r *http.Request) identity.Meta {
	ip := ""
	if s.cfg.ClientIPHeader != "" {
		ip = strings.TrimSpace(r.Header.Get(s.cfg.ClientIPHeader))
	}
	if ip == "" {
		ip, _, _ = net.SplitHostPort(r.RemoteAddr)
	}
	return identity.Meta{IP: ip, UserAgent: r.UserAgent()}
}
