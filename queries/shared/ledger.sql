-- name: CreditInsert :exec
INSERT INTO credit_ledger (customer_id, currency, amount, reason, invoice_id, created_at)
VALUES (?, ?, ?, ?, ?, ?);

-- name: CreditListByCustomer :many
SELECT amount FROM credit_ledger WHERE customer_id = ? AND currency = ? ORDER BY id;

-- name: CreditAmountsByCustomer :many
SELECT currency, amount FROM credit_ledger WHERE customer_id = ?;

-- name: CreditRecentByCustomer :many
-- A customer's newest credit movements: billing.CreditPageSize of them.
SELECT * FROM credit_ledger WHERE customer_id = ? ORDER BY id DESC LIMIT 50;

-- name: TaxRateInsert :execlastid
INSERT INTO tax_rates (country, region, name, rate_ppm, valid_from, valid_until)
VALUES (?, ?, ?, ?, ?, ?);

-- name: TaxRateList :many
SELECT * FROM tax_rates ORDER BY country, region, valid_from;

-- name: MRREventInsert :exec
INSERT INTO mrr_events (at, subscription_id, customer_id, plan_id, currency, before_amount, after_amount)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: MRREventListBefore :many
SELECT * FROM mrr_events WHERE at < ? ORDER BY at, id;

-- name: DunningStepInsert :exec
INSERT INTO dunning_steps (invoice_id, step_key, created_at) VALUES (?, ?, ?);

-- name: JobInsert :execlastid
INSERT INTO jobs (
    kind, dedupe_key, payload, status, attempts, max_attempts, run_at, locked_by,
    locked_until, last_error, created_at, finished_at
) VALUES (?, ?, ?, 'pending', 0, ?, ?, '', NULL, '', ?, NULL);

-- name: JobListByKind :many
SELECT * FROM jobs WHERE kind = ? ORDER BY id;
