package billing

import (
	"math"
	"math/rand/v2"
	"testing"

	"ezscale.cloud/platform"
)

// checkCodedErr fails the test unless err carries the code and, when field is not
// empty, the field; code "" means no error is expected.
func checkCodedErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := platform.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
	if field != "" {
		if got := platform.ErrorField(err); got != field {
			t.Fatalf("error field = %q, want %q (err: %v)", got, field, err)
		}
	}
}

func TestLookupCurrencyExponents(t *testing.T) {
	tests := []struct {
		code     string
		want     Currency
		errField string
	}{
		{code: "JPY", want: Currency{Code: "JPY", Exponent: 0}},
		{code: "USD", want: Currency{Code: "USD", Exponent: 2}},
		{code: "BHD", want: Currency{Code: "BHD", Exponent: 3}},
		// Gateways send lower case; it maps to the canonical code.
		{code: "eur", want: Currency{Code: "EUR", Exponent: 2}},
		{code: "XXX", errField: "currency"},
		{code: "", errField: "currency"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, err := LookupCurrency(tt.code)
			if tt.errField != "" {
				checkCodedErr(t, err, platform.EINVALID, tt.errField)
				return
			}
			checkCodedErr(t, err, "", "")
			if got != tt.want {
				t.Errorf("LookupCurrency(%q) = %+v, want %+v", tt.code, got, tt.want)
			}
		})
	}
}

func TestMoneyMulFracRounding(t *testing.T) {
	tests := []struct {
		name     string
		in       Money
		num, den int64
		want     int64
	}{
		// JPY has no minor unit, so tax on yen rounds to whole yen:
		// 999 × 8% = 79.92 is nearer 80 than 79.
		{"JPY 8% of 999 = 79.92 -> 80", Money{999, "JPY"}, 8, 100, 80},
		{"JPY 10% of 999 = 99.9 -> 100", Money{999, "JPY"}, 10, 100, 100},
		{"JPY 10% of 994 = 99.4 -> 99", Money{994, "JPY"}, 10, 100, 99},
		{"JPY half 2.5 -> 3", Money{5, "JPY"}, 1, 2, 3},
		{"JPY half -2.5 -> -3", Money{-5, "JPY"}, 1, 2, -3},
		// USD in cents: 19.99 × 15% = 2.9985 USD = 299.85 cents -> 3.00.
		{"USD 15% of 19.99 = 2.9985 -> 3.00", Money{1999, "USD"}, 15, 100, 300},
		{"USD half 0.025 -> 0.03", Money{5, "USD"}, 1, 2, 3},
		{"USD half -0.025 -> -0.03", Money{-5, "USD"}, 1, 2, -3},
		{"USD just below half 0.0249 -> 0.02", Money{249, "USD"}, 1, 100, 2},
		{"USD just below half -0.0249 -> -0.02", Money{-249, "USD"}, 1, 100, -2},
		{"USD 7/3 = 2.33 -> 2", Money{7, "USD"}, 1, 3, 2},
		{"USD 8/3 = 2.67 -> 3", Money{8, "USD"}, 1, 3, 3},
		{"USD -8/3 = -2.67 -> -3", Money{-8, "USD"}, 1, 3, -3},
		{"USD negative denominator 5/-2 = -2.5 -> -3", Money{5, "USD"}, 1, -2, -3},
		{"USD both negative -5/-2 = 2.5 -> 3", Money{-5, "USD"}, 1, -2, 3},
		{"USD zero", Money{0, "USD"}, 19, 100, 0},
		// BHD in fils: 1.005 × 10% = 0.1005 BHD = 100.5 fils -> 0.101.
		{"BHD 10% of 1.005 = 0.1005 -> 0.101", Money{1005, "BHD"}, 10, 100, 101},
		{"BHD -10% of 1.005 = -0.1005 -> -0.101", Money{1005, "BHD"}, -10, 100, -101},
		{"BHD 1.001 / 3 = 0.33367 -> 0.334", Money{1001, "BHD"}, 1, 3, 334},
		// Operands of 2^31 and more take the big-integer path.
		{"big half (2^40+1)/2 -> up", Money{1<<40 + 1, "USD"}, 1, 2, 1<<39 + 1},
		{"big half -(2^40+1)/2 -> away from zero", Money{-(1<<40 + 1), "USD"}, 1, 2, -(1<<39 + 1)},
		{"big below half 2^40/3 = ….33 -> down", Money{1 << 40, "USD"}, 1, 3, (1 << 40) / 3},
		{"big above half (2^40+1)/3 = ….67 -> up", Money{1<<40 + 1, "USD"}, 1, 3, (1<<40+1)/3 + 1},
		{"big numerator 3 × 2^40 / 2^41 = 1.5 -> 2", Money{3, "USD"}, 1 << 40, 1 << 41, 2},
		{"big exact MaxInt64 × 3 / 3", Money{math.MaxInt64, "USD"}, 3, 3, math.MaxInt64},
		{"big 19% of 100 million USD in ppm", Money{10_000_000_000, "USD"}, 190_000, 1_000_000, 1_900_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.MulFrac(tt.num, tt.den)
			checkCodedErr(t, err, "", "")
			if got.Amount != tt.want || got.Currency != tt.in.Currency {
				t.Errorf("%v × %d/%d = %v (%d), want %d %s", tt.in, tt.num, tt.den, got, got.Amount, tt.want, tt.in.Currency)
			}
		})
	}
}

