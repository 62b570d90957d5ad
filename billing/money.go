package billing

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"ezscale.cloud/platform"
)

// Currency is an ISO 4217 currency: its three-letter code and its exponent,
// the number of digits after the decimal point in its minor unit.
type Currency struct {
	Code     string
	Exponent int
}

// currencies lists the ISO 4217 currencies the platform accepts. Exponents
// follow the ISO 4217 table: JPY and KRW have no minor unit, BHD, KWD, OMR,
// JOD and TND have three digits.
var currencies = map[string]Currency{}

func init() {
	for _, code := range []string{"USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK",
		"PLN", "CZK", "HUF", "RON", "BGN", "SGD", "HKD", "INR", "BRL", "MXN", "ZAR", "TRY", "AED", "SAR",
		"ILS", "CNY", "THB", "MYR", "PHP", "IDR"} {
		currencies[code] = Currency{Code: code, Exponent: 2}
	}
	for _, code := range []string{"JPY", "KRW", "VND", "CLP", "ISK"} {
		currencies[code] = Currency{Code: code, Exponent: 0}
	}
	for _, code := range []string{"BHD", "KWD", "OMR", "JOD", "TND"} {
		currencies[code] = Currency{Code: code, Exponent: 3}
	}
}

// LookupCurrency returns the currency with the given ISO 4217 code. Codes are
// upper case; lower-case input is accepted because gateways send it so.
func LookupCurrency(code string) (Currency, error) {
	c, ok := currencies[strings.ToUpper(code)]
	if !ok {
		return Currency{}, platform.Invalid("currency", "unknown or unsupported ISO 4217 currency %q", code)
	}
	return c, nil
}

// Money is an amount in integer minor units (cents, yen, fils) of one
// currency. It is never a float.
//
// Rounding rule: wherever an amount is multiplied by a fraction (tax rates,
// discounts, proration), the exact result is rounded to the nearest minor
// unit with halves rounded away from zero ("commercial rounding", what EU tax
// authorities expect on invoices). Allocate never rounds: it hands out every
// minor unit.
type Money struct {
	Amount   int64
	Currency string
}

// New returns amount minor units of the currency with the given code.
func New(amount int64, currency string) (Money, error) {
	c, err := LookupCurrency(currency)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: amount, Currency: c.Code}, nil
}

// Zero returns nothing of the given currency.
func Zero(currency string) Money { return Money{Currency: strings.ToUpper(currency)} }

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.Amount == 0 }

// IsNegative reports whether the amount is below zero.
func (m Money) IsNegative() bool { return m.Amount < 0 }

// IsPositive reports whether the amount is above zero.
func (m Money) IsPositive() bool { return m.Amount > 0 }

func (m Money) sameCurrency(o Money) error {
	if m.Currency != o.Currency {
		return platform.Errorf(platform.EINVALID, "mixed currencies: %s and %s", m.Currency, o.Currency)
	}
	return nil
}

// Add returns m+o; it refuses amounts of different currencies and overflow.
func (m Money) Add(o Money) (Money, error) {
	if err := m.sameCurrency(o); err != nil {
		return Money{}, err
	}
	s := m.Amount + o.Amount
	if (s > m.Amount) != (o.Amount > 0) {
		return Money{}, platform.Errorf(platform.EINVALID, "amount overflow")
	}
	return Money{Amount: s, Currency: m.Currency}, nil
}

// Sub returns m-o; it refuses amounts of different currencies and overflow.
func (m Money) Sub(o Money) (Money, error) {
	if o.Amount == math.MinInt64 {
		return Money{}, platform.Errorf(platform.EINVALID, "amount overflow")
	}
	return m.Add(Money{Amount: -o.Amount, Currency: o.Currency})
}

// Neg returns -m.
func (m Money) Neg() Money { return Money{Amount: -m.Amount, Currency: m.Currency} }

// Cmp compares m and o: -1, 0 or +1. It refuses mixed currencies.
func (m Money) Cmp(o Money) (int, error) {
	if err := m.sameCurrency(o); err != nil {
		return 0, err
	}
	switch {
	case m.Amount < o.Amount:
		return -1, nil
	case m.Amount > o.Amount:
		return 1, nil
	}
	return 0, nil
}

// Mul returns m times an integer quantity.
func (m Money) Mul(n int64) (Money, error) {
	return m.MulFrac(n, 1)
}

// MulFrac returns m × num / den, rounded by the package's rounding rule
// (half away from zero). The intermediate product is exact, so no precision
// is lost however large num is.
func (m Money) MulFrac(num, den int64) (Money, error) {
	if den == 0 {
		return Money{}, platform.Errorf(platform.EINVALID, "division by zero")
	}
	a, err := mulDivRound(m.Amount, num, den)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: a, Currency: m.Currency}, nil
}

