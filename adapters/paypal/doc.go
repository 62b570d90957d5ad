// Package paypal is the PayPal payment gateway, over PayPal's REST API
// through github.com/plutov/paypal/v4.
//
// PayPal moves money differently from a card gateway. A buyer approves
// every payment on PayPal's own pages, so there is no off-session charge of
// a saved method: a one-off invoice is paid through an order (CreateOrder,
// the buyer follows the approve link, CaptureOrder), and recurring service
// through a PayPal subscription on a PayPal plan (EnsurePlan,
// CreateSubscription), whose renewals PayPal bills itself and reports as
// PAYMENT.SALE.COMPLETED webhooks. Gateway therefore implements
// billing.Gateway's Refund fully and its Charge only to refuse, with
// ErrOffSession.
//
// Every outside call is safe to repeat: orders carry a PayPal-Request-Id
// derived from the invoice and amount, capturing an order twice returns the
// first capture, refunds carry the caller's idempotency key, plans are
// found before they are made, and cancelling a cancelled subscription
// succeeds. Amounts cross the boundary as PayPal's decimal strings,
// converted exactly from integer minor units.
//
// Webhooks are verified by asking PayPal (verify-webhook-signature) and
// come back as a neutral Event. Package paypaltest is a stateful fake of
// the API for tests.
package paypal
