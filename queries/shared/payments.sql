-- name: TransactionInsert :execlastid
INSERT INTO payment_transactions (
    invoice_id, customer_id, gateway, gateway_id, kind, amount, currency, fee,
    status, method, failure_message, created_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: TransactionUpdateStatus :execrows
UPDATE payment_transactions SET status = ?, amount = ?, fee = ?, failure_message = ? WHERE id = ?;

-- name: TransactionGetByGatewayID :one
SELECT * FROM payment_transactions WHERE gateway = ? AND gateway_id = ?;

-- name: TransactionListByInvoice :many
SELECT * FROM payment_transactions WHERE invoice_id = ? ORDER BY id;

-- name: PaymentMethodInsert :execlastid
INSERT INTO payment_methods (
    customer_id, gateway, gateway_customer_id, gateway_method_id, brand, last4,
    exp_month, exp_year, is_default, created_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: PaymentMethodGetDefault :one
SELECT * FROM payment_methods WHERE customer_id = ? AND is_default = TRUE ORDER BY id LIMIT 1;

-- name: GatewayEventInsert :exec
-- Records a gateway's event by its id before it is handled; a second
-- delivery of the same event fails on the unique key and is a no-op.
INSERT INTO gateway_events (gateway, event_id, event_type, payload, received_at, processed_at)
VALUES (?, ?, ?, ?, ?, ?);

-- name: TransactionListPending :many
-- Charges a gateway has not settled yet, for reconciliation.
SELECT * FROM payment_transactions
WHERE kind = 'charge' AND status IN ('requires_action', 'processing') AND created_at >= ?
ORDER BY id;

-- name: PaymentMethodListByCustomer :many
SELECT * FROM payment_methods WHERE customer_id = ? ORDER BY id;

-- name: PaymentMethodGetByID :one
SELECT * FROM payment_methods WHERE id = ? AND customer_id = ?;

-- name: PaymentMethodClearDefault :exec
UPDATE payment_methods SET is_default = FALSE WHERE customer_id = ?;

-- name: PaymentMethodSetDefault :execrows
UPDATE payment_methods SET is_default = TRUE WHERE id = ? AND customer_id = ?;

-- name: PaymentMethodDelete :execrows
DELETE FROM payment_methods WHERE id = ? AND customer_id = ?;

-- name: SubscriptionClearPaymentMethod :exec
UPDATE subscriptions SET payment_method_id = NULL WHERE payment_method_id = ?;

-- name: SubscriptionSetPaymentMethod :execrows
UPDATE subscriptions SET payment_method_id = ? WHERE id = ? AND customer_id = ?;

-- name: GatewayCustomerGet :one
SELECT gateway_customer_id FROM gateway_customers WHERE customer_id = ? AND gateway = ?;

-- name: GatewayCustomerInsert :exec
INSERT INTO gateway_customers (customer_id, gateway, gateway_customer_id, created_at) VALUES (?, ?, ?, ?);
