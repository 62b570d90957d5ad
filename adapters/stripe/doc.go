// Package stripe is the billing.Gateway adapter for Stripe, built on
// stripe-go v79 (imported as stripeapi, as its package name is ours too).
//
// Charges are off-session PaymentIntents confirmed at once, with the
// caller's idempotency key sent as Stripe's Idempotency-Key so a retried
// charge is replayed by Stripe instead of charging twice. Cards are saved
// through SetupIntents and the Payment Element in the customer's browser, so
// card numbers never reach our servers (PCI SAQ A).
//
// Amounts are billing.Money minor units. Stripe uses minor units too, with
// two exceptions in the currencies billing accepts:
//
//   - ISK has no minor unit in ISO 4217, but Stripe keeps it two-decimal for
//     backwards compatibility (an amount of 100 is 1 króna), so ISK amounts
//     are multiplied by 100 on the way out and divided on the way back.
//   - The three-decimal currencies (BHD, JOD, KWD, OMR, TND) are sent in
//     thousandths as billing stores them, but Stripe's payment partners need
//     the last digit to be 0, so amounts are rounded to the nearest ten
//     (halves away from zero, billing's rounding rule): 5.124 KWD is charged
//     as 5.120. The result reports the amount Stripe actually took, so
//     billing sees any difference.
//
// Zero-decimal currencies (JPY, KRW, VND, CLP) and two-decimal ones are sent
// unchanged. Currency codes go to Stripe in lower case, as it requires, and
// come back upper case.
//
// Webhooks are verified with stripe-go's webhook package against the
// endpoint's signing secret with a five-minute tolerance, measured against
// the caller's clock. Events whose API version differs from the one
// stripe-go is pinned to are accepted: the adapter reads only a handful of
// long-stable fields from the event object, and refusing them would stop
// every payment from being applied on the day the endpoint's API version is
// upgraded in the Stripe dashboard.
//
// Package stripetest starts stripe-mock for the tests.
package stripe
