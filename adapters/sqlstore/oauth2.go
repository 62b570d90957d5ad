package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/ory/fosite"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/oauth2server"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
)

// OAuth2Store implements oauth2server.Storage, fosite's storage, on the
// same database as the other stores.
type OAuth2Store struct {
	s *Store
}

var _ oauth2server.Storage = (*OAuth2Store)(nil)

// OAuth2 returns the OAuth2 store that shares this store's database.
func (s *Store) OAuth2() *OAuth2Store { return &OAuth2Store{s: s} }

// tokenKind is one kind of row in oauth2_tokens and the session expiry
// that applies to it.
type tokenKind struct {
	name   string
	expiry fosite.TokenType
}

var (
	codeKind    = tokenKind{"authorize_code", fosite.AuthorizeCode}
	pkceKind    = tokenKind{"pkce", fosite.AuthorizeCode}
	accessKind  = tokenKind{"access_token", fosite.AccessToken}
	refreshKind = tokenKind{"refresh_token", fosite.RefreshToken}
)

// oauth2TxKey carries the transaction fosite began (BeginTX) in a context.
type oauth2TxKey struct{}

// on returns the store to run on: the transaction fosite began, if the
// context carries one, else the store itself.
func (o *OAuth2Store) on(ctx context.Context) *Store {
	if tx, ok := ctx.Value(oauth2TxKey{}).(*Store); ok {
		return tx
	}
	return o.s
}

// errNoOAuth2Tx is a Commit or Rollback without the context BeginTX
// returned.
var errNoOAuth2Tx = errors.New("oauth2: no transaction in the context")

// BeginTX begins the transaction that fosite finishes with Commit or
// Rollback; every call made with the returned context runs in it. It
// refuses to nest in another transaction, whose commit it could not own.
func (o *OAuth2Store) BeginTX(ctx context.Context) (context.Context, error) {
	if o.s.tx != nil || ctx.Value(oauth2TxKey{}) != nil {
		return ctx, errors.New("oauth2: a transaction is already open")
	}
	s := o.s
	tx, err := s.writer.BeginTx(ctx, s.dialect.TxOptions())
	if err != nil {
		return ctx, fmt.Errorf("begin: %w", err)
	}
	// The same transactional store runTx builds, left open for fosite.
	inner := &Store{writer: s.writer, dialect: s.dialect, writes: s.writes, reads: s.reads, tx: tx, q: s.writes.WithTx(tx)}
	return context.WithValue(ctx, oauth2TxKey{}, inner), nil
}

