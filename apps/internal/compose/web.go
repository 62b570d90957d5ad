package compose

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/passkey"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/support"
)

// Web is the web app's section of the configuration file.
type Web struct {
	// PublicURL is the customer area's address, e.g.
	// https://account.ezscale.cloud; it names the passkey origin and the
	// pages gateways return buyers to. Default http://localhost:8080.
	PublicURL string `json:"public_url"`
	// Hosts name the storefront, account and admin hosts; on any other
	// host (localhost) path prefixes select them.
	Hosts Hosts `json:"hosts"`
	// ClientIPHeader is the header a trusted proxy puts the client address
	// in (CF-Connecting-IP behind Cloudflare).
	ClientIPHeader string `json:"client_ip_header"`
	// CookieDomain shares the session cookie with every subdomain (e.g.
	// ".ezscale.cloud") so impersonation started on the admin host works
	// on the account host; leave it empty when the areas share one host.
	// Every subdomain then receives the cookie: set it only when all of
	// them are this platform's.
	CookieDomain string `json:"cookie_domain"`
	// MetricsToken, when set, is the bearer token Prometheus scrapes
	// /metrics with; without one /metrics answers only on loopback.
	MetricsToken string `json:"metrics_token"`
	// UserHandleKey (base64, 32 bytes or more) derives passkey user
	// handles; it must never change. Development databases derive one
	// from their key file.
	UserHandleKey string `json:"user_handle_key"`
}

// Hosts are the three sites' host names.
type Hosts struct {
	Storefront string `json:"storefront"`
	Account    string `json:"account"`
	Admin      string `json:"admin"`
}

// PublicURL returns the configured public URL or the local default.
func (w Web) publicURL() string {
	if w.PublicURL == "" {
		return "http://localhost:8080"
	}
	return w.PublicURL
}

// API builds the REST API over the platform's services: identity with
// passkeys, payments' return pages, services and the staff's automation
// and email-template views.
func (p *Platform) API(w Web) (*httpapi.Server, error) {
	public, err := url.Parse(w.publicURL())
	if err != nil || public.Host == "" {
		return nil, platform.Invalid("web.public_url", "%q is not an absolute URL", w.PublicURL)
	}
	handleKey, err := p.userHandleKey(w)
	if err != nil {
		return nil, err
	}
	ids := identity.NewService(p.Store.Identity(), p.Keys, p.Clock, identity.DefaultConfig())
	passkeys, err := passkey.New(passkey.Config{
		RPID: public.Hostname(), RPDisplayName: "EZSCALE", RPOrigins: []string{public.Scheme + "://" + public.Host},
		UserHandleKey: handleKey,
	}, p.Store.Identity(), p.Clock.Now)
	if err != nil {
		return nil, err
	}
	cards, _ := p.Gateway.(httpapi.CardVault) // Stripe and the sandbox save cards; PayPal does not
	// The gateway's webhooks, the payment return page's check and the
	// 3-D Secure confirmation, for whichever of them it offers.
	var webhooks []httpapi.WebhookSource
	if src, ok := p.Gateway.(httpapi.WebhookSource); ok {
		webhooks = append(webhooks, src)
	}
	checkers := map[string]billing.PaymentChecker{}
	if c, ok := p.Gateway.(billing.PaymentChecker); ok {
		checkers[p.Gateway.Name()] = c
	}
	confirmers := map[string]httpapi.PaymentConfirmer{}
	if c, ok := p.Gateway.(httpapi.PaymentConfirmer); ok {
		confirmers[p.Gateway.Name()] = c
	}
	var payPal httpapi.PayPalCheckout
	if p.PayPal != nil {
		payPal = p.PayPal
		webhooks = append(webhooks, p.PayPal)
	}
	cfg := httpapi.DefaultConfig()
	cfg.PublicURL, cfg.ClientIPHeader, cfg.Logger = public.String(), w.ClientIPHeader, p.Logger
	cfg.InsecureCookies = public.Scheme == "http" // plain HTTP only for local development
	cfg.CookieDomain, cfg.AccountURL = w.CookieDomain, p.Deps.Notifications.Site.URL+"/"
	return httpapi.New(cfg, httpapi.Services{
		Identity: ids, Passkeys: passkeys, Billing: p.Billing,
		Provisioning: p.Provisioning, Services: p.Store.Provisioning(), Queue: p.Store, Audit: p.Store.Identity(),
		Templates: p.Store, Catalog: p.Store, PDFs: p.PDFs, Cards: cards, ExchangeRates: p.exchangeRates(), Clock: p.Clock,
		Webhooks: webhooks, Checkers: checkers, Confirmers: confirmers, PayPal: payPal,
		Announcements: &support.Announcements{Store: p.Store, Clock: p.Clock},
		Settings:      p.Settings, Gateway: httpapi.GatewayInfo{Name: p.Gateway.Name(), Sandbox: p.Config.Stripe == nil},
		Gateways: p.checkableGateways(),
	})
}

// checkableGateways are the payment gateways whose credentials staff can
// test: the card gateway and PayPal, when they can check themselves.
func (p *Platform) checkableGateways() []httpapi.ConnectionChecker {
	var out []httpapi.ConnectionChecker
	if c, ok := p.Gateway.(httpapi.ConnectionChecker); ok {
		out = append(out, c)
	}
	if p.PayPal != nil {
		out = append(out, p.PayPal)
	}
	return out
}

// userHandleKey is the configured passkey user-handle key, or one derived
// from the development key file.
func (p *Platform) userHandleKey(w Web) ([]byte, error) {
	if w.UserHandleKey != "" {
		key, err := base64.StdEncoding.DecodeString(w.UserHandleKey)
		if err != nil || len(key) < 32 {
			return nil, platform.Invalid("web.user_handle_key", "must be at least 32 bytes in standard base64")
		}
		return key, nil
	}
	if p.devSecret == nil {
		return nil, platform.Invalid("web.user_handle_key", "required with configured secret_keys; generate one with: openssl rand -base64 32")
	}
	mac := hmac.New(sha256.New, p.devSecret)
	mac.Write([]byte("passkey-user-handles"))
	return mac.Sum(nil), nil
}

// exchangeRates are the configured analytics rates, or a default that
// totals USD and EUR.
func (p *Platform) exchangeRates() *billing.ExchangeRates {
	if p.Config.ExchangeRates != nil {
		return p.Config.ExchangeRates
	}
	return &billing.ExchangeRates{Base: "USD", PerBase: map[string]int64{"EUR": 1_080_000_000}}
}
