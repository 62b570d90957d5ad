package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/gorilla/sessions"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/passkey"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/notify"
	"ezscale.cloud/platform/provisioning"
	"ezscale.cloud/platform/support"
)

// Config holds the HTTP edge's settings.
type Config struct {
	// CookieName names the session cookie.
	CookieName string
	// InsecureCookies drops the Secure flag, for plain-HTTP development on
	// localhost only.
	InsecureCookies bool
	// CookieDomain, when set (".ezscale.cloud"), shares the session cookie
	// with every subdomain, so staff who start impersonating on the admin
	// host are signed in as the customer on the account host. Empty keeps
	// the cookie to the host that set it.
	CookieDomain string
	// AccountURL is the account area's address; with CookieDomain,
	// impersonating answers it so the admin panel can go there.
	AccountURL string
	// MaxBodyBytes caps request bodies.
	MaxBodyBytes int64
	// ClientIPHeader names the header a trusted proxy puts the client
	// address in (Cloudflare: CF-Connecting-IP); empty trusts no header.
	ClientIPHeader string
	// TrustedOrigins may make cross-origin state changes (the storefront
	// host posting to the API host, say).
	TrustedOrigins []string
	// PublicURL is the site's address (https://my.ezscale.cloud), for the
	// return pages gateways send buyers back to.
	PublicURL string
	// AdminGate, when set, wraps every admin operation: the Cloudflare
	// Access check (cfaccess.Verifier.Middleware) in production.
	AdminGate func(http.Handler) http.Handler
	Logger    *slog.Logger
}

// DefaultConfig returns the settings of a production deployment.
func DefaultConfig() Config {
	return Config{CookieName: "ezs_session", MaxBodyBytes: 1 << 20, Logger: slog.Default()}
}

// Services are what the API serves; only Identity is required.
type Services struct {
	Identity *identity.Service
	// Passkeys, when set, mounts the WebAuthn ceremonies.
	Passkeys *passkey.Service
	// Billing and Webhooks, when set, mount a webhook endpoint per
	// gateway at /webhooks/{name}.
	Billing  *billing.Service
	Webhooks []WebhookSource
	// Cards, with Billing, mounts the saved payment methods.
	Cards CardVault
	// Checkers, with Billing, mounts the return page's payment check;
	// PayPal adds paying an invoice with a PayPal order.
	Checkers map[string]billing.PaymentChecker
	// Confirmers, with Checkers, mounts confirming a payment the bank
	// challenged (3-D Secure).
	Confirmers map[string]PaymentConfirmer
	PayPal     PayPalCheckout
	// Provisioning and Services, when set, mount the customer's service
	// operations; with Queue and Audit they also mount the staff's
	// automation view and service actions.
	Provisioning *provisioning.Manager
	Services     provisioning.Store
	Queue        Queue
	Audit        identity.AuditLog
	Clock        platform.Clock
	// Templates, with Audit, mounts the admin editor of email templates.
	Templates notify.OverrideStore
	// Catalog, with Billing, mounts the catalog, ordering and the
	// customer's subscriptions and invoices; PDFs adds invoice downloads.
	Catalog Catalog
	PDFs    InvoicePDFs
	// ExchangeRates, with Billing, mounts the staff's revenue analytics,
	// totalled in the rates' base currency.
	ExchangeRates *billing.ExchangeRates
	// Settings, with Audit, mounts the admin's settings screens; Gateway
	// names the payment gateway they show.
	Settings SettingsAdmin
	Gateway  GatewayInfo
	// Gateways, with Settings, are the payment gateways staff can test
	// the configured credentials of.
	Gateways []ConnectionChecker
	// Announcements, with Audit, mounts the published announcements and
	// the staff's editor.
	Announcements *support.Announcements
}

// ConnectionChecker is a payment gateway that can check its credentials
// with a harmless call.
type ConnectionChecker interface {
	Name() string
	CheckConnection(ctx context.Context) error
}

// GatewayInfo says which payment gateway runs; it is set in the
// configuration file, with its secrets, not in the admin panel.
type GatewayInfo struct {
	Name    string
	Sandbox bool
}

// clockOr is the services' clock, or the system's when none is set.
func clockOr(c platform.Clock) platform.Clock {
	if c == nil {
		return platform.SystemClock{}
	}
	return c
}

// Server is the HTTP API.
type Server struct {
	cfg      Config
	id       *identity.Service
	passkeys *passkey.Service
	sessions *SessionStore
	api      huma.API
	handler  http.Handler
	log      *slog.Logger
}

// APIPrefix is where the REST API lives.
const APIPrefix = "/api/v1"

