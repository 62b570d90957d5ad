-- A plan's configurable option staff take off the plan is retired, not
-- deleted: subscriptions, even ended ones, name options by id, and a
-- deleted row's id could be given to a new option (SQLite reuses the
-- highest rowid).

-- +goose Up
ALTER TABLE config_options ADD COLUMN retired_at DATETIME;

-- +goose Down
ALTER TABLE config_options DROP COLUMN retired_at;
