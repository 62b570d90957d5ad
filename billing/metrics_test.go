package billing_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// mrrRates is USD-based: 1 EUR = 1.10 USD, 1 JPY = 0.0067 USD,
// 1 BHD = 2.65957 USD, 1 GBP = 1.27 USD.
var mrrRates = billing.ExchangeRates{Base: "USD", PerBase: map[string]int64{
	"EUR": 1_100_000_000,
	"JPY": 6_700_000,
	"BHD": 2_659_570_000,
	"GBP": 1_270_000_000,
}}

func mrrDay(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}

func mrrMoney(amount int64, currency string) billing.Money {
	return billing.Money{Amount: amount, Currency: currency}
}

// mrrWantErr fails unless err is a platform error with the code and field.
func mrrWantErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if platform.ErrorCode(err) != code || platform.ErrorField(err) != field {
		t.Fatalf("error = %v, want code %q field %q", err, code, field)
	}
}

// mrrBalanced fails unless the movement is in one currency, has no negative
// sum and obeys start + gains − losses == end.
func mrrBalanced(t *testing.T, name string, m billing.Movement) {
	t.Helper()
	all := []billing.Money{m.MRRStart, m.MRREnd, m.New, m.Expansion, m.Contraction, m.Churned, m.Reactivation}
	for _, a := range all {
		if a.Currency != m.MRRStart.Currency || a.Amount < 0 {
			t.Errorf("%s: bad amount %v in %+v", name, a, m)
		}
	}
	got := m.MRRStart.Amount + m.New.Amount + m.Expansion.Amount + m.Reactivation.Amount -
		m.Contraction.Amount - m.Churned.Amount
	if got != m.MRREnd.Amount {
		t.Errorf("%s: start + movements = %d, end = %d: %+v", name, got, m.MRREnd.Amount, m)
	}
}

