-- name: JobClaimable :many
-- Jobs due, or whose worker's lease ran out, skipping rows another
-- worker's transaction holds, so workers never wait on each other.
SELECT id FROM jobs
WHERE (status = 'pending' AND run_at <= ?) OR (status = 'running' AND locked_until < ?)
ORDER BY run_at, id
LIMIT 50
FOR UPDATE SKIP LOCKED;
