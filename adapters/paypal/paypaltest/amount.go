package paypaltest

import (
	"regexp"
	"strconv"
	"strings"
)

// currencyDecimals lists the currencies PayPal's REST API accepts and the
// decimals it allows in their amounts. PayPal's own table, not ISO 4217:
// HUF and TWD have minor units in ISO but take no decimals at PayPal.
var currencyDecimals = map[string]int{
	"AUD": 2, "BRL": 2, "CAD": 2, "CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2, "HKD": 2,
	"HUF": 0, "ILS": 2, "JPY": 0, "MYR": 2, "MXN": 2, "TWD": 0, "NZD": 2, "NOK": 2,
	"PHP": 2, "PLN": 2, "GBP": 2, "SGD": 2, "SEK": 2, "CHF": 2, "THB": 2, "USD": 2,
}

// amountValue is the pattern PayPal documents for money values.
var amountValue = regexp.MustCompile(`^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$`)

// money is PayPal's v2 money object.
type money struct {
	CurrencyCode string `json:"currency_code"`
	Value        string `json:"value"`
}

// minor parses a money object at field into units of the currency's
// smallest PayPal decimal, checking it as PayPal does: a supported
// currency, a well-formed positive value, no more decimals than allowed.
func minor(field string, m *money) (int64, *apiError) {
	if m == nil {
		return 0, invalid(field, "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.")
	}
	dec, ok := currencyDecimals[m.CurrencyCode]
	if !ok {
		return 0, unprocessable("CURRENCY_NOT_SUPPORTED", "Currency code "+m.CurrencyCode+" is not currently supported.")
	}
	if !amountValue.MatchString(m.Value) {
		return 0, invalid(field+"/value", "INVALID_PARAMETER_SYNTAX", "The value of a field does not conform to the expected format.")
	}
	whole, frac, _ := strings.Cut(m.Value, ".")
	if dec == 0 && frac != "" {
		return 0, unprocessable("DECIMALS_NOT_SUPPORTED", "Currency code "+m.CurrencyCode+" does not support decimals.")
	}
	if len(frac) > dec {
		return 0, unprocessable("DECIMAL_PRECISION", "If the currency supports decimals, only two decimal place precision is supported.")
	}
	n, err := strconv.ParseInt(whole+frac+strings.Repeat("0", dec-len(frac)), 10, 64)
	if err != nil || n <= 0 {
		return 0, unprocessable("CANNOT_BE_ZERO_OR_NEGATIVE", "Must be greater than zero.")
	}
	return n, nil
}

// format writes units of the currency's smallest PayPal decimal back as a
// PayPal value string.
func format(currency string, n int64) money {
	dec := currencyDecimals[currency]
	s := strconv.FormatInt(n, 10)
	if dec == 0 {
		return money{currency, s}
	}
	if len(s) <= dec {
		s = strings.Repeat("0", dec-len(s)+1) + s
	}
	return money{currency, s[:len(s)-dec] + "." + s[len(s)-dec:]}
}
