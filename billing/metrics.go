package billing

import (
	"cmp"
	"math"
	"slices"
	"time"

	"ezscale.cloud/platform"
)

// HoursPerMonth is the length of an average month in hours, 365 × 24 / 12.
// Hosting providers quote hourly prices per month with it, so MRR does too.
const HoursPerMonth = 730

// MonthlyAmount normalises an amount charged once per cycle to its monthly
// equivalent, the unit of MRR: quarterly amounts are divided by 3,
// semi-annual ones by 6, annual ones by 12, and hourly ones multiplied by
// HoursPerMonth (730, the average month of 365 × 24 / 12 hours; actual
// usage is not known in advance). The result is rounded half away from zero
// like every fraction in the package.
func MonthlyAmount(amount Money, cycle Cycle) (Money, error) {
	if cycle == Hourly {
		return amount.Mul(HoursPerMonth)
	}
	if !cycle.Valid() {
		return Money{}, platform.Invalid("cycle", "unknown billing cycle %q", cycle)
	}
	return amount.MulFrac(1, int64(cycle.Months()))
}

// ExchangeRateScale is the fixed-point scale of ExchangeRates.PerBase: a rate
// of ExchangeRateScale (one billion) means one unit of a currency is worth
// one unit of the base currency. Nine decimal places keep even small rates
// such as IDR to USD (0.000061) to several significant digits.
const ExchangeRateScale = 1_000_000_000

// ExchangeRates converts amounts to one reporting currency, Base. PerBase
// maps an upper-case ISO 4217 code to how many major units of Base one major
// unit of that currency is worth, in parts per billion (ExchangeRateScale):
// with Base "USD", PerBase["EUR"] = 1_080_000_000 reads "1 EUR = 1.08 USD"
// and PerBase["JPY"] = 6_700_000 reads "1 JPY = 0.0067 USD". Rates are per
// major unit so that they read like published rates; Convert accounts for
// the currencies' exponents. Base needs no entry of its own.
type ExchangeRates struct {
	Base    string
	PerBase map[string]int64
}

// Convert returns m in the base currency. The conversion is exact integer
// arithmetic followed by one rounding to the base's minor unit, half away
// from zero. A currency without a positive rate, or an unknown base, is an
// EINVALID error on the field "exchange_rates".
func (r ExchangeRates) Convert(m Money) (Money, error) {
	base, err := LookupCurrency(r.Base)
	if err != nil {
		return Money{}, platform.Invalid("exchange_rates", "unknown base currency %q", r.Base)
	}
	from, err := LookupCurrency(m.Currency)
	if err != nil {
		return Money{}, err
	}
	if from.Code == base.Code {
		return Money{Amount: m.Amount, Currency: base.Code}, nil
	}
	rate := r.PerBase[from.Code]
	if rate <= 0 {
		return Money{}, platform.Invalid("exchange_rates", "no exchange rate from %s to %s", from.Code, base.Code)
	}
	// base minor = from minor × rate / scale × 10^(base exponent − from exponent);
	// the power of ten goes into whichever side keeps it an integer.
	num, den := rate, int64(ExchangeRateScale)
	for e := from.Exponent; e < base.Exponent; e++ {
		if num > math.MaxInt64/10 {
			return Money{}, platform.Invalid("exchange_rates", "exchange rate of %s is too large", from.Code)
		}
		num *= 10
	}
	for e := base.Exponent; e < from.Exponent; e++ {
		den *= 10
	}
	return Money{Amount: m.Amount, Currency: base.Code}.MulFrac(num, den)
}

// MRREvent is one change in a subscription's monthly recurring revenue, in
// minor units of Currency: Before is its MRR just before At and After just
// after. Before 0 and After above 0 is a new subscription or a
// reactivation, After 0 is churn (cancelled or terminated), anything else an
// expansion or a contraction. The service layer records one whenever a
// subscription starts, changes plan or options, or ends; PlanID is the plan
// after the change. All events of one subscription carry the same currency
// and customer.
type MRREvent struct {
	At             time.Time
	SubscriptionID int64
	CustomerID     int64
	PlanID         int64
	Currency       string
	Before, After  int64
}

