package invoicepdf

import (
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"

	"ezscale.cloud/platform/billing"
)

// Page geometry in millimetres. The bottom margin leaves room for the
// footer, and the page-break checks use it as the end of the writable area.
const (
	margin       = 18.0
	bottomMargin = 20.0
	footerOffset = 12.0
	lineHeight   = 5.0
	bodySize     = 9.0
)

// document is one PDF being drawn for one invoice, with the text encoder
// every string goes through.
type document struct {
	pdf  *fpdf.Fpdf
	text func(string) string
	inv  *billing.Invoice
	cur  billing.Currency
}

// newDocument sets up an A4 page with the footer and the metadata. The
// document dates are the invoice's (not the wall clock) and the catalogs are
// sorted, so equal invoices give equal bytes.
func newDocument(inv *billing.Invoice, cur billing.Currency) *document {
	pdf := fpdf.New("P", "mm", "A4", "")
	d := &document{pdf: pdf, text: newEncoder(pdf), inv: inv, cur: cur}
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, bottomMargin)
	date := documentDate(inv)
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(d.title()+" "+inv.Number, true)
	pdf.SetAuthor(inv.Company.Name, true)
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(d.footer)
	pdf.AddPage()
	d.font("", bodySize)
	return d
}

// documentDate is the date written into the PDF's metadata: the issue date,
// else the creation date. fpdf would write the wall clock for a zero date,
// so the Unix epoch stands in when the invoice has neither.
func documentDate(inv *billing.Invoice) time.Time {
	for _, t := range []time.Time{inv.IssuedAt, inv.CreatedAt} {
		if !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Unix(0, 0).UTC()
}

// title names the kind of document.
func (d *document) title() string {
	if d.inv.Kind == billing.KindCreditNote {
		return "Credit note"
	}
	return "Invoice"
}

// footer marks every page with the seller and the document's number and
// page, so a loose page can be put back.
func (d *document) footer() {
	d.pdf.SetY(-footerOffset)
	d.font("", 8)
	d.pdf.SetTextColor(110, 110, 110)
	half := d.contentWidth() / 2
	// The page count is left-aligned: fpdf fills in {nb} after measuring
	// the text, which would shift right-aligned text off the margin.
	d.cell(half, fmt.Sprintf("%s %s · Page %d of {nb}", d.title(), d.inv.Number, d.pdf.PageNo()), "L", 0)
	d.cell(half, d.inv.Company.Name, "R", 0)
	d.pdf.SetTextColor(0, 0, 0)
}

// font sets Helvetica, one of the core fonts that need no font files.
func (d *document) font(style string, size float64) { d.pdf.SetFont("Helvetica", style, size) }

// contentWidth is the width between the side margins.
func (d *document) contentWidth() float64 {
	w, _ := d.pdf.GetPageSize()
	return w - 2*margin
}

// fits reports whether h more millimetres fit above the bottom margin.
func (d *document) fits(h float64) bool {
	_, pageHeight := d.pdf.GetPageSize()
	return d.pdf.GetY()+h <= pageHeight-bottomMargin
}

// pageRoom is the writable height of a fresh page.
func (d *document) pageRoom() float64 {
	_, pageHeight := d.pdf.GetPageSize()
	return pageHeight - margin - bottomMargin
}

// cell draws UTF-8 text as one line; align and ln are fpdf's CellFormat
// arguments ("L", "R", "C"; 0 to the right, 1 next line, 2 below).
func (d *document) cell(w float64, s, align string, ln int) { d.put(w, d.text(s), align, ln) }

// put draws text already encoded by d.text, such as the lines of wrap.
func (d *document) put(w float64, encoded, align string, ln int) {
	d.pdf.CellFormat(w, lineHeight, encoded, "", ln, align, false, 0, "")
}

// wrap encodes s and splits it into lines that fit w in the current font. It
// returns at least one line, so an empty text still takes a row.
func (d *document) wrap(s string, w float64) []string {
	split := d.pdf.SplitLines([]byte(d.text(s)), w)
	if len(split) == 0 {
		return []string{""}
	}
	lines := make([]string, len(split))
	for i, l := range split {
		lines[i] = string(l)
	}
	return lines
}
