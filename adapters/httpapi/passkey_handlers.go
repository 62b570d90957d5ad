package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/adapters/passkey"
	"ezscale.cloud/platform/identity"
)

// ceremonyCookie carries the token of a WebAuthn ceremony from its begin to
// its finish; the state itself stays in the database.
const ceremonyCookie = "ezs_ceremony"

type ceremonyOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      struct {
		Options map[string]any `json:"options" doc:"Pass to navigator.credentials.create() or .get()."`
	}
}

type credentialInput struct {
	request
	Body struct {
		Name       string         `json:"name,omitempty" maxLength:"64" doc:"A name for a new passkey, e.g. the device."`
		Credential map[string]any `json:"credential" doc:"The browser's PublicKeyCredential, as JSON."`
	}
}

type passkeyBody struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

type passkeysOutput struct {
	Body struct {
		Passkeys []passkeyBody `json:"passkeys"`
	}
}

type renameInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Name string `json:"name" maxLength:"64"`
	}
}

// beginCeremony stores a ceremony's state and answers with its options and
// the cookie that carries its token.
func (s *Server) beginCeremony(ctx context.Context, userID int64, options json.RawMessage, state []byte) (*ceremonyOutput, error) {
	token, err := s.id.StartCeremony(ctx, userID, state)
	if err != nil {
		return nil, apiError(s.log, err)
	}
	out := &ceremonyOutput{SetCookie: http.Cookie{
		Name: ceremonyCookie, Value: token, Path: APIPrefix, MaxAge: int(identity.CeremonyLifetime.Seconds()),
		HttpOnly: true, Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteStrictMode,
	}}
	if err := json.Unmarshal(options, &out.Body.Options); err != nil {
		return nil, apiError(s.log, err)
	}
	return out, nil
}

// takeCeremony returns the state of the request's ceremony, once.
func (s *Server) takeCeremony(ctx context.Context, r *http.Request, userID int64) ([]byte, error) {
	c, err := r.Cookie(ceremonyCookie)
	if err != nil {
		return nil, platform.Errorf(platform.EUNAUTHORIZED, "no passkey request in progress; start again")
	}
	return s.id.TakeCeremony(ctx, c.Value, userID)
}

// ceremonyAnswer returns the state of the request's ceremony (taken, once)
// and the browser's answer to it.
func (s *Server) ceremonyAnswer(ctx context.Context, in *credentialInput, userID int64) (state, credential []byte, err error) {
	if in.Body.Credential == nil {
		return nil, nil, platform.Invalid("credential", "the browser's credential is required")
	}
	if state, err = s.takeCeremony(ctx, in.r, userID); err != nil {
		return nil, nil, err
	}
	credential, err = json.Marshal(in.Body.Credential)
	return state, credential, err
}

