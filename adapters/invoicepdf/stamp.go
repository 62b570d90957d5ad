package invoicepdf

import "ezscale.cloud/platform/billing"

// stampMark is a word stamped across the document and its colour.
type stampMark struct {
	word    string
	r, g, b int
}

// stampFor says which stamp, if any, the document carries: VOID once
// voided, PAID on a paid invoice. A credit note is stored as paid because it
// is settled when issued, but nobody paid it, so it carries no PAID stamp.
func stampFor(inv *billing.Invoice) (stampMark, bool) {
	switch {
	case inv.Status == billing.InvoiceVoid:
		return stampMark{word: "VOID", r: 190, g: 30, b: 30}, true
	case inv.Status == billing.InvoicePaid && inv.Kind != billing.KindCreditNote:
		return stampMark{word: "PAID", r: 20, g: 130, b: 60}, true
	}
	return stampMark{}, false
}

// stamp draws the document's stamp as a framed word whose top right corner
// is at right,y, and leaves the position below it.
func (d *document) stamp(right, y float64) {
	mark, ok := stampFor(d.inv)
	if !ok {
		return
	}
	const width, height = 40.0, 12.0
	d.pdf.SetXY(right-width, y)
	d.pdf.SetDrawColor(mark.r, mark.g, mark.b)
	d.pdf.SetTextColor(mark.r, mark.g, mark.b)
	d.pdf.SetLineWidth(0.8)
	d.font("B", 22)
	d.pdf.CellFormat(width, height, mark.word, "1", 2, "C", false, 0, "")
	d.pdf.SetLineWidth(0.2)
	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.SetTextColor(0, 0, 0)
	d.font("", bodySize)
}
