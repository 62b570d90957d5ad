package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/oauth2server/grants"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
)

// OAuth2Store keeps the OAuth2 server's clients, consents and tokens
// (grants.Store) on the same database as the other stores.
type OAuth2Store struct {
	s *Store
}

var _ grants.Store = (*OAuth2Store)(nil)

// OAuth2 returns the OAuth2 store that shares this store's database.
func (s *Store) OAuth2() *OAuth2Store { return &OAuth2Store{s: s} }

// oauth2TxKey carries the transaction BeginTX began in a context.
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

// BeginTX begins the transaction that the server (fosite) finishes with
// Commit or Rollback; every call made with the returned context runs in
// it. It refuses to nest in another transaction, whose commit it could not
// own.
func (o *OAuth2Store) BeginTX(ctx context.Context) (context.Context, error) {
	if o.s.tx != nil || ctx.Value(oauth2TxKey{}) != nil {
		return ctx, errors.New("oauth2: a transaction is already open")
	}
	s := o.s
	tx, err := s.writer.BeginTx(ctx, s.dialect.TxOptions())
	if err != nil {
		return ctx, fmt.Errorf("begin: %w", err)
	}
	// The same transactional store runTx builds, left open for the caller.
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

// GetClient returns a registered client.
func (o *OAuth2Store) GetClient(ctx context.Context, id string) (*grants.Client, error) {
	s := o.on(ctx)
	r, err := s.q.OAuth2ClientGet(ctx, id)
	if err != nil {
		return nil, s.translate(err, "oauth2 client")
	}
	return clientFromRow(r)
}

// CreateClient registers a client.
func (o *OAuth2Store) CreateClient(ctx context.Context, c *grants.Client) error {
	s := o.on(ctx)
	err := s.writeQ().OAuth2ClientInsert(ctx, dbsqlc.OAuth2ClientInsertParams{
		ClientID: c.ID, Name: c.Name, SecretHash: c.SecretHash, RedirectUrisJson: jsonList(c.RedirectURIs),
		GrantTypesJson: jsonList(c.GrantTypes), ResponseTypesJson: jsonList(c.ResponseTypes),
		ScopesJson: jsonList(c.Scopes), IsPublic: c.Public, CreatedAt: c.CreatedAt,
	})
	return s.translate(err, "oauth2 client "+c.ID)
}

// ListClients returns every client, oldest first.
func (o *OAuth2Store) ListClients(ctx context.Context) ([]*grants.Client, error) {
	s := o.on(ctx)
	rows, err := s.q.OAuth2ClientList(ctx)
	if err != nil {
		return nil, s.translate(err, "oauth2 clients")
	}
	out := make([]*grants.Client, 0, len(rows))
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

func clientFromRow(r dbsqlc.Oauth2Client) (*grants.Client, error) {
	c := &grants.Client{
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

// CreateToken stores an active token.
func (o *OAuth2Store) CreateToken(ctx context.Context, t grants.Token) error {
	s := o.on(ctx)
	err := s.writeQ().OAuth2TokenInsert(ctx, dbsqlc.OAuth2TokenInsertParams{
		Kind: string(t.Kind), Signature: t.Signature, RequestID: t.RequestID, ClientID: t.ClientID,
		UserID: t.UserID, RequestJson: string(t.Request), ExpiresAt: nullTime(platform.Truncate(t.ExpiresAt)),
		CreatedAt: platform.Truncate(t.CreatedAt),
	})
	return s.translate(err, "oauth2 "+string(t.Kind))
}

// GetToken returns the token of a kind stored under a signature.
func (o *OAuth2Store) GetToken(ctx context.Context, kind grants.Kind, signature string) (grants.Token, error) {
	s := o.on(ctx)
	r, err := s.q.OAuth2TokenGet(ctx, dbsqlc.OAuth2TokenGetParams{Kind: string(kind), Signature: signature})
	if err != nil {
		return grants.Token{}, s.translate(err, "oauth2 "+string(kind))
	}
	return grants.Token{
		Kind: grants.Kind(r.Kind), Signature: r.Signature, RequestID: r.RequestID, ClientID: r.ClientID,
		UserID: r.UserID, Request: []byte(r.RequestJson), Active: r.Active,
		ExpiresAt: timeOf(r.ExpiresAt), CreatedAt: r.CreatedAt.UTC(),
	}, nil
}

// DeleteToken deletes a token.
func (o *OAuth2Store) DeleteToken(ctx context.Context, kind grants.Kind, signature string) error {
	s := o.on(ctx)
	err := s.writeQ().OAuth2TokenDelete(ctx, dbsqlc.OAuth2TokenDeleteParams{Kind: string(kind), Signature: signature})
	return s.translate(err, "oauth2 "+string(kind))
}

// DeactivateToken turns an active token inactive and reports whether this
// call did it.
func (o *OAuth2Store) DeactivateToken(ctx context.Context, kind grants.Kind, signature string) (bool, error) {
	s := o.on(ctx)
	n, err := s.writeQ().OAuth2TokenDeactivate(ctx, dbsqlc.OAuth2TokenDeactivateParams{Kind: string(kind), Signature: signature})
	if err != nil {
		return false, s.translate(err, "oauth2 "+string(kind))
	}
	return n == 1, nil
}

// DeactivateGrant turns every token of a kind in one grant inactive.
func (o *OAuth2Store) DeactivateGrant(ctx context.Context, kind grants.Kind, requestID string) error {
	s := o.on(ctx)
	err := s.writeQ().OAuth2TokenDeactivateByRequest(ctx, dbsqlc.OAuth2TokenDeactivateByRequestParams{Kind: string(kind), RequestID: requestID})
	return s.translate(err, "oauth2 "+string(kind))
}