func TestMoneyMulFracRefusals(t *testing.T) {
	tests := []struct {
		name     string
		in       Money
		num, den int64
	}{
		{"division by zero", Money{100, "USD"}, 1, 0},
		{"overflow MaxInt64 × 2", Money{math.MaxInt64, "USD"}, 2, 1},
		{"overflow MinInt64 × -1", Money{math.MinInt64, "USD"}, -1, 1},
		{"overflow large × large", Money{1 << 40, "USD"}, 1 << 40, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.in.MulFrac(tt.num, tt.den)
			checkCodedErr(t, err, platform.EINVALID, "")
		})
	}
}

func TestMoneyMixedCurrenciesRefused(t *testing.T) {
	usd, eur := Money{100, "USD"}, Money{100, "EUR"}
	ops := map[string]func() error{
		"Add": func() error { _, err := usd.Add(eur); return err },
		"Sub": func() error { _, err := usd.Sub(eur); return err },
		"Cmp": func() error { _, err := usd.Cmp(eur); return err },
		"Sum": func() error { _, err := Sum("USD", usd, eur); return err },
		// Same code in another case is another currency to Money.
		"Add lower case": func() error { _, err := usd.Add(Money{1, "usd"}); return err },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) { checkCodedErr(t, op(), platform.EINVALID, "") })
	}
}

func TestMoneyArithmetic(t *testing.T) {
	a, b := Money{1005, "BHD"}, Money{-7, "BHD"}
	sum, err := a.Add(b)
	checkCodedErr(t, err, "", "")
	if sum != (Money{998, "BHD"}) {
		t.Errorf("Add = %v, want 0.998 BHD", sum)
	}
	diff, err := a.Sub(b)
	checkCodedErr(t, err, "", "")
	if diff != (Money{1012, "BHD"}) {
		t.Errorf("Sub = %v, want 1.012 BHD", diff)
	}
	for _, tt := range []struct {
		x, y Money
		want int
	}{
		{a, b, 1}, {b, a, -1}, {a, a, 0},
	} {
		got, err := tt.x.Cmp(tt.y)
		checkCodedErr(t, err, "", "")
		if got != tt.want {
			t.Errorf("%v.Cmp(%v) = %d, want %d", tt.x, tt.y, got, tt.want)
		}
	}
	total, err := Sum("JPY", Money{1, "JPY"}, Money{2, "JPY"}, Money{-4, "JPY"})
	checkCodedErr(t, err, "", "")
	if total != (Money{-1, "JPY"}) {
		t.Errorf("Sum = %v, want -1 JPY", total)
	}
	if empty, err := Sum("usd"); err != nil || empty != (Money{0, "USD"}) {
		t.Errorf("Sum of nothing = %v, %v; want 0.00 USD", empty, err)
	}
}

func TestMoneyOverflowRefused(t *testing.T) {
	hi, lo := Money{math.MaxInt64, "USD"}, Money{math.MinInt64, "USD"}
	one := Money{1, "USD"}
	refused := map[string]func() error{
		"Max + 1":  func() error { _, err := hi.Add(one); return err },
		"Min + -1": func() error { _, err := lo.Add(one.Neg()); return err },
		"Min - 1":  func() error { _, err := lo.Sub(one); return err },
		"Max - -1": func() error { _, err := hi.Sub(one.Neg()); return err },
		"0 - Min":  func() error { _, err := Zero("USD").Sub(lo); return err },
		"Max × 2":  func() error { _, err := hi.Mul(2); return err },
		"Sum":      func() error { _, err := Sum("USD", hi, one); return err },
	}
	for name, op := range refused {
		t.Run(name, func(t *testing.T) { checkCodedErr(t, op(), platform.EINVALID, "") })
	}
	// The limits themselves are reachable.
	if got, err := hi.Add(Zero("USD")); err != nil || got != hi {
		t.Errorf("Max + 0 = %v, %v", got, err)
	}
	if got, err := hi.Add(one.Neg()); err != nil || got.Amount != math.MaxInt64-1 {
		t.Errorf("Max + -1 = %v, %v", got, err)
	}
	if got, err := (Money{math.MinInt64 + 1, "USD"}).Sub(one); err != nil || got != lo {
		t.Errorf("(Min+1) - 1 = %v, %v", got, err)
	}
}

