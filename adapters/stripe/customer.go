package stripe

import (
	"context"
	"strconv"

	stripeapi "github.com/stripe/stripe-go/v79"

	"ezscale.cloud/platform"
)

// EnsureCustomer creates the Stripe customer for our customer customerID and
// returns its id (cus_…). The idempotency key is derived from customerID, so
// a retry after a lost response returns the same Stripe customer instead of
// making a second one. Stripe forgets keys after at least 24 hours, so the
// caller stores the returned id and calls EnsureCustomer only while it has
// none; a retry with a changed email or name inside that window is refused
// with ECONFLICT.
func (g *Gateway) EnsureCustomer(ctx context.Context, customerID int64, email, name string) (string, error) {
	if customerID <= 0 {
		return "", platform.Invalid("customer_id", "customer id must be positive")
	}
	id := strconv.FormatInt(customerID, 10)
	params := &stripeapi.CustomerParams{Email: stripeapi.String(email), Name: stripeapi.String(name)}
	params.Context = ctx
	params.AddMetadata("customer_id", id)
	params.SetIdempotencyKey("ezscale-customer-" + id)
	c, err := g.api.Customers.New(params)
	if err != nil {
		return "", apiError("create customer", err)
	}
	return c.ID, nil
}

// CreateSetupIntent starts saving a card for later off-session charges and
// returns the SetupIntent's client secret for the Payment Element, which
// collects the card in the browser: card numbers never reach our servers.
func (g *Gateway) CreateSetupIntent(ctx context.Context, stripeCustomerID string) (string, error) {
	params := &stripeapi.SetupIntentParams{
		Customer: stripeapi.String(stripeCustomerID),
		Usage:    stripeapi.String(string(stripeapi.SetupIntentUsageOffSession)),
		AutomaticPaymentMethods: &stripeapi.SetupIntentAutomaticPaymentMethodsParams{
			Enabled: stripeapi.Bool(true),
		},
	}
	params.Context = ctx
	si, err := g.api.SetupIntents.New(params)
	if err != nil {
		return "", apiError("create setup intent", err)
	}
	return si.ClientSecret, nil
}

// PaymentMethodDetails returns what may be shown and stored of a saved card:
// its brand, last four digits and expiry.
func (g *Gateway) PaymentMethodDetails(ctx context.Context, pmID string) (brand, last4 string, expMonth, expYear int64, err error) {
	params := &stripeapi.PaymentMethodParams{}
	params.Context = ctx
	pm, err := g.api.PaymentMethods.Get(pmID, params)
	if err != nil {
		return "", "", 0, 0, apiError("get payment method", err)
	}
	if pm.Card == nil {
		return "", "", 0, 0, platform.Invalid("payment_method", "payment method %s is a %s, not a card", pmID, pm.Type)
	}
	return string(pm.Card.Brand), pm.Card.Last4, pm.Card.ExpMonth, pm.Card.ExpYear, nil
}

// DetachPaymentMethod detaches a saved payment method from its customer, so
// it can no longer be charged.
func (g *Gateway) DetachPaymentMethod(ctx context.Context, pmID string) error {
	params := &stripeapi.PaymentMethodDetachParams{}
	params.Context = ctx
	if _, err := g.api.PaymentMethods.Detach(pmID, params); err != nil {
		return apiError("detach payment method", err)
	}
	return nil
}

// CheckConnection asks Stripe for the account's balance, the cheapest call
// that needs a valid secret key: staff test the configured key with it.
func (g *Gateway) CheckConnection(ctx context.Context) error {
	if _, err := g.api.Balance.Get(&stripeapi.BalanceParams{Params: stripeapi.Params{Context: ctx}}); err != nil {
		return apiError("check connection", err)
	}
	return nil
}

// BrowserKey is the publishable key Stripe.js needs in the browser, for
// the Payment Element and confirming payments.
func (g *Gateway) BrowserKey() string { return g.publishableKey }

// ConfirmationSecret returns the client secret of a PaymentIntent waiting
// for the customer (3-D Secure), which Stripe.js needs to show the bank's
// challenge on-session.
func (g *Gateway) ConfirmationSecret(ctx context.Context, paymentIntentID string) (string, error) {
	params := &stripeapi.PaymentIntentParams{}
	params.Context = ctx
	pi, err := g.api.PaymentIntents.Get(paymentIntentID, params)
	if err != nil {
		return "", apiError("payment intent", err)
	}
	return pi.ClientSecret, nil
}
