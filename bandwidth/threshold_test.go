package bandwidth

import (
	"math"
	"slices"
	"testing"

	"ezscale.cloud/platform"
)

func TestThresholdsCrossed(t *testing.T) {
	notify := Thresholds{80, 100}
	included := 2 * Terabyte
	tests := []struct {
		name      string
		prev, cur int64
		want      []int
	}{
		{"below both", 0, 1500 * Gigabyte, nil},
		{"reaching 80% exactly", 1500 * Gigabyte, 1600 * Gigabyte, []int{80}},
		{"already past 80%", 1600 * Gigabyte, 1900 * Gigabyte, nil},
		{"one byte short of 100%", 1900 * Gigabyte, included - 1, nil},
		{"reaching 100%", included - 1, included, []int{100}},
		{"jumping over both", 0, 3 * Terabyte, []int{80, 100}},
		{"same reading twice", 1700 * Gigabyte, 1700 * Gigabyte, nil},
		{"counter went down", 1700 * Gigabyte, 100 * Gigabyte, nil},
		{"negative reading counts as zero", -5, 1600 * Gigabyte, []int{80}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := notify.Crossed(included, tt.prev, tt.cur); !slices.Equal(got, tt.want) {
				t.Fatalf("Crossed(%d, %d, %d) = %v, want %v", included, tt.prev, tt.cur, got, tt.want)
			}
		})
	}
}

func TestThresholdsCrossedEdges(t *testing.T) {
	// No included traffic: every threshold is reached from zero, so none
	// is crossed and no notification is sent.
	if got := (Thresholds{80, 100}).Crossed(0, 0, Terabyte); got != nil {
		t.Errorf("Crossed with no included bytes = %v, want none", got)
	}
	// Operands whose products overflow int64 still compare exactly:
	// MaxInt64 is odd, so MaxInt64/2+1 is the first reading at 50%.
	got := (Thresholds{50, 100, 150}).Crossed(math.MaxInt64, math.MaxInt64/2+1, math.MaxInt64)
	if !slices.Equal(got, []int{100}) {
		t.Errorf("Crossed near MaxInt64 = %v, want [100]", got)
	}
}

func TestThresholdsValidate(t *testing.T) {
	for _, ok := range []Thresholds{nil, {100}, {50, 80, 100, 150}} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%v.Validate() = %v", ok, err)
		}
	}
	for _, bad := range []Thresholds{{0}, {-10, 80}, {100, 80}, {80, 80}} {
		err := bad.Validate()
		if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != "thresholds" {
			t.Errorf("%v.Validate() = %v, want EINVALID on thresholds", bad, err)
		}
	}
}
