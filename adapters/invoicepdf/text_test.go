package invoicepdf

import (
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

func TestEncoderMapsToCP1252(t *testing.T) {
	encode := newEncoder(fpdf.New("P", "mm", "A4", ""))
	for in, want := range map[string]string{
		"Müller €5":         "M\xfcller \x805",
		"Mu\u0308ller":      "M\xfcller", // decomposed ü
		"Иван 山田 🚀":         "???? ?? ?",
		"a\tb\nc\x00d":      "a b c d",
		"bad \xff byte":     "bad ? byte",
		"“quotes” – dash …": "\x93quotes\x94 \x96 dash \x85",
	} {
		if got := encode(in); got != want {
			t.Errorf("encode(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestRenderSurvivesTextOutsideCP1252(t *testing.T) {
	inv := paidInvoice()
	inv.Customer.Name = "山田 太郎"
	inv.Customer.Company = "ООО «Ромашка» 🚀"
	inv.Customer.Address = "Mu\u0308llerstraße 1\x00\tRTL שלום"
	inv.Items[0].Description = "VPS für 山田 \xff"
	text := render(t, inv)
	wantLines(t, text,
		[]string{"?? ??"},
		[]string{"??? «???????» ?"},
		[]string{"Müllerstraße 1", "RTL ????"},
		[]string{"VPS für ?? ?", "24.00 EUR"},
	)
	if !strings.Contains(text, "44.28 EUR") {
		t.Errorf("the total is missing:\n%s", text)
	}
}