func TestMetricsMonthlyAmount(t *testing.T) {
	tests := []struct {
		amount billing.Money
		cycle  billing.Cycle
		want   billing.Money
	}{
		{mrrMoney(1000, "USD"), billing.Monthly, mrrMoney(1000, "USD")},
		{mrrMoney(3000, "USD"), billing.Quarterly, mrrMoney(1000, "USD")},
		{mrrMoney(1000, "USD"), billing.Quarterly, mrrMoney(333, "USD")},  // 333.33
		{mrrMoney(500, "USD"), billing.Quarterly, mrrMoney(167, "USD")},   // 166.67
		{mrrMoney(1000, "EUR"), billing.SemiAnnual, mrrMoney(167, "EUR")}, // 166.67
		{mrrMoney(12000, "USD"), billing.Annual, mrrMoney(1000, "USD")},
		{mrrMoney(6, "USD"), billing.Annual, mrrMoney(1, "USD")},        // 0.5 rounds away from zero
		{mrrMoney(-6, "USD"), billing.Annual, mrrMoney(-1, "USD")},      // and so does -0.5
		{mrrMoney(10000, "JPY"), billing.Annual, mrrMoney(833, "JPY")},  // 833.33
		{mrrMoney(1, "USD"), billing.Hourly, mrrMoney(730, "USD")},      // 365 × 24 / 12 hours
		{mrrMoney(137, "BHD"), billing.Hourly, mrrMoney(100010, "BHD")}, // 0.137 BHD an hour
		{mrrMoney(0, "USD"), billing.Annual, mrrMoney(0, "USD")},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v %s", tt.amount, tt.cycle), func(t *testing.T) {
			got, err := billing.MonthlyAmount(tt.amount, tt.cycle)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	_, err := billing.MonthlyAmount(mrrMoney(100, "USD"), "biennial")
	mrrWantErr(t, err, platform.EINVALID, "cycle")
}

func TestExchangeRatesConvert(t *testing.T) {
	jpyBase := billing.ExchangeRates{Base: "JPY", PerBase: map[string]int64{"USD": 149_500_000_000}}
	tests := []struct {
		name  string
		rates billing.ExchangeRates
		in    billing.Money
		want  billing.Money
	}{
		{"EUR to USD", mrrRates, mrrMoney(1000, "EUR"), mrrMoney(1100, "USD")},
		{"EUR cent to USD", mrrRates, mrrMoney(999, "EUR"), mrrMoney(1099, "USD")}, // 1098.9
		{"base to itself needs no rate", mrrRates, mrrMoney(12345, "USD"), mrrMoney(12345, "USD")},
		{"lower-case codes", billing.ExchangeRates{Base: "usd", PerBase: mrrRates.PerBase}, mrrMoney(1000, "eur"), mrrMoney(1100, "USD")},
		{"yen have no minor unit", mrrRates, mrrMoney(1000, "JPY"), mrrMoney(670, "USD")},
		{"one yen rounds up to a cent", mrrRates, mrrMoney(1, "JPY"), mrrMoney(1, "USD")},           // 0.67
		{"half a cent rounds away from zero", mrrRates, mrrMoney(150, "JPY"), mrrMoney(101, "USD")}, // 100.5
		{"negative half a cent too", mrrRates, mrrMoney(-150, "JPY"), mrrMoney(-101, "USD")},        // -100.5
		{"below half a cent rounds down", mrrRates, mrrMoney(75, "JPY"), mrrMoney(50, "USD")},       // 50.25
		{"three-digit currency", mrrRates, mrrMoney(1000, "BHD"), mrrMoney(266, "USD")},             // 265.957
		{"dollars to yen", jpyBase, mrrMoney(1000, "USD"), mrrMoney(1495, "JPY")},                   // 10 USD
		{"a cent to yen", jpyBase, mrrMoney(1, "USD"), mrrMoney(1, "JPY")},                          // 1.495
		{"a large amount stays exact", mrrRates, mrrMoney(900_000_000_000_000, "EUR"), mrrMoney(990_000_000_000_000, "USD")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.rates.Convert(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Convert(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}

	errs := []struct {
		name  string
		rates billing.ExchangeRates
		in    billing.Money
		field string
	}{
		{"missing rate", mrrRates, mrrMoney(100, "CHF"), "exchange_rates"},
		{"zero rate", billing.ExchangeRates{Base: "USD", PerBase: map[string]int64{"EUR": 0}}, mrrMoney(100, "EUR"), "exchange_rates"},
		{"negative rate", billing.ExchangeRates{Base: "USD", PerBase: map[string]int64{"EUR": -1}}, mrrMoney(100, "EUR"), "exchange_rates"},
		{"no base", billing.ExchangeRates{PerBase: mrrRates.PerBase}, mrrMoney(100, "EUR"), "exchange_rates"},
		{"unknown currency", mrrRates, mrrMoney(100, "XXX"), "currency"},
		{"rate too large to scale", billing.ExchangeRates{Base: "BHD", PerBase: map[string]int64{"JPY": 1 << 62}}, mrrMoney(1, "JPY"), "exchange_rates"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.rates.Convert(tt.in)
			mrrWantErr(t, err, platform.EINVALID, tt.field)
		})
	}
}

// mrrHandWorkedEvents are three customers over December 2024 to February
// 2025, in USD and EUR (1 EUR = 1.10 USD). Amounts in the comments are USD
// cents.
func mrrHandWorkedEvents() []billing.MRREvent {
	return []billing.MRREvent{
		// Customer 1 (USD): sub 11 on plan 100, upgraded to plan 200 in January.
		{At: mrrDay(2024, 12, 10), SubscriptionID: 11, CustomerID: 1, PlanID: 100, Currency: "USD", Before: 0, After: 2000},
		{At: mrrDay(2025, 1, 15), SubscriptionID: 11, CustomerID: 1, PlanID: 200, Currency: "USD", Before: 2000, After: 5000},
		// Customer 1: sub 12 cancelled in December, restored in February.
		{At: mrrDay(2024, 12, 5), SubscriptionID: 12, CustomerID: 1, PlanID: 100, Currency: "USD", Before: 0, After: 1500},
		{At: mrrDay(2024, 12, 20), SubscriptionID: 12, CustomerID: 1, PlanID: 100, Currency: "USD", Before: 1500, After: 0},
		{At: mrrDay(2025, 2, 15), SubscriptionID: 12, CustomerID: 1, PlanID: 100, Currency: "USD", Before: 0, After: 1500},
		// Customer 2 (EUR): 10.00 EUR (1100) from December, cancelled in February.
		{At: mrrDay(2024, 12, 1), SubscriptionID: 21, CustomerID: 2, PlanID: 100, Currency: "EUR", Before: 0, After: 1000},
		{At: mrrDay(2025, 2, 10), SubscriptionID: 21, CustomerID: 2, PlanID: 100, Currency: "EUR", Before: 1000, After: 0},
		// Customer 3 (EUR): new in January at 30.00 EUR (3300), downgraded to
		// 25.00 EUR (2750) in February; a second subscription at 9.99 EUR
		// (1098.9, so 1099).
		{At: mrrDay(2025, 1, 20), SubscriptionID: 31, CustomerID: 3, PlanID: 200, Currency: "EUR", Before: 0, After: 3000},
		{At: mrrDay(2025, 2, 20), SubscriptionID: 31, CustomerID: 3, PlanID: 200, Currency: "EUR", Before: 3000, After: 2500},
		{At: mrrDay(2025, 2, 5), SubscriptionID: 32, CustomerID: 3, PlanID: 100, Currency: "EUR", Before: 0, After: 999},
	}
}

func TestComputeMetricsHandWorked(t *testing.T) {
	from, to := mrrDay(2025, 1, 1), mrrDay(2025, 3, 1)
	usd := func(a int64) billing.Money { return mrrMoney(a, "USD") }
	eur := func(a int64) billing.Money { return mrrMoney(a, "EUR") }
	want := billing.Metrics{
		From: from, To: to,
		Movement: billing.Movement{
			MRRStart:     usd(3100),  // 2000 + 1100
			MRREnd:       usd(10349), // 5000 + 1500 + 2750 + 1099
			New:          usd(4399),  // 3300 + 1099
			Expansion:    usd(3000),
			Contraction:  usd(550), // 3300 − 2750
			Churned:      usd(1100),
			Reactivation: usd(1500),
		},
		ARR:            usd(124188),
		CustomersStart: 2, CustomersEnd: 2,
		NewCustomers: 1, ChurnedCustomers: 1,
		CustomerChurnRate: 500_000, // 1 of 2
		RevenueChurnRate:  532_258, // (1100 + 550) / 3100 = 0.53225806
		ByPlan: map[int64]billing.Movement{
			// Plan 100 loses sub 11 to plan 200 (contraction) and sub 21
			// (churn), gains sub 32 (new) and sub 12 back (reactivation).
			100: {MRRStart: usd(3100), MRREnd: usd(2599), New: usd(1099), Expansion: usd(0),
				Contraction: usd(2000), Churned: usd(1100), Reactivation: usd(1500)},
			200: {MRRStart: usd(0), MRREnd: usd(7750), New: usd(3300), Expansion: usd(5000),
				Contraction: usd(550), Churned: usd(0), Reactivation: usd(0)},
		},
		ByCurrency: map[string]billing.Movement{
			"USD": {MRRStart: usd(2000), MRREnd: usd(6500), New: usd(0), Expansion: usd(3000),
				Contraction: usd(0), Churned: usd(0), Reactivation: usd(1500)},
			"EUR": {MRRStart: eur(1000), MRREnd: eur(3499), New: eur(3999), Expansion: eur(0),
				Contraction: eur(500), Churned: eur(1000), Reactivation: eur(0)},
		},
	}

	rnd := rand.New(rand.NewPCG(1, 2))
	events := mrrHandWorkedEvents()
	for i := range 5 {
		// The result must not depend on the order events are passed in.
		rnd.Shuffle(len(events), func(a, b int) { events[a], events[b] = events[b], events[a] })
		got, err := billing.ComputeMetrics(events, from, to, mrrRates)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
	got, _ := billing.ComputeMetrics(events, from, to, mrrRates)
	mrrBalanced(t, "total", got.Movement)
	for id, m := range got.ByPlan {
		mrrBalanced(t, fmt.Sprint("plan ", id), m)
	}
	for code, m := range got.ByCurrency {
		mrrBalanced(t, code, m)
	}
}

func TestComputeMetricsRangeBounds(t *testing.T) {
	from, to := mrrDay(2025, 1, 1), mrrDay(2025, 2, 1)
	ev := func(at time.Time, sub, before, after int64) billing.MRREvent {
		return billing.MRREvent{At: at, SubscriptionID: sub, CustomerID: sub, PlanID: 1, Currency: "USD", Before: before, After: after}
	}
	tests := []struct {
		name          string
		events        []billing.MRREvent
		start, end    int64
		newMRR, churn int64
	}{
		{"an event at from is in the range", []billing.MRREvent{ev(from, 1, 0, 100)}, 0, 100, 100, 0},
		{"an event at to is not", []billing.MRREvent{ev(to, 1, 0, 100)}, 0, 0, 0, 0},
		{"an event just before to is", []billing.MRREvent{ev(to.Add(-time.Second), 1, 0, 100)}, 0, 100, 100, 0},
		{"an event just before from sets the start", []billing.MRREvent{ev(from.Add(-time.Second), 1, 0, 100)}, 100, 100, 0, 0},
		{"churn at from", []billing.MRREvent{ev(mrrDay(2024, 6, 1), 1, 0, 100), ev(from, 1, 100, 0)}, 100, 0, 0, 100},
		{
			"Before of the first event known is the MRR before it",
			[]billing.MRREvent{ev(mrrDay(2025, 1, 10), 1, 400, 0)}, 400, 0, 0, 400,
		},
		{
			"Before of a first event after the range still counts",
			[]billing.MRREvent{ev(mrrDay(2025, 5, 1), 1, 400, 0)}, 400, 400, 0, 0,
		},
		{
			"a later Before is ignored for the replayed level",
			[]billing.MRREvent{ev(mrrDay(2024, 6, 1), 1, 0, 100), ev(mrrDay(2025, 1, 10), 1, 70, 0)}, 100, 0, 0, 100,
		},
		{
			"two events of one subscription at one instant keep their order",
			[]billing.MRREvent{ev(mrrDay(2025, 1, 10), 1, 0, 100), ev(mrrDay(2025, 1, 10), 1, 100, 300)}, 0, 300, 100, 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := billing.ComputeMetrics(tt.events, from, to, mrrRates)
			if err != nil {
				t.Fatal(err)
			}
			mrrBalanced(t, "total", m.Movement)
			if m.MRRStart.Amount != tt.start || m.MRREnd.Amount != tt.end || m.New.Amount != tt.newMRR || m.Churned.Amount != tt.churn {
				t.Errorf("start %d end %d new %d churned %d, want %d %d %d %d",
					m.MRRStart.Amount, m.MRREnd.Amount, m.New.Amount, m.Churned.Amount, tt.start, tt.end, tt.newMRR, tt.churn)
			}
		})
	}
}

func TestComputeMetricsCustomers(t *testing.T) {
	from, to := mrrDay(2025, 1, 1), mrrDay(2025, 2, 1)
	ev := func(at time.Time, sub, customer, before, after int64) billing.MRREvent {
		return billing.MRREvent{At: at, SubscriptionID: sub, CustomerID: customer, PlanID: 1, Currency: "USD", Before: before, After: after}
	}
	before, jan10, jan20 := mrrDay(2024, 11, 1), mrrDay(2025, 1, 10), mrrDay(2025, 1, 20)
	tests := []struct {
		name                                   string
		events                                 []billing.MRREvent
		start, end, newC, reactivated, churned int
		newMRR, reactivation                   int64
	}{
		{
			name:   "swapping subscriptions at one instant is no customer churn",
			events: []billing.MRREvent{ev(before, 1, 7, 0, 100), ev(jan10, 1, 7, 100, 0), ev(jan10, 2, 7, 0, 200)},
			start:  1, end: 1, newMRR: 200,
		},
		{
			name:   "a gap between them is churn and return",
			events: []billing.MRREvent{ev(before, 1, 7, 0, 100), ev(jan10, 1, 7, 100, 0), ev(jan20, 2, 7, 0, 200)},
			start:  1, end: 1, reactivated: 1, churned: 1, newMRR: 200,
		},
		{
			name:   "a returning customer who churned before the range is reactivated",
			events: []billing.MRREvent{ev(before, 1, 7, 0, 100), ev(before.AddDate(0, 1, 0), 1, 7, 100, 0), ev(jan10, 2, 7, 0, 200)},
			start:  0, end: 1, reactivated: 1, newMRR: 200,
		},
		{
			name:   "a restored subscription is reactivation MRR",
			events: []billing.MRREvent{ev(before, 1, 7, 0, 100), ev(jan10, 1, 7, 100, 0), ev(jan20, 1, 7, 0, 150)},
			start:  1, end: 1, reactivated: 1, churned: 1, reactivation: 150,
		},
		{
			name:   "a second subscription does not make a new customer",
			events: []billing.MRREvent{ev(before, 1, 7, 0, 100), ev(jan10, 2, 7, 0, 50)},
			start:  1, end: 1, newMRR: 50,
		},
		{
			name:   "new customers",
			events: []billing.MRREvent{ev(jan10, 1, 7, 0, 100), ev(jan10, 2, 8, 0, 50), ev(jan20, 3, 8, 0, 50)},
			end:    2, newC: 2, newMRR: 200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := billing.ComputeMetrics(tt.events, from, to, mrrRates)
			if err != nil {
				t.Fatal(err)
			}
			got := []int{m.CustomersStart, m.CustomersEnd, m.NewCustomers, m.ReactivatedCustomers, m.ChurnedCustomers}
			want := []int{tt.start, tt.end, tt.newC, tt.reactivated, tt.churned}
			if !slices.Equal(got, want) {
				t.Errorf("start, end, new, reactivated, churned = %v, want %v", got, want)
			}
			if m.New.Amount != tt.newMRR || m.Reactivation.Amount != tt.reactivation {
				t.Errorf("new %d reactivation %d, want %d %d", m.New.Amount, m.Reactivation.Amount, tt.newMRR, tt.reactivation)
			}
		})
	}
}

func TestComputeMetricsChurnRates(t *testing.T) {
	from, to := mrrDay(2025, 1, 1), mrrDay(2025, 2, 1)
	early, mid := mrrDay(2024, 12, 1), mrrDay(2025, 1, 15)
	ev := func(at time.Time, sub, before, after int64) billing.MRREvent {
		return billing.MRREvent{At: at, SubscriptionID: sub, CustomerID: sub, PlanID: 1, Currency: "USD", Before: before, After: after}
	}
	tests := []struct {
		name                  string
		events                []billing.MRREvent
		customerRate, revenue billing.Rate
	}{
		{"nothing at the start gives zero rates", []billing.MRREvent{ev(mid, 1, 0, 100), ev(mid.Add(time.Hour), 1, 100, 0)}, 0, 0},
		{"no churn", []billing.MRREvent{ev(early, 1, 0, 100), ev(mid, 1, 100, 300)}, 0, 0},
		{
			"one of three customers",
			[]billing.MRREvent{ev(early, 1, 0, 5000), ev(early, 2, 0, 4000), ev(early, 3, 0, 1000), ev(mid, 3, 1000, 0)},
			333_333, 100_000,
		},
		{
			"contraction counts as revenue churn only",
			[]billing.MRREvent{ev(early, 1, 0, 6000), ev(early, 2, 0, 4000), ev(mid, 1, 6000, 5500), ev(mid, 2, 4000, 3000)},
			0, 150_000,
		},
		{
			"two of three, rounded half away from zero",
			[]billing.MRREvent{ev(early, 1, 0, 1), ev(early, 2, 0, 1), ev(early, 3, 0, 1), ev(mid, 1, 1, 0), ev(mid, 2, 1, 0)},
			666_667, 666_667,
		},
		{
			"customers won and lost in the range count above the line only",
			[]billing.MRREvent{ev(early, 1, 0, 1000), ev(mid, 2, 0, 1000), ev(mid.Add(time.Hour), 2, 1000, 0)},
			1_000_000, 1_000_000,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := billing.ComputeMetrics(tt.events, from, to, mrrRates)
			if err != nil {
				t.Fatal(err)
			}
			if m.CustomerChurnRate != tt.customerRate || m.RevenueChurnRate != tt.revenue {
				t.Errorf("customer churn %d, revenue churn %d; want %d, %d", m.CustomerChurnRate, m.RevenueChurnRate, tt.customerRate, tt.revenue)
			}
		})
	}
}

func TestComputeMetricsRejects(t *testing.T) {
	from, to := mrrDay(2025, 1, 1), mrrDay(2025, 2, 1)
	ok := billing.MRREvent{At: mrrDay(2025, 1, 10), SubscriptionID: 1, CustomerID: 1, PlanID: 1, Currency: "EUR", After: 100}
	with := func(f func(e *billing.MRREvent)) []billing.MRREvent {
		later := ok
		later.At, later.Before, later.After = later.At.Add(time.Hour), 100, 200
		f(&later)
		return []billing.MRREvent{ok, later}
	}
	tests := []struct {
		name     string
		events   []billing.MRREvent
		from, to time.Time
		rates    billing.ExchangeRates
		field    string
	}{
		{"empty range", nil, from, from, mrrRates, "to"},
		{"reversed range", nil, to, from, mrrRates, "to"},
		{"negative MRR", with(func(e *billing.MRREvent) { e.After = -1 }), from, to, mrrRates, "events"},
		{"negative Before", with(func(e *billing.MRREvent) { e.Before = -1 }), from, to, mrrRates, "events"},
		{"unknown currency", with(func(e *billing.MRREvent) { e.Currency = "XYZ" }), from, to, mrrRates, "events"},
		{"currency changes", with(func(e *billing.MRREvent) { e.Currency = "USD" }), from, to, mrrRates, "events"},
		{"customer changes", with(func(e *billing.MRREvent) { e.CustomerID = 2 }), from, to, mrrRates, "events"},
		{"missing rate", with(func(*billing.MRREvent) {}), from, to, billing.ExchangeRates{Base: "USD"}, "exchange_rates"},
		{"no base", nil, from, to, billing.ExchangeRates{}, "exchange_rates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := billing.ComputeMetrics(tt.events, tt.from, tt.to, tt.rates)
			mrrWantErr(t, err, platform.EINVALID, tt.field)
		})
	}
}

