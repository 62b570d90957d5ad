package billing

import (
	"testing"
	"time"

	"ezscale.cloud/platform"
)

// April 2025 is a 30-day period: 2,592,000 seconds.
var (
	aprilStart = time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	aprilEnd   = time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
)

const secondsPerDay = 24 * 60 * 60

func TestProrate(t *testing.T) {
	tests := []struct {
		name                string
		at                  time.Time
		old, new            Money
		credit, charge, net int64
		remaining           int64
	}{
		// Switched after 10 of 30 days, 20/30 = 2/3 of the period is left.
		// Credit 10.00 × 2/3 = 6.6667 -> 6.67; charge 20.00 × 2/3 =
		// 13.3333 -> 13.33; net 13.33 − 6.67 = 6.66 invoiced now.
		{"upgrade", aprilStart.AddDate(0, 0, 10), Money{1000, "USD"}, Money{2000, "USD"}, 667, 1333, 666, 20 * secondsPerDay},
		// The same switch the other way: credit 13.33, charge 6.67, net
		// −6.66 goes to the credit balance.
		{"downgrade", aprilStart.AddDate(0, 0, 10), Money{2000, "USD"}, Money{1000, "USD"}, 1333, 667, -666, 20 * secondsPerDay},
		// JPY, after 7 days 23/30 is left: credit 1000 × 23/30 = 766.67 ->
		// 767; charge 2500 × 23/30 = 1916.67 -> 1917; net 1150.
		{"JPY upgrade", aprilStart.AddDate(0, 0, 7), Money{1000, "JPY"}, Money{2500, "JPY"}, 767, 1917, 1150, 23 * secondsPerDay},
		// BHD, after 15 days half is left: credit 1.005 / 2 = 0.5025 ->
		// 0.503; charge 2.001 / 2 = 1.0005 -> 1.001; net 0.498.
		{"BHD halves round away from zero", aprilStart.AddDate(0, 0, 15), Money{1005, "BHD"}, Money{2001, "BHD"}, 503, 1001, 498, 15 * secondsPerDay},
		// At the start nothing is used: the whole old amount is credited
		// and the whole new one charged.
		{"at period start", aprilStart, Money{1000, "USD"}, Money{2000, "USD"}, 1000, 2000, 1000, 30 * secondsPerDay},
		// One second left: 10.00 × 1/2,592,000 is far below a cent.
		{"last second", aprilEnd.Add(-time.Second), Money{1000, "USD"}, Money{2000, "USD"}, 0, 0, 0, 1},
		{"same amount", aprilStart.AddDate(0, 0, 10), Money{1000, "USD"}, Money{1000, "USD"}, 667, 667, 0, 20 * secondsPerDay},
		{"from free", aprilStart.AddDate(0, 0, 10), Money{0, "USD"}, Money{1500, "USD"}, 0, 1000, 1000, 20 * secondsPerDay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Prorate(aprilStart, aprilEnd, tt.at, tt.old, tt.new)
			checkCodedErr(t, err, "", "")
			cur := tt.old.Currency
			want := ProrationQuote{
				Credit: Money{tt.credit, cur}, Charge: Money{tt.charge, cur}, Net: Money{tt.net, cur},
				RemainingSeconds: tt.remaining, PeriodSeconds: 30 * secondsPerDay,
			}
			if q != want {
				t.Errorf("Prorate = %+v, want %+v", q, want)
			}
		})
	}
}

// TestProrateWithConfigurableOptions upgrades a VPS with extra IPv4
// addresses to a bigger plan with more of them. The recurring amounts come
// from RecurringAmount, so the add-on is credited and charged once, apart
// from the base price (the Paymenter bug PM#797 left it out).
func TestProrateWithConfigurableOptions(t *testing.T) {
	ipv4 := ConfigOption{ID: 10, Code: "ipv4", Name: "Extra IPv4", Unit: "address", MaxUnits: 8,
		Prices: []Price{{Currency: "USD", Cycle: Monthly, Amount: 200}}}
	small := &Plan{ID: 1, Code: "vps-s", Prices: []Price{{Currency: "USD", Cycle: Monthly, Amount: 1000}}, Options: []ConfigOption{ipv4}}
	big := &Plan{ID: 2, Code: "vps-l", Prices: []Price{{Currency: "USD", Cycle: Monthly, Amount: 2000}}, Options: []ConfigOption{ipv4}}

	// 10.00 + 2 × 2.00 = 14.00, and 20.00 + 4 × 2.00 = 28.00.
	oldAmount, err := RecurringAmount(small, "USD", Monthly, []OptionChoice{{OptionID: 10, Units: 2}})
	checkCodedErr(t, err, "", "")
	newAmount, err := RecurringAmount(big, "USD", Monthly, []OptionChoice{{OptionID: 10, Units: 4}})
	checkCodedErr(t, err, "", "")
	if oldAmount != (Money{1400, "USD"}) || newAmount != (Money{2800, "USD"}) {
		t.Fatalf("recurring amounts %v and %v, want 14.00 and 28.00 USD", oldAmount, newAmount)
	}

	// After 10 of 30 days: credit 14.00 × 2/3 = 9.3333 -> 9.33; charge
	// 28.00 × 2/3 = 18.6667 -> 18.67; net 9.34, where the base prices
	// alone would give 6.66.
	q, err := Prorate(aprilStart, aprilEnd, aprilStart.AddDate(0, 0, 10), oldAmount, newAmount)
	checkCodedErr(t, err, "", "")
	if q.Credit.Amount != 933 || q.Charge.Amount != 1867 || q.Net.Amount != 934 {
		t.Errorf("Prorate = %+v, want credit 9.33, charge 18.67, net 9.34", q)
	}
}

func TestProrateRefusals(t *testing.T) {
	mid := aprilStart.AddDate(0, 0, 10)
	usd10, usd20 := Money{1000, "USD"}, Money{2000, "USD"}
	tests := []struct {
		name           string
		start, end, at time.Time
		old, new       Money
		field          string
	}{
		{"at period end", aprilStart, aprilEnd, aprilEnd, usd10, usd20, "at"},
		{"after period", aprilStart, aprilEnd, aprilEnd.AddDate(0, 0, 1), usd10, usd20, "at"},
		{"before period", aprilStart, aprilEnd, aprilStart.Add(-time.Second), usd10, usd20, "at"},
		{"empty period", aprilStart, aprilStart, aprilStart, usd10, usd20, "period_end"},
		{"period backwards", aprilEnd, aprilStart, mid, usd10, usd20, "period_end"},
		{"period under a second", aprilStart, aprilStart.Add(time.Millisecond), aprilStart, usd10, usd20, "period_end"},
		{"negative old amount", aprilStart, aprilEnd, mid, usd10.Neg(), usd20, "amount"},
		{"negative new amount", aprilStart, aprilEnd, mid, usd10, usd20.Neg(), "amount"},
		{"mixed currencies", aprilStart, aprilEnd, mid, usd10, Money{2000, "EUR"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Prorate(tt.start, tt.end, tt.at, tt.old, tt.new)
			checkCodedErr(t, err, platform.EINVALID, tt.field)
		})
	}
}