// mulDivRound computes round(a*num/den) with halves away from zero.
func mulDivRound(a, num, den int64) (int64, error) {
	// The common case fits in 64 bits; big integers take the rest exactly.
	const limit = 1 << 31
	if a > -limit && a < limit && num > -limit && num < limit && den != math.MinInt64 {
		return roundDiv(a*num, den), nil
	}
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(num))
	d := big.NewInt(den)
	q, r := new(big.Int).QuoRem(p, d, new(big.Int))
	// |2r| >= |d| rounds away from zero.
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(new(big.Int).Abs(d)) >= 0 {
		if p.Sign()*d.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return 0, platform.Errorf(platform.EINVALID, "amount overflow")
	}
	return q.Int64(), nil
}

// roundDiv divides n by d rounding halves away from zero.
func roundDiv(n, d int64) int64 {
	q, r := n/d, n%d
	if r == 0 {
		return q
	}
	ar, ad := r, d
	if ar < 0 {
		ar = -ar
	}
	if ad < 0 {
		ad = -ad
	}
	if 2*ar >= ad {
		if (n < 0) != (d < 0) {
			return q - 1
		}
		return q + 1
	}
	return q
}

// Allocate splits m in proportion to the given non-negative weights so that
// the parts add up to m exactly. Remainders go one minor unit at a time to
// the parts with the largest fractional remainder, earliest first on ties
// (the largest-remainder method), so no cent is lost or invented.
func (m Money) Allocate(weights ...int64) ([]Money, error) {
	if len(weights) == 0 {
		return nil, platform.Errorf(platform.EINVALID, "allocate needs at least one weight")
	}
	if m.Amount == math.MinInt64 {
		return nil, platform.Errorf(platform.EINVALID, "amount overflow")
	}
	var total int64
	for _, w := range weights {
		if w < 0 {
			return nil, platform.Errorf(platform.EINVALID, "allocate weights must not be negative")
		}
		if total > math.MaxInt64-w {
			return nil, platform.Errorf(platform.EINVALID, "allocate weights overflow")
		}
		total += w
	}
	parts := make([]Money, len(weights))
	if total == 0 {
		return nil, platform.Errorf(platform.EINVALID, "allocate weights must not all be zero")
	}
	sign := int64(1)
	amount := m.Amount
	if amount < 0 {
		sign, amount = -1, -amount
	}
	rems := make([]*big.Int, len(weights))
	var given int64
	bt := big.NewInt(total)
	for i, w := range weights {
		p := new(big.Int).Mul(big.NewInt(amount), big.NewInt(w))
		q, r := new(big.Int).QuoRem(p, bt, new(big.Int))
		parts[i] = Money{Amount: q.Int64(), Currency: m.Currency}
		rems[i] = r
		given += q.Int64()
	}
	for left := amount - given; left > 0; left-- {
		best := -1
		for i, r := range rems {
			if r.Sign() > 0 && (best < 0 || r.Cmp(rems[best]) > 0) {
				best = i
			}
		}
		parts[best].Amount++
		rems[best] = new(big.Int)
	}
	for i := range parts {
		parts[i].Amount *= sign
	}
	return parts, nil
}

// ParseMoney reads a decimal amount such as "12.34" or "-5" in the given
// currency. It refuses more decimal digits than the currency has, so no input
// is rounded silently.
func ParseMoney(s, currency string) (Money, error) {
	c, err := LookupCurrency(currency)
	if err != nil {
		return Money{}, err
	}
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || hasDot && frac == "" || strings.ContainsAny(whole+frac, "+-") {
		return Money{}, platform.Invalid("amount", "%q is not a decimal amount", s)
	}
	if len(frac) > c.Exponent {
		return Money{}, platform.Invalid("amount", "%q has more than %d decimal places for %s", s, c.Exponent, c.Code)
	}
	frac += strings.Repeat("0", c.Exponent-len(frac))
	var v big.Int
	if _, ok := v.SetString(whole+frac, 10); !ok {
		return Money{}, platform.Invalid("amount", "%q is not a decimal amount", s)
	}
	if neg {
		v.Neg(&v)
	}
	if !v.IsInt64() {
		return Money{}, platform.Invalid("amount", "%q is too large", s)
	}
	return Money{Amount: v.Int64(), Currency: c.Code}, nil
}

// Decimal formats the amount as a plain decimal with the currency's number of
// places, e.g. "12.34", "1200" (JPY), "1.500" (BHD).
func (m Money) Decimal() string {
	exp := 2
	if c, err := LookupCurrency(m.Currency); err == nil {
		exp = c.Exponent
	}
	a := m.Amount
	sign := ""
	if a < 0 {
		sign = "-"
	}
	digits := new(big.Int).Abs(big.NewInt(a)).String()
	if exp == 0 {
		return sign + digits
	}
	if len(digits) <= exp {
		digits = strings.Repeat("0", exp-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-exp] + "." + digits[len(digits)-exp:]
}

// String formats the amount with its code, e.g. "12.34 USD".
func (m Money) String() string { return fmt.Sprintf("%s %s", m.Decimal(), m.Currency) }

// Sum adds amounts of one currency; an empty list sums to zero of currency.
func Sum(currency string, amounts ...Money) (Money, error) {
	total := Zero(currency)
	for _, a := range amounts {
		var err error
		if total, err = total.Add(a); err != nil {
			return Money{}, err
		}
	}
	return total, nil
}
