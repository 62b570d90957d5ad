package invoicepdf

import (
	"time"

	"ezscale.cloud/platform/billing"
)

// dateLayout spells the month out so that no reader mistakes 03/04 for
// 4 March or 3 April.
const dateLayout = "2 Jan 2006"

// formatDate shows a date in UTC, so an invoice loaded from the database and
// the same invoice held in memory (with another time zone) render alike.
func formatDate(t time.Time) string { return t.UTC().Format(dateLayout) }

// formatPeriod shows a billing period as "start – end", or "" when the
// period is not set.
func formatPeriod(start, end time.Time) string {
	if start.IsZero() || end.IsZero() {
		return ""
	}
	return formatDate(start) + " – " + formatDate(end)
}

// formatMoney shows minor units with the currency's own number of decimals
// (JPY 0, EUR 2, BHD 3) through billing's formatting, e.g. "12.34 EUR".
func formatMoney(amount int64, cur billing.Currency) string {
	return billing.Money{Amount: amount, Currency: cur.Code}.String()
}

// taxLabel names the invoice's tax with its rate, e.g. "VAT 20%", and says
// so when the line amounts already include it.
func taxLabel(inv *billing.Invoice) string {
	name := inv.TaxName
	if name == "" {
		name = "Tax"
	}
	label := name + " " + inv.TaxRate.String() + "%"
	if inv.TaxInclusive {
		label += " (included)"
	}
	return label
}
