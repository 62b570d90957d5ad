package bandwidth

import (
	"math/bits"

	"ezscale.cloud/platform"
)

// Thresholds are percentages of a quota's included bytes at which the
// customer is told how much traffic is used, e.g. {80, 100}. They are
// positive and strictly ascending.
type Thresholds []int

// Validate checks that the percentages are positive and strictly ascending.
func (t Thresholds) Validate() error {
	for i, p := range t {
		if p <= 0 {
			return platform.Invalid("thresholds", "threshold %d%% is not positive", p)
		}
		if i > 0 && p <= t[i-1] {
			return platform.Invalid("thresholds", "thresholds are not strictly ascending")
		}
	}
	return nil
}

// Crossed returns the thresholds that usage reached between two readings of
// the same period: those that cur reaches and prev did not, in ascending
// order. A reading reaches p% when it is at least p/100 of included bytes;
// the comparison is exact. prev and cur are total bytes; a reading below
// zero counts as zero. With no included bytes every threshold is reached
// from the start, so none is ever crossed. Percentages that are not
// positive are never crossed.
func (t Thresholds) Crossed(included, prev, cur int64) []int {
	var crossed []int
	for _, p := range t {
		if p > 0 && reached(cur, included, p) && !reached(prev, included, p) {
			crossed = append(crossed, p)
		}
	}
	return crossed
}

// reached reports whether used*100 >= included*percent, in 128-bit
// arithmetic so that no operand can overflow.
func reached(used, included int64, percent int) bool {
	used, included = max(used, 0), max(included, 0)
	uh, ul := bits.Mul64(uint64(used), 100)
	ih, il := bits.Mul64(uint64(included), uint64(percent))
	return uh > ih || uh == ih && ul >= il
}
