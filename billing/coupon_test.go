package billing

import (
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
)

func TestNormalizeCouponCode(t *testing.T) {
	for in, want := range map[string]string{
		"  spring25 ":       "SPRING25",
		"Black-Friday_2025": "BLACK-FRIDAY_2025",
		"\tWELCOME\n":       "WELCOME",
		"":                  "",
	} {
		if got := NormalizeCouponCode(in); got != want {
			t.Errorf("NormalizeCouponCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// testPercentCoupon returns a valid 15% coupon for plans 1 and 2 that expires on
// 1 April 2025 and has 3 of its 10 uses taken.
func testPercentCoupon() *Coupon {
	return &Coupon{
		ID: 1, Code: "SPRING15", Kind: CouponPercent, Percent: 150_000,
		PlanIDs: []int64{1, 2}, MaxUses: 10, TimesUsed: 3,
		ExpiresAt: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC),
		Duration:  CouponOnce, Active: true,
	}
}

// testFixedCoupon returns a valid coupon taking 5.00 EUR off, with no other
// currency.
func testFixedCoupon() *Coupon {
	return &Coupon{
		ID: 2, Code: "FIVE-EUR", Kind: CouponFixed, AmountsOff: map[string]int64{"EUR": 500},
		Duration: CouponForever, Active: true,
	}
}

func TestCouponValidate(t *testing.T) {
	tests := []struct {
		name   string
		coupon func() *Coupon
		change func(*Coupon)
		field  string
	}{
		{"valid percent", testPercentCoupon, func(*Coupon) {}, ""},
		{"valid fixed", testFixedCoupon, func(*Coupon) {}, ""},
		{"code of 3", testPercentCoupon, func(c *Coupon) { c.Code = "A_1" }, ""},
		{"code of 40", testPercentCoupon, func(c *Coupon) { c.Code = strings.Repeat("X", 40) }, ""},
		{"code missing", testPercentCoupon, func(c *Coupon) { c.Code = "" }, "code"},
		{"code of 2", testPercentCoupon, func(c *Coupon) { c.Code = "AB" }, "code"},
		{"code of 41", testPercentCoupon, func(c *Coupon) { c.Code = strings.Repeat("X", 41) }, "code"},
		{"code not normalized", testPercentCoupon, func(c *Coupon) { c.Code = "spring15" }, "code"},
		{"code with a space", testPercentCoupon, func(c *Coupon) { c.Code = "SPRING 15" }, "code"},
		{"code with a non-ASCII letter", testPercentCoupon, func(c *Coupon) { c.Code = "SPRÍNG" }, "code"},
		{"kind missing", testPercentCoupon, func(c *Coupon) { c.Kind = "" }, "kind"},
		{"kind unknown", testPercentCoupon, func(c *Coupon) { c.Kind = "bogo" }, "kind"},
		{"percent 100", testPercentCoupon, func(c *Coupon) { c.Percent = HundredPercent }, ""},
		{"percent zero", testPercentCoupon, func(c *Coupon) { c.Percent = 0 }, "percent"},
		{"percent negative", testPercentCoupon, func(c *Coupon) { c.Percent = -1 }, "percent"},
		{"percent above 100", testPercentCoupon, func(c *Coupon) { c.Percent = HundredPercent + 1 }, "percent"},
		{"fixed without amounts", testFixedCoupon, func(c *Coupon) { c.AmountsOff = nil }, "amounts_off"},
		{"fixed with zero amount", testFixedCoupon, func(c *Coupon) { c.AmountsOff = map[string]int64{"EUR": 0} }, "amounts_off"},
		{"fixed with negative amount", testFixedCoupon, func(c *Coupon) { c.AmountsOff["USD"] = -1 }, "amounts_off"},
		{"fixed with unknown currency", testFixedCoupon, func(c *Coupon) { c.AmountsOff = map[string]int64{"XXX": 500} }, "amounts_off"},
		{"fixed with lower-case currency", testFixedCoupon, func(c *Coupon) { c.AmountsOff = map[string]int64{"eur": 500} }, "amounts_off"},
		{"fixed in several currencies", testFixedCoupon, func(c *Coupon) { c.AmountsOff["JPY"] = 700 }, ""},
		{"duration missing", testPercentCoupon, func(c *Coupon) { c.Duration = "" }, "duration"},
		{"repeating with cycles", testPercentCoupon, func(c *Coupon) { c.Duration, c.DurationCycles = CouponRepeating, 3 }, ""},
		{"repeating without cycles", testPercentCoupon, func(c *Coupon) { c.Duration = CouponRepeating }, "duration_cycles"},
		{"repeating with negative cycles", testPercentCoupon, func(c *Coupon) { c.Duration, c.DurationCycles = CouponRepeating, -1 }, "duration_cycles"},
		{"negative max uses", testPercentCoupon, func(c *Coupon) { c.MaxUses = -1 }, "max_uses"},
		{"negative times used", testPercentCoupon, func(c *Coupon) { c.TimesUsed = -1 }, "times_used"},
		{"trial extension of a year", testPercentCoupon, func(c *Coupon) { c.TrialExtensionDays = 365 }, ""},
		{"trial extension above a year", testPercentCoupon, func(c *Coupon) { c.TrialExtensionDays = 366 }, "trial_extension_days"},
		{"negative trial extension", testPercentCoupon, func(c *Coupon) { c.TrialExtensionDays = -1 }, "trial_extension_days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.coupon()
			tt.change(c)
			if tt.field == "" {
				checkCodedErr(t, c.Validate(), "", "")
				return
			}
			checkCodedErr(t, c.Validate(), platform.EINVALID, tt.field)
		})
	}
}

func TestCouponCheckApplicable(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	expiry := testPercentCoupon().ExpiresAt
	tests := []struct {
		name     string
		coupon   func() *Coupon
		change   func(*Coupon)
		planID   int64
		currency string
		now      time.Time
		code     string
	}{
		{"applicable", testPercentCoupon, func(*Coupon) {}, 1, "USD", now, ""},
		{"inactive", testPercentCoupon, func(c *Coupon) { c.Active = false }, 1, "USD", now, platform.EINVALID},
		{"last second before expiry", testPercentCoupon, func(*Coupon) {}, 1, "USD", expiry.Add(-time.Second), ""},
		{"expired at ExpiresAt", testPercentCoupon, func(*Coupon) {}, 1, "USD", expiry, platform.EINVALID},
		{"expired after ExpiresAt", testPercentCoupon, func(*Coupon) {}, 1, "USD", expiry.AddDate(1, 0, 0), platform.EINVALID},
		{"never expires", testPercentCoupon, func(c *Coupon) { c.ExpiresAt = time.Time{} }, 1, "USD", expiry.AddDate(10, 0, 0), ""},
		{"other listed plan", testPercentCoupon, func(*Coupon) {}, 2, "USD", now, ""},
		{"plan not listed", testPercentCoupon, func(*Coupon) {}, 3, "USD", now, platform.EINVALID},
		{"no plan list means every plan", testPercentCoupon, func(c *Coupon) { c.PlanIDs = nil }, 3, "USD", now, ""},
		{"percent coupon in any currency", testPercentCoupon, func(*Coupon) {}, 1, "JPY", now, ""},
		{"fixed coupon in its currency", testFixedCoupon, func(*Coupon) {}, 9, "EUR", now, ""},
		{"fixed coupon without that currency", testFixedCoupon, func(*Coupon) {}, 9, "USD", now, platform.EINVALID},
		{"one use left", testPercentCoupon, func(c *Coupon) { c.TimesUsed = 9 }, 1, "USD", now, ""},
		{"uses exhausted", testPercentCoupon, func(c *Coupon) { c.TimesUsed = 10 }, 1, "USD", now, platform.ECONFLICT},
		{"unlimited uses", testPercentCoupon, func(c *Coupon) { c.MaxUses, c.TimesUsed = 0, 1_000_000 }, 1, "USD", now, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.coupon()
			tt.change(c)
			err := c.CheckApplicable(tt.planID, tt.currency, tt.now)
			if tt.code == "" {
				checkCodedErr(t, err, "", "")
				return
			}
			checkCodedErr(t, err, tt.code, "coupon")
			// The customer sees which code failed.
			if !strings.Contains(err.Error(), c.Code) {
				t.Errorf("error %q does not name the coupon %s", err, c.Code)
			}
		})
	}
}

func TestCouponDiscount(t *testing.T) {
	percent := func(p Rate) func() *Coupon {
		return func() *Coupon { c := testPercentCoupon(); c.Percent = p; return c }
	}
	tests := []struct {
		name   string
		coupon func() *Coupon
		amount Money
		want   Money
	}{
		// 19.99 × 15% = 2.9985 -> 3.00.
		{"15% off 19.99 USD", percent(150_000), Money{1999, "USD"}, Money{300, "USD"}},
		// 0.10 × 15% = 0.015 -> 0.02, half away from zero.
		{"15% off 0.10 USD rounds the half up", percent(150_000), Money{10, "USD"}, Money{2, "USD"}},
		// 999 × 12% = 119.88 -> 120 yen.
		{"12% off 999 JPY", percent(120_000), Money{999, "JPY"}, Money{120, "JPY"}},
		// 1.005 × 10% = 0.1005 -> 0.101.
		{"10% off 1.005 BHD", percent(100_000), Money{1005, "BHD"}, Money{101, "BHD"}},
		{"100% off", percent(HundredPercent), Money{4999, "USD"}, Money{4999, "USD"}},
		{"percent of zero", percent(150_000), Money{0, "USD"}, Money{0, "USD"}},
		{"percent of a negative amount", percent(150_000), Money{-1000, "USD"}, Money{0, "USD"}},
		{"fixed 5 EUR off 20 EUR", testFixedCoupon, Money{2000, "EUR"}, Money{500, "EUR"}},
		{"fixed 5 EUR off 3 EUR caps at 3", testFixedCoupon, Money{300, "EUR"}, Money{300, "EUR"}},
		{"fixed on a negative amount", testFixedCoupon, Money{-300, "EUR"}, Money{0, "EUR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.coupon().Discount(tt.amount)
			checkCodedErr(t, err, "", "")
			if got != tt.want {
				t.Errorf("Discount(%v) = %v, want %v", tt.amount, got, tt.want)
			}
		})
	}
}

func TestCouponDiscountRefusals(t *testing.T) {
	_, err := testFixedCoupon().Discount(Money{1000, "USD"})
	checkCodedErr(t, err, platform.EINVALID, "coupon")
	_, err = (&Coupon{Code: "ODD", Kind: "bogo"}).Discount(Money{1000, "USD"})
	checkCodedErr(t, err, platform.EINVALID, "coupon")
}

func TestCouponCycles(t *testing.T) {
	tests := []struct {
		duration CouponDuration
		cycles   int
		want     int
	}{
		{CouponOnce, 0, 1},
		{CouponRepeating, 6, 6},
		{CouponForever, 0, -1},
		{"", 6, 0},
	}
	for _, tt := range tests {
		c := &Coupon{Duration: tt.duration, DurationCycles: tt.cycles}
		if got := c.Cycles(); got != tt.want {
			t.Errorf("Cycles() of %q with %d cycles = %d, want %d", tt.duration, tt.cycles, got, tt.want)
		}
	}
}
