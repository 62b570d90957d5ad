package billing

import (
	"slices"
	"strings"
	"time"

	"ezscale.cloud/platform"
)

// CouponKind says how a coupon takes money off.
type CouponKind string

// The coupon kinds: a percentage of the amount, or a fixed amount per
// currency.
const (
	CouponPercent CouponKind = "percent"
	CouponFixed   CouponKind = "fixed"
)

// CouponDuration says for how many billing cycles of a subscription a
// coupon keeps applying.
type CouponDuration string

// The coupon durations: the first invoice only, a fixed number of cycles
// (Coupon.DurationCycles), or every invoice for the subscription's life.
const (
	CouponOnce      CouponDuration = "once"
	CouponRepeating CouponDuration = "repeating"
	CouponForever   CouponDuration = "forever"
)

// Coupon is a discount code a customer enters when ordering.
type Coupon struct {
	ID int64
	// Code is what the customer types, normalized by NormalizeCouponCode.
	Code string
	Kind CouponKind
	// Percent is the share taken off by a percent coupon; HundredPercent
	// makes the amount free.
	Percent Rate
	// AmountsOff is what a fixed coupon takes off, in minor units per ISO
	// 4217 currency code; a currency not listed cannot use the coupon.
	AmountsOff map[string]int64
	// PlanIDs limits the coupon to these plans; empty means every plan.
	PlanIDs []int64
	// MaxUses caps how many times the coupon can be redeemed; 0 means no
	// cap.
	MaxUses   int64
	TimesUsed int64
	// OncePerCustomer limits each customer to one redemption; the store's
	// RedeemCoupon enforces it with a unique key.
	OncePerCustomer bool
	// ExpiresAt is the first instant the coupon no longer applies; zero
	// means never.
	ExpiresAt time.Time
	Duration  CouponDuration
	// DurationCycles is the number of cycles a repeating coupon lasts.
	DurationCycles int
	// TrialExtensionDays lengthens the plan's trial, if any, by this many
	// days.
	TrialExtensionDays int
	Active             bool
	CreatedAt          time.Time
}

// NormalizeCouponCode returns the canonical form of a code as typed: without
// surrounding spaces and in upper case, so "  spring25 " finds SPRING25.
func NormalizeCouponCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// Validate checks the coupon's fields and names the first one at fault. The
// code must already be normalized.
func (c *Coupon) Validate() error {
	if !isCouponCode(c.Code) {
		return platform.Invalid("code", "code must be 3 to 40 characters of A-Z, 0-9, _ and -, got %q", c.Code)
	}
	switch c.Kind {
	case CouponPercent:
		if c.Percent <= 0 || c.Percent > HundredPercent {
			return platform.Invalid("percent", "percent must be above 0 and at most 100, got %s", c.Percent)
		}
	case CouponFixed:
		if len(c.AmountsOff) == 0 {
			return platform.Invalid("amounts_off", "a fixed coupon needs an amount in at least one currency")
		}
		for code, amount := range c.AmountsOff {
			// The key must be the canonical code because amounts are
			// looked up by Money.Currency.
			if cur, err := LookupCurrency(code); err != nil || cur.Code != code {
				return platform.Invalid("amounts_off", "unknown currency %q", code)
			}
			if amount <= 0 {
				return platform.Invalid("amounts_off", "amount off in %s must be positive", code)
			}
		}
	default:
		return platform.Invalid("kind", "unknown coupon kind %q", c.Kind)
	}
	switch c.Duration {
	case CouponOnce, CouponForever:
	case CouponRepeating:
		if c.DurationCycles <= 0 {
			return platform.Invalid("duration_cycles", "a repeating coupon needs at least one cycle")
		}
	default:
		return platform.Invalid("duration", "unknown coupon duration %q", c.Duration)
	}
	switch {
	case c.MaxUses < 0:
		return platform.Invalid("max_uses", "max_uses must not be negative")
	case c.TimesUsed < 0:
		return platform.Invalid("times_used", "times_used must not be negative")
	case c.TrialExtensionDays < 0 || c.TrialExtensionDays > 365:
		return platform.Invalid("trial_extension_days", "trial extension must be 0 to 365 days")
	}
	return nil
}

// isCouponCode reports whether s is 3 to 40 characters of A-Z, 0-9, _ and -.
func isCouponCode(s string) bool {
	if len(s) < 3 || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

// CheckApplicable reports whether the coupon can be redeemed now on an order
// for the plan in the currency. What the customer typed that does not fit
// the order (an inactive or expired coupon, another plan, a currency the
// coupon has no amount in) is EINVALID; a coupon whose uses ran out is
// ECONFLICT, as it was valid until other redemptions took it. Both name the
// field "coupon".
//
// The use count read here can be stale by the time the order commits: the
// store increments TimesUsed atomically with the cap in its condition, and
// that is the check that holds under concurrency. OncePerCustomer needs the
// customer's redemptions, so the service checks it.
func (c *Coupon) CheckApplicable(planID int64, currency string, now time.Time) error {
	switch {
	case !c.Active:
		return platform.Invalid("coupon", "coupon %s is not active", c.Code)
	case !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt):
		return platform.Invalid("coupon", "coupon %s expired on %s", c.Code, c.ExpiresAt.UTC().Format(time.DateOnly))
	case len(c.PlanIDs) > 0 && !slices.Contains(c.PlanIDs, planID):
		return platform.Invalid("coupon", "coupon %s does not apply to this plan", c.Code)
	case c.Kind == CouponFixed && c.AmountsOff[currency] <= 0:
		return platform.Invalid("coupon", "coupon %s cannot be used with %s", c.Code, currency)
	case c.MaxUses > 0 && c.TimesUsed >= c.MaxUses:
		return &platform.Error{Code: platform.ECONFLICT, Field: "coupon", Message: "coupon " + c.Code + " has been used up"}
	}
	return nil
}

// Discount returns how much the coupon takes off amount: a positive amount
// of its currency, never more than amount itself, so a discounted invoice is
// never negative (a zero or negative amount gets no discount). A percent
// discount is rounded by the package rule, half away from zero.
func (c *Coupon) Discount(amount Money) (Money, error) {
	var off Money
	switch c.Kind {
	case CouponPercent:
		var err error
		if off, err = amount.MulFrac(int64(c.Percent), int64(HundredPercent)); err != nil {
			return Money{}, err
		}
	case CouponFixed:
		a, ok := c.AmountsOff[amount.Currency]
		if !ok {
			return Money{}, platform.Invalid("coupon", "coupon %s cannot be used with %s", c.Code, amount.Currency)
		}
		off = Money{Amount: a, Currency: amount.Currency}
	default:
		return Money{}, platform.Invalid("coupon", "unknown coupon kind %q", c.Kind)
	}
	off.Amount = max(0, min(off.Amount, amount.Amount))
	return off, nil
}

// Cycles returns how many billing cycles the discount applies to: 1 for a
// once coupon, DurationCycles for a repeating one, and -1, meaning without
// end, for a forever coupon. An unknown duration applies to none (0).
func (c *Coupon) Cycles() int {
	switch c.Duration {
	case CouponOnce:
		return 1
	case CouponRepeating:
		return c.DurationCycles
	case CouponForever:
		return -1
	}
	return 0
}
