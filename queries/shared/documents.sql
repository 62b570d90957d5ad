-- name: InvoiceDocumentGet :one
SELECT pdf FROM invoice_documents WHERE invoice_id = ?;

-- name: InvoiceDocumentInsert :exec
INSERT INTO invoice_documents (invoice_id, pdf, created_at) VALUES (?, ?, ?);
