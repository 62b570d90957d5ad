package sandbox

import (
	"context"
	"fmt"

	"ezscale.cloud/platform"
)

// testCardDetails is what the sandbox shows of each test card: Stripe's
// test card numbers' brand and last four digits.
var testCardDetails = map[string]struct{ brand, last4 string }{
	CardVisa:               {"visa", "4242"},
	CardMastercard:         {"mastercard", "4444"},
	CardDeclined:           {"visa", "0002"},
	CardInsufficientFunds:  {"visa", "9995"},
	CardAuthenticationReqd: {"visa", "3184"},
}

// EnsureCustomer names the sandbox customer of an account. The sandbox is
// a card vault too, so the zero-infrastructure default can save cards and
// charge renewals; it keeps no customer state, so nothing is lost when the
// process restarts.
func (g *Gateway) EnsureCustomer(ctx context.Context, customerID int64, email, name string) (string, error) {
	return fmt.Sprintf("cus_sandbox_%d", customerID), nil
}

// CreateSetupIntent returns a client secret as Stripe's would; the sandbox
// checkout page saves a test card id with it.
func (g *Gateway) CreateSetupIntent(ctx context.Context, customerID string) (string, error) {
	return "seti_sandbox_" + customerID + "_secret", nil
}

// PaymentMethodDetails describes a test card, or a payment method saved
// from one with SavePaymentMethod.
func (g *Gateway) PaymentMethodDetails(ctx context.Context, pmID string) (brand, last4 string, expMonth, expYear int64, err error) {
	d, ok := testCardDetails[testCardOf(pmID)]
	if !ok {
		return "", "", 0, 0, platform.Invalid("payment_method_id", "no such sandbox test card %q; use %s", pmID, CardVisa)
	}
	return d.brand, d.last4, 12, 2034, nil
}

// DetachPaymentMethod forgets nothing: test cards are stateless.
func (g *Gateway) DetachPaymentMethod(ctx context.Context, pmID string) error { return nil }

// BrowserKey is empty: the sandbox needs no script in the browser.
func (g *Gateway) BrowserKey() string { return "" }
