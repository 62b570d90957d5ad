-- name: ServiceInsert :execlastid
INSERT INTO services (
    subscription_id, customer_id, plan_id, service_type, platform, external_id, status, hostname,
    ipv4, ipv6, credentials_enc, auto_renew, provisioned_at, suspended_at, terminated_at,
    panel_plan, os_template, username, needs_hardware, hardware_id, last_error, created_at, updated_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: ServiceUpdate :execrows
UPDATE services SET
    plan_id = ?, external_id = ?, status = ?, hostname = ?, ipv4 = ?, ipv6 = ?, credentials_enc = ?,
    auto_renew = ?, provisioned_at = ?, suspended_at = ?, terminated_at = ?, panel_plan = ?,
    os_template = ?, username = ?, needs_hardware = ?, hardware_id = ?, last_error = ?, updated_at = ?
WHERE id = ?;

-- name: ServiceGetByID :one
SELECT * FROM services WHERE id = ?;

-- name: ServiceGetBySubscription :one
SELECT * FROM services WHERE subscription_id = ?;

-- name: ServiceList :many
-- Zero filter values match everything. The page size is a literal because
-- the two engines type a LIMIT parameter differently.
SELECT * FROM services
WHERE (? = 0 OR customer_id = ?)
  AND (? = '' OR status = ?)
  AND (? = FALSE OR needs_hardware = TRUE)
ORDER BY id
LIMIT 1000;

-- name: ServiceSearch :many
-- The staff's service list: the same filters, the panel, and text (already
-- lower-cased; INSTR has no wildcards to escape) in the host name, an
-- address or the panel's id; newest first, one page of
-- provisioning.ServicePageSize after a given id (0 for the first page).
SELECT * FROM services
WHERE (? = 0 OR customer_id = ?)
  AND (? = '' OR status = ?)
  AND (? = FALSE OR needs_hardware = TRUE)
  AND (? = '' OR platform = ?)
  AND (? = '' OR INSTR(LOWER(hostname), ?) > 0 OR INSTR(ipv4, ?) > 0 OR INSTR(LOWER(ipv6), ?) > 0 OR INSTR(LOWER(external_id), ?) > 0)
  AND (? = 0 OR id < ?)
ORDER BY id DESC
LIMIT 50;

-- name: PanelProductGet :one
SELECT * FROM panel_products WHERE plan_id = ?;

-- name: PanelProductList :many
SELECT * FROM panel_products ORDER BY plan_id;

-- name: PanelProductDelete :exec
DELETE FROM panel_products WHERE plan_id = ?;

-- name: PanelProductInsert :exec
INSERT INTO panel_products (plan_id, platform, panel_plan, os_template) VALUES (?, ?, ?, ?);

-- name: ProvisioningLogInsert :exec
INSERT INTO provisioning_log (service_id, action, request_summary, response, error, duration_ms, admin_id, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: ProvisioningLogList :many
-- The latest 200 calls; columns are named because SQLite quotes "action".
SELECT id, service_id, action, request_summary, response, error, duration_ms, admin_id, created_at
FROM provisioning_log WHERE service_id = ? ORDER BY id DESC LIMIT 200;

-- name: ScheduleRunInsert :exec
INSERT INTO schedule_runs (name, worker, started_at, duration_ms, error) VALUES (?, ?, ?, ?, ?);

-- name: ScheduleRunLatest :many
-- The latest run of every scheduled task, and when each last failed.
SELECT r.name, r.worker, r.started_at, r.duration_ms, r.error,
       (SELECT COUNT(*) FROM schedule_runs f WHERE f.name = r.name AND f.error <> '') AS failures
FROM schedule_runs r
WHERE r.id = (SELECT MAX(l.id) FROM schedule_runs l WHERE l.name = r.name)
ORDER BY r.name;

-- name: JobCountsByStatus :many
SELECT status, COUNT(*) AS jobs FROM jobs GROUP BY status ORDER BY status;
