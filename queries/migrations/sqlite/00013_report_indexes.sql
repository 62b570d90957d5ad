-- The revenue report reads payments by date; without an index it scans
-- every payment ever recorded.

-- +goose Up
CREATE INDEX payment_transactions_created ON payment_transactions (created_at);

-- +goose Down
DROP INDEX payment_transactions_created;
