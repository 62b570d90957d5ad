-- Provisioning: what a service needs beyond the first schema (the panel's
-- plan, the OS image, the panel login, the needs-hardware queue, the last
-- panel error), one service per subscription, how plans map to panels,
-- and the runs of scheduled work for the automation status view.

-- +goose Up
ALTER TABLE services ADD COLUMN panel_plan TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN os_template TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN username TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN needs_hardware BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE services ADD COLUMN hardware_id TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX services_one_per_subscription ON services (subscription_id);
DROP INDEX services_subscription;
CREATE INDEX services_needs_hardware ON services (needs_hardware, status);

CREATE TABLE panel_products (
    plan_id     BIGINT   NOT NULL PRIMARY KEY REFERENCES plans (id),
    platform    TEXT     NOT NULL,
    panel_plan  TEXT     NOT NULL,
    os_template TEXT     NOT NULL DEFAULT ''
);

CREATE TABLE schedule_runs (
    id          INTEGER PRIMARY KEY,
    name        TEXT     NOT NULL,
    worker      TEXT     NOT NULL,
    started_at  DATETIME NOT NULL,
    duration_ms BIGINT   NOT NULL,
    error       TEXT     NOT NULL DEFAULT ''
);
CREATE INDEX schedule_runs_name ON schedule_runs (name, started_at);

-- +goose Down
DROP TABLE schedule_runs;
DROP TABLE panel_products;
DROP INDEX services_needs_hardware;
CREATE INDEX services_subscription ON services (subscription_id);
DROP INDEX services_one_per_subscription;
ALTER TABLE services DROP COLUMN last_error;
ALTER TABLE services DROP COLUMN hardware_id;
ALTER TABLE services DROP COLUMN needs_hardware;
ALTER TABLE services DROP COLUMN username;
ALTER TABLE services DROP COLUMN os_template;
ALTER TABLE services DROP COLUMN panel_plan;