func TestMoneyAllocate(t *testing.T) {
	tests := []struct {
		name    string
		amount  Money
		weights []int64
		want    []int64
	}{
		{"classic 100 split 3 ways", Money{100, "USD"}, []int64{1, 1, 1}, []int64{34, 33, 33}},
		{"negative keeps its sign", Money{-100, "USD"}, []int64{1, 1, 1}, []int64{-34, -33, -33}},
		// 101 × 50/100 = 50.5, the others 25.25: the half is the largest
		// remainder.
		{"largest remainder", Money{101, "EUR"}, []int64{50, 25, 25}, []int64{51, 25, 25}},
		// 11/7 = 1 r4, 33/7 = 4 r5 twice: the later, larger remainders win
		// over the earlier one.
		{"largest remainder beats earliest", Money{11, "EUR"}, []int64{1, 3, 3}, []int64{1, 5, 5}},
		{"ties go to the earliest", Money{5, "JPY"}, []int64{1, 0, 1}, []int64{3, 0, 2}},
		{"zero weight gets nothing", Money{1, "JPY"}, []int64{0, 1, 1}, []int64{0, 1, 0}},
		{"exact split", Money{1000, "BHD"}, []int64{3, 7}, []int64{300, 700}},
		{"zero amount", Money{0, "USD"}, []int64{1, 2}, []int64{0, 0}},
		{"one weight takes all", Money{12345, "USD"}, []int64{9}, []int64{12345}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts, err := tt.amount.Allocate(tt.weights...)
			checkCodedErr(t, err, "", "")
			if len(parts) != len(tt.want) {
				t.Fatalf("got %d parts, want %d", len(parts), len(tt.want))
			}
			for i, p := range parts {
				if p.Amount != tt.want[i] || p.Currency != tt.amount.Currency {
					t.Errorf("part %d = %v (%d), want %d %s", i, p, p.Amount, tt.want[i], tt.amount.Currency)
				}
			}
		})
	}
}

func TestMoneyAllocateRefusals(t *testing.T) {
	for name, weights := range map[string][]int64{
		"no weights":      nil,
		"negative weight": {1, -1},
		"all zero":        {0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Money{100, "USD"}.Allocate(weights...)
			checkCodedErr(t, err, platform.EINVALID, "")
		})
	}
}

