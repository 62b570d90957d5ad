package invoicepdf

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// render renders inv and returns its text, failing the test on error.
func render(t *testing.T, inv *billing.Invoice) string {
	t.Helper()
	out, err := Render(inv)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return pdfText(t, out)
}

func TestRenderShowsTheInvoice(t *testing.T) {
	text := render(t, paidInvoice())
	wantLines(t, text,
		[]string{"Invoice"},
		[]string{"Number:", "INV-2026-0042"},
		[]string{"Issued:", "1 Mar 2026"},
		[]string{"Due:", "15 Mar 2026"},
		[]string{"Paid:", "1 Mar 2026"},
		[]string{"Period:", "1 Mar 2026 – 1 Apr 2026"},
		[]string{"PAID"},
		// Both parties with their addresses and tax ids.
		[]string{"EZSCALE Hosting Ltd"},
		[]string{"D02 X285 Dublin"},
		[]string{"VAT ID: IE1234567T"},
		[]string{"Jürgen Müller"},
		[]string{"Müller Webdesign GmbH"},
		[]string{"Hauptstraße 5"},
		[]string{"Hinterhaus"},
		[]string{"10115 Berlin"},
		[]string{"VAT ID: DE123456789"},
		// Lines with quantity, unit price and amount; the coupon negative.
		[]string{"Description", "Qty", "Unit price", "Amount"},
		[]string{"Cloud VPS – 4 vCPU / 8 GB", "1", "24.00 EUR", "24.00 EUR"},
		[]string{"Extra IPv4 address", "2", "3.50 EUR", "7.00 EUR"},
		[]string{"Setup fee (€10 one-off)", "1", "10.00 EUR", "10.00 EUR"},
		[]string{"Coupon WELCOME10", "1", "-4.10 EUR", "-4.10 EUR"},
		// Totals.
		[]string{"Subtotal", "36.90 EUR"},
		[]string{"VAT 20%", "7.38 EUR"},
		[]string{"Total", "44.28 EUR"},
		[]string{"Amount paid", "44.28 EUR"},
		[]string{"Amount due", "0.00 EUR"},
		[]string{"Invoice INV-2026-0042 · Page 1 of 1", "EZSCALE Hosting Ltd"},
	)
	if strings.Contains(text, "Reverse charge") {
		t.Errorf("a taxed invoice shows the reverse-charge note:\n%s", text)
	}
}

func TestRenderShowsReverseCharge(t *testing.T) {
	inv := paidInvoice()
	inv.Status, inv.AmountPaid, inv.PaidAt = billing.InvoiceOpen, 0, time.Time{}
	inv.TaxRate, inv.TaxName, inv.ReverseCharge = 0, "Reverse charge", true
	inv.Tax, inv.Total = 0, inv.Subtotal
	text := render(t, inv)
	wantLines(t, text,
		[]string{"Reverse charge 0%", "0.00 EUR"},
		[]string{"Total", "36.90 EUR"},
		[]string{"Amount due", "36.90 EUR"},
		[]string{"Reverse charge: VAT to be accounted for by the recipient"},
		[]string{"(Article 196, Council Directive 2006/112/EC)"},
	)
	if strings.Contains(text, "PAID") {
		t.Errorf("an open invoice is stamped PAID:\n%s", text)
	}
}

func TestRenderShowsTaxInclusivePrices(t *testing.T) {
	inv := paidInvoice()
	inv.TaxInclusive = true
	wantLines(t, render(t, inv),
		[]string{"Net amount", "36.90 EUR"},
		[]string{"VAT 20% (included)", "7.38 EUR"},
	)
}

func TestRenderUsesTheCurrencyExponent(t *testing.T) {
	for _, tc := range []struct {
		currency string
		want     [][]string
		notWant  string
	}{
		{"JPY", [][]string{{"Cloud VPS", "2400 JPY", "2400 JPY"}, {"Coupon WELCOME10", "-410 JPY"}, {"Total", "4428 JPY"}}, "4428.00"},
		{"BHD", [][]string{{"Cloud VPS", "2.400 BHD", "2.400 BHD"}, {"Coupon WELCOME10", "-0.410 BHD"}, {"Total", "4.428 BHD"}}, "44.28"},
	} {
		t.Run(tc.currency, func(t *testing.T) {
			inv := paidInvoice()
			inv.Currency = tc.currency
			text := render(t, inv)
			wantLines(t, text, tc.want...)
			if strings.Contains(text, tc.notWant) {
				t.Errorf("%s amounts shown as %q:\n%s", tc.currency, tc.notWant, text)
			}
		})
	}
}

func TestRenderStampsTheStatus(t *testing.T) {
	voided := paidInvoice()
	voided.Status, voided.AmountPaid, voided.PaidAt = billing.InvoiceVoid, 0, time.Time{}
	voided.VoidedAt = voided.IssuedAt.AddDate(0, 0, 2)

	open := paidInvoice()
	open.Status, open.AmountPaid, open.PaidAt = billing.InvoiceOpen, 0, time.Time{}

	note := paidInvoice()
	note.Kind, note.Number = billing.KindCreditNote, "CN-2026-0003"

	for _, tc := range []struct {
		name    string
		inv     *billing.Invoice
		want    [][]string
		notWant []string
	}{
		{"void", voided, [][]string{{"VOID"}, {"Voided:", "3 Mar 2026"}}, []string{"PAID", "Paid:"}},
		{"open", open, [][]string{{"Amount due", "44.28 EUR"}}, []string{"PAID", "VOID"}},
		{"credit note", note, [][]string{{"Credit note"}, {"Number:", "CN-2026-0003"}, {"Total credit", "44.28 EUR"}}, []string{"PAID", "Amount due"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := render(t, tc.inv)
			wantLines(t, text, tc.want...)
			for _, s := range tc.notWant {
				if strings.Contains(text, s) {
					t.Errorf("text shows %q:\n%s", s, text)
				}
			}
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	first, err := Render(paidInvoice())
	if err != nil {
		t.Fatal(err)
	}
	// The PDF dates have a resolution of a second; a render a second later
	// would differ if they came from the clock.
	time.Sleep(1100 * time.Millisecond)
	second, err := Render(paidInvoice())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatal("two renders of the same invoice differ")
	}
	if !bytes.Contains(first, []byte("/CreationDate (D:20260301093000)")) {
		t.Error("the PDF's creation date is not the invoice's issue date")
	}
}

func TestRenderRefusesInvalidInput(t *testing.T) {
	unnumbered := paidInvoice()
	unnumbered.Number = " "
	unknownCurrency := paidInvoice()
	unknownCurrency.Currency = "XXX"
	for _, tc := range []struct {
		name, field string
		inv         *billing.Invoice
	}{
		{"nil invoice", "invoice", nil},
		{"no number", "number", unnumbered},
		{"unknown currency", "currency", unknownCurrency},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Render(tc.inv)
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tc.field {
				t.Fatalf("Render = %v; want an invalid %q error", err, tc.field)
			}
			if out != nil {
				t.Error("Render returned a PDF with its error")
			}
		})
	}
}
