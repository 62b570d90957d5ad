-- name: SubscriptionInsert :execlastid
INSERT INTO subscriptions (
    customer_id, plan_id, currency, cycle, status, options_json, anchor_at,
    current_period_start, current_period_end, invoiced_through, trial_end,
    cancel_at_period_end, cancel_reason, cancelled_at, suspend_hold, coupon_id,
    coupon_cycles_left, suspended_at, created_at, updated_at, backordered
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: SubscriptionGetByID :one
SELECT * FROM subscriptions WHERE id = ?;

-- name: SubscriptionUpdate :execrows
UPDATE subscriptions SET
    plan_id = ?, status = ?, options_json = ?, anchor_at = ?, current_period_start = ?,
    current_period_end = ?, trial_end = ?, cancel_at_period_end = ?,
    cancel_reason = ?, cancelled_at = ?, suspend_hold = ?, coupon_id = ?,
    coupon_cycles_left = ?, suspended_at = ?, updated_at = ?
WHERE id = ?;

-- name: SubscriptionListRenewable :many
-- Up to a page of live subscriptions whose next period must be invoiced by
-- the given time; hourly ones only once their period has started. A renewal
-- moves invoiced_through past the bound, so the next page is simply the next
-- query: no cursor, no sort, one short index range scan per page. The page
-- size is a literal because the two engines type a LIMIT parameter
-- differently.
SELECT * FROM subscriptions
WHERE status IN ('active', 'trialing')
  AND cancel_at_period_end = FALSE
  AND invoiced_through <= ?
  AND (cycle <> 'hourly' OR invoiced_through <= ?)
LIMIT 1000;

-- name: SubscriptionClaimPeriod :execrows
-- Compare-and-set on invoiced_through: the one renewal run that moves it
-- owns the period's invoice; every other run sees zero rows changed.
UPDATE subscriptions SET invoiced_through = ?, coupon_cycles_left = ?, updated_at = ?
WHERE id = ? AND invoiced_through = ?;

-- name: SubscriptionListEndingBy :many
SELECT * FROM subscriptions
WHERE cancel_at_period_end = TRUE
  AND status IN ('active', 'trialing', 'past_due', 'suspended', 'paused')
  AND current_period_end <= ?
ORDER BY id;

-- name: SubscriptionListPendingCreatedBefore :many
SELECT * FROM subscriptions WHERE status = 'pending' AND created_at <= ? ORDER BY id;

-- name: SubscriptionListByCustomer :many
SELECT * FROM subscriptions WHERE customer_id = ? ORDER BY id;

-- name: GatewaySubscriptionInsert :exec
INSERT INTO gateway_subscriptions (subscription_id, gateway, gateway_subscription_id, created_at) VALUES (?, ?, ?, ?);

-- name: GatewaySubscriptionDelete :execrows
DELETE FROM gateway_subscriptions WHERE subscription_id = ? AND gateway = ? AND gateway_subscription_id = ?;

-- name: GatewaySubscriptionListByCustomer :many
-- Which gateways bill each of a customer's subscriptions themselves.
SELECT l.subscription_id, l.gateway FROM gateway_subscriptions l
JOIN subscriptions s ON s.id = l.subscription_id
WHERE s.customer_id = ?
ORDER BY l.subscription_id, l.gateway;

-- name: GatewaySubscriptionList :many
SELECT gateway, gateway_subscription_id FROM gateway_subscriptions WHERE subscription_id = ? ORDER BY gateway;
