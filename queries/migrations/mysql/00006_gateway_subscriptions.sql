-- A subscription a gateway bills on its own schedule (PayPal
-- Subscriptions): the gateway's id, so our cancellations and suspensions
-- can be mirrored there. The same as the SQLite migration 00006.

-- +goose Up
CREATE TABLE gateway_subscriptions (
    subscription_id         BIGINT       NOT NULL,
    gateway                 VARCHAR(191) NOT NULL,
    gateway_subscription_id VARCHAR(191) NOT NULL,
    created_at              DATETIME     NOT NULL,
    PRIMARY KEY (subscription_id, gateway)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE gateway_subscriptions;
