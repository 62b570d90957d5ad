package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/identity"
)

// request gives handlers the raw request: its cookies, address and agent.
type request struct {
	r *http.Request
}

// Resolve keeps the raw request of a huma input.
func (rq *request) Resolve(ctx huma.Context) []error {
	rq.r, _ = humago.Unwrap(ctx)
	return nil
}

type registerInput struct {
	request
	Body struct {
		Email    string `json:"email" maxLength:"254" doc:"The account's email address; a verification link is sent to it."`
		Password string `json:"password" maxLength:"256"`
		Name     string `json:"name,omitempty" maxLength:"200"`
		Company  string `json:"company,omitempty" maxLength:"200"`
		Country  string `json:"country,omitempty" maxLength:"2"`
		Next     string `json:"next,omitempty" maxLength:"512" doc:"The page of the customer area to return to after confirming the address, like /checkout?plan=vps-2g."`
	}
}

type userBody struct {
	ID            int64    `json:"id"`
	Email         string   `json:"email"`
	Role          string   `json:"role"`
	EmailVerified bool     `json:"email_verified"`
	Permissions   []string `json:"permissions,omitempty"`
}

func userOut(u *identity.User) userBody {
	return userBody{ID: u.ID, Email: u.Email, Role: string(u.Role), EmailVerified: !u.EmailVerifiedAt.IsZero(), Permissions: permissionsOut(u.Permissions)}
}

type userOutput struct {
	Body userBody
}

type tokenInput struct {
	request
	Body struct {
		Token string `json:"token" maxLength:"200"`
	}
}

type loginInput struct {
	request
	Body struct {
		Email    string `json:"email" maxLength:"254"`
		Password string `json:"password" maxLength:"256"`
	}
}

type loginOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      struct {
		User                 userBody `json:"user"`
		SecondFactorRequired bool     `json:"second_factor_required" doc:"The session can do nothing else until a second factor is passed."`
		Impersonating        bool     `json:"impersonating,omitempty"`
	}
}

type codeInput struct {
	request
	Body struct {
		Code string `json:"code" maxLength:"32"`
	}
}

type emailInput struct {
	request
	Body struct {
		Email string `json:"email" maxLength:"254"`
	}
}

type resetInput struct {
	request
	Body struct {
		Token    string `json:"token" maxLength:"200"`
		Password string `json:"password" maxLength:"256"`
	}
}

type meOutput struct {
	Body struct {
		User           userBody `json:"user"`
		Impersonating  bool     `json:"impersonating" doc:"Staff are acting as this customer; the UI shows a banner."`
		ImpersonatorID int64    `json:"impersonator_id,omitempty"`
		SecondFactor   bool     `json:"second_factor_passed"`
		TOTPEnabled    bool     `json:"totp_enabled" doc:"The account has an authenticator app set up."`
	}
}

type logoutOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
}

