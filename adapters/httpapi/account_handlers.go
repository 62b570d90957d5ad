package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/identity"
)

type sessionBody struct {
	ID            int64     `json:"id"`
	IP            string    `json:"ip"`
	UserAgent     string    `json:"user_agent"`
	CreatedAt     time.Time `json:"created_at"`
	LastSeenAt    time.Time `json:"last_seen_at"`
	Current       bool      `json:"current"`
	Impersonation bool      `json:"impersonation,omitempty"`
}

type sessionsOutput struct {
	Body struct {
		Sessions []sessionBody `json:"sessions"`
	}
}

// sessionsOut lists sessions, marking the one with id current.
func sessionsOut(list []*identity.Session, current int64) *sessionsOutput {
	out := &sessionsOutput{}
	out.Body.Sessions = []sessionBody{}
	for _, x := range list {
		out.Body.Sessions = append(out.Body.Sessions, sessionBody{ID: x.ID, IP: x.IP, UserAgent: x.UserAgent, CreatedAt: x.CreatedAt,
			LastSeenAt: x.LastSeenAt, Current: x.ID == current, Impersonation: x.ImpersonatorID != 0})
	}
	return out
}

type idInput struct {
	request
	ID int64 `path:"id"`
}

type revokedOutput struct {
	Body struct {
		Revoked int `json:"revoked"`
	}
}

type passwordChangeInput struct {
	request
	Body struct {
		CurrentPassword string `json:"current_password" maxLength:"256"`
		NewPassword     string `json:"new_password" maxLength:"256"`
	}
}

type totpBeginOutput struct {
	Body struct {
		Secret     string `json:"secret" doc:"Type this into the authenticator app if it cannot scan the QR code."`
		OTPAuthURL string `json:"otpauth_url" doc:"Show as a QR code."`
	}
}

type totpConfirmOutput struct {
	SetCookie []http.Cookie `header:"Set-Cookie"`
	Body      struct {
		RecoveryCodes []string `json:"recovery_codes" doc:"Shown once: each lets you in once if the authenticator is lost."`
	}
}

type tokenBody struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scopes     []string   `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	Revoked    bool       `json:"revoked"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func tokenOut(t *identity.APIToken) tokenBody {
	b := tokenBody{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: optionalTime(t.LastUsedAt),
		ExpiresAt: optionalTime(t.ExpiresAt), Revoked: !t.RevokedAt.IsZero(), Scopes: []string{}}
	for _, s := range t.Scopes {
		b.Scopes = append(b.Scopes, string(s))
	}
	return b
}

type tokensOutput struct {
	Body struct {
		Tokens []tokenBody `json:"tokens"`
	}
}

type tokenCreateInput struct {
	request
	Body struct {
		Name      string    `json:"name" maxLength:"100"`
		Scopes    []string  `json:"scopes" maxItems:"10"`
		ExpiresAt time.Time `json:"expires_at,omitempty"`
	}
}

type tokenCreateOutput struct {
	Body struct {
		Token    string    `json:"token" doc:"Shown once; only its hash is kept."`
		Metadata tokenBody `json:"metadata"`
	}
}

func (s *Server) registerAccount() {
	session := access{}
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-sessions", Method: http.MethodGet, Path: APIPrefix + "/account/sessions", Tags: []string{"account"},
		Summary: "List your live sessions", Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *struct{}) (*sessionsOutput, error) {
		p := principalFrom(ctx)
		list, err := s.id.ListSessions(ctx, p.auth)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return sessionsOut(list, p.auth.Session.ID), nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "revoke-session", Method: http.MethodDelete, Path: APIPrefix + "/account/sessions/{id}", Tags: []string{"account"},
		Summary: "Log out one of your sessions", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *idInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.RevokeSession(ctx, principalFrom(ctx).auth, in.ID, s.meta(in.r)))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "revoke-other-sessions", Method: http.MethodPost, Path: APIPrefix + "/account/sessions/revoke-others", Tags: []string{"account"},
		Summary: "Log out everywhere else", Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *struct{ request }) (*revokedOutput, error) {
		n, err := s.id.RevokeOtherSessions(ctx, principalFrom(ctx).auth, s.meta(in.r))
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &revokedOutput{}
		out.Body.Revoked = n
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "change-password", Method: http.MethodPost, Path: APIPrefix + "/account/password", Tags: []string{"account"},
		Summary: "Change your password", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *passwordChangeInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.ChangePassword(ctx, principalFrom(ctx).auth, in.Body.CurrentPassword, in.Body.NewPassword, s.meta(in.r)))
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "totp-begin", Method: http.MethodPost, Path: APIPrefix + "/account/second-factor/totp", Tags: []string{"account"},
		Summary: "Start setting up an authenticator app", Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *struct{}) (*totpBeginOutput, error) {
		secret, url, err := s.id.BeginTOTP(ctx, principalFrom(ctx).auth)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &totpBeginOutput{}
		out.Body.Secret, out.Body.OTPAuthURL = secret, url
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "totp-confirm", Method: http.MethodPost, Path: APIPrefix + "/account/second-factor/totp/confirm", Tags: []string{"account"},
		Summary: "Finish setting up an authenticator app with its first code", Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *codeInput) (*totpConfirmOutput, error) {
		a := principalFrom(ctx).auth
		codes, err := s.id.ConfirmTOTP(ctx, a, in.Body.Code, s.meta(in.r))
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &totpConfirmOutput{SetCookie: s.newTokenCookie(a)}
		out.Body.RecoveryCodes = codes
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "totp-remove", Method: http.MethodDelete, Path: APIPrefix + "/account/second-factor/totp", Tags: []string{"account"},
		Summary: "Remove the authenticator app", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *struct{ request }) (*struct{}, error) {
		return nil, apiError(s.log, s.id.RemoveTOTP(ctx, principalFrom(ctx).auth, s.meta(in.r)))
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "list-tokens", Method: http.MethodGet, Path: APIPrefix + "/account/tokens", Tags: []string{"account"},
		Summary: "List your API tokens", Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *struct{}) (*tokensOutput, error) {
		list, err := s.id.ListAPITokens(ctx, principalFrom(ctx).auth)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &tokensOutput{}
		out.Body.Tokens = []tokenBody{}
		for _, t := range list {
			out.Body.Tokens = append(out.Body.Tokens, tokenOut(t))
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "create-token", Method: http.MethodPost, Path: APIPrefix + "/account/tokens", Tags: []string{"account"},
		Summary: "Create an API token", DefaultStatus: http.StatusCreated, Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *tokenCreateInput) (*tokenCreateOutput, error) {
		plain, tok, err := s.id.CreateAPIToken(ctx, principalFrom(ctx).auth, in.Body.Name, in.Body.Scopes, in.Body.ExpiresAt, s.meta(in.r))
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &tokenCreateOutput{}
		out.Body.Token, out.Body.Metadata = plain, tokenOut(tok)
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "revoke-token", Method: http.MethodDelete, Path: APIPrefix + "/account/tokens/{id}", Tags: []string{"account"},
		Summary: "Revoke an API token", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *idInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.RevokeAPIToken(ctx, principalFrom(ctx).auth, in.ID, s.meta(in.r)))
	})
}
