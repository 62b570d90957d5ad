-- Saved payment methods as a customer feature: the gateway's customer id
-- per account (made once, before any card is saved) and an optional
-- payment method per subscription that overrides the account's default.
-- The same as the SQLite migration 00005.

-- +goose Up
CREATE TABLE gateway_customers (
    customer_id         BIGINT       NOT NULL,
    gateway             VARCHAR(191) NOT NULL,
    gateway_customer_id VARCHAR(191) NOT NULL,
    created_at          DATETIME     NOT NULL,
    PRIMARY KEY (customer_id, gateway)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE subscriptions ADD COLUMN payment_method_id BIGINT;

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN payment_method_id;
DROP TABLE gateway_customers;
