package invoicepdf

// reverseChargeNote is the mention EU law requires on an invoice whose VAT
// the customer self-assesses (Article 226(11a) of the VAT Directive).
const reverseChargeNote = "Reverse charge: VAT to be accounted for by the recipient " +
	"(Article 196, Council Directive 2006/112/EC)."

// notes draws the legal mentions below the totals: today only the
// reverse-charge note.
func (d *document) notes() {
	if !d.inv.ReverseCharge {
		return
	}
	text := d.wrap(reverseChargeNote, d.contentWidth())
	d.pdf.Ln(lineHeight)
	if !d.fits(float64(len(text)) * lineHeight) {
		d.pdf.AddPage()
	}
	for _, line := range text {
		d.put(d.contentWidth(), line, "L", 1)
	}
}