// New builds the API over the services.
func New(cfg Config, svc Services) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	id, passkeys := svc.Identity, svc.Passkeys
	s := &Server{cfg: cfg, id: id, passkeys: passkeys, sessions: NewSessionStore(id, cfg.InsecureCookies, cfg.CookieDomain), log: cfg.Logger}
	mux := http.NewServeMux()
	hc := huma.DefaultConfig("EZSCALE Platform API", "1.0.0")
	hc.OpenAPIPath = APIPrefix + "/openapi"
	// Interactive docs (Stoplight Elements, loaded by the browser from
	// unpkg with subresource integrity, as huma ships it).
	hc.DocsPath = APIPrefix + "/docs"
	hc.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"session": {Type: "apiKey", In: "cookie", Name: cfg.CookieName},
		"token":   {Type: "http", Scheme: "bearer", Description: "a personal access token, ezs_pat_…"},
	}
	s.api = humago.New(mux, hc)
	s.registerAuth()
	s.registerAccount()
	s.registerAdmin()
	s.registerProfile()
	if passkeys != nil {
		s.registerPasskeys()
	}
	if svc.Billing != nil && svc.Cards != nil {
		s.registerPaymentMethods(svc.Billing, svc.Cards)
	}
	if svc.Provisioning != nil && svc.Services != nil {
		s.registerServices(svc.Provisioning, svc.Services, svc.Catalog)
		if svc.Queue != nil && svc.Audit != nil {
			s.registerAutomation(svc.Provisioning, svc.Services, svc.Catalog, svc.Queue, svc.Audit, clockOr(svc.Clock))
		}
	}
	if svc.Billing != nil && svc.Catalog != nil {
		s.registerBilling(svc.Billing, svc.Catalog, svc.PDFs)
		s.registerCredit(svc.Billing)
		if svc.Services != nil {
			s.registerDashboard(svc.Billing, svc.Services, svc.Catalog)
		}
	}
	if svc.Billing != nil && svc.Catalog != nil && svc.Audit != nil {
		s.registerAdminBilling(svc.Billing, svc.Catalog, svc.PDFs, svc.Audit, clockOr(svc.Clock))
		s.registerTaxRates(svc.Billing, svc.Audit, clockOr(svc.Clock))
	}
	if svc.Billing != nil && svc.ExchangeRates != nil {
		s.registerAnalytics(svc.Billing, *svc.ExchangeRates, clockOr(svc.Clock))
	}
	if svc.Templates != nil && svc.Audit != nil {
		s.registerEmailTemplates(svc.Templates, svc.Audit, clockOr(svc.Clock))
	}
	if svc.Announcements != nil && svc.Audit != nil {
		s.registerAnnouncements(svc.Announcements, svc.Audit, clockOr(svc.Clock))
	}
	if svc.Settings != nil && svc.Audit != nil {
		s.registerSettings(svc.Settings, svc.Gateway, svc.Audit, clockOr(svc.Clock))
		s.registerGatewayTest(svc.Gateways)
	}
	if svc.Billing != nil {
		s.registerPaymentOptions(svc.Cards, svc.PayPal)
	}
	if svc.Billing != nil && (svc.Checkers != nil || svc.PayPal != nil) {
		s.registerInvoicePayments(svc.Billing, svc.Checkers, svc.Confirmers, svc.PayPal)
	}

	csrf := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := csrf.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	for _, src := range svc.Webhooks {
		mux.Handle("POST /webhooks/"+src.Name(), s.webhook(svc.Billing, src))
	}
	var h http.Handler = mux
	if cfg.AdminGate != nil {
		h = gateAdmin(cfg.AdminGate, h)
	}
	h = csrf.Handler(h)
	h = refuseCardData(h)
	h = limitBody(cfg.MaxBodyBytes, h)
	s.handler = securityHeaders(h)
	return s, nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// API returns the huma API, for other parts of the platform to register
// their operations on.
func (s *Server) API() huma.API { return s.api }

// session returns the request's session (anonymous if not logged in).
func (s *Server) session(r *http.Request) *sessions.Session {
	sess, err := s.sessions.Get(r, s.cfg.CookieName)
	if err != nil {
		s.log.Warn("session could not be loaded", "err", err)
	}
	return sess
}

// adminPrefix is the path of every staff operation.
const adminPrefix = APIPrefix + "/admin/"

// gateAdmin puts gate in front of the admin operations only.
func gateAdmin(gate func(http.Handler) http.Handler, next http.Handler) http.Handler {
	gated := gate(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.Path) >= len(adminPrefix) && r.URL.Path[:len(adminPrefix)] == adminPrefix {
			gated.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// writeErr writes an error made by apiError from a middleware.
func (s *Server) writeErr(ctx huma.Context, err error) {
	se, ok := err.(huma.StatusError)
	if !ok {
		se = huma.Error500InternalServerError("internal error")
	}
	huma.WriteErr(s.api, ctx, se.GetStatus(), se.Error(), errorDetails(se)...)
}

// errorDetails returns the details of a huma error model.
func errorDetails(se huma.StatusError) []error {
	m, ok := se.(*huma.ErrorModel)
	if !ok {
		return nil
	}
	out := make([]error, 0, len(m.Errors))
	for _, d := range m.Errors {
		out = append(out, d)
	}
	return out
}

// unauthorized is the error of a request whose credentials do not fit.
func unauthorized(msg string) error {
	return platform.Errorf(platform.EUNAUTHORIZED, "%s", msg)
}
