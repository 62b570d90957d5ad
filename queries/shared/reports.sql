-- Queries of the staff's revenue reports.

-- name: TransactionListSettledBetween :many
-- Money that moved in a range: charges collected and refunds paid out.
SELECT * FROM payment_transactions
WHERE kind IN ('charge', 'refund') AND status = 'succeeded' AND created_at >= ? AND created_at < ?
ORDER BY id;

-- name: InvoiceOpenBalances :many
-- What customers still owe, invoice by invoice (open invoices are few).
SELECT currency, total, amount_paid, due_at FROM invoices
WHERE status = 'open' AND kind = 'invoice';

-- name: InvoiceOpenBalancesByCustomer :many
-- What one customer still owes, invoice by invoice.
SELECT currency, total, amount_paid, due_at FROM invoices
WHERE customer_id = ? AND status = 'open' AND kind = 'invoice';

-- name: SubscriptionCountLiveByPlan :many
SELECT plan_id, COUNT(*) AS live FROM subscriptions
WHERE status IN ('trialing', 'active', 'past_due', 'suspended', 'paused')
GROUP BY plan_id;

-- name: SubscriptionCountOrderedByPlan :many
SELECT plan_id, COUNT(*) AS ordered FROM subscriptions
WHERE created_at >= ? AND created_at < ?
GROUP BY plan_id;

-- name: SubscriptionCountPaidByPlan :many
-- Orders of the range whose first invoice was paid: the conversion.
SELECT s.plan_id, COUNT(DISTINCT s.id) AS paid FROM subscriptions s
JOIN invoices i ON i.subscription_id = s.id AND i.status = 'paid' AND i.billing_reason = 'subscription_create'
WHERE s.created_at >= ? AND s.created_at < ?
GROUP BY s.plan_id;
