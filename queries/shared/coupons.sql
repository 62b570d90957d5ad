-- name: CouponInsert :execlastid
INSERT INTO coupons (
    code, kind, percent_ppm, amounts_off_json, plan_ids_json, max_uses, times_used,
    once_per_customer, expires_at, duration, duration_cycles, trial_extension_days,
    active, created_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: CouponGetByCode :one
SELECT * FROM coupons WHERE code = ?;

-- name: CouponGetByID :one
SELECT * FROM coupons WHERE id = ?;

-- name: CouponTakeUse :execrows
-- Counts one use only while uses are left; a single conditional UPDATE is
-- atomic on both engines, so concurrent redemptions never overshoot.
UPDATE coupons SET times_used = times_used + 1
WHERE id = ? AND (max_uses = 0 OR times_used < max_uses);

-- name: CouponRedemptionInsert :exec
INSERT INTO coupon_redemptions (coupon_id, customer_id, subscription_id, once_key, created_at)
VALUES (?, ?, ?, ?, ?);

-- name: CouponList :many
-- Newest first; staff keep a few hundred codes at most, so one page does.
SELECT * FROM coupons ORDER BY id DESC LIMIT 1000;

-- name: CouponSetActive :execrows
UPDATE coupons SET active = ? WHERE id = ?;