func TestMRRSeries(t *testing.T) {
	monthly := func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
	events := mrrHandWorkedEvents()
	points, err := billing.MRRSeries(events, mrrDay(2024, 12, 1), mrrDay(2025, 3, 2), monthly, mrrRates)
	if err != nil {
		t.Fatal(err)
	}
	want := []billing.MRRPoint{
		{At: mrrDay(2024, 12, 1), MRR: mrrMoney(0, "USD")}, // sub 21 starts at this very instant
		{At: mrrDay(2025, 1, 1), MRR: mrrMoney(3100, "USD")},
		{At: mrrDay(2025, 2, 1), MRR: mrrMoney(9400, "USD")}, // 5000 + 1100 + 3300
		{At: mrrDay(2025, 3, 1), MRR: mrrMoney(10349, "USD")},
	}
	if !reflect.DeepEqual(points, want) {
		t.Errorf("got %+v\nwant %+v", points, want)
	}
	// Each point is the MRRStart of a range starting there.
	for _, p := range points {
		m, err := billing.ComputeMetrics(events, p.At, p.At.Add(time.Hour), mrrRates)
		if err != nil {
			t.Fatal(err)
		}
		if m.MRRStart != p.MRR {
			t.Errorf("at %s: series %v, metrics %v", p.At, p.MRR, m.MRRStart)
		}
	}

	_, err = billing.MRRSeries(events, mrrDay(2025, 1, 1), mrrDay(2025, 3, 1), func(t time.Time) time.Time { return t }, mrrRates)
	mrrWantErr(t, err, platform.EINVALID, "step")
	_, err = billing.MRRSeries(events, mrrDay(2025, 1, 1), mrrDay(2025, 3, 1), nil, mrrRates)
	mrrWantErr(t, err, platform.EINVALID, "step")
	_, err = billing.MRRSeries(events, mrrDay(2025, 3, 1), mrrDay(2025, 1, 1), monthly, mrrRates)
	mrrWantErr(t, err, platform.EINVALID, "to")
	_, err = billing.MRRSeries(events, mrrDay(2025, 1, 1), mrrDay(2025, 3, 1), monthly, billing.ExchangeRates{Base: "USD"})
	mrrWantErr(t, err, platform.EINVALID, "exchange_rates")
}