// Commit commits the transaction BeginTX began.
func (o *OAuth2Store) Commit(ctx context.Context) error {
	tx, ok := ctx.Value(oauth2TxKey{}).(*Store)
	if !ok {
		return errNoOAuth2Tx
	}
	if err := tx.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Rollback rolls back the transaction BeginTX began.
func (o *OAuth2Store) Rollback(ctx context.Context) error {
	tx, ok := ctx.Value(oauth2TxKey{}).(*Store)
	if !ok {
		return errNoOAuth2Tx
	}
	return tx.tx.Rollback()
}

// GetClient returns a registered client as an *oauth2server.Client.
func (o *OAuth2Store) GetClient(ctx context.Context, id string) (fosite.Client, error) {
	s := o.on(ctx)
	r, err := s.q.OAuth2ClientGet(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fosite.ErrNotFound
	}
	if err != nil {
		return nil, s.translate(err, "oauth2 client")
	}
	return clientFromRow(r)
}

// ClientAssertionJWTValid refuses every JWT client assertion: clients
// authenticate with a secret or PKCE, and a store that claimed to track
// assertion ids without doing so would let assertions be replayed.
func (o *OAuth2Store) ClientAssertionJWTValid(context.Context, string) error {
	return fosite.ErrJTIKnown.WithHint("JWT client assertions are not supported.")
}

// SetClientAssertionJWT refuses, as ClientAssertionJWTValid does.
func (o *OAuth2Store) SetClientAssertionJWT(context.Context, string, time.Time) error {
	return fosite.ErrJTIKnown.WithHint("JWT client assertions are not supported.")
}

// CreateClient registers a client.
func (o *OAuth2Store) CreateClient(ctx context.Context, c *oauth2server.Client) error {
	s := o.on(ctx)
	err := s.writeQ().OAuth2ClientInsert(ctx, dbsqlc.OAuth2ClientInsertParams{
		ClientID: c.ID, Name: c.Name, SecretHash: c.SecretHash, RedirectUrisJson: jsonList(c.RedirectURIs),
		GrantTypesJson: jsonList(c.GrantTypes), ResponseTypesJson: jsonList(c.ResponseTypes),
		ScopesJson: jsonList(c.Scopes), IsPublic: c.Public, CreatedAt: c.CreatedAt,
	})
	return s.translate(err, "oauth2 client "+c.ID)
}

// ListClients returns every client, oldest first.
func (o *OAuth2Store) ListClients(ctx context.Context) ([]*oauth2server.Client, error) {
	s := o.on(ctx)
	rows, err := s.q.OAuth2ClientList(ctx)
	if err != nil {
		return nil, s.translate(err, "oauth2 clients")
	}
	out := make([]*oauth2server.Client, 0, len(rows))
	for _, r := range rows {
		c, err := clientFromRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// DeleteClient removes a client with its tokens and consents.
func (o *OAuth2Store) DeleteClient(ctx context.Context, clientID string) error {
	return o.on(ctx).inTx(ctx, func(t *Store) error {
		if err := t.q.OAuth2TokenDeleteByClient(ctx, clientID); err != nil {
			return t.translate(err, "oauth2 tokens")
		}
		if err := t.q.OAuth2ConsentDeleteByClient(ctx, clientID); err != nil {
			return t.translate(err, "oauth2 consents")
		}
		n, err := t.q.OAuth2ClientDelete(ctx, clientID)
		return t.rowChanged(n, err, "oauth2 client")
	})
}

func clientFromRow(r dbsqlc.Oauth2Client) (*oauth2server.Client, error) {
	c := &oauth2server.Client{
		ID: r.ClientID, Name: r.Name, SecretHash: r.SecretHash, Public: r.IsPublic, CreatedAt: r.CreatedAt.UTC(),
	}
	for _, f := range []struct {
		json string
		into *[]string
	}{
		{r.RedirectUrisJson, &c.RedirectURIs}, {r.GrantTypesJson, &c.GrantTypes},
		{r.ResponseTypesJson, &c.ResponseTypes}, {r.ScopesJson, &c.Scopes},
	} {
		if err := json.Unmarshal([]byte(f.json), f.into); err != nil {
			return nil, platform.Errorf(platform.EINTERNAL, "oauth2 client %s: %v", r.ClientID, err)
		}
	}
	return c, nil
}

// jsonList encodes a list of strings, nil as [].
func jsonList(l []string) string {
	if l == nil {
		return "[]"
	}
	b, _ := json.Marshal(l) // a []string always encodes
	return string(b)
}

// Consent returns the scopes the user allowed the client.
func (o *OAuth2Store) Consent(ctx context.Context, userID int64, clientID string) ([]string, error) {
	s := o.on(ctx)
	raw, err := s.q.OAuth2ConsentGet(ctx, dbsqlc.OAuth2ConsentGetParams{UserID: userID, ClientID: clientID})
	if err != nil {
		return nil, s.translate(err, "oauth2 consent")
	}
	var scopes []string
	if err := json.Unmarshal([]byte(raw), &scopes); err != nil {
		return nil, platform.Errorf(platform.EINTERNAL, "oauth2 consent of user %d to %s: %v", userID, clientID, err)
	}
	return scopes, nil
}

// SaveConsent records the scopes the user allowed the client.
func (o *OAuth2Store) SaveConsent(ctx context.Context, userID int64, clientID string, scopes []string, at time.Time) error {
	// Delete and insert rather than an upsert, whose syntax differs
	// between the engines.
	return o.on(ctx).inTx(ctx, func(t *Store) error {
		err := t.q.OAuth2ConsentDelete(ctx, dbsqlc.OAuth2ConsentDeleteParams{UserID: userID, ClientID: clientID})
		if err != nil {
			return t.translate(err, "oauth2 consent")
		}
		err = t.q.OAuth2ConsentInsert(ctx, dbsqlc.OAuth2ConsentInsertParams{
			UserID: userID, ClientID: clientID, ScopesJson: jsonList(scopes), GrantedAt: at,
		})
		return t.translate(err, "oauth2 consent")
	})
}

// storedRequest is a sanitised fosite request as request_json keeps it.
// The client is stored by id and read fresh, so a changed client (fewer
// scopes, other redirect URIs) applies to the grants it already holds.
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

func (o *OAuth2Store) createToken(ctx context.Context, kind tokenKind, signature string, req fosite.Requester) error {
	session, ok := req.GetSession().(*fosite.DefaultSession)
	if !ok {
		return fmt.Errorf("oauth2 %s: session is a %T, not a *fosite.DefaultSession", kind.name, req.GetSession())
	}
	userID, err := strconv.ParseInt(session.Subject, 10, 64)
	if err != nil {
		return fmt.Errorf("oauth2 %s: session subject %q is not a user id", kind.name, session.Subject)
	}
	data, err := json.Marshal(storedRequest{
		ID: req.GetID(), RequestedAt: req.GetRequestedAt(), ClientID: req.GetClient().GetID(),
		RequestedScopes: req.GetRequestedScopes(), GrantedScopes: req.GetGrantedScopes(),
		RequestedAudience: req.GetRequestedAudience(), GrantedAudience: req.GetGrantedAudience(),
		Form: req.GetRequestForm(), Session: session,
	})
	if err != nil {
		return fmt.Errorf("oauth2 %s: %w", kind.name, err)
	}
	s := o.on(ctx)
	err = s.writeQ().OAuth2TokenInsert(ctx, dbsqlc.OAuth2TokenInsertParams{
		Kind: kind.name, Signature: signature, RequestID: req.GetID(), ClientID: req.GetClient().GetID(),
		UserID: userID, RequestJson: string(data), ExpiresAt: nullTime(platform.Truncate(session.GetExpiresAt(kind.expiry))),
		// fosite reads the wall clock for every expiry; an injected clock
		// here would disagree with it.
		CreatedAt: platform.Truncate(time.Now()),
	})
	return s.translate(err, "oauth2 "+kind.name)
}

// getToken returns the request stored under a signature and whether the
// row is still active; a missing row is fosite.ErrNotFound.
func (o *OAuth2Store) getToken(ctx context.Context, kind tokenKind, signature string) (fosite.Requester, bool, error) {
	s := o.on(ctx)
	r, err := s.q.OAuth2TokenGet(ctx, dbsqlc.OAuth2TokenGetParams{Kind: kind.name, Signature: signature})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, fosite.ErrNotFound
	}
	if err != nil {
		return nil, false, s.translate(err, "oauth2 "+kind.name)
	}
	var st storedRequest
	if err := json.Unmarshal([]byte(r.RequestJson), &st); err != nil {
		return nil, false, fmt.Errorf("oauth2 %s: %w", kind.name, err)
	}
	client, err := o.GetClient(ctx, st.ClientID)
	if err != nil {
		return nil, false, err
	}
	return &fosite.Request{
		ID: st.ID, RequestedAt: st.RequestedAt, Client: client, Form: st.Form, Session: st.Session,
		RequestedScope: st.RequestedScopes, GrantedScope: st.GrantedScopes,
		RequestedAudience: st.RequestedAudience, GrantedAudience: st.GrantedAudience,
	}, r.Active, nil
}

func (o *OAuth2Store) deleteToken(ctx context.Context, kind tokenKind, signature string) error {
	s := o.on(ctx)
	err := s.writeQ().OAuth2TokenDelete(ctx, dbsqlc.OAuth2TokenDeleteParams{Kind: kind.name, Signature: signature})
	return s.translate(err, "oauth2 "+kind.name)
}

// deactivate turns an active row inactive and reports whether this call
// did it.
func (o *OAuth2Store) deactivate(ctx context.Context, kind tokenKind, signature string) (bool, error) {
	s := o.on(ctx)
	n, err := s.writeQ().OAuth2TokenDeactivate(ctx, dbsqlc.OAuth2TokenDeactivateParams{Kind: kind.name, Signature: signature})
	if err != nil {
		return false, s.translate(err, "oauth2 "+kind.name)
	}
	return n == 1, nil
}

func (o *OAuth2Store) deactivateRequest(ctx context.Context, kind tokenKind, requestID string) error {
	s := o.on(ctx)
	err := s.writeQ().OAuth2TokenDeactivateByRequest(ctx, dbsqlc.OAuth2TokenDeactivateByRequestParams{Kind: kind.name, RequestID: requestID})
	return s.translate(err, "oauth2 "+kind.name)
}

// CreateAuthorizeCodeSession stores the request a code was issued for.
func (o *OAuth2Store) CreateAuthorizeCodeSession(ctx context.Context, signature string, req fosite.Requester) error {
	return o.createToken(ctx, codeKind, signature, req)
}

// GetAuthorizeCodeSession returns the request of a code; a used code
// returns it with fosite.ErrInvalidatedAuthorizeCode, so that fosite can
// revoke what the first use got.
func (o *OAuth2Store) GetAuthorizeCodeSession(ctx context.Context, signature string, _ fosite.Session) (fosite.Requester, error) {
	req, active, err := o.getToken(ctx, codeKind, signature)
	if err == nil && !active {
		err = fosite.ErrInvalidatedAuthorizeCode
	}
	return req, err
}

// InvalidateAuthorizeCodeSession marks a code used. Of two exchanges
// racing with one code only the first gets past it.
func (o *OAuth2Store) InvalidateAuthorizeCodeSession(ctx context.Context, signature string) error {
	ok, err := o.deactivate(ctx, codeKind, signature)
	if err == nil && !ok {
		err = fosite.ErrInvalidatedAuthorizeCode
	}
	return err
}

// CreatePKCERequestSession stores the PKCE challenge of a code.
func (o *OAuth2Store) CreatePKCERequestSession(ctx context.Context, signature string, req fosite.Requester) error {
	return o.createToken(ctx, pkceKind, signature, req)
}

// GetPKCERequestSession returns the PKCE challenge of a code.
func (o *OAuth2Store) GetPKCERequestSession(ctx context.Context, signature string, _ fosite.Session) (fosite.Requester, error) {
	req, _, err := o.getToken(ctx, pkceKind, signature)
	return req, err
}

// DeletePKCERequestSession deletes the PKCE challenge of a code; fosite
// does so on the first exchange attempt, right or wrong.
func (o *OAuth2Store) DeletePKCERequestSession(ctx context.Context, signature string) error {
	return o.deleteToken(ctx, pkceKind, signature)
}

// CreateAccessTokenSession stores an access token's request.
func (o *OAuth2Store) CreateAccessTokenSession(ctx context.Context, signature string, req fosite.Requester) error {
	return o.createToken(ctx, accessKind, signature, req)
}

// GetAccessTokenSession returns an access token's request; a revoked token
// is fosite.ErrInactiveToken.
func (o *OAuth2Store) GetAccessTokenSession(ctx context.Context, signature string, _ fosite.Session) (fosite.Requester, error) {
	req, active, err := o.getToken(ctx, accessKind, signature)
	if err == nil && !active {
		err = fosite.ErrInactiveToken
	}
	return req, err
}

// DeleteAccessTokenSession deletes an access token.
func (o *OAuth2Store) DeleteAccessTokenSession(ctx context.Context, signature string) error {
	return o.deleteToken(ctx, accessKind, signature)
}

// CreateRefreshTokenSession stores a refresh token's request. The access
// token it came with is not linked: rotation and revocation reach access
// tokens through the grant's request id.
func (o *OAuth2Store) CreateRefreshTokenSession(ctx context.Context, signature, _ string, req fosite.Requester) error {
	return o.createToken(ctx, refreshKind, signature, req)
}

// GetRefreshTokenSession returns a refresh token's request; a rotated or
// revoked one returns it with fosite.ErrInactiveToken, which fosite treats
// as reuse and answers by revoking the grant.
func (o *OAuth2Store) GetRefreshTokenSession(ctx context.Context, signature string, _ fosite.Session) (fosite.Requester, error) {
	req, active, err := o.getToken(ctx, refreshKind, signature)
	if err == nil && !active {
		err = fosite.ErrInactiveToken
	}
	return req, err
}

// DeleteRefreshTokenSession deletes a refresh token.
func (o *OAuth2Store) DeleteRefreshTokenSession(ctx context.Context, signature string) error {
	return o.deleteToken(ctx, refreshKind, signature)
}

// RotateRefreshToken retires a refresh token being exchanged, and the
// grant's access tokens with it. Of two refreshes racing with one token
// only the first gets past it; the other is told to retry, and its retry
// is then seen as reuse.
func (o *OAuth2Store) RotateRefreshToken(ctx context.Context, requestID, signature string) error {
	ok, err := o.deactivate(ctx, refreshKind, signature)
	if err != nil {
		return err
	}
	if !ok {
		return fosite.ErrSerializationFailure
	}
	return o.deactivateRequest(ctx, accessKind, requestID)
}

// RevokeRefreshToken revokes every refresh token of a grant.
func (o *OAuth2Store) RevokeRefreshToken(ctx context.Context, requestID string) error {
	return o.deactivateRequest(ctx, refreshKind, requestID)
}

// RevokeAccessToken revokes every access token of a grant.
func (o *OAuth2Store) RevokeAccessToken(ctx context.Context, requestID string) error {
	return o.deactivateRequest(ctx, accessKind, requestID)
}
