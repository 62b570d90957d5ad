-- name: InvoiceRenderingGet :one
SELECT pdf FROM invoice_renderings WHERE invoice_id = ? AND status = ?;

-- name: InvoiceRenderingInsert :exec
INSERT INTO invoice_renderings (invoice_id, status, pdf, created_at) VALUES (?, ?, ?, ?);
