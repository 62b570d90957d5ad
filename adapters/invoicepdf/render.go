package invoicepdf

import (
	"bytes"
	"strings"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// Render draws the invoice or credit note as an A4 PDF and returns the
// file's bytes. It refuses a nil invoice, one without a number (a draft, or
// an open invoice whose number is only given on payment: a PDF without a
// number is no legal invoice) and an unknown currency, with a
// platform.Invalid error naming the field.
func Render(inv *billing.Invoice) ([]byte, error) {
	cur, err := validate(inv)
	if err != nil {
		return nil, err
	}
	d := newDocument(inv, cur)
	d.header()
	d.lines()
	d.totals()
	d.notes()
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return nil, &platform.Error{Code: platform.EINTERNAL, Message: "rendering " + d.title() + " " + inv.Number + " as PDF", Err: err}
	}
	return buf.Bytes(), nil
}

// validate checks what rendering needs and returns the invoice's currency,
// whose exponent decides how many decimals every amount shows.
func validate(inv *billing.Invoice) (billing.Currency, error) {
	if inv == nil {
		return billing.Currency{}, platform.Invalid("invoice", "there is no invoice to render")
	}
	if strings.TrimSpace(inv.Number) == "" {
		return billing.Currency{}, platform.Invalid("number", "invoice %d has no number yet; only numbered invoices are rendered", inv.ID)
	}
	return billing.LookupCurrency(inv.Currency)
}
