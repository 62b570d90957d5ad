package bandwidth

import (
	"math"
	"math/bits"
	"time"

	"ezscale.cloud/platform"
)

// Decimal byte units, for plans and quotas.
const (
	Gigabyte int64 = 1_000_000_000
	Terabyte int64 = 1_000_000_000_000
)

// Usage is the traffic one service moved in one billing period.
type Usage struct {
	ServiceID   int64
	PeriodStart time.Time
	PeriodEnd   time.Time
	BytesIn     int64
	BytesOut    int64
}

// Total returns the bytes moved in both directions; both count against the
// quota. It saturates at math.MaxInt64 instead of wrapping.
func (u Usage) Total() int64 {
	if u.BytesIn > math.MaxInt64-u.BytesOut {
		return math.MaxInt64
	}
	return u.BytesIn + u.BytesOut
}

// Validate checks that the counters are not negative and the period is not
// empty.
func (u Usage) Validate() error {
	if u.BytesIn < 0 {
		return platform.Invalid("bytes_in", "bytes in is negative")
	}
	if u.BytesOut < 0 {
		return platform.Invalid("bytes_out", "bytes out is negative")
	}
	if !u.PeriodEnd.After(u.PeriodStart) {
		return platform.Invalid("period_end", "period end is not after its start")
	}
	return nil
}

// Quota is what a plan includes and what traffic beyond it costs.
type Quota struct {
	// IncludedBytes is the traffic the plan's price covers per period.
	IncludedBytes int64
	// OverageUnitBytes is the size of one billed overage unit, usually
	// Terabyte (decimal, 10^12 bytes).
	OverageUnitBytes int64
	// OveragePricePerUnit is the price of one unit in minor units of
	// Currency.
	OveragePricePerUnit int64
	// Currency is an ISO 4217 code in upper case.
	Currency string
}

// Validate checks the quota's amounts and the shape of its currency code.
func (q Quota) Validate() error {
	if q.IncludedBytes < 0 {
		return platform.Invalid("included_bytes", "included bytes is negative")
	}
	if q.OverageUnitBytes <= 0 {
		return platform.Invalid("overage_unit_bytes", "overage unit must be at least one byte")
	}
	if q.OveragePricePerUnit < 0 {
		return platform.Invalid("overage_price_per_unit", "overage price is negative")
	}
	if len(q.Currency) != 3 || !isUpper(q.Currency) {
		return platform.Invalid("currency", "%q is not an ISO 4217 currency code", q.Currency)
	}
	return nil
}

// isUpper reports whether s is made only of ASCII upper-case letters.
func isUpper(s string) bool {
	for _, c := range []byte(s) {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// Overage returns how many overage units a period's usage bills and their
// price in minor units of q.Currency. Every started unit is billed in full
// (2.3 TB used on 2 TB included is one unit, 2.0 TB is none), as hosting
// providers bill each started terabyte: the bill is a whole number of the
// units the plan page advertises and never depends on sub-unit rounding.
// Invalid input is EINVALID, and so is a price too large for int64.
func Overage(u Usage, q Quota) (units, amount int64, err error) {
	if err := u.Validate(); err != nil {
		return 0, 0, err
	}
	if err := q.Validate(); err != nil {
		return 0, 0, err
	}
	// Compare and subtract in uint64 so that a total beyond MaxInt64
	// (both counters near the limit) is still exact.
	total := uint64(u.BytesIn) + uint64(u.BytesOut)
	included := uint64(q.IncludedBytes)
	if total <= included {
		return 0, 0, nil
	}
	excess := total - included
	units = int64((excess-1)/uint64(q.OverageUnitBytes) + 1)
	hi, lo := bits.Mul64(uint64(units), uint64(q.OveragePricePerUnit))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, 0, platform.Errorf(platform.EINVALID, "overage amount overflow: %d units at %d", units, q.OveragePricePerUnit)
	}
	return units, int64(lo), nil
}
