package oauth2server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/handler/pkce"
	"github.com/ory/fosite/storage"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/oauth2server/grants"
)

// fositeStore is fosite's storage for the grants the server composes, on
// the rows a grants.Store keeps. Sessions are *fosite.DefaultSession with
// the user id as subject.
type fositeStore struct {
	rows grants.Store
}

var (
	_ fosite.ClientManager          = fositeStore{}
	_ oauth2.CoreStorage            = fositeStore{}
	_ oauth2.TokenRevocationStorage = fositeStore{}
	_ pkce.PKCERequestStorage       = fositeStore{}
	// Transactional lets fosite run a code exchange and a refresh-token
	// rotation in one transaction, carried by the context.
	_ storage.Transactional = fositeStore{}
)

// expiry is the session expiry that applies to each kind of token; a PKCE
// challenge lives as long as its code.
var expiry = map[grants.Kind]fosite.TokenType{
	grants.AuthorizeCode: fosite.AuthorizeCode,
	grants.PKCE:          fosite.AuthorizeCode,
	grants.AccessToken:   fosite.AccessToken,
	grants.RefreshToken:  fosite.RefreshToken,
}

// BeginTX begins the transaction that fosite ends with Commit or Rollback.
func (f fositeStore) BeginTX(ctx context.Context) (context.Context, error) {
	return f.rows.BeginTX(ctx)
}

// Commit commits the transaction BeginTX began.
func (f fositeStore) Commit(ctx context.Context) error { return f.rows.Commit(ctx) }

// Rollback rolls back the transaction BeginTX began.
func (f fositeStore) Rollback(ctx context.Context) error { return f.rows.Rollback(ctx) }

// GetClient returns a registered client; a missing one is
// fosite.ErrNotFound.
func (f fositeStore) GetClient(ctx context.Context, id string) (fosite.Client, error) {
	c, err := f.rows.GetClient(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	return fositeClient{c}, nil
}

// notFound turns the store's ENOTFOUND into the error fosite expects.
func notFound(err error) error {
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return fosite.ErrNotFound
	}
	return err
}

// ClientAssertionJWTValid refuses every JWT client assertion: clients
// authenticate with a secret or PKCE, and a store that claimed to track
// assertion ids without doing so would let assertions be replayed.
func (fositeStore) ClientAssertionJWTValid(context.Context, string) error {
	return fosite.ErrJTIKnown.WithHint("JWT client assertions are not supported.")
}

// SetClientAssertionJWT refuses, as ClientAssertionJWTValid does.
func (fositeStore) SetClientAssertionJWT(context.Context, string, time.Time) error {
	return fosite.ErrJTIKnown.WithHint("JWT client assertions are not supported.")
}

// storedRequest is a sanitised fosite request as a token's Request keeps
// it. The client is stored by id and read fresh, so a changed client
// (fewer scopes, other redirect URIs) applies to the grants it already
// holds.
type storedRequest struct {
	ID                string                 `json:"id"`
	RequestedAt       time.Time              `json:"requested_at"`
	ClientID          string                 `json:"client_id"`
	RequestedScopes   []string               `json:"requested_scopes"`
	GrantedScopes     []string               `json:"granted_scopes"`
	RequestedAudience []string               `json:"requested_audience"`
	GrantedAudience   []string               `json:"granted_audience"`
	Form              url.Values             `json:"form"`
	Session           *fosite.DefaultSession `json:"session"`
}

func (f fositeStore) createToken(ctx context.Context, kind grants.Kind, signature string, req fosite.Requester) error {
	session, ok := req.GetSession().(*fosite.DefaultSession)
	if !ok {
		return fmt.Errorf("oauth2 %s: session is a %T, not a *fosite.DefaultSession", kind, req.GetSession())
	}
	userID, err := strconv.ParseInt(session.Subject, 10, 64)
	if err != nil {
		return fmt.Errorf("oauth2 %s: session subject %q is not a user id", kind, session.Subject)
	}
	data, err := json.Marshal(storedRequest{
		ID: req.GetID(), RequestedAt: req.GetRequestedAt(), ClientID: req.GetClient().GetID(),
		RequestedScopes: req.GetRequestedScopes(), GrantedScopes: req.GetGrantedScopes(),
		RequestedAudience: req.GetRequestedAudience(), GrantedAudience: req.GetGrantedAudience(),
		Form: req.GetRequestForm(), Session: session,
	})
	if err != nil {
		return fmt.Errorf("oauth2 %s: %w", kind, err)
	}
	return f.rows.CreateToken(ctx, grants.Token{
		Kind: kind, Signature: signature, RequestID: req.GetID(), ClientID: req.GetClient().GetID(),
		UserID: userID, Request: data, ExpiresAt: session.GetExpiresAt(expiry[kind]),
		// fosite reads the wall clock for every expiry; an injected clock
		// here would disagree with it.
		CreatedAt: time.Now(),
	})
}

// getToken returns the request stored under a signature and whether the
// token is still active; a missing token is fosite.ErrNotFound.
func (f fositeStore) getToken(ctx context.Context, kind grants.Kind, signature string) (fosite.Requester, bool, error) {
	t, err := f.rows.GetToken(ctx, kind, signature)
	if err != nil {
		return nil, false, notFound(err)
	}
	var st storedRequest
	if err := json.Unmarshal(t.Request, &st); err != nil {
		return nil, false, fmt.Errorf("oauth2 %s: %w", kind, err)
	}
	client, err := f.GetClient(ctx, st.ClientID)
	if err != nil {
		return nil, false, err
	}
	return &fosite.Request{
		ID: st.ID, RequestedAt: st.RequestedAt, Client: client, Form: st.Form, Session: st.Session,
		RequestedScope: st.RequestedScopes, GrantedScope: st.GrantedScopes,
		RequestedAudience: st.RequestedAudience, GrantedAudience: st.GrantedAudience,
	}, t.Active, nil
}

