package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	stripeapi "github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/balance"
	"github.com/stripe/stripe-go/v79/customer"
	"github.com/stripe/stripe-go/v79/paymentintent"
	"github.com/stripe/stripe-go/v79/paymentmethod"
	"github.com/stripe/stripe-go/v79/refund"
	"github.com/stripe/stripe-go/v79/setupintent"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

var (
	_ billing.Gateway        = (*Gateway)(nil)
	_ billing.PaymentChecker = (*Gateway)(nil)
)

// ErrProcessing reports a PaymentIntent Stripe is still processing: it has
// neither succeeded nor failed, so the invoice stays open until a webhook or
// a later PaymentStatus call settles it. Asking again with the same
// idempotency key never charges twice.
var ErrProcessing = errors.New("stripe: payment is still processing")

// Config configures a Gateway.
type Config struct {
	// SecretKey is the account's secret or restricted key (sk_… or rk_…).
	SecretKey string
	// BackendURL replaces Stripe's API address when set; tests point it at
	// stripe-mock. Empty means Stripe.
	BackendURL string
	// HTTPClient makes the requests; nil means stripe-go's default client.
	HTTPClient *http.Client
	// WebhookSecret is the webhook endpoint's signing secret (whsec_…).
	WebhookSecret string
	// PublishableKey (pk_…) is given to the browser, where Stripe.js
	// collects cards (the Payment Element) and confirms 3-D Secure; card
	// numbers never reach this server.
	PublishableKey string
}

// Gateway is the Stripe billing.Gateway. It holds its own stripe-go client
// rather than the SDK's global key, so several gateways (accounts, or test
// servers) can live in one process.
type Gateway struct {
	api            resources
	webhookSecret  string
	publishableKey string
	now            func() time.Time
}

// resources are the clients of the Stripe resources the gateway uses.
// stripe-go's client.API would do, but it holds a client of every one of
// Stripe's ~130 resources, and loading their packages was close to a tenth
// of the web app's link, which every fresh clone's first start waits for.
type resources struct {
	Balance        *balance.Client
	Customers      *customer.Client
	PaymentIntents *paymentintent.Client
	PaymentMethods *paymentmethod.Client
	Refunds        *refund.Client
	SetupIntents   *setupintent.Client
}

func newResources(key string, b stripeapi.Backend) resources {
	return resources{
		Balance:        &balance.Client{B: b, Key: key},
		Customers:      &customer.Client{B: b, Key: key},
		PaymentIntents: &paymentintent.Client{B: b, Key: key},
		PaymentMethods: &paymentmethod.Client{B: b, Key: key},
		Refunds:        &refund.Client{B: b, Key: key},
		SetupIntents:   &setupintent.Client{B: b, Key: key},
	}
}

// New returns a Gateway for the account cfg names.
func New(cfg Config) (*Gateway, error) {
	if cfg.SecretKey == "" {
		return nil, platform.Invalid("SecretKey", "a Stripe secret key is required")
	}
	backend := &stripeapi.BackendConfig{
		HTTPClient: cfg.HTTPClient,
		// Errors are returned to the caller; stripe-go would also print them.
		LeveledLogger: &stripeapi.LeveledLogger{Level: stripeapi.LevelNull},
	}
	if cfg.BackendURL != "" {
		backend.URL = stripeapi.String(cfg.BackendURL)
	}
	api := newResources(cfg.SecretKey, stripeapi.NewBackendsWithConfig(backend).API)
	return &Gateway{api: api, webhookSecret: cfg.WebhookSecret, publishableKey: cfg.PublishableKey, now: time.Now}, nil
}

// Name returns "stripe".
func (g *Gateway) Name() string { return "stripe" }

