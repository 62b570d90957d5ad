package billing

import (
	"fmt"
	"time"

	"ezscale.cloud/platform"
)

// ServiceType is the kind of hosted product a plan sells; it picks the
// control panel that provisions it.
type ServiceType string

// The service types the business sells.
const (
	ServiceVPS        ServiceType = "vps"
	ServiceDedicated  ServiceType = "dedicated"
	ServiceHosting    ServiceType = "hosting"
	ServiceGameServer ServiceType = "game_server"
)

// Valid reports whether t is one of the known service types.
func (t ServiceType) Valid() bool {
	switch t {
	case ServiceVPS, ServiceDedicated, ServiceHosting, ServiceGameServer:
		return true
	}
	return false
}

// Cycle is a billing cycle: how long one paid period lasts.
type Cycle string

// The billing cycles a price can have.
const (
	Hourly     Cycle = "hourly"
	Monthly    Cycle = "monthly"
	Quarterly  Cycle = "quarterly"
	SemiAnnual Cycle = "semiannual"
	Annual     Cycle = "annual"
)

// Valid reports whether c is one of the known cycles.
func (c Cycle) Valid() bool {
	switch c {
	case Hourly, Monthly, Quarterly, SemiAnnual, Annual:
		return true
	}
	return false
}

// Months is the number of calendar months in one cycle; 0 for hourly.
func (c Cycle) Months() int {
	switch c {
	case Monthly:
		return 1
	case Quarterly:
		return 3
	case SemiAnnual:
		return 6
	case Annual:
		return 12
	}
	return 0
}

// Next returns the end of the period of this cycle that starts at t. Monthly
// cycles keep the anchor day and clamp to the month's last day, so a
// subscription started on 31 January renews on 28 (or 29) February, then on
// 31 March: the anchor is the subscription's start, passed as anchor.
func (c Cycle) Next(t, anchor time.Time) time.Time {
	if c == Hourly {
		return t.Add(time.Hour)
	}
	return addMonthsClamped(t, anchor, c.Months())
}

