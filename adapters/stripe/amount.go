package stripe

import (
	"math"
	"strings"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// stripeScale is how many Stripe amount units make one billing minor unit.
// ISK is zero-decimal in ISO 4217 but two-decimal in Stripe's API.
func stripeScale(code string) int64 {
	if code == "ISK" {
		return 100
	}
	return 1
}

// toStripe converts m, a positive amount, to the amount and lower-case
// currency Stripe expects; see the package documentation for the rules.
func toStripe(m billing.Money) (int64, string, error) {
	c, err := billing.LookupCurrency(m.Currency)
	if err != nil {
		return 0, "", err
	}
	amount := m.Amount
	if c.Exponent == 3 {
		amount = roundToTen(amount)
	}
	scale := stripeScale(c.Code)
	if amount > math.MaxInt64/scale {
		return 0, "", platform.Invalid("amount", "%s is too large for Stripe", m)
	}
	return amount * scale, strings.ToLower(c.Code), nil
}

// fromStripe converts an amount and currency as Stripe reports them back to
// billing.Money.
func fromStripe(amount int64, currency string) (billing.Money, error) {
	c, err := billing.LookupCurrency(currency)
	if err != nil {
		return billing.Money{}, err
	}
	scale := stripeScale(c.Code)
	if amount%scale != 0 {
		// Only charges made before Stripe made ISK whole-króna carry these.
		return billing.Money{}, platform.Invalid("amount", "Stripe amount %d %s has a fraction of a minor unit", amount, c.Code)
	}
	return billing.Money{Amount: amount / scale, Currency: c.Code}, nil
}

// roundToTen rounds a non-negative a to the nearest multiple of ten, halves
// up (away from zero, billing's rule).
func roundToTen(a int64) int64 {
	r := a % 10
	if r >= 5 {
		return a - r + 10
	}
	return a - r
}
