-- name: RateLimitHit :one
-- Counts one hit in a fixed window, creating the window's row on the first,
-- and returns the window's hits so far.
INSERT INTO rate_limits (bucket_key, window_start, hits) VALUES (?, ?, 1)
ON CONFLICT (bucket_key, window_start) DO UPDATE SET hits = hits + 1
RETURNING hits;
