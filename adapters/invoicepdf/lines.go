package invoicepdf

import (
	"strconv"

	"ezscale.cloud/platform/billing"
)

// Widths of the lines table's figure columns; the description takes the
// rest of the page.
const (
	quantityWidth = 14.0
	moneyWidth    = 34.0
)

// descriptionWidth is what the figure columns leave for the description.
func (d *document) descriptionWidth() float64 {
	return d.contentWidth() - quantityWidth - 2*moneyWidth
}

// lines draws the table of invoice lines. A line that does not fit goes to
// the next page, under a repeated table header, so every page reads on its
// own.
func (d *document) lines() {
	d.tableHeader()
	for _, it := range d.inv.Items {
		d.row(it)
	}
}

// tableHeader draws the column headings on a grey band and leaves the body
// font set for the rows.
func (d *document) tableHeader() {
	d.font("B", bodySize)
	d.pdf.SetFillColor(235, 235, 235)
	for _, col := range []struct {
		title, align string
		width        float64
	}{
		{"Description", "L", d.descriptionWidth()},
		{"Qty", "R", quantityWidth},
		{"Unit price", "R", moneyWidth},
		{"Amount", "R", moneyWidth},
	} {
		d.pdf.CellFormat(col.width, lineHeight+2, d.text(col.title), "", 0, col.align, true, 0, "")
	}
	d.pdf.Ln(lineHeight + 2)
	d.font("", bodySize)
}

// row draws one invoice line: its description wrapped to the column, the
// line's own period when it differs from the invoice's (prorations), and
// its figures on the first row. Amounts are shown as stored, so discount
// lines, which billing stores negative, show negative.
func (d *document) row(it billing.InvoiceItem) {
	text := d.wrap(it.Description, d.descriptionWidth())
	if p := formatPeriod(it.PeriodStart, it.PeriodEnd); p != "" && p != formatPeriod(d.inv.PeriodStart, d.inv.PeriodEnd) {
		text = append(text, d.wrap(p, d.descriptionWidth())...)
	}
	if h := float64(len(text)) * lineHeight; h <= d.pageRoom() {
		d.breakTable(h)
	}
	for i, line := range text {
		// A description longer than a page breaks between its own lines.
		d.breakTable(lineHeight)
		d.put(d.descriptionWidth(), line, "L", 0)
		if i == 0 {
			d.cell(quantityWidth, strconv.FormatInt(it.Quantity, 10), "R", 0)
			d.cell(moneyWidth, formatMoney(it.UnitAmount, d.cur), "R", 0)
			d.cell(moneyWidth, formatMoney(it.Amount, d.cur), "R", 0)
		}
		d.pdf.Ln(lineHeight)
	}
	d.rule()
}

// breakTable starts a new page with the table header when h millimetres do
// not fit on this one.
func (d *document) breakTable(h float64) {
	if !d.fits(h) {
		d.pdf.AddPage()
		d.tableHeader()
	}
}

// rule draws a thin grey line across the content width at the current y.
func (d *document) rule() {
	y := d.pdf.GetY()
	d.pdf.SetDrawColor(200, 200, 200)
	d.pdf.Line(margin, y, margin+d.contentWidth(), y)
	d.pdf.SetDrawColor(0, 0, 0)
}
