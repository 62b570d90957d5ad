package invoicepdf

import (
	"time"

	"ezscale.cloud/platform/billing"
)

// paidInvoice is a paid EUR invoice with three lines, a coupon and 20% VAT:
// 36.90 EUR net, 7.38 EUR tax, 44.28 EUR total.
func paidInvoice() *billing.Invoice {
	issued := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	return &billing.Invoice{
		ID: 7, Number: "INV-2026-0042", Kind: billing.KindInvoice, Reason: billing.ReasonSubscriptionCycle,
		Currency: "EUR", Status: billing.InvoicePaid,
		Items: []billing.InvoiceItem{
			{Kind: billing.ItemPlan, Description: "Cloud VPS – 4 vCPU / 8 GB", Quantity: 1, UnitAmount: 2400, Amount: 2400},
			{Kind: billing.ItemOption, Description: "Extra IPv4 address", Quantity: 2, UnitAmount: 350, Amount: 700},
			{Kind: billing.ItemSetup, Description: "Setup fee (€10 one-off)", Quantity: 1, UnitAmount: 1000, Amount: 1000},
			{Kind: billing.ItemDiscount, Description: "Coupon WELCOME10", Quantity: 1, UnitAmount: -410, Amount: -410},
		},
		Subtotal: 3690, Tax: 738, Total: 4428, AmountPaid: 4428,
		TaxRate: 200_000, TaxName: "VAT",
		PeriodStart: issued, PeriodEnd: issued.AddDate(0, 1, 0),
		Customer: billing.BillingDetails{
			Name: "Jürgen Müller", Company: "Müller Webdesign GmbH", Email: "jm@example.de",
			Address: "Hauptstraße 5\nHinterhaus", City: "Berlin", Postal: "10115", Country: "DE", VATID: "DE123456789",
		},
		Company: billing.BillingDetails{
			Name: "EZSCALE Hosting Ltd", Email: "billing@ezscale.example", Address: "1 Harbour Road",
			City: "Dublin", Postal: "D02 X285", Country: "IE", VATID: "IE1234567T",
		},
		IssuedAt: issued, DueAt: issued.AddDate(0, 0, 14), PaidAt: issued.Add(time.Hour), CreatedAt: issued,
	}
}
