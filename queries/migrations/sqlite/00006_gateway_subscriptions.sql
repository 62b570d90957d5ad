-- A subscription a gateway bills on its own schedule (PayPal
-- Subscriptions): the gateway's id, so our cancellations and suspensions
-- can be mirrored there.

-- +goose Up
CREATE TABLE gateway_subscriptions (
    subscription_id         BIGINT   NOT NULL REFERENCES subscriptions (id),
    gateway                 TEXT     NOT NULL,
    gateway_subscription_id TEXT     NOT NULL,
    created_at              DATETIME NOT NULL,
    PRIMARY KEY (subscription_id, gateway)
);

-- +goose Down
DROP TABLE gateway_subscriptions;