// addMonthsClamped adds n months to t, using anchor's day of month where the
// target month has it, else the target month's last day.
func addMonthsClamped(t, anchor time.Time, n int) time.Time {
	y, m, _ := t.Date()
	target := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	last := target.AddDate(0, 1, -1).Day()
	day := anchor.Day()
	if day > last {
		day = last
	}
	return time.Date(target.Year(), target.Month(), day, t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// PlanStatus says whether a plan can be ordered.
type PlanStatus string

// Plan statuses: active plans are listed and orderable, hidden plans are
// orderable by direct link only, archived plans keep their subscribers but
// take no new orders.
const (
	PlanActive   PlanStatus = "active"
	PlanHidden   PlanStatus = "hidden"
	PlanArchived PlanStatus = "archived"
)

// Price is what a plan costs in one currency and billing cycle, in minor
// units, plus a one-time setup fee charged on the first invoice.
type Price struct {
	Currency string
	Cycle    Cycle
	Amount   int64
	SetupFee int64
}

// Plan is a product in the catalog.
type Plan struct {
	ID       int64
	Code     string
	Name     string
	Type     ServiceType
	Status   PlanStatus
	Features map[string]string
	// Stock is the number of units left to sell; nil means unlimited. Only
	// dedicated servers usually track stock.
	Stock *int64
	// UpgradeTargets lists the plans a subscriber may switch to.
	UpgradeTargets []int64
	// TrialDays is the length of the free trial a new subscriber gets.
	TrialDays int
	Prices    []Price
	Options   []ConfigOption
	CreatedAt time.Time
}

// Validate checks the plan's fields and names the first one at fault.
func (p *Plan) Validate() error {
	switch {
	case p.Code == "":
		return platform.Invalid("code", "plan code is required")
	case p.Name == "":
		return platform.Invalid("name", "plan name is required")
	case !p.Type.Valid():
		return platform.Invalid("type", "unknown service type %q", p.Type)
	}
	switch p.Status {
	case PlanActive, PlanHidden, PlanArchived:
	default:
		return platform.Invalid("status", "unknown plan status %q", p.Status)
	}
	if p.TrialDays < 0 || p.TrialDays > 365 {
		return platform.Invalid("trial_days", "trial must be 0 to 365 days")
	}
	if p.Stock != nil && *p.Stock < 0 {
		return platform.Invalid("stock", "stock must not be negative")
	}
	seen := map[[2]string]bool{}
	for _, pr := range p.Prices {
		if err := validatePrice(pr, "prices"); err != nil {
			return err
		}
		k := [2]string{pr.Currency, string(pr.Cycle)}
		if seen[k] {
			return platform.Invalid("prices", "two prices for %s %s", pr.Currency, pr.Cycle)
		}
		seen[k] = true
	}
	codes := map[string]bool{}
	for i, o := range p.Options {
		field := fmt.Sprintf("options[%d]", i)
		if err := o.validate(field); err != nil {
			return err
		}
		if codes[o.Code] {
			return platform.Invalid(field+".code", "two options with code %s", o.Code)
		}
		codes[o.Code] = true
	}
	return nil
}

func validatePrice(pr Price, field string) error {
	if _, err := LookupCurrency(pr.Currency); err != nil {
		return platform.Invalid(field+".currency", "unknown currency %q", pr.Currency)
	}
	if !pr.Cycle.Valid() {
		return platform.Invalid(field+".cycle", "unknown billing cycle %q", pr.Cycle)
	}
	if pr.Amount < 0 || pr.SetupFee < 0 {
		return platform.Invalid(field+".amount", "prices must not be negative")
	}
	return nil
}

// Orderable reports whether new subscriptions may be made to the plan. A
// dedicated server out of stock may still be ordered, as a backorder that
// waits for staff to find it hardware.
func (p *Plan) Orderable() error {
	if p.Status == PlanArchived {
		return platform.Errorf(platform.ECONFLICT, "plan %s is archived", p.Code)
	}
	if p.Stock != nil && *p.Stock <= 0 && p.Type != ServiceDedicated {
		return platform.Errorf(platform.ECONFLICT, "plan %s is out of stock", p.Code)
	}
	return nil
}

// Price returns the plan's price in the currency and cycle.
func (p *Plan) Price(currency string, cycle Cycle) (Price, error) {
	for _, pr := range p.Prices {
		if pr.Currency == currency && pr.Cycle == cycle {
			return pr, nil
		}
	}
	return Price{}, platform.Invalid("cycle", "plan %s has no %s price in %s", p.Code, cycle, currency)
}

// CanChangeTo reports whether a subscriber may move from p to the target plan.
func (p *Plan) CanChangeTo(target int64) bool {
	for _, id := range p.UpgradeTargets {
		if id == target {
			return true
		}
	}
	return false
}

// Option returns the configurable option with the given id.
func (p *Plan) Option(id int64) (ConfigOption, bool) {
	for _, o := range p.Options {
		if o.ID == id {
			return o, true
		}
	}
	return ConfigOption{}, false
}

// ConfigOption is a configurable add-on of a plan priced per unit per cycle,
// such as extra IPv4 addresses, GB of RAM or backup slots.
type ConfigOption struct {
	ID       int64
	Code     string
	Name     string
	Unit     string
	MinUnits int64
	MaxUnits int64
	Prices   []Price
}

// Validate checks the option's fields.
func (o ConfigOption) Validate() error { return o.validate("options") }

// validate checks the option's fields, naming them under field.
func (o ConfigOption) validate(field string) error {
	switch {
	case o.Code == "":
		return platform.Invalid(field+".code", "option code is required")
	case o.Name == "":
		return platform.Invalid(field+".name", "option %s needs a name", o.Code)
	case o.MinUnits < 0:
		return platform.Invalid(field+".min_units", "option %s: the minimum must not be negative", o.Code)
	case o.MaxUnits < o.MinUnits:
		return platform.Invalid(field+".max_units", "option %s: the maximum must not be below the minimum", o.Code)
	}
	seen := map[[2]string]bool{}
	for _, pr := range o.Prices {
		if err := validatePrice(pr, field+".prices"); err != nil {
			return err
		}
		k := [2]string{pr.Currency, string(pr.Cycle)}
		if seen[k] {
			return platform.Invalid(field+".prices", "option %s: two prices for %s %s", o.Code, pr.Currency, pr.Cycle)
		}
		seen[k] = true
	}
	return nil
}

// UnitPrice returns the option's per-unit price in a currency and cycle.
func (o ConfigOption) UnitPrice(currency string, cycle Cycle) (Price, error) {
	for _, pr := range o.Prices {
		if pr.Currency == currency && pr.Cycle == cycle {
			return pr, nil
		}
	}
	return Price{}, platform.Invalid("options", "option %s has no %s price in %s", o.Code, cycle, currency)
}

// OptionChoice is how many units of a configurable option a subscription has.
type OptionChoice struct {
	OptionID int64
	Units    int64
}

// RecurringAmount is what one cycle of the plan with the chosen options
// costs, before discounts and tax. Options are priced separately from the
// base price so that upgrades never count an add-on twice.
func RecurringAmount(p *Plan, currency string, cycle Cycle, choices []OptionChoice) (Money, error) {
	pr, err := p.Price(currency, cycle)
	if err != nil {
		return Money{}, err
	}
	total := Money{Amount: pr.Amount, Currency: currency}
	for _, ch := range choices {
		o, ok := p.Option(ch.OptionID)
		if !ok && ch.Units == 0 {
			continue // none of an option since retired costs nothing
		}
		if !ok {
			return Money{}, platform.Invalid("options", "plan %s has no option %d", p.Code, ch.OptionID)
		}
		if ch.Units < o.MinUnits || ch.Units > o.MaxUnits {
			return Money{}, platform.Invalid("options", "option %s takes %d to %d units", o.Code, o.MinUnits, o.MaxUnits)
		}
		up, err := o.UnitPrice(currency, cycle)
		if err != nil {
			return Money{}, err
		}
		line, err := Money{Amount: up.Amount, Currency: currency}.Mul(ch.Units)
		if err != nil {
			return Money{}, err
		}
		if total, err = total.Add(line); err != nil {
			return Money{}, err
		}
	}
	return total, nil
}