// Charge charges the customer's saved payment method off-session with a
// PaymentIntent confirmed at once. A decline is a ChargeFailed result, and a
// bank asking for authentication (SCA) a ChargeRequiresAction result whose ID
// is the PaymentIntent the customer must confirm on-session; only network and
// API failures are errors. A PaymentIntent still processing returns
// ErrProcessing.
func (g *Gateway) Charge(ctx context.Context, req billing.ChargeRequest) (billing.ChargeResult, error) {
	if req.IdempotencyKey == "" {
		return billing.ChargeResult{}, platform.Invalid("idempotency_key", "every charge needs an idempotency key")
	}
	if !req.Amount.IsPositive() {
		return billing.ChargeResult{}, platform.Invalid("amount", "charge amount must be positive")
	}
	amount, currency, err := toStripe(req.Amount)
	if err != nil {
		return billing.ChargeResult{}, err
	}
	params := &stripeapi.PaymentIntentParams{
		Amount:        stripeapi.Int64(amount),
		Currency:      stripeapi.String(currency),
		PaymentMethod: stripeapi.String(req.PaymentMethodID),
		OffSession:    stripeapi.Bool(true),
		Confirm:       stripeapi.Bool(true),
	}
	if req.GatewayCustomerID != "" {
		params.Customer = stripeapi.String(req.GatewayCustomerID)
	}
	if req.Description != "" {
		params.Description = stripeapi.String(req.Description)
	}
	params.Context = ctx
	params.AddMetadata("invoice_id", strconv.FormatInt(req.InvoiceID, 10))
	params.AddExpand("latest_charge.balance_transaction")
	params.SetIdempotencyKey(req.IdempotencyKey)
	pi, err := g.api.PaymentIntents.New(params)
	if err != nil {
		return cardErrorResult(err, req.Amount)
	}
	return chargeResult(pi)
}

// PaymentStatus reads a PaymentIntent back, so reconciliation can
// settle a payment whose webhook never arrived.
func (g *Gateway) PaymentStatus(ctx context.Context, id string) (billing.ChargeResult, error) {
	params := &stripeapi.PaymentIntentParams{}
	params.Context = ctx
	params.AddExpand("latest_charge.balance_transaction")
	pi, err := g.api.PaymentIntents.Get(id, params)
	if err != nil {
		return billing.ChargeResult{}, apiError("payment intent status", err)
	}
	return chargeResult(pi)
}

// Refund refunds part or all of a charge. ChargeID is the PaymentIntent id
// Charge returned (pi_…) or a Charge id (ch_…). The refund is in the charge's
// currency: Stripe takes no currency for it, so the caller's amount must be
// in the currency that was charged.
func (g *Gateway) Refund(ctx context.Context, req billing.RefundRequest) (billing.RefundResult, error) {
	if req.IdempotencyKey == "" {
		return billing.RefundResult{}, platform.Invalid("idempotency_key", "every refund needs an idempotency key")
	}
	if !req.Amount.IsPositive() {
		return billing.RefundResult{}, platform.Invalid("amount", "refund amount must be positive")
	}
	amount, _, err := toStripe(req.Amount)
	if err != nil {
		return billing.RefundResult{}, err
	}
	params := &stripeapi.RefundParams{Amount: stripeapi.Int64(amount)}
	if strings.HasPrefix(req.ChargeID, "pi_") {
		params.PaymentIntent = stripeapi.String(req.ChargeID)
	} else {
		params.Charge = stripeapi.String(req.ChargeID)
	}
	if req.InvoiceID != 0 {
		// The refund's own webhook then names the invoice.
		params.AddMetadata("invoice_id", strconv.FormatInt(req.InvoiceID, 10))
	}
	params.Context = ctx
	params.SetIdempotencyKey(req.IdempotencyKey)
	r, err := g.api.Refunds.New(params)
	if err != nil {
		return billing.RefundResult{}, apiError("refund", err)
	}
	refunded, err := fromStripe(r.Amount, string(r.Currency))
	if err != nil {
		return billing.RefundResult{}, err
	}
	return billing.RefundResult{ID: r.ID, Amount: refunded}, nil
}