// CreateAuthorizeCodeSession stores the request a code was issued for.
func (f fositeStore) CreateAuthorizeCodeSession(ctx context.Context, signature string, req fosite.Requester) error {
	return f.createToken(ctx, grants.AuthorizeCode, signature, req)
}

// GetAuthorizeCodeSession returns the request of a code; a used code
// returns it with fosite.ErrInvalidatedAuthorizeCode, so that fosite can
// revoke what the first use got.
func (f fositeStore) GetAuthorizeCodeSession(ctx context.Context, signature string, _ fosite.Session) (fosite.Requester, error) {
	req, active, err := f.getToken(ctx, grants.AuthorizeCode, signature)
	if err == nil && !active {
		err = fosite.ErrInvalidatedAuthorizeCode
	}
	return req, err
}

// InvalidateAuthorizeCodeSession marks a code used. Of two exchanges
// racing with one code only the first gets past it.
func (f fositeStore) InvalidateAuthorizeCodeSession(ctx context.Context, signature string) error {
	ok, err := f.rows.DeactivateToken(ctx, grants.AuthorizeCode, signature)
	if err == nil && !ok {
		err = fosite.ErrInvalidatedAuthorizeCode
	}
	return err
}

// CreatePKCERequestSession stores the PKCE challenge of a code.
func (f fositeStore) CreatePKCERequestSession(ctx context.Context, signature string, req fosite.Requester) error {
	return f.createToken(ctx, grants.PKCE, signature, req)
}

// GetPKCERequestSession returns the PKCE challenge of a code.
func (f fositeStore) GetPKCERequestSession(ctx context.Context, signature string, _ fosite.Session) (fosite.Requester, error) {
	req, _, err := f.getToken(ctx, grants.PKCE, signature)
	return req, err
}

// DeletePKCERequestSession deletes the PKCE challenge of a code; fosite
// does so on the first exchange attempt, right or wrong.
func (f fositeStore) DeletePKCERequestSession(ctx context.Context, signature string) error {
	return f.rows.DeleteToken(ctx, grants.PKCE, signature)
}

// CreateAccessTokenSession stores an access token's request.
func (f fositeStore) CreateAccessTokenSession(ctx context.Context, signature string, req fosite.Requester) error {
	return f.createToken(ctx, grants.AccessToken, signature, req)
}

// GetAccessTokenSession returns an access token's request; a revoked token
// is fosite.ErrInactiveToken.
func (f fositeStore) GetAccessTokenSession(ctx context.Context, signature string, _ fosite.Session) (fosite.Requester, error) {
	req, active, err := f.getToken(ctx, grants.AccessToken, signature)
	if err == nil && !active {
		err = fosite.ErrInactiveToken
	}
	return req, err
}

// DeleteAccessTokenSession deletes an access token.
func (f fositeStore) DeleteAccessTokenSession(ctx context.Context, signature string) error {
	return f.rows.DeleteToken(ctx, grants.AccessToken, signature)
}

// CreateRefreshTokenSession stores a refresh token's request. The access
// token it came with is not linked: rotation and revocation reach access
// tokens through the grant's request id.
func (f fositeStore) CreateRefreshTokenSession(ctx context.Context, signature, _ string, req fosite.Requester) error {
	return f.createToken(ctx, grants.RefreshToken, signature, req)
}

// GetRefreshTokenSession returns a refresh token's request; a rotated or
// revoked one returns it with fosite.ErrInactiveToken, which fosite treats
// as reuse and answers by revoking the grant.
func (f fositeStore) GetRefreshTokenSession(ctx context.Context, signature string, _ fosite.Session) (fosite.Requester, error) {
	req, active, err := f.getToken(ctx, grants.RefreshToken, signature)
	if err == nil && !active {
		err = fosite.ErrInactiveToken
	}
	return req, err
}

// DeleteRefreshTokenSession deletes a refresh token.
func (f fositeStore) DeleteRefreshTokenSession(ctx context.Context, signature string) error {
	return f.rows.DeleteToken(ctx, grants.RefreshToken, signature)
}

// RotateRefreshToken retires a refresh token being exchanged, and the
// grant's access tokens with it. Of two refreshes racing with one token
// only the first gets past it; the other is told to retry, and its retry
// is then seen as reuse.
func (f fositeStore) RotateRefreshToken(ctx context.Context, requestID, signature string) error {
	ok, err := f.rows.DeactivateToken(ctx, grants.RefreshToken, signature)
	if err != nil {
		return err
	}
	if !ok {
		return fosite.ErrSerializationFailure
	}
	return f.rows.DeactivateGrant(ctx, grants.AccessToken, requestID)
}

// RevokeRefreshToken revokes every refresh token of a grant.
func (f fositeStore) RevokeRefreshToken(ctx context.Context, requestID string) error {
	return f.rows.DeactivateGrant(ctx, grants.RefreshToken, requestID)
}

// RevokeAccessToken revokes every access token of a grant.
func (f fositeStore) RevokeAccessToken(ctx context.Context, requestID string) error {
	return f.rows.DeactivateGrant(ctx, grants.AccessToken, requestID)
}
