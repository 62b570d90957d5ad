package invoicepdf

import (
	"fmt"
	"strings"
	"testing"

	"ezscale.cloud/platform/billing"
)

func TestRenderFlowsOntoMorePages(t *testing.T) {
	inv := paidInvoice()
	inv.Items = nil
	var total int64
	for i := 1; i <= 60; i++ {
		amount := int64(1000 + i)
		inv.Items = append(inv.Items, billing.InvoiceItem{
			Kind: billing.ItemManual, Description: fmt.Sprintf("Backup slot %02d", i),
			Quantity: 1, UnitAmount: amount, Amount: amount,
		})
		total += amount
	}
	inv.Subtotal, inv.Tax, inv.Total, inv.AmountPaid = total, 0, total, total

	text := render(t, inv)
	pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
	if len(pages) < 2 {
		t.Fatalf("60 lines fit on %d page:\n%s", len(pages), text)
	}
	for i := 1; i <= 60; i++ {
		amount := billing.Money{Amount: int64(1000 + i), Currency: "EUR"}.String()
		wantLines(t, text, []string{fmt.Sprintf("Backup slot %02d", i), amount, amount})
	}
	for n, page := range pages {
		if !hasLine(page, "Description", "Qty", "Unit price", "Amount") {
			t.Errorf("page %d has no table header:\n%s", n+1, page)
		}
		if !hasLine(page, fmt.Sprintf("Page %d of %d", n+1, len(pages))) {
			t.Errorf("page %d has no page number:\n%s", n+1, page)
		}
	}
	wantLines(t, pages[len(pages)-1], []string{"Total", billing.Money{Amount: total, Currency: "EUR"}.String()})
}

func TestRenderBreaksADescriptionLongerThanAPage(t *testing.T) {
	inv := paidInvoice()
	inv.Items[0].Description = strings.Repeat("very long description ", 1500) + "END"
	text := render(t, inv)
	if strings.Count(text, "\f") < 3 {
		t.Errorf("a description of 1500 phrases fits on fewer than 3 pages")
	}
	wantLines(t, text, []string{"END"}, []string{"Coupon WELCOME10", "-4.10 EUR"})
}
