package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/identity"
)

type statusInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Status string `json:"status" enum:"active,suspended,banned"`
	}
}

type userSessionInput struct {
	request
	ID      int64 `path:"id"`
	Session int64 `path:"session"`
}

type impersonateOutput struct {
	SetCookie []http.Cookie `header:"Set-Cookie"`
	Body      struct {
		User userBody `json:"user"`
		// URL is where the customer's session works: the account area,
		// when it is on another host that shares the cookie's domain.
		URL string `json:"url,omitempty"`
	}
}

type auditInput struct {
	ActorID      int64     `query:"actor_id"`
	ResourceType string    `query:"resource_type" maxLength:"64"`
	ResourceID   string    `query:"resource_id" maxLength:"64"`
	Action       string    `query:"action" maxLength:"64"`
	From         time.Time `query:"from"`
	To           time.Time `query:"to"`
	BeforeID     int64     `query:"before_id" doc:"Continue after the last entry of the previous page."`
}

type auditBody struct {
	ID             int64           `json:"id"`
	At             time.Time       `json:"at"`
	ActorID        int64           `json:"actor_id,omitempty"`
	ImpersonatorID int64           `json:"impersonator_id,omitempty"`
	Action         string          `json:"action"`
	ResourceType   string          `json:"resource_type,omitempty"`
	ResourceID     string          `json:"resource_id,omitempty"`
	IP             string          `json:"ip,omitempty"`
	UserAgent      string          `json:"user_agent,omitempty"`
	Before         json.RawMessage `json:"before,omitempty"`
	After          json.RawMessage `json:"after,omitempty"`
}

type auditOutput struct {
	Body struct {
		Entries []auditBody `json:"entries"`
	}
}

// adminCookie keeps the admin's own session token while they impersonate a
// customer, so that stopping returns them to it.
func (s *Server) adminCookie() string { return s.cfg.CookieName + "_admin" }

func (s *Server) registerAdmin() {
	staff := access{staff: true}
	humaop.Register(s.api, huma.Operation{
		OperationID: "set-user-status", Method: http.MethodPut, Path: adminPrefix + "users/{id}/status", Tags: []string{"admin"},
		Summary: "Suspend, ban or reactivate an account", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *statusInput) (*struct{}, error) {
		p := principalFrom(ctx)
		if p.auth == nil {
			return nil, apiError(s.log, unauthorized("account status changes need a staff session"))
		}
		return nil, apiError(s.log, s.id.SetUserStatus(ctx, p.auth, in.ID, identity.UserStatus(in.Body.Status), s.meta(in.r)))
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "list-user-sessions", Method: http.MethodGet, Path: adminPrefix + "users/{id}/sessions", Tags: []string{"admin"},
		Summary: "List a user's live sessions", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *idInput) (*sessionsOutput, error) {
		list, err := s.id.ListUserSessions(ctx, principalFrom(ctx).auth, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return sessionsOut(list, 0), nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "revoke-user-session", Method: http.MethodDelete, Path: adminPrefix + "users/{id}/sessions/{session}", Tags: []string{"admin"},
		Summary: "Log a user out of one session", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *userSessionInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.RevokeUserSession(ctx, principalFrom(ctx).auth, in.ID, in.Session, s.meta(in.r)))
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "impersonate", Method: http.MethodPost, Path: adminPrefix + "customers/{id}/impersonate", Tags: []string{"admin"},
		Summary: "Act as a customer", Middlewares: huma.Middlewares{s.guard(access{staff: true})},
	}, func(ctx context.Context, in *idInput) (*impersonateOutput, error) {
		p := principalFrom(ctx)
		res, err := s.id.StartImpersonation(ctx, p.auth, in.ID, s.meta(in.r))
		if err != nil {
			return nil, apiError(s.log, err)
		}
		own, err := in.r.Cookie(s.cfg.CookieName)
		if err != nil {
			return nil, apiError(s.log, unauthorized("no session cookie"))
		}
		out := &impersonateOutput{SetCookie: []http.Cookie{
			*s.sessions.cookie(s.adminCookie(), own.Value),
			*s.sessions.cookie(s.cfg.CookieName, res.Token),
		}}
		out.Body.User = userOut(res.User)
		if s.cfg.CookieDomain != "" {
			out.Body.URL = s.cfg.AccountURL
		}
		return out, nil
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "stop-impersonating", Method: http.MethodPost, Path: APIPrefix + "/auth/impersonation/stop", Tags: []string{"auth"},
		Summary: "Stop acting as a customer and return to the staff session", Middlewares: huma.Middlewares{s.guard(access{pendingOK: true})},
	}, func(ctx context.Context, in *struct{ request }) (*impersonateOutput, error) {
		p := principalFrom(ctx)
		if err := s.id.StopImpersonation(ctx, p.auth, s.meta(in.r)); err != nil {
			return nil, apiError(s.log, err)
		}
		back := ""
		if c, err := in.r.Cookie(s.adminCookie()); err == nil {
			back = c.Value
		}
		return &impersonateOutput{SetCookie: []http.Cookie{
			*s.sessions.cookie(s.cfg.CookieName, back),
			*s.sessions.cookie(s.adminCookie(), ""),
		}}, nil
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "list-audit", Method: http.MethodGet, Path: adminPrefix + "audit", Tags: []string{"admin"},
		Summary: "Read the audit log", Middlewares: huma.Middlewares{s.guard(access{staff: true})},
	}, func(ctx context.Context, in *auditInput) (*auditOutput, error) {
		entries, err := s.id.ListAudit(ctx, principalFrom(ctx).auth, identity.AuditFilter{
			ActorID: in.ActorID, ResourceType: in.ResourceType, ResourceID: in.ResourceID, Action: in.Action,
			From: in.From, To: in.To, BeforeID: in.BeforeID,
		})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &auditOutput{}
		out.Body.Entries = []auditBody{}
		for _, e := range entries {
			out.Body.Entries = append(out.Body.Entries, auditBody{ID: e.ID, At: e.At, ActorID: e.ActorID, ImpersonatorID: e.ImpersonatorID,
				Action: e.Action, ResourceType: e.ResourceType, ResourceID: e.ResourceID, IP: e.IP, UserAgent: e.UserAgent,
				Before: e.Before, After: e.After})
		}
		return out, nil
	})
}
