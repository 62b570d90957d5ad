package invoicepdf

import "ezscale.cloud/platform/billing"

// totalRow is one labelled amount under the lines table.
type totalRow struct {
	label  string
	amount int64
	bold   bool
}

// totalRows lists the totals as billing computed them: subtotal (net), the
// tax with its name and rate, the total, and on an invoice what was paid and
// what is still due. With tax-inclusive prices the lines are gross, so the
// subtotal is labelled as the net amount.
func (d *document) totalRows() []totalRow {
	inv := d.inv
	subtotal := "Subtotal"
	if inv.TaxInclusive {
		subtotal = "Net amount"
	}
	rows := []totalRow{{label: subtotal, amount: inv.Subtotal}}
	if inv.Tax != 0 || inv.TaxName != "" {
		rows = append(rows, totalRow{label: taxLabel(inv), amount: inv.Tax})
	}
	if inv.Kind == billing.KindCreditNote {
		return append(rows, totalRow{label: "Total credit", amount: inv.Total, bold: true})
	}
	rows = append(rows, totalRow{label: "Total", amount: inv.Total, bold: true})
	if inv.AmountPaid != 0 {
		rows = append(rows, totalRow{label: "Amount paid", amount: inv.AmountPaid})
	}
	return append(rows, totalRow{label: "Amount due", amount: inv.AmountDue(), bold: true})
}

// totals draws the total rows right-aligned under the table, kept together
// on one page.
func (d *document) totals() {
	rows := d.totalRows()
	d.pdf.Ln(2)
	if !d.fits(float64(len(rows)) * lineHeight) {
		d.pdf.AddPage()
	}
	const labelWidth = 60.0
	x := margin + d.contentWidth() - labelWidth - moneyWidth
	for _, row := range rows {
		style := ""
		if row.bold {
			style = "B"
		}
		d.font(style, bodySize)
		d.pdf.SetX(x)
		d.cell(labelWidth, row.label, "R", 0)
		d.cell(moneyWidth, formatMoney(row.amount, d.cur), "R", 1)
	}
	d.font("", bodySize)
}