func (s *Server) registerPasskeys() {
	pk := s.passkeys
	public := access{public: true}
	humaop.Register(s.api, huma.Operation{
		OperationID: "passkey-login-begin", Method: http.MethodPost, Path: APIPrefix + "/auth/passkey/begin", Tags: []string{"auth"},
		Summary: "Start logging in with a passkey (no email needed)", Middlewares: huma.Middlewares{s.guard(public)},
	}, func(ctx context.Context, in *struct{}) (*ceremonyOutput, error) {
		options, state, err := pk.BeginLogin(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return s.beginCeremony(ctx, 0, options, state)
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "passkey-login-finish", Method: http.MethodPost, Path: APIPrefix + "/auth/passkey/finish", Tags: []string{"auth"},
		Summary: "Finish logging in with a passkey", Middlewares: huma.Middlewares{s.guard(public)},
	}, func(ctx context.Context, in *credentialInput) (*loginOutput, error) {
		state, cred, err := s.ceremonyAnswer(ctx, in, 0)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		user, _, err := pk.FinishLogin(ctx, state, cred)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		res, err := s.id.LoginWithPasskey(ctx, user, s.meta(in.r))
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return s.startSession(ctx, in.r, res)
	})

	session := access{}
	humaop.Register(s.api, huma.Operation{
		OperationID: "passkey-register-begin", Method: http.MethodPost, Path: APIPrefix + "/account/passkeys/begin", Tags: []string{"account"},
		Summary: "Start adding a passkey", Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *struct{}) (*ceremonyOutput, error) {
		p := principalFrom(ctx)
		if p.auth.Session.ImpersonatorID != 0 {
			return nil, apiError(s.log, platform.Errorf(platform.EFORBIDDEN, "security settings cannot be changed while impersonating"))
		}
		options, state, err := pk.BeginRegistration(ctx, p.user)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return s.beginCeremony(ctx, p.user.ID, options, state)
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "passkey-register-finish", Method: http.MethodPost, Path: APIPrefix + "/account/passkeys/finish", Tags: []string{"account"},
		Summary: "Finish adding a passkey", DefaultStatus: http.StatusCreated, Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *credentialInput) (*struct{ Body passkeyBody }, error) {
		p := principalFrom(ctx)
		// The name is checked before the ceremony's state is used up, so
		// a bad name can be fixed and sent again with the same credential.
		if _, err := passkey.ValidName(in.Body.Name); err != nil {
			return nil, apiError(s.log, err)
		}
		state, cred, err := s.ceremonyAnswer(ctx, in, p.user.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		key, err := pk.FinishRegistration(ctx, p.user, state, in.Body.Name, cred)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		if err := s.id.PasskeyAdded(ctx, p.auth, key, s.meta(in.r)); err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body passkeyBody }{Body: passkeyBody{ID: key.ID, Name: key.Name, CreatedAt: key.CreatedAt}}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-passkeys", Method: http.MethodGet, Path: APIPrefix + "/account/passkeys", Tags: []string{"account"},
		Summary: "List your passkeys", Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *struct{}) (*passkeysOutput, error) {
		keys, err := s.id.ListPasskeys(ctx, principalFrom(ctx).auth)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &passkeysOutput{}
		out.Body.Passkeys = []passkeyBody{}
		for _, k := range keys {
			out.Body.Passkeys = append(out.Body.Passkeys, passkeyBody{ID: k.ID, Name: k.Name, CreatedAt: k.CreatedAt, LastUsedAt: optionalTime(k.LastUsedAt)})
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "rename-passkey", Method: http.MethodPatch, Path: APIPrefix + "/account/passkeys/{id}", Tags: []string{"account"},
		Summary: "Rename a passkey", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *renameInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.RenamePasskey(ctx, principalFrom(ctx).auth, in.ID, in.Body.Name))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "remove-passkey", Method: http.MethodDelete, Path: APIPrefix + "/account/passkeys/{id}", Tags: []string{"account"},
		Summary: "Remove a passkey", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(session)},
	}, func(ctx context.Context, in *idInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.RemovePasskey(ctx, principalFrom(ctx).auth, in.ID, s.meta(in.r)))
	})

	pending := access{pendingOK: true}
	humaop.Register(s.api, huma.Operation{
		OperationID: "second-factor-passkey-begin", Method: http.MethodPost, Path: APIPrefix + "/auth/second-factor/passkey/begin", Tags: []string{"auth"},
		Summary: "Start passing the second factor with a passkey", Middlewares: huma.Middlewares{s.guard(pending)},
	}, func(ctx context.Context, in *struct{}) (*ceremonyOutput, error) {
		p := principalFrom(ctx)
		options, state, err := pk.BeginSecondFactor(ctx, p.user)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return s.beginCeremony(ctx, p.user.ID, options, state)
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "second-factor-passkey-finish", Method: http.MethodPost, Path: APIPrefix + "/auth/second-factor/passkey/finish", Tags: []string{"auth"},
		Summary: "Finish passing the second factor with a passkey", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(pending)},
	}, func(ctx context.Context, in *credentialInput) (*elevatedOutput, error) {
		p := principalFrom(ctx)
		state, cred, err := s.ceremonyAnswer(ctx, in, p.user.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		if _, err := pk.FinishSecondFactor(ctx, p.user, state, cred); err != nil {
			return nil, apiError(s.log, err)
		}
		return s.passed(in.r, p.auth, s.id.PassedSecondFactor(ctx, p.auth, "passkey", s.meta(in.r)))
	})
}
