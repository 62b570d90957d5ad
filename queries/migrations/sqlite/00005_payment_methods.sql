-- Saved payment methods as a customer feature: the gateway's customer id
-- per account (made once, before any card is saved) and an optional
-- payment method per subscription that overrides the account's default.

-- +goose Up
CREATE TABLE gateway_customers (
    customer_id         BIGINT   NOT NULL REFERENCES users (id),
    gateway             TEXT     NOT NULL,
    gateway_customer_id TEXT     NOT NULL,
    created_at          DATETIME NOT NULL,
    PRIMARY KEY (customer_id, gateway)
);

ALTER TABLE subscriptions ADD COLUMN payment_method_id BIGINT REFERENCES payment_methods (id);

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN payment_method_id;
DROP TABLE gateway_customers;
