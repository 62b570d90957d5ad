-- name: RateLimitAdd :exec
-- Counts one hit in a fixed window, creating the window's row on the first.
-- The row stays locked until the transaction ends, so concurrent hits from
-- several processes queue and every one is counted.
INSERT INTO rate_limits (bucket_key, window_start, hits) VALUES (?, ?, 1)
ON DUPLICATE KEY UPDATE hits = hits + 1;

-- name: RateLimitGet :one
SELECT hits FROM rate_limits WHERE bucket_key = ? AND window_start = ?;
