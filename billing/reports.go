package billing

import (
	"context"
	"sort"
	"time"

	"ezscale.cloud/platform"
)

// Interval is the width of a report's buckets.
type Interval string

// The report intervals. Buckets start at midnight UTC: on the day, on
// Monday, on the first of the month, on 1 January.
const (
	IntervalDay   Interval = "day"
	IntervalWeek  Interval = "week"
	IntervalMonth Interval = "month"
	IntervalYear  Interval = "year"
)

// MaxReportBuckets caps a series, so one request cannot ask for ten years
// of days.
const MaxReportBuckets = 400

// Floor returns the start of the bucket that holds t.
func (i Interval) Floor(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	switch i {
	case IntervalWeek:
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	case IntervalMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	case IntervalYear:
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Next returns the start of the bucket after the one starting at t.
func (i Interval) Next(t time.Time) time.Time {
	switch i {
	case IntervalWeek:
		return t.AddDate(0, 0, 7)
	case IntervalMonth:
		return t.AddDate(0, 1, 0)
	case IntervalYear:
		return t.AddDate(1, 0, 0)
	}
	return t.AddDate(0, 0, 1)
}

func (i Interval) valid() bool {
	switch i {
	case IntervalDay, IntervalWeek, IntervalMonth, IntervalYear:
		return true
	}
	return false
}

// RevenuePoint is one bucket of the revenue series, in the base currency.
type RevenuePoint struct {
	Start time.Time
	// Collected is what succeeded charges brought in during the bucket, and
	// Refunded what refunds paid back.
	Collected Money
	Refunded  Money
	// MRR and Customers are the recurring revenue and the number of active
	// customers at Start.
	MRR       Money
	Customers int
}

// RevenueSeries returns the money collected and refunded per bucket from
// the bucket holding from up to to, with the MRR and active customers at
// each bucket's start, for the staff's charts.
func (s *Service) RevenueSeries(ctx context.Context, from, to time.Time, interval Interval, rates ExchangeRates) ([]RevenuePoint, error) {
	if !interval.valid() {
		return nil, platform.Invalid("interval", "unknown interval %q: day, week, month or year", interval)
	}
	if !from.Before(to) {
		return nil, platform.Invalid("from", "the range must start before it ends")
	}
	var starts []time.Time
	for t := interval.Floor(from); t.Before(to); t = interval.Next(t) {
		if len(starts) == MaxReportBuckets {
			return nil, platform.Invalid("interval", "more than %d %ss; choose a longer interval or a shorter range", MaxReportBuckets, interval)
		}
		starts = append(starts, t)
	}
	end := interval.Next(starts[len(starts)-1])
	events, err := s.store.ListMRREventsBefore(ctx, end)
	if err != nil {
		return nil, err
	}
	levels, err := mrrLevels(events, starts, rates)
	if err != nil {
		return nil, err
	}
	txs, err := s.store.ListSettledTransactions(ctx, starts[0], end)
	if err != nil {
		return nil, err
	}
	points := make([]RevenuePoint, len(starts))
	for i, t := range starts {
		points[i] = RevenuePoint{Start: t, Collected: Money{Currency: rates.Base}, Refunded: Money{Currency: rates.Base},
			MRR: levels[i].MRR, Customers: levels[i].customers}
	}
	for _, tx := range txs {
		i := sort.Search(len(starts), func(i int) bool { return starts[i].After(tx.CreatedAt) }) - 1
		if i < 0 {
			continue
		}
		amount, err := rates.Convert(Money{Amount: tx.Amount, Currency: tx.Currency})
		if err != nil {
			return nil, err
		}
		if tx.Kind == TxRefund {
			points[i].Refunded.Amount += amount.Amount
		} else {
			points[i].Collected.Amount += amount.Amount
		}
	}
	return points, nil
}

// mrrLevel is the MRR and the active customers at one instant.
type mrrLevel struct {
	MRRPoint
	customers int
}

// mrrLevels replays the events once and reads the levels at each instant
// of at, which must be in increasing order.
func mrrLevels(events []MRREvent, at []time.Time, rates ExchangeRates) ([]mrrLevel, error) {
	r, err := newMRRReplay(events, rates)
	if err != nil {
		return nil, err
	}
	out := make([]mrrLevel, len(at))
	for i, t := range at {
		if err := r.advance(t, nil); err != nil {
			return nil, err
		}
		out[i] = mrrLevel{MRRPoint: MRRPoint{At: t, MRR: Money{Amount: r.total, Currency: r.base}}, customers: r.customers}
	}
	return out, nil
}

// InvoiceBalance is what is left to pay on one open invoice.
type InvoiceBalance struct {
	Currency string
	Due      int64
	DueAt    time.Time
}

// Receivable totals open invoices: all of them, and those past due.
type Receivable struct {
	Outstanding      Money
	OutstandingCount int
	Overdue          Money
	OverdueCount     int
}

// Receivables are what customers owe, in the base currency and per
// currency unconverted.
type Receivables struct {
	Receivable
	ByCurrency map[string]Receivable
}

// Receivables totals the open invoices now, and those whose due date has
// passed.
func (s *Service) Receivables(ctx context.Context, rates ExchangeRates) (Receivables, error) {
	balances, err := s.store.ListOpenInvoiceBalances(ctx)
	if err != nil {
		return Receivables{}, err
	}
	now := s.now()
	out := Receivables{Receivable: Receivable{Outstanding: Money{Currency: rates.Base}, Overdue: Money{Currency: rates.Base}},
		ByCurrency: map[string]Receivable{}}
	for _, b := range balances {
		base, err := rates.Convert(Money{Amount: b.Due, Currency: b.Currency})
		if err != nil {
			return Receivables{}, err
		}
		c := out.ByCurrency[b.Currency]
		c.Outstanding.Currency, c.Overdue.Currency = b.Currency, b.Currency
		c.Outstanding.Amount += b.Due
		c.OutstandingCount++
		out.Outstanding.Amount += base.Amount
		out.OutstandingCount++
		if !b.DueAt.IsZero() && b.DueAt.Before(now) {
			c.Overdue.Amount += b.Due
			c.OverdueCount++
			out.Overdue.Amount += base.Amount
			out.OverdueCount++
		}
		out.ByCurrency[b.Currency] = c
	}
	return out, nil
}

// PlanActivity is how one plan sells: subscriptions live on it now, and
// orders placed in a range with how many of them were paid.
type PlanActivity struct {
	PlanID  int64
	Live    int
	Ordered int
	Paid    int
}

// ConversionRate is the share of orders that were paid; zero without
// orders.
func (a PlanActivity) ConversionRate() Rate {
	if a.Ordered == 0 {
		return 0
	}
	return Rate((int64(a.Paid)*int64(HundredPercent) + int64(a.Ordered)/2) / int64(a.Ordered))
}

// PlanActivityCounts are the counts per plan a store reports.
type PlanActivityCounts struct {
	Live, Ordered, Paid map[int64]int
}

// PlanActivities reports every plan's popularity and conversion, most
// live subscriptions first.
func (s *Service) PlanActivities(ctx context.Context, from, to time.Time) ([]PlanActivity, error) {
	if !from.Before(to) {
		return nil, platform.Invalid("from", "the range must start before it ends")
	}
	counts, err := s.store.CountPlanActivity(ctx, from, to)
	if err != nil {
		return nil, err
	}
	plans, err := s.store.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]PlanActivity, 0, len(plans))
	for _, p := range plans {
		out = append(out, PlanActivity{PlanID: p.ID, Live: counts.Live[p.ID], Ordered: counts.Ordered[p.ID], Paid: counts.Paid[p.ID]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Live > out[j].Live })
	return out, nil
}