// mrrRandomEvents makes event histories for random subscriptions: mostly
// consistent chains, with some seeded first Befores, some inconsistent later
// Befores, plan changes, and many events on the same day so that instants
// coincide.
func mrrRandomEvents(rnd *rand.Rand) []billing.MRREvent {
	currencies := []string{"USD", "EUR", "JPY", "BHD", "GBP"}
	var events []billing.MRREvent
	for sub := int64(1); sub <= 60; sub++ {
		customer := rnd.Int64N(20) + 1
		currency := currencies[rnd.IntN(len(currencies))]
		plan := rnd.Int64N(5) + 1
		at := mrrDay(2024, 1, 1).AddDate(0, 0, rnd.IntN(500))
		mrr := int64(0)
		if rnd.IntN(6) == 0 {
			mrr = rnd.Int64N(100_000) + 1
		}
		for range rnd.IntN(7) + 1 {
			next := int64(0)
			if rnd.IntN(4) > 0 {
				next = rnd.Int64N(100_000) + 1
			}
			if rnd.IntN(4) == 0 {
				plan = rnd.Int64N(5) + 1
			}
			before := mrr
			if rnd.IntN(15) == 0 {
				before = rnd.Int64N(100_000)
			}
			events = append(events, billing.MRREvent{At: at, SubscriptionID: sub, CustomerID: customer,
				PlanID: plan, Currency: currency, Before: before, After: next})
			mrr = next
			at = at.AddDate(0, 0, rnd.IntN(60))
		}
	}
	rnd.Shuffle(len(events), func(a, b int) { events[a], events[b] = events[b], events[a] })
	return events
}

