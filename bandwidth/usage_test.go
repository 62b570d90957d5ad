package bandwidth

import (
	"math"
	"testing"
	"time"

	"ezscale.cloud/platform"
)

var (
	periodStart = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	periodEnd   = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
)

func usage(in, out int64) Usage {
	return Usage{ServiceID: 1, PeriodStart: periodStart, PeriodEnd: periodEnd, BytesIn: in, BytesOut: out}
}

// tbQuota includes 2 TB and bills each started TB at 5.00 USD.
var tbQuota = Quota{IncludedBytes: 2 * Terabyte, OverageUnitBytes: Terabyte, OveragePricePerUnit: 500, Currency: "USD"}

func TestUsageTotal(t *testing.T) {
	if got := usage(300*Gigabyte, 2*Terabyte).Total(); got != 2300*Gigabyte {
		t.Errorf("Total = %d, want %d", got, 2300*Gigabyte)
	}
	if got := usage(math.MaxInt64, 1).Total(); got != math.MaxInt64 {
		t.Errorf("Total = %d, want saturation at MaxInt64", got)
	}
}

func TestOverageWorkedExamples(t *testing.T) {
	tests := []struct {
		name       string
		u          Usage
		q          Quota
		wantUnits  int64
		wantAmount int64
	}{
		{"2.3 TB on 2 TB included bills one started TB", usage(300*Gigabyte, 2*Terabyte), tbQuota, 1, 500},
		{"exactly the included 2 TB bills nothing", usage(Terabyte, Terabyte), tbQuota, 0, 0},
		{"one byte over bills a whole TB", usage(2*Terabyte+1, 0), tbQuota, 1, 500},
		{"exactly 3 TB over bills three units", usage(5*Terabyte, 0), tbQuota, 3, 1500},
		{"3 TB and one byte over bills four units", usage(5*Terabyte, 1), tbQuota, 4, 2000},
		{"under the quota bills nothing", usage(10*Gigabyte, 20*Gigabyte), tbQuota, 0, 0},
		{"no included traffic bills from the first byte", usage(1, 0),
			Quota{OverageUnitBytes: 100 * Gigabyte, OveragePricePerUnit: 150, Currency: "EUR"}, 1, 150},
		{"free overage counts units at zero price", usage(3*Terabyte, 0),
			Quota{IncludedBytes: Terabyte, OverageUnitBytes: Terabyte, Currency: "JPY"}, 2, 0},
		{"counters summing past MaxInt64 stay exact", usage(math.MaxInt64, math.MaxInt64),
			Quota{IncludedBytes: math.MaxInt64, OverageUnitBytes: math.MaxInt64, OveragePricePerUnit: 7, Currency: "USD"}, 1, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units, amount, err := Overage(tt.u, tt.q)
			if err != nil {
				t.Fatalf("Overage: %v", err)
			}
			if units != tt.wantUnits || amount != tt.wantAmount {
				t.Fatalf("Overage = %d units, %d minor, want %d units, %d minor", units, amount, tt.wantUnits, tt.wantAmount)
			}
		})
	}
}

func TestOverageRefusesBadInput(t *testing.T) {
	tests := []struct {
		name  string
		u     Usage
		q     Quota
		field string
	}{
		{"negative bytes in", usage(-1, 0), tbQuota, "bytes_in"},
		{"negative bytes out", usage(0, -1), tbQuota, "bytes_out"},
		{"empty period", Usage{PeriodStart: periodStart, PeriodEnd: periodStart}, tbQuota, "period_end"},
		{"negative included", usage(0, 0), Quota{IncludedBytes: -1, OverageUnitBytes: 1, Currency: "USD"}, "included_bytes"},
		{"zero unit", usage(0, 0), Quota{Currency: "USD"}, "overage_unit_bytes"},
		{"negative price", usage(0, 0), Quota{OverageUnitBytes: 1, OveragePricePerUnit: -1, Currency: "USD"}, "overage_price_per_unit"},
		{"lower-case currency", usage(0, 0), Quota{OverageUnitBytes: 1, Currency: "usd"}, "currency"},
		{"missing currency", usage(0, 0), Quota{OverageUnitBytes: 1}, "currency"},
		// Every byte is a unit at MaxInt64 minor units each.
		{"amount overflow", usage(2, 0), Quota{OverageUnitBytes: 1, OveragePricePerUnit: math.MaxInt64, Currency: "USD"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units, amount, err := Overage(tt.u, tt.q)
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tt.field {
				t.Fatalf("Overage = %d, %d, %v; want EINVALID on field %q", units, amount, err, tt.field)
			}
			if units != 0 || amount != 0 {
				t.Fatalf("Overage returned %d units, %d minor with an error", units, amount)
			}
		})
	}
}