// TestMoneyAllocateNeverLosesACent checks on many random splits that the
// parts add up to the amount exactly and that each part is its exact share
// rounded down or up by at most one minor unit.
func TestMoneyAllocateNeverLosesACent(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 1))
	for i := range 5000 {
		amount := rng.Int64N(2_000_000_001) - 1_000_000_000
		weights := make([]int64, 1+rng.IntN(8))
		var total int64
		for j := range weights {
			if rng.IntN(5) > 0 { // leave some weights at zero
				weights[j] = rng.Int64N(1_000_000)
			}
			total += weights[j]
		}
		if total == 0 {
			weights[0], total = 1, 1
		}
		parts, err := Money{amount, "USD"}.Allocate(weights...)
		if err != nil {
			t.Fatalf("case %d: Allocate(%d, %v): %v", i, amount, weights, err)
		}
		var sum int64
		for j, p := range parts {
			sum += p.Amount
			// Shares of |amount| fit in int64 here: 1e9 × 1e6.
			abs, sign := amount, int64(1)
			if abs < 0 {
				abs, sign = -abs, -1
			}
			floor := abs * weights[j] / total
			if got := sign * p.Amount; got != floor && got != floor+1 {
				t.Fatalf("case %d: Allocate(%d, %v) part %d = %d, exact share is %d/%d", i, amount, weights, j, p.Amount, sign*abs*weights[j], total)
			}
			if weights[j] == 0 && p.Amount != 0 {
				t.Fatalf("case %d: zero weight got %d", i, p.Amount)
			}
		}
		if sum != amount {
			t.Fatalf("case %d: Allocate(%d, %v) parts sum to %d", i, amount, weights, sum)
		}
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in, currency string
		want         Money
		errField     string
	}{
		{in: "1.5", currency: "BHD", want: Money{1500, "BHD"}},
		{in: "1.005", currency: "BHD", want: Money{1005, "BHD"}},
		{in: "-0.07", currency: "USD", want: Money{-7, "USD"}},
		{in: "12.3", currency: "USD", want: Money{1230, "USD"}},
		{in: " 12.34 ", currency: "USD", want: Money{1234, "USD"}},
		{in: "0", currency: "EUR", want: Money{0, "EUR"}},
		{in: "1200", currency: "JPY", want: Money{1200, "JPY"}},
		{in: "1.00", currency: "usd", want: Money{100, "USD"}},
		{in: "92233720368547758.07", currency: "USD", want: Money{math.MaxInt64, "USD"}},
		{in: "-92233720368547758.08", currency: "USD", want: Money{math.MinInt64, "USD"}},
		// More places than the currency has would need rounding: refused.
		{in: "1.234", currency: "USD", errField: "amount"},
		{in: "12.5", currency: "JPY", errField: "amount"},
		{in: "1.2345", currency: "BHD", errField: "amount"},
		{in: "92233720368547758.08", currency: "USD", errField: "amount"},
		{in: "", currency: "USD", errField: "amount"},
		{in: "-", currency: "USD", errField: "amount"},
		{in: "abc", currency: "USD", errField: "amount"},
		{in: "1.", currency: "USD", errField: "amount"},
		{in: ".5", currency: "USD", errField: "amount"},
		{in: "+1", currency: "USD", errField: "amount"},
		{in: "--1", currency: "USD", errField: "amount"},
		{in: "1,00", currency: "USD", errField: "amount"},
		{in: "1e3", currency: "USD", errField: "amount"},
		{in: "1_000", currency: "USD", errField: "amount"},
		{in: "1.2.3", currency: "BHD", errField: "amount"},
		{in: "1", currency: "XXX", errField: "currency"},
	}
	for _, tt := range tests {
		t.Run(tt.in+" "+tt.currency, func(t *testing.T) {
			got, err := ParseMoney(tt.in, tt.currency)
			if tt.errField != "" {
				checkCodedErr(t, err, platform.EINVALID, tt.errField)
				return
			}
			checkCodedErr(t, err, "", "")
			if got != tt.want {
				t.Errorf("ParseMoney(%q, %q) = %+v, want %+v", tt.in, tt.currency, got, tt.want)
			}
		})
	}
}

func TestMoneyDecimal(t *testing.T) {
	tests := []struct {
		in   Money
		want string
	}{
		{Money{0, "USD"}, "0.00"},
		{Money{5, "USD"}, "0.05"},
		{Money{-5, "USD"}, "-0.05"},
		{Money{-7, "USD"}, "-0.07"},
		{Money{1234, "USD"}, "12.34"},
		{Money{1200, "JPY"}, "1200"},
		{Money{-7, "JPY"}, "-7"},
		{Money{1500, "BHD"}, "1.500"},
		{Money{1, "BHD"}, "0.001"},
		{Money{math.MinInt64, "USD"}, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := tt.in.Decimal(); got != tt.want {
			t.Errorf("%d %s: Decimal() = %q, want %q", tt.in.Amount, tt.in.Currency, got, tt.want)
		}
	}
	if got := (Money{1234, "USD"}).String(); got != "12.34 USD" {
		t.Errorf("String() = %q, want %q", got, "12.34 USD")
	}
}

// TestMoneyDecimalRoundTrip checks that ParseMoney reads back what Decimal
// writes, for every exponent, the limits and random amounts.
func TestMoneyDecimalRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	amounts := []int64{0, 1, -1, 9, 10, 99, 100, 101, -1005, math.MaxInt64, math.MinInt64}
	for range 500 {
		amounts = append(amounts, rng.Int64()>>rng.IntN(63)*(1-2*rng.Int64N(2)))
	}
	for _, cur := range []string{"JPY", "USD", "BHD"} {
		for _, a := range amounts {
			m := Money{a, cur}
			got, err := ParseMoney(m.Decimal(), cur)
			if err != nil || got != m {
				t.Fatalf("ParseMoney(%q, %s) = %+v, %v; want %+v", m.Decimal(), cur, got, err, m)
			}
		}
	}
}