// mrrOracle computes, independently of the replay, each subscription's MRR
// at t: the After of its last event before t (in time order, input order
// within an instant), else the Before of its first event.
type mrrOracle struct {
	bySub map[int64][]billing.MRREvent
}

func newMRROracle(events []billing.MRREvent) mrrOracle {
	o := mrrOracle{bySub: map[int64][]billing.MRREvent{}}
	for _, e := range events {
		o.bySub[e.SubscriptionID] = append(o.bySub[e.SubscriptionID], e)
	}
	for _, evs := range o.bySub {
		slices.SortStableFunc(evs, func(a, b billing.MRREvent) int { return a.At.Compare(b.At) })
	}
	return o
}

// at returns the MRR in the base currency, per currency, and the number of
// active customers at t.
func (o mrrOracle) at(t *testing.T, at time.Time, rates billing.ExchangeRates) (int64, map[string]int64, int) {
	t.Helper()
	var total int64
	byCurrency := map[string]int64{}
	active := map[int64]bool{}
	for _, evs := range o.bySub {
		level := evs[0].Before
		for _, e := range evs {
			if e.At.Before(at) {
				level = e.After
			}
		}
		c, err := rates.Convert(billing.Money{Amount: level, Currency: evs[0].Currency})
		if err != nil {
			t.Fatal(err)
		}
		total += c.Amount
		byCurrency[evs[0].Currency] += level
		if level > 0 {
			active[evs[0].CustomerID] = true
		}
	}
	return total, byCurrency, len(active)
}

