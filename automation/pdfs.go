package automation

import (
	"context"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// Documents stores rendered invoice PDFs once; the SQL store satisfies it.
type Documents interface {
	InvoicePDF(ctx context.Context, invoiceID int64) ([]byte, error)
	SaveInvoicePDF(ctx context.Context, invoiceID int64, pdf []byte, now time.Time) error
}

// PDFs renders each invoice's PDF once and keeps it, so the file emailed
// is the file downloaded later.
type PDFs struct {
	Documents Documents
	// Render renders an invoice; invoicepdf.Render in production.
	Render func(*billing.Invoice) ([]byte, error)
	Clock  platform.Clock
}

// PDF returns the invoice's stored PDF, rendering and storing it first if
// none is stored yet.
func (p *PDFs) PDF(ctx context.Context, inv *billing.Invoice) ([]byte, error) {
	pdf, err := p.Documents.InvoicePDF(ctx, inv.ID)
	if platform.ErrorCode(err) != platform.ENOTFOUND {
		return pdf, err
	}
	if pdf, err = p.Render(inv); err != nil {
		return nil, err
	}
	err = p.Documents.SaveInvoicePDF(ctx, inv.ID, pdf, p.Clock.Now())
	if platform.ErrorCode(err) == platform.ECONFLICT {
		return p.Documents.InvoicePDF(ctx, inv.ID) // another process stored it first
	}
	return pdf, err
}
