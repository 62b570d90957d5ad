package billing

import (
	"time"

	"ezscale.cloud/platform"
)

// ProrationQuote is what changing a subscription's recurring amount part-way
// through a paid period costs or returns.
type ProrationQuote struct {
	// Credit is the unused part of the old recurring amount, already paid
	// for; it is never negative.
	Credit Money
	// Charge is the remaining part of the new recurring amount.
	Charge Money
	// Net is Charge − Credit: above zero it is charged now, below zero it
	// is credited to the customer's account balance.
	Net Money
	// RemainingSeconds and PeriodSeconds are the fraction applied, in whole
	// seconds.
	RemainingSeconds, PeriodSeconds int64
}

// Prorate quotes a change from the old to the new recurring amount at the
// instant at, inside the paid period [periodStart, periodEnd). The share of
// the period left is (periodEnd − at) / (periodEnd − periodStart) in whole
// seconds; Credit is the old amount times that share and Charge the new
// amount times it, each rounded once by the package rule, and Net is their
// difference, so it is exact and no cent is rounded twice.
//
// The business rules: an upgrade (Net > 0) is invoiced now for Net, and the
// period keeps its end date; a downgrade (Net < 0) adds |Net| to the
// customer's credit balance, used by later invoices, and never makes a
// negative invoice. The amounts are whole recurring amounts, plan plus
// configurable options as RecurringAmount computes them, so an add-on is
// credited and charged exactly once and never mistaken for part of the base
// price (the Paymenter bug PM#797 charged upgrades on the base price alone).
func Prorate(periodStart, periodEnd, at time.Time, oldRecurring, newRecurring Money) (ProrationQuote, error) {
	q := ProrationQuote{
		RemainingSeconds: int64(periodEnd.Sub(at) / time.Second),
		PeriodSeconds:    int64(periodEnd.Sub(periodStart) / time.Second),
	}
	if q.PeriodSeconds <= 0 {
		return ProrationQuote{}, platform.Invalid("period_end", "period must end at least a second after it starts")
	}
	if at.Before(periodStart) || !at.Before(periodEnd) {
		return ProrationQuote{}, platform.Invalid("at", "%s is outside the period %s to %s",
			at.UTC().Format(time.RFC3339), periodStart.UTC().Format(time.RFC3339), periodEnd.UTC().Format(time.RFC3339))
	}
	if oldRecurring.IsNegative() || newRecurring.IsNegative() {
		return ProrationQuote{}, platform.Invalid("amount", "recurring amounts must not be negative")
	}
	// Sub below refuses mixed currencies.
	var err error
	if q.Credit, err = oldRecurring.MulFrac(q.RemainingSeconds, q.PeriodSeconds); err != nil {
		return ProrationQuote{}, err
	}
	if q.Charge, err = newRecurring.MulFrac(q.RemainingSeconds, q.PeriodSeconds); err != nil {
		return ProrationQuote{}, err
	}
	if q.Net, err = q.Charge.Sub(q.Credit); err != nil {
		return ProrationQuote{}, err
	}
	return q, nil
}
