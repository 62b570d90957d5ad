package sqlstore

import (
	"context"
	"time"

	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
)

// InvoicePDF returns an invoice's stored PDF; ENOTFOUND when none was
// rendered yet.
func (s *Store) InvoicePDF(ctx context.Context, invoiceID int64) ([]byte, error) {
	pdf, err := s.q.InvoiceDocumentGet(ctx, invoiceID)
	return pdf, s.translate(err, "invoice PDF")
}

// SaveInvoicePDF stores an invoice's PDF once; a second save is an
// ECONFLICT, so the first rendering is the one that stays.
func (s *Store) SaveInvoicePDF(ctx context.Context, invoiceID int64, pdf []byte, now time.Time) error {
	err := s.writeQ().InvoiceDocumentInsert(ctx, dbsqlc.InvoiceDocumentInsertParams{InvoiceID: invoiceID, Pdf: pdf, CreatedAt: now.UTC()})
	return s.translate(err, "invoice PDF")
}
