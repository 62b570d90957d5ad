-- Provisioning: what a service needs beyond the first schema (the panel's
-- plan, the OS image, the panel login, the needs-hardware queue, the last
-- panel error), one service per subscription, how plans map to panels,
-- and the runs of scheduled work for the automation status view. The same
-- as the SQLite migration 00007.

-- +goose Up
ALTER TABLE services
    ADD COLUMN panel_plan     VARCHAR(191) NOT NULL DEFAULT '',
    ADD COLUMN os_template    VARCHAR(191) NOT NULL DEFAULT '',
    ADD COLUMN username       VARCHAR(191) NOT NULL DEFAULT '',
    ADD COLUMN needs_hardware BOOLEAN      NOT NULL DEFAULT FALSE,
    ADD COLUMN hardware_id    VARCHAR(191) NOT NULL DEFAULT '',
    ADD COLUMN last_error     TEXT         NOT NULL;
-- The unique index comes first: InnoDB needs an index on the foreign key.
CREATE UNIQUE INDEX services_one_per_subscription ON services (subscription_id);
DROP INDEX services_subscription ON services;
CREATE INDEX services_needs_hardware ON services (needs_hardware, status);

CREATE TABLE panel_products (
    plan_id     BIGINT       NOT NULL PRIMARY KEY,
    platform    VARCHAR(191) NOT NULL,
    panel_plan  VARCHAR(191) NOT NULL,
    os_template VARCHAR(191) NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE schedule_runs (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(191) NOT NULL,
    worker      VARCHAR(191) NOT NULL,
    started_at  DATETIME     NOT NULL,
    duration_ms BIGINT       NOT NULL,
    error       TEXT         NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX schedule_runs_name ON schedule_runs (name, started_at);

-- +goose Down
DROP TABLE schedule_runs;
DROP TABLE panel_products;
DROP INDEX services_needs_hardware ON services;
CREATE INDEX services_subscription ON services (subscription_id);
DROP INDEX services_one_per_subscription ON services;
ALTER TABLE services
    DROP COLUMN last_error, DROP COLUMN hardware_id, DROP COLUMN needs_hardware,
    DROP COLUMN username, DROP COLUMN os_template, DROP COLUMN panel_plan;