// chargeResult maps a PaymentIntent to the port's outcome.
func chargeResult(pi *stripeapi.PaymentIntent) (billing.ChargeResult, error) {
	amount, err := fromStripe(pi.Amount, string(pi.Currency))
	if err != nil {
		return billing.ChargeResult{}, err
	}
	res := billing.ChargeResult{ID: pi.ID, Amount: amount}
	switch pi.Status {
	case stripeapi.PaymentIntentStatusSucceeded:
		res.Status = billing.ChargeSucceeded
		res.Fee = fee(pi)
	case stripeapi.PaymentIntentStatusRequiresAction, stripeapi.PaymentIntentStatusRequiresConfirmation:
		res.Status = billing.ChargeRequiresAction
	case stripeapi.PaymentIntentStatusRequiresPaymentMethod, stripeapi.PaymentIntentStatusCanceled:
		// A confirmed PaymentIntent falls back to requires_payment_method
		// when its payment fails.
		res.Status = billing.ChargeFailed
		res.FailureMessage = "the payment was not completed (" + string(pi.Status) + ")"
		if pi.LastPaymentError != nil && pi.LastPaymentError.Msg != "" {
			res.FailureMessage = pi.LastPaymentError.Msg
		}
	case stripeapi.PaymentIntentStatusProcessing:
		return billing.ChargeResult{}, fmt.Errorf("payment intent %s: %w", pi.ID, ErrProcessing)
	default:
		// requires_capture: we never create manual-capture PaymentIntents.
		return billing.ChargeResult{}, fmt.Errorf("stripe: payment intent %s has unexpected status %q", pi.ID, pi.Status)
	}
	return res, nil
}

// fee is Stripe's fee for the PaymentIntent's latest charge when its balance
// transaction was expanded. The port's fee is in the charge's currency, so a
// fee Stripe reports in another settlement currency counts as unknown (0).
func fee(pi *stripeapi.PaymentIntent) int64 {
	if pi.LatestCharge == nil || pi.LatestCharge.BalanceTransaction == nil {
		return 0
	}
	bt := pi.LatestCharge.BalanceTransaction
	if !strings.EqualFold(string(bt.Currency), string(pi.Currency)) {
		return 0
	}
	f, err := fromStripe(bt.Fee, string(bt.Currency))
	if err != nil {
		return 0
	}
	return f.Amount
}

// cardErrorResult turns a card error from a charge into a result: Stripe
// answers a declined or unauthenticated off-session payment with HTTP 402
// rather than a PaymentIntent. Any other error stays an error.
func cardErrorResult(err error, amount billing.Money) (billing.ChargeResult, error) {
	var se *stripeapi.Error
	if !errors.As(err, &se) || se.Type != stripeapi.ErrorTypeCard {
		return billing.ChargeResult{}, apiError("charge", err)
	}
	res := billing.ChargeResult{Status: billing.ChargeFailed, Amount: amount, FailureMessage: se.Msg}
	if res.FailureMessage == "" {
		res.FailureMessage = "the card was declined"
	}
	if se.PaymentIntent != nil {
		res.ID = se.PaymentIntent.ID
	}
	if se.Code == stripeapi.ErrorCodeAuthenticationRequired {
		res.Status = billing.ChargeRequiresAction
	}
	return res, nil
}

// apiError translates a Stripe API error into a platform code where the
// caller can act on it; anything else (network, 5xx, auth) stays an internal
// error worth retrying.
func apiError(op string, err error) error {
	var se *stripeapi.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("stripe %s: %w", op, err)
	}
	var code string
	switch {
	case se.Type == stripeapi.ErrorTypeIdempotency:
		// The key was used before with other parameters.
		code = platform.ECONFLICT
	case se.HTTPStatusCode == http.StatusNotFound:
		code = platform.ENOTFOUND
	case se.HTTPStatusCode == http.StatusTooManyRequests:
		code = platform.ERATELIMITED
	case se.Type == stripeapi.ErrorTypeInvalidRequest:
		code = platform.EINVALID
	default:
		return fmt.Errorf("stripe %s: %w", op, err)
	}
	return &platform.Error{Code: code, Field: se.Param, Message: "stripe " + op + ": " + se.Msg, Err: err}
}
