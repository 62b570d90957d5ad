package cfaccess

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"ezscale.cloud/platform"
)

// leeway absorbs clock skew between Cloudflare and the origin.
const leeway = time.Minute

// Config configures a Verifier.
type Config struct {
	// TeamDomain is the team's Access URL, such as
	// https://ezscale.cloudflareaccess.com; tokens must name it as issuer.
	TeamDomain string
	// Audience is the Access application's AUD tag; tokens must list it.
	Audience string
	// CertsURL serves the team's signing keys; it defaults to
	// TeamDomain + "/cdn-cgi/access/certs".
	CertsURL string
	// Client fetches the signing keys; it defaults to http.DefaultClient.
	Client *http.Client
	// Now tells the time for expiry checks and the refetch limit; it
	// defaults to time.Now.
	Now func() time.Time
	// Logger records refused requests; it defaults to discarding them.
	Logger *slog.Logger
}

// Verifier checks Cloudflare Access tokens. It is safe for concurrent use.
type Verifier struct {
	issuer   string
	audience string
	now      func() time.Time
	logger   *slog.Logger
	keys     *keySet
}

// Identity is who Cloudflare Access let through.
type Identity struct {
	// Email is the user's address for an identity-provider login.
	Email string
	// CommonName is the client id of a service token, which has no email.
	CommonName string
	// Subject is the token's subject, Access's id for the user.
	Subject string
}

// Name returns the email, or the common name for a service token, to name
// the caller in logs and audit records.
func (id Identity) Name() string {
	if id.Email != "" {
		return id.Email
	}
	return id.CommonName
}

// NewVerifier returns a Verifier for cfg. It does no I/O; signing keys are
// fetched when the first token arrives.
func NewVerifier(cfg Config) (*Verifier, error) {
	issuer := strings.TrimSuffix(cfg.TeamDomain, "/")
	if u, err := url.Parse(issuer); err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, platform.Invalid("TeamDomain", "must be an https URL such as https://example.cloudflareaccess.com")
	}
	if cfg.Audience == "" {
		return nil, platform.Invalid("Audience", "the Access application's AUD tag is required")
	}
	certsURL := cfg.CertsURL
	if certsURL == "" {
		certsURL = issuer + "/cdn-cgi/access/certs"
	}
	client := cfg.Client
	if client == nil {
		client = http.DefaultClient
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Verifier{
		issuer:   issuer,
		audience: cfg.Audience,
		now:      now,
		logger:   logger,
		keys:     &keySet{url: certsURL, client: client, now: now},
	}, nil
}

// Verify checks token and returns the identity it asserts. A missing or
// invalid token yields an EUNAUTHORIZED error; failing to fetch the signing
// keys yields an EINTERNAL one. The message of either is safe to show the
// caller.
func (v *Verifier) Verify(ctx context.Context, token string) (Identity, error) {
	if token == "" {
		return Identity{}, refused("missing access token", nil)
	}
	// Allowing RS256 alone rules out "none" and HMAC signatures keyed with
	// the public key, whatever the token's header claims.
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return Identity{}, refused("malformed access token", err)
	}
	kid := tok.Headers[0].KeyID
	if kid == "" {
		return Identity{}, refused("access token has no key id", nil)
	}
	key, err := v.keys.key(ctx, kid)
	if err != nil {
		return Identity{}, err
	}
	var claims jwt.Claims
	var extra struct {
		Email      string `json:"email"`
		CommonName string `json:"common_name"`
	}
	if err := tok.Claims(key, &claims, &extra); err != nil {
		return Identity{}, refused("access token signature is invalid", err)
	}
	// go-jose skips the expiry check when exp is absent; Access always
	// sets it, so a token without one was not made by Access.
	if claims.Expiry == nil {
		return Identity{}, refused("access token has no expiry", nil)
	}
	expected := jwt.Expected{Issuer: v.issuer, AnyAudience: jwt.Audience{v.audience}, Time: v.now()}
	if err := claims.ValidateWithLeeway(expected, leeway); err != nil {
		return Identity{}, refused("access token claims rejected", err)
	}
	id := Identity{Email: extra.Email, CommonName: extra.CommonName, Subject: claims.Subject}
	if id.Name() == "" {
		return Identity{}, refused("access token names no user", nil)
	}
	return id, nil
}

// refused returns the EUNAUTHORIZED error Verify reports for a bad token,
// keeping the cause for logs.
func refused(message string, cause error) error {
	return &platform.Error{Code: platform.EUNAUTHORIZED, Message: message, Err: cause}
}
