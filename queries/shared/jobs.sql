-- name: JobMarkRunning :execrows
-- Compare-and-set: only a job still claimable is taken, so two workers
-- that picked the same id never both run it.
UPDATE jobs SET status = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1
WHERE id = ? AND ((status = 'pending' AND run_at <= ?) OR (status = 'running' AND locked_until < ?));

-- name: JobGetByID :one
SELECT * FROM jobs WHERE id = ?;

-- name: JobComplete :execrows
UPDATE jobs SET status = 'done', finished_at = ?, locked_by = '', locked_until = NULL WHERE id = ? AND locked_by = ? AND status = 'running';

-- name: JobRetry :execrows
UPDATE jobs SET status = 'pending', run_at = ?, last_error = ?, locked_by = '', locked_until = NULL WHERE id = ? AND locked_by = ? AND status = 'running';

-- name: JobBury :execrows
UPDATE jobs SET status = 'dead', last_error = ?, finished_at = ?, locked_by = '', locked_until = NULL WHERE id = ? AND locked_by = ? AND status = 'running';

-- name: JobListDead :many
SELECT * FROM jobs WHERE status = 'dead' ORDER BY id;

-- name: JobRevive :execrows
UPDATE jobs SET status = 'pending', attempts = 0, run_at = ?, finished_at = NULL WHERE id = ? AND status = 'dead';

-- name: LeaseTake :execrows
-- Takes a named lease that has expired. A holder whose lease still runs
-- does not take it again: the lease is what makes work run once a period.
UPDATE schedule_leases SET holder = ?, expires_at = ? WHERE name = ? AND expires_at <= ?;

-- name: LeaseInsert :exec
INSERT INTO schedule_leases (name, holder, expires_at) VALUES (?, ?, ?);