// Movement is how MRR moved over a range: its level at the start and at the
// end, and the sums that explain the difference, so that
//
//	MRRStart + New + Expansion + Reactivation − Contraction − Churned == MRREnd
//
// holds exactly. All amounts are in one currency and none is negative.
type Movement struct {
	MRRStart Money
	MRREnd   Money
	// New is the MRR of subscriptions that had never had any.
	New Money
	// Expansion is MRR added to subscriptions that already had some.
	Expansion Money
	// Contraction is MRR taken from subscriptions that kept some.
	Contraction Money
	// Churned is the MRR of subscriptions that went to zero.
	Churned Money
	// Reactivation is the MRR of subscriptions that had had some, went to
	// zero and came back, such as a terminated service restored.
	Reactivation Money
}

// Metrics are the revenue metrics of a time range for admin analytics.
//
// Money movements are classified per subscription: a returning customer who
// orders a new subscription brings New MRR, while Reactivation is only MRR
// that a subscription regains. Customer counts are per customer: a customer
// is active while any of their subscriptions has MRR, so one who ends a
// subscription and starts another at the same instant stays active (the
// MRR still shows as Churned and New).
type Metrics struct {
	From, To time.Time
	// Movement holds the totals in the base currency of the exchange rates.
	Movement
	// ARR is MRREnd × 12.
	ARR Money
	// CustomersStart and CustomersEnd count the active customers at From
	// and at To.
	CustomersStart int
	CustomersEnd   int
	// NewCustomers, ReactivatedCustomers and ChurnedCustomers count the
	// times a customer became active for the first time, became active
	// again, and stopped being active within the range, so that
	// CustomersStart + NewCustomers + ReactivatedCustomers − ChurnedCustomers
	// == CustomersEnd. A customer who leaves and returns twice counts twice.
	NewCustomers         int
	ReactivatedCustomers int
	ChurnedCustomers     int
	// CustomerChurnRate is ChurnedCustomers / CustomersStart and
	// RevenueChurnRate is (Churned + Contraction) / MRRStart, both rounded
	// half away from zero and zero when the denominator is zero. Customers
	// and MRR won within the range count in the numerators only, the usual
	// simple definition; so either rate can exceed 100%.
	CustomerChurnRate Rate
	RevenueChurnRate  Rate
	// ByPlan breaks the totals down by plan, in the base currency. A plan
	// change counts as Contraction of the old plan and Expansion of the new
	// one, so each plan's movement balances; summed over plans, Expansion and
	// Contraction therefore exceed the totals, while the other sums match.
	ByPlan map[int64]Movement
	// ByCurrency breaks the totals down by the subscriptions' currency, in
	// that currency, unconverted.
	ByCurrency map[string]Movement
}

// ComputeMetrics replays MRR events and measures the half-open range
// [from, to) in the base currency of rates. Events are replayed in order of
// At, then SubscriptionID, whatever their input order; events of one
// subscription at the same instant keep their input order. An event at from
// counts in the range, one at to does not.
//
// The replay trusts Before only for a subscription's first event, as its MRR
// before any known event (so a list of recent events still gives the right
// MRRStart); after that, the previous event's After is the subscription's
// MRR, so a lost or duplicated event cannot unbalance the totals.
//
// Each subscription's MRR level, not each change, is converted to the base
// currency, with one rounding; a change is the difference of two converted
// levels. That makes the Movement identity exact in the base currency,
// where converting every change separately would drift by rounding.
func ComputeMetrics(events []MRREvent, from, to time.Time, rates ExchangeRates) (Metrics, error) {
	if !from.Before(to) {
		return Metrics{}, platform.Invalid("to", "the range must end after it starts")
	}
	r, err := newMRRReplay(events, rates)
	if err != nil {
		return Metrics{}, err
	}
	if err := r.advance(from, nil); err != nil {
		return Metrics{}, err
	}
	rec := &mrrRecorder{byPlan: map[int64]*mrrTally{}, byCurrency: map[string]*mrrTally{}}
	rec.levels(r, func(t *mrrTally, level int64) { t.start = level })
	rec.customersStart = r.customers
	if err := r.advance(to, rec); err != nil {
		return Metrics{}, err
	}
	rec.levels(r, func(t *mrrTally, level int64) { t.end = level })
	rec.customersEnd = r.customers
	return rec.metrics(from, to, r.base)
}

