package paypal

import (
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

func TestAmountConversion(t *testing.T) {
	for _, c := range []struct {
		minor    int64
		currency string
		value    string
	}{
		{1234, "USD", "12.34"},
		{5, "USD", "0.05"},
		{100000, "EUR", "1000.00"},
		{1200, "JPY", "1200"},
		{120000, "HUF", "1200"},
	} {
		m := billing.Money{Amount: c.minor, Currency: c.currency}
		got, err := toPayPal(m)
		if err != nil || got != c.value {
			t.Errorf("toPayPal(%v) = %q, %v; want %q", m, got, err, c.value)
		}
		back, err := fromPayPal(c.value, c.currency)
		if err != nil || back != m {
			t.Errorf("fromPayPal(%q, %s) = %v, %v; want %v", c.value, c.currency, back, err, m)
		}
	}
}

func TestAmountConversionRefusesInexactValues(t *testing.T) {
	for _, c := range []struct{ value, currency string }{
		{"12.345", "USD"},
		{"12.5", "JPY"},
		{"1200.50", "HUF"},
		{"12,34", "USD"},
		{"12.34", "XXX"},
	} {
		if m, err := fromPayPal(c.value, c.currency); platform.ErrorCode(err) != platform.EINVALID {
			t.Errorf("fromPayPal(%q, %s) = %v, %v; want EINVALID", c.value, c.currency, m, err)
		}
	}
	for _, m := range []billing.Money{{Amount: 150, Currency: "HUF"}, {Amount: 0, Currency: "USD"}, {Amount: -5, Currency: "USD"}, {Amount: 1500, Currency: "BHX"}} {
		if v, err := toPayPal(m); platform.ErrorCode(err) != platform.EINVALID {
			t.Errorf("toPayPal(%v) = %q, %v; want EINVALID", m, v, err)
		}
	}
}
