// Tax is rounded once per invoice and rate, not once per line. ComputeTax
// sums an invoice's lines that share a tax decision, multiplies the sum by
// the rate and rounds that one product by the package rule (half away from
// zero, see Money); the per-line tax amounts shown on the invoice are that
// total split back over the lines with Money.Allocate, so they always add up
// to it. Rounding each line instead lets the error grow with the number of
// lines: three lines of 9.99 EUR at 19% bear 5.69 EUR of tax per invoice but
// 3 × 1.90 = 5.70 EUR per line, and the EU VAT rules and most tax
// authorities expect the per-invoice figure.

package billing

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"ezscale.cloud/platform"
)

// Rate is a percentage expressed in parts per million of the amount it
// applies to: 19% is 190_000 and 8.875% is 88_750. Integers keep rates exact,
// and a millionth is as fine as any tax authority or coupon needs.
type Rate int64

// HundredPercent is the Rate of 100%.
const HundredPercent Rate = 1_000_000

// ParseRate reads a percentage such as "19", "8.875" or "0". It refuses
// negative rates, rates above 100, more than four decimal places (finer than
// a Rate holds, so nothing is rounded silently) and anything that is not a
// plain decimal number.
func ParseRate(s string) (Rate, error) {
	whole, frac, hasDot := strings.Cut(strings.TrimSpace(s), ".")
	if !isDigits(whole) || hasDot && !isDigits(frac) {
		return 0, platform.Invalid("rate", "%q is not a percentage", s)
	}
	if len(frac) > 4 {
		return 0, platform.Invalid("rate", "%q has more than 4 decimal places", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 100 {
		return 0, platform.Invalid("rate", "%q is more than 100%%", s)
	}
	// frac has at most 4 digits and only digits, so it parses.
	f, _ := strconv.ParseInt(frac+strings.Repeat("0", 4-len(frac)), 10, 64)
	r := Rate(w*10_000 + f)
	if r > HundredPercent {
		return 0, platform.Invalid("rate", "%q is more than 100%%", s)
	}
	return r, nil
}

// isDigits reports whether s is one or more ASCII digits; unlike strconv it
// refuses signs, so "-5" and "+5" are not percentages.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// String formats the rate as a percentage without trailing zeros and without
// the percent sign, e.g. "19", "8.875", "0"; ParseRate reads it back.
func (r Rate) String() string {
	sign := ""
	if r < 0 {
		sign, r = "-", -r
	}
	s := fmt.Sprintf("%s%d", sign, r/10_000)
	if f := r % 10_000; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%04d", f), "0")
	}
	return s
}

// validate refuses rates outside [0, 100%].
func (r Rate) validate(field string) error {
	if r < 0 || r > HundredPercent {
		return platform.Invalid(field, "rate %s%% is outside 0..100%%", r)
	}
	return nil
}

// TaxRate is the tax rate of a country, or of one region of it, during a
// period. Rates change by law on a date, so each change is a new TaxRate.
type TaxRate struct {
	ID int64
	// Country is an ISO 3166-1 alpha-2 code, e.g. "DE".
	Country string
	// Region is "" for the whole country, else a subdivision code such as
	// the US state "NY"; a region's rate replaces the country's.
	Region string
	// Name labels the tax on invoices, e.g. "VAT" or "MwSt".
	Name string
	Rate Rate
	// ValidFrom is the first instant the rate applies.
	ValidFrom time.Time
	// ValidUntil is the first instant the rate no longer applies (an
	// exclusive bound, so one rate can end exactly where the next begins);
	// zero means open-ended.
	ValidUntil time.Time
}

// Validate checks the rate's fields and names the first one at fault.
func (r TaxRate) Validate() error {
	switch {
	case !isCode(r.Country, 2, 2):
		return platform.Invalid("country", "country must be an upper-case ISO 3166-1 alpha-2 code, got %q", r.Country)
	case r.Region != "" && !isCode(r.Region, 1, 3):
		return platform.Invalid("region", "region must be an upper-case subdivision code of 1 to 3 characters, got %q", r.Region)
	case r.Name == "":
		return platform.Invalid("name", "tax name is required")
	case !r.ValidUntil.IsZero() && !r.ValidUntil.After(r.ValidFrom):
		return platform.Invalid("valid_until", "valid_until must be after valid_from")
	}
	return r.Rate.validate("rate")
}

// isCode reports whether s is min to max upper-case ASCII letters or digits.
func isCode(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// validAt reports whether the rate applies at t.
func (r TaxRate) validAt(t time.Time) bool {
	return !t.Before(r.ValidFrom) && (r.ValidUntil.IsZero() || t.Before(r.ValidUntil))
}

// TaxTable is every tax rate the seller charges, past, present and future.
type TaxTable []TaxRate

// Lookup returns the rate that applies at the given instant to a customer
// in the country and region: the region's own rate if it has one, else the
// whole country's. Codes compare case-insensitively. When rates overlap, the
// first in the table wins.
func (t TaxTable) Lookup(country, region string, at time.Time) (TaxRate, bool) {
	if region != "" {
		if r, ok := t.find(country, region, at); ok {
			return r, true
		}
	}
	return t.find(country, "", at)
}

func (t TaxTable) find(country, region string, at time.Time) (TaxRate, bool) {
	for _, r := range t {
		if strings.EqualFold(r.Country, country) && strings.EqualFold(r.Region, region) && r.validAt(at) {
			return r, true
		}
	}
	return TaxRate{}, false
}

// TaxCustomer is what tax depends on about a customer.
type TaxCustomer struct {
	Country string
	Region  string
	// VATID is the customer's EU VAT identification number, prefixed with
	// its country's VAT code ("FR12345678901", Greece "EL…"). It is trusted
	// as given: checking it against VIES is the caller's job.
	VATID string
	// Exempt marks a customer who pays no tax (a charity or government with
	// an exemption certificate on file).
	Exempt bool
}

// TaxSettings is the seller's side of the tax decision.
type TaxSettings struct {
	// SellerCountry is the ISO 3166-1 alpha-2 country the seller is
	// established in.
	SellerCountry string `json:"seller_country" pattern:"^[A-Z]{2}$"`
	// PricesIncludeTax says that catalog prices are gross (tax included),
	// as consumer prices in the EU usually are.
	PricesIncludeTax bool `json:"prices_include_tax"`
}

// euMembers holds the ISO 3166-1 codes of the 27 EU member states. Greece is
// "GR" here although its VAT prefix is "EL"; see vatIDFor.
var euMembers = map[string]bool{
	"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true,
	"EE": true, "FI": true, "FR": true, "DE": true, "GR": true, "HU": true, "IE": true,
	"IT": true, "LV": true, "LT": true, "LU": true, "MT": true, "NL": true, "PL": true,
	"PT": true, "RO": true, "SK": true, "SI": true, "ES": true, "SE": true,
}

// vatIDFor reports whether vatID looks like a VAT number of the country: its
// country prefix followed by at least one character, spaces ignored. Greek
// numbers carry "EL" officially and "GR" often, so both are accepted.
func vatIDFor(country, vatID string) bool {
	id := strings.ToUpper(strings.Join(strings.Fields(vatID), ""))
	if len(id) <= 2 {
		return false
	}
	p := id[:2]
	return p == country || country == "GR" && p == "EL"
}

// TaxDecision is how an invoice is taxed: the rate, its name for the
// invoice, and why the rate is zero when it is.
type TaxDecision struct {
	Rate Rate
	Name string
	// ReverseCharge means the customer accounts for the VAT (EU business to
	// business across borders); the invoice must say so.
	ReverseCharge bool
	// Exempt means the customer is exempt from tax.
	Exempt bool
	// Inclusive means the amounts taxed are gross (tax included).
	Inclusive bool
}

// DecideTax decides how a sale to the customer at the given instant is
// taxed. An exempt customer pays none. An EU seller selling to a business in
// another EU member state, shown by a VAT id of that state, charges none
// either: the customer self-assesses it (reverse charge). Otherwise tax
// follows the destination: the table's rate for the customer's country and
// region, or zero where the seller has no rate for it (it is not registered
// there).
func DecideTax(settings TaxSettings, table TaxTable, c TaxCustomer, at time.Time) TaxDecision {
	d := TaxDecision{Inclusive: settings.PricesIncludeTax}
	seller, country := strings.ToUpper(settings.SellerCountry), strings.ToUpper(c.Country)
	switch {
	case c.Exempt:
		d.Exempt, d.Name = true, "Tax exempt"
	case euMembers[seller] && euMembers[country] && seller != country && vatIDFor(country, c.VATID):
		d.ReverseCharge, d.Name = true, "Reverse charge"
	default:
		if r, ok := table.Lookup(country, c.Region, at); ok {
			d.Rate, d.Name = r.Rate, r.Name
		}
	}
	return d
}

// TaxResult is the tax on an invoice's lines. Net and Tax have one entry per
// line, in order; the totals are their exact sums, and Total is what the
// customer pays.
type TaxResult struct {
	Net      []Money
	Tax      []Money
	TotalNet Money
	TotalTax Money
	Total    Money
}

// ComputeTax taxes the lines of one invoice that share the decision d,
// rounding once per invoice as the package documentation explains.
//
// With exclusive prices the lines are net: the total tax is
// round(sum × rate). With inclusive prices the lines are gross: the total
// tax is round(sum × rate / (1 + rate)) and the net is the sum less that.
// Either way the per-line tax is the total split over the lines, and with
// inclusive prices each line's net is its gross less its tax.
//
// Negative (discount) lines are allowed; see splitTax for how they share the
// tax. All lines must be of one currency. No lines give a zero TaxResult,
// whose amounts have no currency.
func ComputeTax(lines []Money, d TaxDecision) (TaxResult, error) {
	if err := d.Rate.validate("rate"); err != nil {
		return TaxResult{}, err
	}
	if len(lines) == 0 {
		return TaxResult{}, nil
	}
	sum, err := Sum(lines[0].Currency, lines...)
	if err != nil {
		return TaxResult{}, err
	}
	num, den := int64(d.Rate), int64(HundredPercent)
	if d.Inclusive {
		den += num
	}
	totalTax, err := sum.MulFrac(num, den)
	if err != nil {
		return TaxResult{}, err
	}
	tax, err := splitTax(lines, totalTax, num, den)
	if err != nil {
		return TaxResult{}, err
	}
	res := TaxResult{Net: slices.Clone(lines), Tax: tax, TotalNet: sum, TotalTax: totalTax, Total: sum}
	if d.Inclusive {
		for i := range res.Net {
			// A line's tax never exceeds its gross in size, so this
			// cannot overflow.
			res.Net[i].Amount -= tax[i].Amount
		}
		res.TotalNet.Amount -= totalTax.Amount
	} else if res.Total, err = sum.Add(totalTax); err != nil {
		return TaxResult{}, err
	}
	return res, nil
}

// splitTax shares total, the tax of the whole invoice, among the lines so
// that the shares add up to it exactly and each share has its line's sign.
// Allocate takes only non-negative weights, so the positive lines share the
// tax their own sum would bear, round(positives × num / den), in proportion
// to their amounts, and the negative lines share the rest, total minus that,
// in proportion to their sizes. Rounding is monotonic, so the rest is never
// positive when there are negative lines and is zero when there are none.
func splitTax(lines []Money, total Money, num, den int64) ([]Money, error) {
	cur := total.Currency
	shares := make([]Money, len(lines))
	pos, neg := make([]int64, len(lines)), make([]int64, len(lines))
	positives := Money{Currency: cur}
	for i, l := range lines {
		shares[i] = Money{Currency: cur}
		if l.Amount > 0 {
			pos[i] = l.Amount
			var err error
			if positives, err = positives.Add(l); err != nil {
				return nil, err
			}
		} else {
			neg[i] = -l.Amount
		}
	}
	posTax, err := positives.MulFrac(num, den)
	if err != nil {
		return nil, err
	}
	negTax, err := total.Sub(posTax)
	if err != nil {
		return nil, err
	}
	if err := allocateInto(shares, posTax, pos); err != nil {
		return nil, err
	}
	if err := allocateInto(shares, negTax, neg); err != nil {
		return nil, err
	}
	return shares, nil
}

// allocateInto adds amount, split in proportion to weights, to parts. A zero
// amount adds nothing, which also spares Allocate a list of zero weights.
func allocateInto(parts []Money, amount Money, weights []int64) error {
	if amount.IsZero() {
		return nil
	}
	split, err := amount.Allocate(weights...)
	if err != nil {
		return err
	}
	for i, s := range split {
		parts[i].Amount += s.Amount
	}
	return nil
}
