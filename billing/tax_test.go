package billing

import (
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"ezscale.cloud/platform"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		want    Rate
		refused bool
	}{
		{in: "19", want: 190_000},
		{in: "8.875", want: 88_750},
		{in: "0", want: 0},
		{in: "7.7", want: 77_000},
		{in: "100", want: HundredPercent},
		{in: "100.0000", want: HundredPercent},
		{in: "0.0001", want: 1},
		{in: " 20 ", want: 200_000},
		{in: "05.50", want: 55_000},
		{in: "-1", refused: true},
		{in: "-0", refused: true},
		{in: "100.0001", refused: true},
		{in: "101", refused: true},
		{in: "1.23456", refused: true},
		{in: "99999999999999999999", refused: true},
		{in: "abc", refused: true},
		{in: "", refused: true},
		{in: "1.", refused: true},
		{in: ".5", refused: true},
		{in: "+5", refused: true},
		{in: "19%", refused: true},
		{in: "1e2", refused: true},
		{in: "1.2.3", refused: true},
		{in: "1.-5", refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRate(tt.in)
			if tt.refused {
				checkCodedErr(t, err, platform.EINVALID, "rate")
				return
			}
			checkCodedErr(t, err, "", "")
			if got != tt.want {
				t.Errorf("ParseRate(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestRateString(t *testing.T) {
	tests := []struct {
		in   Rate
		want string
	}{
		{190_000, "19"},
		{88_750, "8.875"},
		{77_000, "7.7"},
		{0, "0"},
		{1, "0.0001"},
		{10_000, "1"},
		{HundredPercent, "100"},
		{-55_000, "-5.5"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Rate(%d).String() = %q, want %q", tt.in, got, tt.want)
		}
		if tt.in < 0 {
			continue
		}
		if back, err := ParseRate(tt.want); err != nil || back != tt.in {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", tt.want, back, err, tt.in)
		}
	}
}

func TestTaxRateValidate(t *testing.T) {
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	valid := TaxRate{Country: "US", Region: "NY", Name: "Sales tax", Rate: 88_750, ValidFrom: from}
	tests := []struct {
		name   string
		change func(*TaxRate)
		field  string
	}{
		{"valid", func(*TaxRate) {}, ""},
		{"whole country", func(r *TaxRate) { r.Region = "" }, ""},
		{"zero rate", func(r *TaxRate) { r.Rate = 0 }, ""},
		{"hundred percent", func(r *TaxRate) { r.Rate = HundredPercent }, ""},
		{"bounded", func(r *TaxRate) { r.ValidUntil = from.Add(time.Second) }, ""},
		{"country lower case", func(r *TaxRate) { r.Country = "us" }, "country"},
		{"country alpha-3", func(r *TaxRate) { r.Country = "USA" }, "country"},
		{"country missing", func(r *TaxRate) { r.Country = "" }, "country"},
		{"region lower case", func(r *TaxRate) { r.Region = "ny" }, "region"},
		{"region too long", func(r *TaxRate) { r.Region = "ABCD" }, "region"},
		{"name missing", func(r *TaxRate) { r.Name = "" }, "name"},
		{"negative rate", func(r *TaxRate) { r.Rate = -1 }, "rate"},
		{"rate above 100%", func(r *TaxRate) { r.Rate = HundredPercent + 1 }, "rate"},
		{"empty period", func(r *TaxRate) { r.ValidUntil = from }, "valid_until"},
		{"period backwards", func(r *TaxRate) { r.ValidUntil = from.Add(-time.Hour) }, "valid_until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid
			tt.change(&r)
			if tt.field == "" {
				checkCodedErr(t, r.Validate(), "", "")
				return
			}
			checkCodedErr(t, r.Validate(), platform.EINVALID, tt.field)
		})
	}
}

// testTaxTable is a small table of real rates, with the dated Swiss change;
// the US has no federal sales tax, hence its 0% country rate beside the New
// York state rate.
var testTaxTable = TaxTable{
	{ID: 1, Country: "DE", Name: "MwSt", Rate: 190_000},
	{ID: 2, Country: "FR", Name: "TVA", Rate: 200_000},
	{ID: 3, Country: "GR", Name: "ΦΠΑ", Rate: 240_000},
	{ID: 4, Country: "CH", Name: "MWST", Rate: 77_000,
		ValidFrom: utcDay(2018, 1, 1), ValidUntil: utcDay(2024, 1, 1)},
	{ID: 5, Country: "CH", Name: "MWST", Rate: 81_000, ValidFrom: utcDay(2024, 1, 1)},
	{ID: 6, Country: "US", Name: "No sales tax", Rate: 0},
	{ID: 7, Country: "US", Region: "NY", Name: "NY sales tax", Rate: 88_750},
}

func utcDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestTaxTableLookup(t *testing.T) {
	for _, r := range testTaxTable {
		if err := r.Validate(); err != nil {
			t.Fatalf("test table rate %d: %v", r.ID, err)
		}
	}
	now := utcDay(2025, 6, 1)
	tests := []struct {
		name            string
		country, region string
		at              time.Time
		wantID          int64 // 0: no rate
	}{
		{"CH last second of 7.7%", "CH", "", utcDay(2024, 1, 1).Add(-time.Second), 4},
		{"CH 8.1% from 2024-01-01 (ValidUntil is exclusive)", "CH", "", utcDay(2024, 1, 1), 5},
		{"CH 8.1% later", "CH", "", now, 5},
		{"CH before any rate", "CH", "", utcDay(2017, 12, 31), 0},
		{"US-NY region over country", "US", "NY", now, 7},
		{"US state without its own rate falls back to country", "US", "CA", now, 6},
		{"US without region", "US", "", now, 6},
		{"codes compare case-insensitively", "us", "ny", now, 7},
		{"region of a country with one rate", "DE", "BY", now, 1},
		{"country without a rate", "BR", "", now, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := testTaxTable.Lookup(tt.country, tt.region, tt.at)
			if ok != (tt.wantID != 0) || got.ID != tt.wantID {
				t.Errorf("Lookup(%q, %q, %s) = rate %d, %v; want rate %d", tt.country, tt.region, tt.at, got.ID, ok, tt.wantID)
			}
		})
	}
}

func TestEUMembers(t *testing.T) {
	if len(euMembers) != 27 {
		t.Errorf("euMembers has %d countries, want 27", len(euMembers))
	}
	for code, want := range map[string]bool{"DE": true, "FR": true, "GR": true, "HR": true, "EL": false, "GB": false, "CH": false, "NO": false} {
		if euMembers[code] != want {
			t.Errorf("euMembers[%q] = %v, want %v", code, euMembers[code], want)
		}
	}
}

func TestDecideTax(t *testing.T) {
	de := TaxSettings{SellerCountry: "DE"}
	now := utcDay(2025, 6, 1)
	tests := []struct {
		name     string
		settings TaxSettings
		customer TaxCustomer
		at       time.Time
		want     TaxDecision
	}{
		{"EU B2B reverse charge: FR business, DE seller", de,
			TaxCustomer{Country: "FR", VATID: "FR12345678901"}, now,
			TaxDecision{Name: "Reverse charge", ReverseCharge: true}},
		{"VAT id with spaces and lower case", TaxSettings{SellerCountry: "de"},
			TaxCustomer{Country: "fr", VATID: " fr 123 456 789 01"}, now,
			TaxDecision{Name: "Reverse charge", ReverseCharge: true}},
		{"Greek VAT id with prefix EL", de,
			TaxCustomer{Country: "GR", VATID: "EL123456789"}, now,
			TaxDecision{Name: "Reverse charge", ReverseCharge: true}},
		{"Greek VAT id with prefix GR", de,
			TaxCustomer{Country: "GR", VATID: "GR123456789"}, now,
			TaxDecision{Name: "Reverse charge", ReverseCharge: true}},
		{"reverse charge keeps the inclusive flag", TaxSettings{SellerCountry: "DE", PricesIncludeTax: true},
			TaxCustomer{Country: "FR", VATID: "FR12345678901"}, now,
			TaxDecision{Name: "Reverse charge", ReverseCharge: true, Inclusive: true}},
		{"same-country B2B pays domestic VAT", de,
			TaxCustomer{Country: "DE", VATID: "DE123456789"}, now,
			TaxDecision{Rate: 190_000, Name: "MwSt"}},
		{"FR consumer pays FR VAT (destination)", de,
			TaxCustomer{Country: "FR"}, now,
			TaxDecision{Rate: 200_000, Name: "TVA"}},
		{"VAT id of another country is no proof of an FR business", de,
			TaxCustomer{Country: "FR", VATID: "DE123456789"}, now,
			TaxDecision{Rate: 200_000, Name: "TVA"}},
		{"bare prefix is no VAT id", de,
			TaxCustomer{Country: "FR", VATID: "FR"}, now,
			TaxDecision{Rate: 200_000, Name: "TVA"}},
		{"exempt customer", de,
			TaxCustomer{Country: "DE", Exempt: true}, now,
			TaxDecision{Name: "Tax exempt", Exempt: true}},
		{"exempt wins over reverse charge", de,
			TaxCustomer{Country: "FR", VATID: "FR12345678901", Exempt: true}, now,
			TaxDecision{Name: "Tax exempt", Exempt: true}},
		{"non-EU customer without a rate pays nothing", de,
			TaxCustomer{Country: "BR", VATID: "BR123"}, now,
			TaxDecision{}},
		{"CH 7.7% in 2023", de,
			TaxCustomer{Country: "CH"}, utcDay(2023, 12, 31),
			TaxDecision{Rate: 77_000, Name: "MWST"}},
		{"CH 8.1% from 2024", de,
			TaxCustomer{Country: "CH"}, utcDay(2024, 1, 1),
			TaxDecision{Rate: 81_000, Name: "MWST"}},
		{"US-NY state rate", TaxSettings{SellerCountry: "US"},
			TaxCustomer{Country: "US", Region: "NY"}, now,
			TaxDecision{Rate: 88_750, Name: "NY sales tax"}},
		{"inclusive prices", TaxSettings{SellerCountry: "DE", PricesIncludeTax: true},
			TaxCustomer{Country: "DE"}, now,
			TaxDecision{Rate: 190_000, Name: "MwSt", Inclusive: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DecideTax(tt.settings, testTaxTable, tt.customer, tt.at); got != tt.want {
				t.Errorf("DecideTax = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// eurLines, jpyLines and bhdLines build invoice lines from minor units.
func eurLines(amounts ...int64) []Money { return linesOf("EUR", amounts) }
func jpyLines(amounts ...int64) []Money { return linesOf("JPY", amounts) }
func bhdLines(amounts ...int64) []Money { return linesOf("BHD", amounts) }

func linesOf(currency string, amounts []int64) []Money {
	ms := make([]Money, len(amounts))
	for i, a := range amounts {
		ms[i] = Money{a, currency}
	}
	return ms
}

func TestComputeTax(t *testing.T) {
	vat19 := TaxDecision{Rate: 190_000}
	vat19incl := TaxDecision{Rate: 190_000, Inclusive: true}
	tests := []struct {
		name     string
		lines    []Money
		d        TaxDecision
		net, tax []Money
		total    Money
	}{
		// 3 × 9.99 = 29.97; 29.97 × 19% = 5.6943 -> 5.69, shared 1.90,
		// 1.90, 1.89 (largest remainder, earliest first on ties).
		{"DE 19% exclusive, three lines", eurLines(999, 999, 999), vat19,
			eurLines(999, 999, 999), eurLines(190, 190, 189), Money{3566, "EUR"}},
		// 119.00 × 0.19 / 1.19 = 19.00 exactly.
		{"19% inclusive on 119.00", eurLines(11900), vat19incl,
			eurLines(10000), eurLines(1900), Money{11900, "EUR"}},
		// 29.97 × 0.19 / 1.19 = 4.7851 -> 4.79, shared 1.60, 1.60, 1.59.
		{"19% inclusive, three lines", eurLines(999, 999, 999), vat19incl,
			eurLines(839, 839, 840), eurLines(160, 160, 159), Money{2997, "EUR"}},
		// 999 × 10% = 99.9 -> 100 yen.
		{"JPY 10% on 999", jpyLines(999), TaxDecision{Rate: 100_000},
			jpyLines(999), jpyLines(100), Money{1099, "JPY"}},
		// 1.005 × 10% = 0.1005 -> 0.101, half away from zero.
		{"BHD 10% on 1.005", bhdLines(1005), TaxDecision{Rate: 100_000},
			bhdLines(1005), bhdLines(101), Money{1106, "BHD"}},
		// Sum 120.00 -> tax 22.80; the positive lines bear 150.00 × 19% =
		// 28.50 shared 19.00/9.50, the discount line the rest, -5.70.
		{"discount line", eurLines(10000, 5000, -3000), vat19,
			eurLines(10000, 5000, -3000), eurLines(1900, 950, -570), Money{14280, "EUR"}},
		// Sum 0.07 × 19% = 0.0133 -> 0.01; positives 0.10 × 19% = 0.019 ->
		// 0.02 shared 0.01/0.01; the discount line gets 0.01 − 0.02.
		{"discount line with rounding", eurLines(5, 5, -3), vat19,
			eurLines(5, 5, -3), eurLines(1, 1, -1), Money{8, "EUR"}},
		// A discount larger than the charges: sum -10.00, tax -1.90 =
		// 1.90 on the charge and -3.80 on the discount.
		{"negative sum", eurLines(1000, -2000), vat19,
			eurLines(1000, -2000), eurLines(190, -380), Money{-1190, "EUR"}},
		// 107.10 gross × 0.19 / 1.19 = 17.10; positives 119.00 bear 19.00,
		// the discount -1.90.
		{"inclusive with discount line", eurLines(11900, -1190), vat19incl,
			eurLines(10000, -1000), eurLines(1900, -190), Money{10710, "EUR"}},
		{"zero line gets no tax", eurLines(1000, 0, 500), vat19,
			eurLines(1000, 0, 500), eurLines(190, 0, 95), Money{1785, "EUR"}},
		{"all lines zero", eurLines(0, 0), vat19,
			eurLines(0, 0), eurLines(0, 0), Money{0, "EUR"}},
		{"reverse charge: zero rate", eurLines(999, 999), TaxDecision{ReverseCharge: true},
			eurLines(999, 999), eurLines(0, 0), Money{1998, "EUR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ComputeTax(tt.lines, tt.d)
			checkCodedErr(t, err, "", "")
			assertMoneys(t, "Net", res.Net, tt.net)
			assertMoneys(t, "Tax", res.Tax, tt.tax)
			if res.Total != tt.total {
				t.Errorf("Total = %v, want %v", res.Total, tt.total)
			}
			checkTaxResult(t, tt.lines, tt.d, res)
		})
	}
}

func assertMoneys(t *testing.T, what string, got, want []Money) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}

// checkTaxResult checks what must hold for any lines and decision: the
// totals are the sums of the per-line amounts and the total tax is the
// exactly computed tax of the sum rounded once, half away from zero.
func checkTaxResult(t *testing.T, lines []Money, d TaxDecision, res TaxResult) {
	t.Helper()
	var sum, sumNet, sumTax int64
	for i, l := range lines {
		sum += l.Amount
		sumNet += res.Net[i].Amount
		sumTax += res.Tax[i].Amount
		if res.Net[i].Currency != l.Currency || res.Tax[i].Currency != l.Currency {
			t.Errorf("line %d: currencies %s/%s, want %s", i, res.Net[i].Currency, res.Tax[i].Currency, l.Currency)
		}
		if d.Inclusive && res.Net[i].Amount+res.Tax[i].Amount != l.Amount || !d.Inclusive && res.Net[i] != l {
			t.Errorf("line %d: net %v + tax %v does not make line %v", i, res.Net[i], res.Tax[i], l)
		}
		// A line's tax has the line's sign and is never larger than it.
		if l.Amount*res.Tax[i].Amount < 0 || l.Amount == 0 && res.Tax[i].Amount != 0 ||
			d.Inclusive && absMinor(res.Tax[i].Amount) > absMinor(l.Amount) {
			t.Errorf("line %d: tax %v on line %v", i, res.Tax[i], l)
		}
	}
	if sumNet != res.TotalNet.Amount || sumTax != res.TotalTax.Amount {
		t.Errorf("lines sum to net %d tax %d, totals are %v and %v", sumNet, sumTax, res.TotalNet, res.TotalTax)
	}
	if res.TotalNet.Amount+res.TotalTax.Amount != res.Total.Amount {
		t.Errorf("TotalNet %v + TotalTax %v != Total %v", res.TotalNet, res.TotalTax, res.Total)
	}
	den := int64(HundredPercent)
	if d.Inclusive {
		den += int64(d.Rate)
	}
	exact := new(big.Rat).SetFrac(big.NewInt(sum*int64(d.Rate)), big.NewInt(den))
	if want := roundHalfAway(exact); res.TotalTax.Amount != want {
		t.Errorf("TotalTax = %v, want round(%s) = %d", res.TotalTax, exact.FloatString(4), want)
	}
}

func absMinor(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// roundHalfAway rounds r to an integer, halves away from zero: an oracle
// independent of the package's integer rounding.
func roundHalfAway(r *big.Rat) int64 {
	a := new(big.Rat).Abs(r)
	a.Add(a, big.NewRat(1, 2))
	n := new(big.Int).Quo(a.Num(), a.Denom())
	if r.Sign() < 0 {
		n.Neg(n)
	}
	return n.Int64()
}

// TestPerLineRoundingDiffers documents why tax is rounded per invoice: the
// same three lines rounded one by one bear a cent more than the invoice.
func TestPerLineRoundingDiffers(t *testing.T) {
	var perLine int64
	for _, l := range eurLines(999, 999, 999) {
		tax, err := l.MulFrac(190_000, int64(HundredPercent)) // 1.8981 -> 1.90
		checkCodedErr(t, err, "", "")
		perLine += tax.Amount
	}
	res, err := ComputeTax(eurLines(999, 999, 999), TaxDecision{Rate: 190_000})
	checkCodedErr(t, err, "", "")
	if perLine != 570 || res.TotalTax.Amount != 569 {
		t.Errorf("per-line tax %d, per-invoice tax %v; want 5.70 and 5.69", perLine, res.TotalTax)
	}
}

// TestComputeTaxProperties runs checkTaxResult over many random invoices
// with discount lines, both exclusive and inclusive.
func TestComputeTaxProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 7))
	for range 3000 {
		lines := make([]Money, 1+rng.IntN(6))
		for i := range lines {
			lines[i] = Money{rng.Int64N(200_000) - 40_000, "USD"}
		}
		d := TaxDecision{Rate: Rate(rng.Int64N(int64(HundredPercent) + 1)), Inclusive: rng.IntN(2) == 0}
		res, err := ComputeTax(lines, d)
		if err != nil {
			t.Fatalf("ComputeTax(%v, %+v): %v", lines, d, err)
		}
		checkTaxResult(t, lines, d, res)
		if t.Failed() {
			t.Fatalf("ComputeTax(%v, %+v) = %+v", lines, d, res)
		}
	}
}

func TestComputeTaxRefusals(t *testing.T) {
	tests := []struct {
		name  string
		lines []Money
		d     TaxDecision
		field string
	}{
		{"mixed currencies", []Money{{100, "EUR"}, {100, "USD"}}, TaxDecision{Rate: 190_000}, ""},
		{"negative rate", eurLines(100), TaxDecision{Rate: -1}, "rate"},
		{"rate above 100%", eurLines(100), TaxDecision{Rate: HundredPercent + 1}, "rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ComputeTax(tt.lines, tt.d)
			checkCodedErr(t, err, platform.EINVALID, tt.field)
		})
	}
}

func TestComputeTaxNoLines(t *testing.T) {
	res, err := ComputeTax(nil, TaxDecision{Rate: 190_000})
	checkCodedErr(t, err, "", "")
	if res.Net != nil || res.Tax != nil || !res.TotalNet.IsZero() || !res.TotalTax.IsZero() || !res.Total.IsZero() {
		t.Errorf("ComputeTax(nil) = %+v, want zero totals", res)
	}
}

// TestComputeTaxDoesNotAliasLines checks that the result's Net slice is a
// copy, so editing it cannot change the caller's lines.
func TestComputeTaxDoesNotAliasLines(t *testing.T) {
	lines := eurLines(100)
	res, err := ComputeTax(lines, TaxDecision{Rate: 190_000})
	checkCodedErr(t, err, "", "")
	res.Net[0].Amount = 1
	if lines[0].Amount != 100 {
		t.Errorf("changing Net changed the caller's line to %v", lines[0])
	}
}
