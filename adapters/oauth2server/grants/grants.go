// Package grants is what the OAuth2 server keeps: registered clients, the
// scopes users allowed them, and the rows of its codes and tokens. It is
// the server's storage port, kept apart from package oauth2server and free
// of fosite so that a store can implement it without linking fosite and
// the tracing stack fosite brings (OpenTelemetry, gRPC) into every binary
// that opens the database.
package grants

import (
	"context"
	"time"
)

// Client is an application registered to send users to the OAuth2 server
// to log in.
type Client struct {
	// ID is the public client_id.
	ID   string
	Name string
	// SecretHash is the hex SHA-256 of the client secret; empty for a
	// public client.
	SecretHash    string
	RedirectURIs  []string
	GrantTypes    []string
	ResponseTypes []string
	Scopes        []string
	// Public marks a client that cannot keep a secret (a browser or mobile
	// app); it authenticates by PKCE alone.
	Public    bool
	CreatedAt time.Time
}

// Kind is what a token row is.
type Kind string

// The kinds of token rows.
const (
	AuthorizeCode Kind = "authorize_code"
	// PKCE is the code challenge of an authorization code, kept under the
	// code's signature.
	PKCE         Kind = "pkce"
	AccessToken  Kind = "access_token"
	RefreshToken Kind = "refresh_token"
)

// Token is one code or token, stored by its signature (never the token
// itself, which only its holder has).
type Token struct {
	Kind      Kind
	Signature string
	// RequestID groups the codes and tokens of one grant, so that a grant
	// can be revoked whole.
	RequestID string
	ClientID  string
	UserID    int64
	// Request is the server's record of the request the token was issued
	// for (JSON), opaque to the store.
	Request []byte
	// Active is false once the token was used (a code), rotated (a refresh
	// token) or revoked; the row is kept so that reuse can be told apart
	// from a token that never existed.
	Active    bool
	ExpiresAt time.Time // zero: no expiry
	CreatedAt time.Time
}

// Store keeps clients, consents and tokens. A missing client, consent or
// token is platform.ENOTFOUND.
type Store interface {
	// BeginTX begins a transaction that the returned context carries: every
	// call made with that context runs in it, until Commit or Rollback
	// with the same context ends it.
	BeginTX(ctx context.Context) (context.Context, error)
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error

	GetClient(ctx context.Context, id string) (*Client, error)
	// CreateClient registers a client; a taken client_id is ECONFLICT.
	CreateClient(ctx context.Context, c *Client) error
	// ListClients returns every client, oldest first.
	ListClients(ctx context.Context) ([]*Client, error)
	// DeleteClient removes a client and all its tokens and consents.
	DeleteClient(ctx context.Context, clientID string) error

	// Consent returns the scopes the user allowed the client.
	Consent(ctx context.Context, userID int64, clientID string) ([]string, error)
	// SaveConsent records that the user allowed the client these scopes,
	// replacing what they allowed before.
	SaveConsent(ctx context.Context, userID int64, clientID string, scopes []string, at time.Time) error

	// CreateToken stores an active token.
	CreateToken(ctx context.Context, t Token) error
	// GetToken returns the token of a kind stored under a signature,
	// active or not.
	GetToken(ctx context.Context, kind Kind, signature string) (Token, error)
	// DeleteToken deletes a token; a missing one is no error.
	DeleteToken(ctx context.Context, kind Kind, signature string) error
	// DeactivateToken turns an active token inactive and reports whether
	// this call did it: of two racing calls, one gets true.
	DeactivateToken(ctx context.Context, kind Kind, signature string) (bool, error)
	// DeactivateGrant turns every token of a kind in one grant inactive.
	DeactivateGrant(ctx context.Context, kind Kind, requestID string) error
}
