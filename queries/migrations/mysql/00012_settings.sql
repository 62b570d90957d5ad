-- The settings table (unused until now) holds what staff change in the
-- admin panel: one row per group (the business settings billing runs by,
-- each panel connection, the Discord webhook), its value JSON, sealed when
-- it holds secrets. version makes a save that raced another one fail
-- instead of overwriting it, and lets every process see which groups
-- changed since it last looked.

-- +goose Up
ALTER TABLE settings ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE settings ADD COLUMN updated_by BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE settings DROP COLUMN updated_by;
ALTER TABLE settings DROP COLUMN version;
