package paypal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	paypalapi "github.com/plutov/paypal/v4"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// PayPal's API base URLs.
const (
	SandboxURL = "https://api-m.sandbox.paypal.com"
	LiveURL    = "https://api-m.paypal.com"
)

// ErrOffSession is what Charge returns: PayPal cannot take money from a
// buyer who is not there to approve it. Renewals paid by PayPal arrive as
// PAYMENT.SALE.COMPLETED webhooks of a PayPal subscription; one-off
// invoices are paid through CreateOrder and CaptureOrder.
var ErrOffSession = &platform.Error{Code: platform.EINVALID, Field: "gateway",
	Message: "paypal cannot charge a buyer off-session; renewals are billed by PayPal subscriptions and invoices through orders the buyer approves"}

// Config configures a Gateway.
type Config struct {
	// ClientID and Secret are the REST app's credentials.
	ClientID, Secret string
	// BaseURL is SandboxURL, LiveURL or a test server's URL.
	BaseURL string
	// WebhookID is the id PayPal gave the webhook registered for this
	// platform; verification is bound to it.
	WebhookID string
	// HTTPClient makes the calls; nil means a client with a 30 second
	// timeout.
	HTTPClient *http.Client
}

// Gateway is the PayPal gateway. It is safe for concurrent use once made
// by New.
type Gateway struct {
	client    *paypalapi.Client
	webhookID string
}

var _ billing.Gateway = (*Gateway)(nil)

// New returns a gateway for cfg. It makes no call: the access token is
// fetched on first use and reused until shortly before it expires.
func New(cfg Config) (*Gateway, error) {
	for field, v := range map[string]string{"client_id": cfg.ClientID, "secret": cfg.Secret,
		"base_url": cfg.BaseURL, "webhook_id": cfg.WebhookID} {
		if v == "" {
			return nil, platform.Invalid(field, "paypal needs %s", field)
		}
	}
	c, err := paypalapi.NewClient(cfg.ClientID, cfg.Secret, cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("paypal client: %w", err)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	c.SetHTTPClient(hc)
	// The SDK switches this on by itself inside its first capture call,
	// changing every later response; asking for full representations from
	// the start keeps responses the same whatever ran first.
	c.SetReturnRepresentation()
	return &Gateway{client: c, webhookID: cfg.WebhookID}, nil
}

// Name returns "paypal".
func (g *Gateway) Name() string { return "paypal" }

// CheckConnection signs in to PayPal with the configured client id and
// secret: staff test the configuration with it.
func (g *Gateway) CheckConnection(ctx context.Context) error {
	if _, err := g.client.GetAccessToken(ctx); err != nil {
		return translate(err, "sign in")
	}
	return nil
}

// Charge always fails with ErrOffSession; see its doc.
func (g *Gateway) Charge(ctx context.Context, req billing.ChargeRequest) (billing.ChargeResult, error) {
	return billing.ChargeResult{}, ErrOffSession
}

// Refund returns req.Amount of the capture req.ChargeID. The idempotency key
// travels as PayPal-Request-Id, so a retried refund is not paid twice.
func (g *Gateway) Refund(ctx context.Context, req billing.RefundRequest) (billing.RefundResult, error) {
	if req.IdempotencyKey == "" {
		return billing.RefundResult{}, platform.Invalid("idempotency_key", "every refund needs an idempotency key")
	}
	value, err := toPayPal(req.Amount)
	if err != nil {
		return billing.RefundResult{}, err
	}
	res, err := g.client.RefundCaptureWithPaypalRequestId(ctx, req.ChargeID, paypalapi.RefundCaptureRequest{
		Amount: &paypalapi.Money{Currency: req.Amount.Currency, Value: value},
	}, req.IdempotencyKey)
	if err != nil {
		return billing.RefundResult{}, translate(err, "refund capture "+req.ChargeID)
	}
	// PayPal answers a reused request id with the first refund, whatever
	// this request asked for.
	if res.Amount != nil && (res.Amount.Currency != req.Amount.Currency || res.Amount.Value != value) {
		return billing.RefundResult{}, platform.Errorf(platform.ECONFLICT,
			"idempotency key %q was used for a refund of %s %s", req.IdempotencyKey, res.Amount.Value, res.Amount.Currency)
	}
	if res.Status == "FAILED" || res.Status == "CANCELLED" {
		return billing.RefundResult{}, platform.Errorf(platform.EPAYMENTDECLINED, "paypal refund %s %s", res.ID, res.Status)
	}
	return billing.RefundResult{ID: res.ID, Amount: req.Amount}, nil
}

// translate turns an SDK error into a coded platform error. A 401 or 403
// means our credentials are wrong, not the user's, so it is internal.
func translate(err error, what string) error {
	var er *paypalapi.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: "paypal " + what, Err: err}
	}
	code := platform.EINTERNAL
	switch er.Response.StatusCode {
	case http.StatusBadRequest:
		code = platform.EINVALID
	case http.StatusNotFound:
		code = platform.ENOTFOUND
	case http.StatusConflict, http.StatusUnprocessableEntity:
		code = platform.ECONFLICT
	case http.StatusTooManyRequests:
		code = platform.ERATELIMITED
	}
	msg := fmt.Sprintf("paypal %s: %d %s", what, er.Response.StatusCode, er.Name)
	if i := issue(err); i != "" {
		msg += " " + i
	}
	if er.DebugID != "" {
		msg += " (debug_id " + er.DebugID + ")"
	}
	return &platform.Error{Code: code, Message: msg, Err: err}
}

// issue returns the first issue code of a PayPal error, like
// ORDER_ALREADY_CAPTURED, or "".
func issue(err error) string {
	var er *paypalapi.ErrorResponse
	if errors.As(err, &er) && len(er.Details) > 0 {
		return er.Details[0].Issue
	}
	return ""
}

// link returns the href of the link with relation rel, or "".
func link(links []paypalapi.Link, rel string) string {
	for _, l := range links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}
