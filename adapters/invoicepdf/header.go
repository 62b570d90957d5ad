package invoicepdf

import (
	"strings"
	"time"

	"ezscale.cloud/platform/billing"
)

// header draws the first page's top: the seller on the left, the title,
// dates and stamp on the right, and the customer below.
func (d *document) header() {
	half := d.contentWidth() / 2
	top := d.pdf.GetY()
	sellerBottom := d.party(margin, top, half, "", d.inv.Company)
	metaBottom := d.meta(margin+half, top, half)
	d.party(margin, max(sellerBottom, metaBottom)+lineHeight, half, "Bill to", d.inv.Customer)
	d.pdf.Ln(lineHeight)
}

// party draws a billing identity at x,y within width w, under an optional
// caption, and returns the y below it.
func (d *document) party(x, y, w float64, caption string, p billing.BillingDetails) float64 {
	d.pdf.SetXY(x, y)
	if caption != "" {
		d.font("B", 8)
		d.cell(w, strings.ToUpper(caption), "L", 2)
	}
	d.font("B", 11)
	for _, line := range d.wrap(p.Name, w) {
		d.put(w, line, "L", 2)
	}
	d.font("", bodySize)
	for _, s := range partyLines(p) {
		for _, line := range d.wrap(s, w) {
			d.put(w, line, "L", 2)
		}
	}
	return d.pdf.GetY()
}

// partyLines lists the details of a party below its name, skipping what is
// not set. A multi-line street address keeps its lines.
func partyLines(p billing.BillingDetails) []string {
	var lines []string
	if p.Company != p.Name {
		lines = append(lines, p.Company)
	}
	lines = append(lines, strings.Split(p.Address, "\n")...)
	lines = append(lines,
		join(" ", p.Postal, p.City),
		join(", ", p.Region, p.Country),
		p.Email,
	)
	if p.VATID != "" {
		lines = append(lines, "VAT ID: "+p.VATID)
	}
	return nonBlank(lines)
}

// meta draws the document's title, number, dates and stamp right-aligned at
// x,y within width w, and returns the y below it.
func (d *document) meta(x, y, w float64) float64 {
	d.pdf.SetXY(x, y)
	d.font("B", 20)
	d.pdf.CellFormat(w, 10, d.text(d.title()), "", 2, "R", false, 0, "")
	d.font("", bodySize)
	inv := d.inv
	rows := [][2]string{
		{"Number", inv.Number},
		{"Issued", optionalDate(inv.IssuedAt)},
		{"Due", optionalDate(inv.DueAt)},
		{"Paid", optionalDate(inv.PaidAt)},
		{"Voided", optionalDate(inv.VoidedAt)},
		{"Period", formatPeriod(inv.PeriodStart, inv.PeriodEnd)},
	}
	const valueWidth = 48.0
	for _, row := range rows {
		if row[1] == "" {
			continue
		}
		d.pdf.SetX(x)
		d.cell(w-valueWidth, row[0]+":", "R", 0)
		d.cell(valueWidth, row[1], "R", 1)
	}
	d.stamp(x+w, d.pdf.GetY()+2)
	return d.pdf.GetY()
}

// optionalDate formats a date, or returns "" for one not set.
func optionalDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatDate(t)
}

// join joins the non-blank parts with sep.
func join(sep string, parts ...string) string { return strings.Join(nonBlank(parts), sep) }

// nonBlank returns the parts that hold more than white space, trimmed.
func nonBlank(parts []string) []string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return kept
}
