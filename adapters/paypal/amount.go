package paypal

import (
	"strconv"
	"strings"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// wholeOnly lists currencies PayPal takes without decimals although ISO
// 4217 gives them a minor unit; PayPal refuses "1200.50" HUF.
var wholeOnly = map[string]bool{"HUF": true, "TWD": true}

// toPayPal writes a positive amount as PayPal's decimal string: "12.34"
// USD, "1200" JPY. It refuses an amount PayPal could not take exactly
// rather than round it.
func toPayPal(m billing.Money) (string, error) {
	c, err := billing.LookupCurrency(m.Currency)
	if err != nil {
		return "", err
	}
	if !m.IsPositive() {
		return "", platform.Invalid("amount", "paypal amounts must be positive, got %s", m)
	}
	if wholeOnly[c.Code] {
		unit := pow10(c.Exponent)
		if m.Amount%unit != 0 {
			return "", platform.Invalid("amount", "paypal takes whole %s only, got %s", c.Code, m)
		}
		return strconv.FormatInt(m.Amount/unit, 10), nil
	}
	return m.Decimal(), nil
}

// fromPayPal reads PayPal's decimal string in currency into minor units,
// refusing more decimals than the currency has.
func fromPayPal(value, currency string) (billing.Money, error) {
	c, err := billing.LookupCurrency(currency)
	if err != nil {
		return billing.Money{}, err
	}
	if wholeOnly[c.Code] && strings.Contains(value, ".") {
		return billing.Money{}, platform.Invalid("amount", "paypal sent %q %s, which takes whole units only", value, c.Code)
	}
	return billing.ParseMoney(value, c.Code)
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}
