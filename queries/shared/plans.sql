-- name: PlanInsert :execlastid
INSERT INTO plans (code, name, service_type, status, features_json, stock, trial_days, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: PlanGetByID :one
SELECT * FROM plans WHERE id = ?;

-- name: PlanList :many
SELECT * FROM plans ORDER BY id;

-- name: PlanNames :many
SELECT id, name FROM plans;

-- name: PlanDecrementStock :execrows
UPDATE plans SET stock = stock - 1, updated_at = ?
WHERE id = ? AND stock IS NOT NULL AND stock > 0;

-- name: PlanReturnStock :exec
UPDATE plans SET stock = stock + 1, updated_at = ? WHERE id = ? AND stock IS NOT NULL;

-- name: PlanPriceInsert :exec
INSERT INTO plan_prices (plan_id, currency, cycle, amount, setup_fee) VALUES (?, ?, ?, ?, ?);

-- name: PlanPriceListByPlan :many
SELECT * FROM plan_prices WHERE plan_id = ? ORDER BY id;

-- name: PlanUpgradeInsert :exec
INSERT INTO plan_upgrades (plan_id, target_plan_id) VALUES (?, ?);

-- name: PlanUpgradeListByPlan :many
SELECT target_plan_id FROM plan_upgrades WHERE plan_id = ? ORDER BY target_plan_id;

-- name: ConfigOptionInsert :execlastid
INSERT INTO config_options (plan_id, code, name, unit, min_units, max_units) VALUES (?, ?, ?, ?, ?, ?);

-- name: ConfigOptionListByPlan :many
SELECT * FROM config_options WHERE plan_id = ? AND retired_at IS NULL ORDER BY id;

-- name: ConfigOptionPriceInsert :exec
INSERT INTO config_option_prices (option_id, currency, cycle, unit_amount) VALUES (?, ?, ?, ?);

-- name: ConfigOptionPriceListByPlan :many
SELECT op.* FROM config_option_prices op
JOIN config_options o ON o.id = op.option_id
WHERE o.plan_id = ? AND o.retired_at IS NULL
ORDER BY op.id;

-- name: PlanUpdate :execrows
-- The code stays: storefront links and imports name plans by it.
UPDATE plans SET name = ?, status = ?, features_json = ?, stock = ?, trial_days = ?, updated_at = ?
WHERE id = ?;

-- name: PlanPriceDeleteByPlan :exec
DELETE FROM plan_prices WHERE plan_id = ?;

-- name: PlanUpgradeDeleteByPlan :exec
DELETE FROM plan_upgrades WHERE plan_id = ?;

-- name: PlanTermsInUse :many
-- What every subscription still billed on the plan renews at: a price or
-- an option they hold must not disappear.
SELECT DISTINCT currency, cycle, options_json FROM subscriptions
WHERE plan_id = ? AND status IN ('pending', 'trialing', 'active', 'past_due', 'suspended', 'paused');

-- name: ConfigOptionUpdate :exec
-- The code stays: panels are told options by it.
UPDATE config_options SET name = ?, unit = ?, min_units = ?, max_units = ?
WHERE id = ? AND plan_id = ?;

-- name: ConfigOptionRetire :exec
-- The row and its prices stay, so its id is never given to another option.
UPDATE config_options SET retired_at = ? WHERE id = ? AND plan_id = ?;

-- name: ConfigOptionPriceDeleteByOption :exec
DELETE FROM config_option_prices WHERE option_id = ?;

-- name: PlanPriceListAll :many
-- The whole catalog's prices in one query, so listing plans costs the
-- same few queries however many plans there are.
SELECT * FROM plan_prices ORDER BY plan_id, id;

-- name: PlanUpgradeListAll :many
SELECT * FROM plan_upgrades ORDER BY plan_id, target_plan_id;

-- name: ConfigOptionListAll :many
SELECT * FROM config_options WHERE retired_at IS NULL ORDER BY plan_id, id;

-- name: ConfigOptionPriceListAll :many
SELECT * FROM config_option_prices ORDER BY id;
