-- name: InvoiceInsert :execlastid
INSERT INTO invoices (
    number, kind, billing_reason, customer_id, subscription_id, related_invoice_id,
    currency, status, subtotal, tax, total, amount_paid, tax_rate_ppm, tax_name,
    tax_inclusive, reverse_charge, period_start, period_end, customer_json,
    company_json, plan_change_json, issued_at, due_at, paid_at, voided_at, created_at,
    renewal_key
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: InvoiceItemInsert :exec
INSERT INTO invoice_items (
    invoice_id, position, kind, description, quantity, unit_amount, amount,
    tax_amount, period_start, period_end
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: InvoiceGetByID :one
SELECT * FROM invoices WHERE id = ?;

-- name: InvoiceItemListByInvoice :many
SELECT * FROM invoice_items WHERE invoice_id = ? ORDER BY position;

-- name: InvoiceUpdate :execrows
UPDATE invoices SET
    number = ?, status = ?, amount_paid = ?, issued_at = ?, due_at = ?,
    paid_at = ?, voided_at = ?, renewal_key = ?
WHERE id = ?;

-- name: InvoiceListOpenDueBy :many
-- Open invoices whose due date is at or before the given time, oldest
-- first, for dunning.
SELECT * FROM invoices
WHERE status = 'open' AND kind = 'invoice' AND due_at <= ?
ORDER BY due_at, id;

-- name: InvoiceListBySubscription :many
SELECT * FROM invoices WHERE subscription_id = ? ORDER BY id;

-- name: InvoiceListByCustomer :many
SELECT * FROM invoices WHERE customer_id = ? ORDER BY id;

-- name: InvoicePageByCustomer :many
-- The invoices a customer sees (never drafts), of a kind and status when
-- given, newest first, one page of billing.InvoicePageSize after a given id
-- (0 for the first page).
SELECT * FROM invoices
WHERE customer_id = ? AND status <> 'draft'
  AND (? = '' OR kind = ?)
  AND (? = '' OR status = ?)
  AND (? = 0 OR id < ?)
ORDER BY id DESC
LIMIT 50;

-- name: InvoiceTallyByCustomer :many
-- How many invoices a customer has of each kind and status; drafts are not
-- theirs to see yet.
SELECT kind, status, COUNT(*) AS count
FROM invoices
WHERE customer_id = ? AND status <> 'draft'
GROUP BY kind, status;

-- name: InvoiceDraftUpdate :execrows
-- Only a draft's content changes; the status condition makes a draft that
-- was issued meanwhile match nothing.
UPDATE invoices SET
    currency = ?, subtotal = ?, tax = ?, total = ?, tax_rate_ppm = ?, tax_name = ?,
    tax_inclusive = ?, reverse_charge = ?, customer_json = ?, company_json = ?, due_at = ?
WHERE id = ? AND status = 'draft';

-- name: InvoiceItemDeleteByInvoice :exec
DELETE FROM invoice_items WHERE invoice_id = ?;

-- name: InvoiceDraftDelete :execrows
DELETE FROM invoices WHERE id = ? AND status = 'draft';