func (s *Server) registerAuth() {
	public := access{public: true}
	humaop.Register(s.api, huma.Operation{
		OperationID: "register", Method: http.MethodPost, Path: APIPrefix + "/auth/register", Tags: []string{"auth"},
		Summary: "Create a customer account", DefaultStatus: http.StatusCreated, Middlewares: huma.Middlewares{s.guard(public)},
	}, func(ctx context.Context, in *registerInput) (*userOutput, error) {
		u, err := s.id.Register(ctx, identity.Registration{
			Email: in.Body.Email, Password: in.Body.Password,
			Profile: identity.Profile{Name: in.Body.Name, Company: in.Body.Company, Country: in.Body.Country}, Next: in.Body.Next,
		}, s.meta(in.r))
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &userOutput{Body: userOut(u)}, nil
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "verify-email", Method: http.MethodPost, Path: APIPrefix + "/auth/verify-email", Tags: []string{"auth"},
		Summary: "Follow an email verification link", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(public)},
	}, func(ctx context.Context, in *tokenInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.VerifyEmail(ctx, in.Body.Token, s.meta(in.r)))
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "login", Method: http.MethodPost, Path: APIPrefix + "/auth/login", Tags: []string{"auth"},
		Summary: "Log in with email and password", Middlewares: huma.Middlewares{s.guard(public)},
	}, func(ctx context.Context, in *loginInput) (*loginOutput, error) {
		res, err := s.id.Login(ctx, in.Body.Email, in.Body.Password, s.meta(in.r))
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return s.startSession(ctx, in.r, res)
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "logout", Method: http.MethodPost, Path: APIPrefix + "/auth/logout", Tags: []string{"auth"},
		Summary: "End this session", Middlewares: huma.Middlewares{s.guard(access{pendingOK: true})},
	}, func(ctx context.Context, in *struct{ request }) (*logoutOutput, error) {
		p := principalFrom(ctx)
		if err := s.id.Logout(ctx, p.auth, s.meta(in.r)); err != nil {
			return nil, apiError(s.log, err)
		}
		return &logoutOutput{SetCookie: *s.sessions.cookie(s.cfg.CookieName, "")}, nil
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "me", Method: http.MethodGet, Path: APIPrefix + "/auth/me", Tags: []string{"auth"},
		Summary: "Who is logged in", Middlewares: huma.Middlewares{s.guard(access{pendingOK: true, scope: identity.ScopeAccountRead})},
	}, func(ctx context.Context, in *struct{}) (*meOutput, error) {
		p := principalFrom(ctx)
		out := &meOutput{}
		out.Body.User = userOut(p.user)
		totp, err := s.id.AuthenticatorAppEnabled(ctx, p.user.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out.Body.TOTPEnabled = totp
		if p.auth != nil {
			out.Body.ImpersonatorID = p.auth.Session.ImpersonatorID
			out.Body.Impersonating = out.Body.ImpersonatorID != 0
			out.Body.SecondFactor = !p.auth.Session.SecondFactorAt.IsZero()
		}
		return out, nil
	})

	pending := access{pendingOK: true}
	humaop.Register(s.api, huma.Operation{
		OperationID: "second-factor-totp", Method: http.MethodPost, Path: APIPrefix + "/auth/second-factor/totp", Tags: []string{"auth"},
		Summary: "Pass the second factor with an authenticator code", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(pending)},
	}, func(ctx context.Context, in *codeInput) (*elevatedOutput, error) {
		p := principalFrom(ctx)
		return s.passed(in.r, p.auth, s.id.VerifyTOTP(ctx, p.auth, in.Body.Code, s.meta(in.r)))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "second-factor-recovery", Method: http.MethodPost, Path: APIPrefix + "/auth/second-factor/recovery-code", Tags: []string{"auth"},
		Summary: "Pass the second factor with a recovery code", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(pending)},
	}, func(ctx context.Context, in *codeInput) (*elevatedOutput, error) {
		p := principalFrom(ctx)
		return s.passed(in.r, p.auth, s.id.UseRecoveryCode(ctx, p.auth, in.Body.Code, s.meta(in.r)))
	})

	humaop.Register(s.api, huma.Operation{
		OperationID: "password-forgot", Method: http.MethodPost, Path: APIPrefix + "/auth/password/forgot", Tags: []string{"auth"},
		Summary: "Email a password reset link", Description: "Answers the same whether or not the address has an account.",
		DefaultStatus: http.StatusAccepted, Middlewares: huma.Middlewares{s.guard(public)},
	}, func(ctx context.Context, in *emailInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.RequestPasswordReset(ctx, in.Body.Email, s.meta(in.r)))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "password-reset", Method: http.MethodPost, Path: APIPrefix + "/auth/password/reset", Tags: []string{"auth"},
		Summary: "Set a new password with a reset link", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(public)},
	}, func(ctx context.Context, in *resetInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.ResetPassword(ctx, in.Body.Token, in.Body.Password, s.meta(in.r)))
	})
}

// startSession sets the cookie of a new session and notes in it whether a
// second factor is owed.
func (s *Server) startSession(ctx context.Context, r *http.Request, res *identity.LoginResult) (*loginOutput, error) {
	if res.SecondFactorRequired {
		auth := &identity.Authenticated{Session: res.Session, User: res.User}
		if err := s.id.SaveSessionData(ctx, auth.Session.ID, []byte(`{"`+secondFactorPending+`":true}`)); err != nil {
			return nil, apiError(s.log, err)
		}
	}
	out := &loginOutput{SetCookie: *s.sessions.cookie(s.cfg.CookieName, res.Token)}
	out.Body.User = userOut(res.User)
	out.Body.SecondFactorRequired = res.SecondFactorRequired
	out.Body.Impersonating = res.Session.ImpersonatorID != 0
	return out, nil
}

// elevatedOutput carries the session's new cookie after a second factor:
// passing one changes the session's token.
type elevatedOutput struct {
	SetCookie []http.Cookie `header:"Set-Cookie"`
}

// passed clears the session's pending second factor once one is passed
// and hands the client the session's new token.
func (s *Server) passed(r *http.Request, a *identity.Authenticated, err error) (*elevatedOutput, error) {
	if err != nil {
		return nil, apiError(s.log, err)
	}
	sess := s.session(r)
	delete(sess.Values, secondFactorPending)
	if err := sess.Save(r, nil); err != nil {
		return nil, apiError(s.log, err)
	}
	return &elevatedOutput{SetCookie: s.newTokenCookie(a)}, nil
}

// newTokenCookie is the cookie with a session's new token, if it has one.
func (s *Server) newTokenCookie(a *identity.Authenticated) []http.Cookie {
	if a.NewToken == "" {
		return nil
	}
	return []http.Cookie{*s.sessions.cookie(s.cfg.CookieName, a.NewToken)}
}
