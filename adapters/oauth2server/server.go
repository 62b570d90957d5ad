package oauth2server

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/oauth2server/grants"
	"ezscale.cloud/platform/identity"
)

// Users finds the platform's accounts; identity.Store and sqlstore's
// IdentityStore fit.
type Users interface {
	GetUser(ctx context.Context, id int64) (*identity.User, error)
}

// Config holds the server's dependencies and settings.
type Config struct {
	// Secret signs every token (HMAC-SHA512/256): at least 32 random bytes,
	// the same in every process, and kept as secret as the database.
	Secret []byte
	Store  grants.Store
	Users  Users
	// LoggedIn returns the user logged in to the platform on this request
	// (the app reads its session cookie). It should not report a user an
	// admin is impersonating: that would let the admin hand a third party
	// the customer's account.
	LoggedIn func(r *http.Request) (userID int64, ok bool)
	// LoginURL is where a visitor who is not logged in is sent, with the
	// authorize URL to come back to in the next query parameter; empty
	// answers 401 instead.
	LoginURL string
	// AccessTokenLifespan defaults to an hour; RefreshTokenLifespan to 30
	// days.
	AccessTokenLifespan  time.Duration
	RefreshTokenLifespan time.Duration
	Logger               *slog.Logger
}

// The endpoints, under the path Handler serves them on.
const (
	AuthorizePath = "/oauth/authorize"
	TokenPath     = "/oauth/token"
	RevokePath    = "/oauth/revoke"
	UserInfoPath  = "/oauth/userinfo"
)

// authorizeCodeLifespan is the longest RFC 6749 (4.1.2) recommends.
const authorizeCodeLifespan = 10 * time.Minute

// Server is the OAuth2 authorization server.
type Server struct {
	cfg      Config
	login    *url.URL
	provider fosite.OAuth2Provider
}

// New composes the authorization server.
func New(cfg Config) (*Server, error) {
	switch {
	case len(cfg.Secret) < 32:
		return nil, platform.Invalid("Secret", "the OAuth2 token secret needs at least 32 bytes")
	case cfg.Store == nil:
		return nil, platform.Invalid("Store", "the OAuth2 server needs a store")
	case cfg.Users == nil:
		return nil, platform.Invalid("Users", "the OAuth2 server needs to find users")
	case cfg.LoggedIn == nil:
		return nil, platform.Invalid("LoggedIn", "the OAuth2 server needs to know who is logged in")
	}
	var login *url.URL
	if cfg.LoginURL != "" {
		var err error
		if login, err = url.Parse(cfg.LoginURL); err != nil {
			return nil, platform.Invalid("LoginURL", "%v", err)
		}
	}
	if cfg.AccessTokenLifespan == 0 {
		cfg.AccessTokenLifespan = time.Hour
	}
	if cfg.RefreshTokenLifespan == 0 {
		cfg.RefreshTokenLifespan = 30 * 24 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	fc := &fosite.Config{
		AccessTokenLifespan:   cfg.AccessTokenLifespan,
		RefreshTokenLifespan:  cfg.RefreshTokenLifespan,
		AuthorizeCodeLifespan: authorizeCodeLifespan,
		GlobalSecret:          cfg.Secret,
		ScopeStrategy:         fosite.ExactScopeStrategy,
		EnforcePKCE:           true,
		ClientSecretsHasher:   secretHasher{},
		RedirectSecureChecker: fosite.IsRedirectURISecureStrict,
		// Every client allowed the refresh_token grant gets a refresh
		// token, without asking for an offline_access scope.
		RefreshTokenScopes: []string{},
	}
	provider := compose.Compose(fc, fositeStore{cfg.Store}, compose.NewOAuth2HMACStrategy(fc),
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OAuth2TokenRevocationFactory,
		compose.OAuth2TokenIntrospectionFactory,
		// PKCE checks the code the explicit handler issued, so it comes
		// after it.
		compose.OAuth2PKCEFactory,
	)
	return &Server{cfg: cfg, login: login, provider: provider}, nil
}

// Handler serves the OAuth2 endpoints at their paths.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	authorize := http.NewCrossOriginProtection().Handler(http.HandlerFunc(s.authorize))
	mux.Handle("GET "+AuthorizePath, authorize)
	mux.Handle("POST "+AuthorizePath, authorize)
	mux.HandleFunc("POST "+TokenPath, s.token)
	mux.HandleFunc("POST "+RevokePath, s.revoke)
	mux.HandleFunc("GET "+UserInfoPath, s.userInfo)
	return mux
}

// logServerError logs what fosite hides from the client: the cause of a
// 5xx (any error that is not fosite's counts as one). Client mistakes are
// the client's to see and not logged.
func (s *Server) logServerError(r *http.Request, err error) {
	if e := fosite.ErrorToRFC6749Error(err); e.CodeField >= http.StatusInternalServerError {
		// The error's text, not the error: slog would print fosite's
		// stack trace with it.
		s.cfg.Logger.ErrorContext(r.Context(), "oauth2 server error", "path", r.URL.Path, "err", err.Error(), "debug", e.DebugField)
	}
}