func TestComputeMetricsIdentityRandom(t *testing.T) {
	yenBase := billing.ExchangeRates{Base: "JPY", PerBase: map[string]int64{
		"USD": 149_500_000_000, "EUR": 162_330_000_000, "BHD": 396_720_000_000, "GBP": 189_910_000_000,
	}}
	rnd := rand.New(rand.NewPCG(2025, 7))
	for i := range 200 {
		events := mrrRandomEvents(rnd)
		rates := mrrRates
		if i%2 == 1 {
			rates = yenBase
		}
		from := mrrDay(2024, 1, 1).AddDate(0, 0, rnd.IntN(700))
		to := from.AddDate(0, 0, rnd.IntN(200)+1)
		m, err := billing.ComputeMetrics(events, from, to, rates)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("run %d [%s, %s)", i, from.Format(time.DateOnly), to.Format(time.DateOnly))

		mrrBalanced(t, name, m.Movement)
		if m.MRRStart.Currency != rates.Base {
			t.Errorf("%s: currency %s, want %s", name, m.MRRStart.Currency, rates.Base)
		}
		if m.ARR.Amount != 12*m.MRREnd.Amount {
			t.Errorf("%s: ARR %v, MRR %v", name, m.ARR, m.MRREnd)
		}
		if m.CustomersStart+m.NewCustomers+m.ReactivatedCustomers-m.ChurnedCustomers != m.CustomersEnd {
			t.Errorf("%s: customers do not balance: %+v", name, m)
		}

		oracle := newMRROracle(events)
		startTotal, startByCurrency, startCustomers := oracle.at(t, from, rates)
		endTotal, endByCurrency, endCustomers := oracle.at(t, to, rates)
		if m.MRRStart.Amount != startTotal || m.MRREnd.Amount != endTotal {
			t.Errorf("%s: MRR %d → %d, oracle %d → %d", name, m.MRRStart.Amount, m.MRREnd.Amount, startTotal, endTotal)
		}
		if m.CustomersStart != startCustomers || m.CustomersEnd != endCustomers {
			t.Errorf("%s: customers %d → %d, oracle %d → %d", name, m.CustomersStart, m.CustomersEnd, startCustomers, endCustomers)
		}
		for code, mv := range m.ByCurrency {
			mrrBalanced(t, name+" "+code, mv)
			if mv.MRRStart.Currency != code || mv.MRRStart.Amount != startByCurrency[code] || mv.MRREnd.Amount != endByCurrency[code] {
				t.Errorf("%s %s: %v → %v, oracle %d → %d", name, code, mv.MRRStart, mv.MRREnd, startByCurrency[code], endByCurrency[code])
			}
		}

		// Plans split the totals; only plan changes add to both Expansion
		// and Contraction, by the same amount in total.
		var sum billing.Movement
		for id, mv := range m.ByPlan {
			mrrBalanced(t, fmt.Sprint(name, " plan ", id), mv)
			sum.MRRStart.Amount += mv.MRRStart.Amount
			sum.MRREnd.Amount += mv.MRREnd.Amount
			sum.New.Amount += mv.New.Amount
			sum.Churned.Amount += mv.Churned.Amount
			sum.Reactivation.Amount += mv.Reactivation.Amount
			sum.Expansion.Amount += mv.Expansion.Amount
			sum.Contraction.Amount += mv.Contraction.Amount
		}
		if sum.MRRStart.Amount != m.MRRStart.Amount || sum.MRREnd.Amount != m.MRREnd.Amount ||
			sum.New.Amount != m.New.Amount || sum.Churned.Amount != m.Churned.Amount || sum.Reactivation.Amount != m.Reactivation.Amount {
			t.Errorf("%s: plans sum to %+v, totals %+v", name, sum, m.Movement)
		}
		if sum.Expansion.Amount-m.Expansion.Amount != sum.Contraction.Amount-m.Contraction.Amount ||
			sum.Expansion.Amount < m.Expansion.Amount {
			t.Errorf("%s: plan changes unbalanced: plans %+v, totals %+v", name, sum, m.Movement)
		}

		points, err := billing.MRRSeries(events, from, to, func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }, rates)
		if err != nil {
			t.Fatal(err)
		}
		if points[0].MRR != m.MRRStart {
			t.Errorf("%s: series starts at %v, metrics at %v", name, points[0].MRR, m.MRRStart)
		}
		for _, p := range points {
			if want, _, _ := oracle.at(t, p.At, rates); p.MRR.Amount != want {
				t.Errorf("%s: series at %s is %v, oracle %d", name, p.At, p.MRR, want)
			}
		}
	}
}