// MRRPoint is the MRR at one instant, in the base currency.
type MRRPoint struct {
	At  time.Time
	MRR Money
}

// MRRSeries returns the MRR at from and at every instant that step reaches
// from it before to, for charts: with a step of one month, the MRR at the
// start of each month. The MRR at an instant is the one ComputeMetrics gives
// as MRRStart for a range starting there. Step must move time forward.
func MRRSeries(events []MRREvent, from, to time.Time, step func(time.Time) time.Time, rates ExchangeRates) ([]MRRPoint, error) {
	if !from.Before(to) {
		return nil, platform.Invalid("to", "the range must end after it starts")
	}
	if step == nil {
		return nil, platform.Invalid("step", "a step is required")
	}
	r, err := newMRRReplay(events, rates)
	if err != nil {
		return nil, err
	}
	var points []MRRPoint
	for t := from; t.Before(to); {
		if err := r.advance(t, nil); err != nil {
			return nil, err
		}
		points = append(points, MRRPoint{At: t, MRR: Money{Amount: r.total, Currency: r.base}})
		next := step(t)
		if !next.After(t) {
			return nil, platform.Invalid("step", "the step must move time forward, got %s after %s", next, t)
		}
		t = next
	}
	return points, nil
}

// mrrKind is the kind of one movement of MRR.
type mrrKind int

const (
	mrrNone mrrKind = iota
	mrrNew
	mrrExpansion
	mrrContraction
	mrrChurn
	mrrReactivation
)

// classifyMRR names the move of a subscription's MRR from prev to next;
// hadMRR, whether it ever had MRR, tells a reactivation from a new one.
func classifyMRR(prev, next int64, hadMRR bool) mrrKind {
	switch {
	case prev == next:
		return mrrNone
	case prev == 0 && hadMRR:
		return mrrReactivation
	case prev == 0:
		return mrrNew
	case next == 0:
		return mrrChurn
	case next > prev:
		return mrrExpansion
	}
	return mrrContraction
}

// mrrSubscription is what the replay knows of one subscription.
type mrrSubscription struct {
	customerID, planID int64
	currency           string
	mrr                int64 // minor units of currency
	hadMRR             bool
}

// mrrReplay applies MRR events in order and keeps running levels: the total
// and per plan in the base currency, per currency unconverted, and the
// number of active customers.
type mrrReplay struct {
	rates      ExchangeRates
	base       string
	events     []MRREvent // sorted
	next       int        // index of the first event not applied
	subs       map[int64]*mrrSubscription
	activeSubs map[int64]int // per customer: subscriptions with MRR
	everActive map[int64]bool
	customers  int
	total      int64
	byPlan     map[int64]int64
	byCurrency map[string]int64
}

// newMRRReplay checks and sorts the events and sets every subscription to
// its MRR before its first event.
func newMRRReplay(events []MRREvent, rates ExchangeRates) (*mrrReplay, error) {
	base, err := LookupCurrency(rates.Base)
	if err != nil {
		return nil, platform.Invalid("exchange_rates", "unknown base currency %q", rates.Base)
	}
	r := &mrrReplay{
		rates:      rates,
		base:       base.Code,
		events:     slices.Clone(events),
		subs:       map[int64]*mrrSubscription{},
		activeSubs: map[int64]int{},
		everActive: map[int64]bool{},
		byPlan:     map[int64]int64{},
		byCurrency: map[string]int64{},
	}
	slices.SortStableFunc(r.events, func(a, b MRREvent) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.SubscriptionID, b.SubscriptionID)
	})
	for i, e := range r.events {
		c, err := LookupCurrency(e.Currency)
		if err != nil {
			return nil, platform.Invalid("events", "subscription %d: unknown currency %q", e.SubscriptionID, e.Currency)
		}
		r.events[i].Currency = c.Code
		if e.Before < 0 || e.After < 0 {
			return nil, platform.Invalid("events", "subscription %d: MRR must not be negative", e.SubscriptionID)
		}
		s, seen := r.subs[e.SubscriptionID]
		if !seen {
			s = &mrrSubscription{customerID: e.CustomerID, planID: e.PlanID, currency: c.Code}
			r.subs[e.SubscriptionID] = s
			if _, _, err := r.setMRR(s, e.Before, e.PlanID); err != nil {
				return nil, err
			}
			continue
		}
		if s.currency != c.Code || s.customerID != e.CustomerID {
			return nil, platform.Invalid("events", "subscription %d changes currency or customer", e.SubscriptionID)
		}
	}
	for id, n := range r.activeSubs {
		if n > 0 {
			r.everActive[id] = true
			r.customers++
		}
	}
	return r, nil
}

