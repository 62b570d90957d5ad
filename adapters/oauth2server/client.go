package oauth2server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ory/fosite"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/oauth2server/grants"
	"ezscale.cloud/platform/identity"
)

// fositeClient is a registered client as fosite sees it.
type fositeClient struct{ *grants.Client }

var _ fosite.Client = fositeClient{}

// GetID returns the client_id.
func (c fositeClient) GetID() string { return c.ID }

// GetHashedSecret returns the stored hash of the secret.
func (c fositeClient) GetHashedSecret() []byte { return []byte(c.SecretHash) }

// GetRedirectURIs returns the registered redirect URIs.
func (c fositeClient) GetRedirectURIs() []string { return c.RedirectURIs }

// GetGrantTypes returns the grants the client may use.
func (c fositeClient) GetGrantTypes() fosite.Arguments { return c.GrantTypes }

// GetResponseTypes returns the response types the client may ask for.
func (c fositeClient) GetResponseTypes() fosite.Arguments { return c.ResponseTypes }

// GetScopes returns the scopes the client may ask for.
func (c fositeClient) GetScopes() fosite.Arguments { return c.Scopes }

// IsPublic reports whether the client has no secret.
func (c fositeClient) IsPublic() bool { return c.Public }

// GetAudience returns no audiences: the tokens are for this platform only.
func (c fositeClient) GetAudience() fosite.Arguments { return nil }

// secretPrefix marks client secrets so that secret scanners can find a
// leaked one, as ezs_pat_ marks personal access tokens.
const secretPrefix = "ezs_ocs_"

// RegisterClient registers an application that may send users to the
// authorize endpoint with one of redirectURIs and ask for scopes. It returns
// the client_id and, for a confidential client, the secret: shown once, as
// only its hash is kept. A public client gets no secret.
func (s *Server) RegisterClient(ctx context.Context, name string, redirectURIs, scopes []string, public bool) (clientID, secret string, err error) {
	c := &grants.Client{
		Name: strings.TrimSpace(name), RedirectURIs: redirectURIs, Scopes: scopes, Public: public,
		GrantTypes: []string{"authorization_code", "refresh_token"}, ResponseTypes: []string{"code"},
		CreatedAt: platform.Truncate(time.Now()),
	}
	if err := validateClient(c); err != nil {
		return "", "", err
	}
	c.ID = randomString(16)
	if !public {
		secret = secretPrefix + randomString(32)
		c.SecretHash = hashSecret(secret)
	}
	if err := s.cfg.Store.CreateClient(ctx, c); err != nil {
		return "", "", err
	}
	return c.ID, secret, nil
}

func validateClient(c *grants.Client) error {
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		return platform.Invalid("name", "a client needs a name of 1 to 100 characters")
	}
	if len(c.RedirectURIs) == 0 {
		return platform.Invalid("redirect_uris", "a client needs at least one redirect URI")
	}
	for _, raw := range c.RedirectURIs {
		u, err := url.Parse(raw)
		if err != nil || !fosite.IsValidRedirectURI(u) || !fosite.IsRedirectURISecureStrict(context.Background(), u) {
			return platform.Invalid("redirect_uris", "%q is not an absolute https URI without a fragment (http only on a loopback host)", raw)
		}
	}
	for _, sc := range c.Scopes {
		if !identity.Scope(sc).Valid() || identity.Scope(sc) == identity.ScopeAdmin {
			return platform.Invalid("scopes", "%q is not a scope a client may hold", sc)
		}
	}
	return nil
}

// randomString returns n random bytes, base64url-encoded: safe in a URL, a
// form and HTTP Basic credentials without escaping.
func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// secretHasher is fosite's view of how client secrets are stored: see the
// package documentation for why SHA-256 and not bcrypt.
type secretHasher struct{}

var errWrongSecret = errors.New("client secret does not match")

func (secretHasher) Hash(_ context.Context, data []byte) ([]byte, error) {
	return []byte(hashSecret(string(data))), nil
}

func (secretHasher) Compare(_ context.Context, hash, data []byte) error {
	if len(hash) == 0 || subtle.ConstantTimeCompare(hash, []byte(hashSecret(string(data)))) != 1 {
		return errWrongSecret
	}
	return nil
}

// Clients returns every registered client, for the admin UI.
func (s *Server) Clients(ctx context.Context) ([]*grants.Client, error) {
	return s.cfg.Store.ListClients(ctx)
}

// DeleteClient removes a client with every token and consent it holds, so
// that its users are logged out of it at once.
func (s *Server) DeleteClient(ctx context.Context, clientID string) error {
	return s.cfg.Store.DeleteClient(ctx, clientID)
}
