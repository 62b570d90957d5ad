package automation

import (
	"context"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// Documents keeps rendered invoice PDFs, once per invoice status; the SQL
// store satisfies it.
type Documents interface {
	InvoicePDF(ctx context.Context, invoiceID int64, status string) ([]byte, error)
	SaveInvoicePDF(ctx context.Context, invoiceID int64, status string, pdf []byte, now time.Time) error
}

// PDFs renders an invoice's PDF once for each status it is asked for in
// and keeps it: the open invoice's file is the one emailed and stays as
// sent, and once paid (or void) the download carries that stamp.
type PDFs struct {
	Documents Documents
	// Render renders an invoice; invoicepdf.Render in production.
	Render func(*billing.Invoice) ([]byte, error)
	Clock  platform.Clock
}

// PDF returns the invoice's PDF for its current status, rendering and
// keeping it first if none is kept yet.
func (p *PDFs) PDF(ctx context.Context, inv *billing.Invoice) ([]byte, error) {
	status := string(inv.Status)
	pdf, err := p.Documents.InvoicePDF(ctx, inv.ID, status)
	if platform.ErrorCode(err) != platform.ENOTFOUND {
		return pdf, err
	}
	if pdf, err = p.Render(inv); err != nil {
		return nil, err
	}
	err = p.Documents.SaveInvoicePDF(ctx, inv.ID, status, pdf, p.Clock.Now())
	if platform.ErrorCode(err) == platform.ECONFLICT {
		return p.Documents.InvoicePDF(ctx, inv.ID, status) // another process kept it first
	}
	return pdf, err
}