// setMRR moves a subscription to next MRR on a plan and updates the levels.
// It returns the subscription's level before and after in the base currency.
func (r *mrrReplay) setMRR(s *mrrSubscription, next, planID int64) (prevBase, nextBase int64, err error) {
	p, err := r.rates.Convert(Money{Amount: s.mrr, Currency: s.currency})
	if err != nil {
		return 0, 0, err
	}
	n, err := r.rates.Convert(Money{Amount: next, Currency: s.currency})
	if err != nil {
		return 0, 0, err
	}
	r.total += n.Amount - p.Amount
	r.byPlan[s.planID] -= p.Amount
	r.byPlan[planID] += n.Amount
	r.byCurrency[s.currency] += next - s.mrr
	switch {
	case s.mrr == 0 && next > 0:
		r.activeSubs[s.customerID]++
	case s.mrr > 0 && next == 0:
		r.activeSubs[s.customerID]--
	}
	s.mrr, s.planID = next, planID
	s.hadMRR = s.hadMRR || next > 0
	return p.Amount, n.Amount, nil
}

// advance applies every event before t, recording movements in rec unless it
// is nil. Customers are judged one instant at a time, comparing whether they
// were active before and after all the events of that instant.
func (r *mrrReplay) advance(t time.Time, rec *mrrRecorder) error {
	for r.next < len(r.events) && r.events[r.next].At.Before(t) {
		at := r.events[r.next].At
		wasActive := map[int64]bool{}
		for ; r.next < len(r.events) && r.events[r.next].At.Equal(at); r.next++ {
			e := r.events[r.next]
			if _, ok := wasActive[e.CustomerID]; !ok {
				wasActive[e.CustomerID] = r.activeSubs[e.CustomerID] > 0
			}
			if err := r.apply(e, rec); err != nil {
				return err
			}
		}
		for id, was := range wasActive {
			active := r.activeSubs[id] > 0
			switch {
			case !was && active && r.everActive[id]:
				r.customers++
				rec.countCustomer(mrrReactivation)
			case !was && active:
				r.customers++
				r.everActive[id] = true
				rec.countCustomer(mrrNew)
			case was && !active:
				r.customers--
				rec.countCustomer(mrrChurn)
			}
		}
	}
	return nil
}

// apply replays one event and records its movements in rec unless nil.
func (r *mrrReplay) apply(e MRREvent, rec *mrrRecorder) error {
	s := r.subs[e.SubscriptionID]
	prev, prevPlan, hadMRR := s.mrr, s.planID, s.hadMRR
	prevBase, nextBase, err := r.setMRR(s, e.After, e.PlanID)
	if err != nil || rec == nil {
		return err
	}
	kind := classifyMRR(prev, e.After, hadMRR)
	switch {
	case prev > 0 && e.After > 0 && prevPlan != e.PlanID:
		// A plan change moves MRR between plans without losing the
		// subscription: contraction of the old plan, expansion of the new.
		rec.plan(prevPlan).add(mrrContraction, -prevBase)
		rec.plan(e.PlanID).add(mrrExpansion, nextBase)
	case kind == mrrChurn:
		rec.plan(prevPlan).add(kind, nextBase-prevBase)
	case kind != mrrNone:
		rec.plan(e.PlanID).add(kind, nextBase-prevBase)
	}
	if kind != mrrNone {
		rec.total.add(kind, nextBase-prevBase)
		rec.currency(s.currency).add(kind, e.After-prev)
	}
	return nil
}

