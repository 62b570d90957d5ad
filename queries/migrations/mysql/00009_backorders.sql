-- A dedicated server ordered while its plan's stock was 0 is a backorder:
-- it is sold, and waits for staff to assign hardware.

-- +goose Up
ALTER TABLE subscriptions ADD COLUMN backordered BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN backordered;
