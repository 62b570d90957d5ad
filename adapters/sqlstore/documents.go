package sqlstore

import (
	"context"
	"time"

	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
)

// InvoicePDF returns an invoice's PDF as rendered in the given status;
// ENOTFOUND when it was not rendered in that status yet.
func (s *Store) InvoicePDF(ctx context.Context, invoiceID int64, status string) ([]byte, error) {
	pdf, err := s.q.InvoiceRenderingGet(ctx, dbsqlc.InvoiceRenderingGetParams{InvoiceID: invoiceID, Status: status})
	return pdf, s.translate(err, "invoice PDF")
}

// SaveInvoicePDF keeps an invoice's PDF as rendered in a status, once: a
// second save for the same status is an ECONFLICT, so the first rendering
// is the one that stays.
func (s *Store) SaveInvoicePDF(ctx context.Context, invoiceID int64, status string, pdf []byte, now time.Time) error {
	err := s.writeQ().InvoiceRenderingInsert(ctx, dbsqlc.InvoiceRenderingInsertParams{InvoiceID: invoiceID, Status: status, Pdf: pdf, CreatedAt: now.UTC()})
	return s.translate(err, "invoice PDF")
}