// mrrTally accumulates a Movement in minor units of one currency.
type mrrTally struct {
	start, end                                         int64
	new, expansion, contraction, churned, reactivation int64
}

// add records a move of delta minor units; losses are kept as positive sums.
func (t *mrrTally) add(kind mrrKind, delta int64) {
	switch kind {
	case mrrNew:
		t.new += delta
	case mrrExpansion:
		t.expansion += delta
	case mrrReactivation:
		t.reactivation += delta
	case mrrContraction:
		t.contraction -= delta
	case mrrChurn:
		t.churned -= delta
	}
}

func (t *mrrTally) movement(currency string) Movement {
	m := func(a int64) Money { return Money{Amount: a, Currency: currency} }
	return Movement{
		MRRStart: m(t.start), MRREnd: m(t.end),
		New: m(t.new), Expansion: m(t.expansion), Contraction: m(t.contraction),
		Churned: m(t.churned), Reactivation: m(t.reactivation),
	}
}

// mrrRecorder collects the movements and customer counts of a range.
type mrrRecorder struct {
	total                        mrrTally
	byPlan                       map[int64]*mrrTally
	byCurrency                   map[string]*mrrTally
	customersStart, customersEnd int
	newCustomers                 int
	reactivatedCustomers         int
	churnedCustomers             int
}

func (rec *mrrRecorder) plan(id int64) *mrrTally {
	t, ok := rec.byPlan[id]
	if !ok {
		t = &mrrTally{}
		rec.byPlan[id] = t
	}
	return t
}

func (rec *mrrRecorder) currency(code string) *mrrTally {
	t, ok := rec.byCurrency[code]
	if !ok {
		t = &mrrTally{}
		rec.byCurrency[code] = t
	}
	return t
}

// levels hands the replay's current levels to set: the total, and every plan
// and currency with MRR.
func (rec *mrrRecorder) levels(r *mrrReplay, set func(t *mrrTally, level int64)) {
	set(&rec.total, r.total)
	for id, level := range r.byPlan {
		if level != 0 {
			set(rec.plan(id), level)
		}
	}
	for code, level := range r.byCurrency {
		if level != 0 {
			set(rec.currency(code), level)
		}
	}
}

// countCustomer counts a customer who became active (mrrNew), active again
// (mrrReactivation) or inactive (mrrChurn); a nil recorder counts nothing.
func (rec *mrrRecorder) countCustomer(kind mrrKind) {
	if rec == nil {
		return
	}
	switch kind {
	case mrrNew:
		rec.newCustomers++
	case mrrReactivation:
		rec.reactivatedCustomers++
	case mrrChurn:
		rec.churnedCustomers++
	}
}

func (rec *mrrRecorder) metrics(from, to time.Time, base string) (Metrics, error) {
	m := Metrics{
		From: from, To: to,
		Movement:             rec.total.movement(base),
		CustomersStart:       rec.customersStart,
		CustomersEnd:         rec.customersEnd,
		NewCustomers:         rec.newCustomers,
		ReactivatedCustomers: rec.reactivatedCustomers,
		ChurnedCustomers:     rec.churnedCustomers,
		ByPlan:               map[int64]Movement{},
		ByCurrency:           map[string]Movement{},
	}
	var err error
	if m.ARR, err = m.MRREnd.Mul(12); err != nil {
		return Metrics{}, err
	}
	if m.CustomerChurnRate, err = ppm(int64(rec.churnedCustomers), int64(rec.customersStart)); err != nil {
		return Metrics{}, err
	}
	if m.RevenueChurnRate, err = ppm(rec.total.churned+rec.total.contraction, rec.total.start); err != nil {
		return Metrics{}, err
	}
	for id, t := range rec.byPlan {
		m.ByPlan[id] = t.movement(base)
	}
	for code, t := range rec.byCurrency {
		m.ByCurrency[code] = t.movement(code)
	}
	return m, nil
}

// ppm returns part / whole as a Rate in parts per million, rounded half away
// from zero; zero when whole is zero.
func ppm(part, whole int64) (Rate, error) {
	if whole == 0 {
		return 0, nil
	}
	v, err := mulDivRound(part, int64(HundredPercent), whole)
	return Rate(v), err
}
