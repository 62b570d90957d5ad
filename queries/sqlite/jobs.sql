-- name: JobClaimable :many
-- Jobs due, or whose worker's lease ran out; SQLite runs one writer at a
-- time, so no row locking is needed.
SELECT id FROM jobs
WHERE (status = 'pending' AND run_at <= ?) OR (status = 'running' AND locked_until < ?)
ORDER BY run_at, id
LIMIT 50;
