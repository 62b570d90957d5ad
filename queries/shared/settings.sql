-- name: SettingList :many
SELECT * FROM settings ORDER BY name;

-- name: SettingInsert :exec
INSERT INTO settings (name, value, version, updated_at, updated_by) VALUES (?, ?, 1, ?, ?);

-- name: SettingUpdate :execrows
-- Only over the version the editor saw: a save that raced another fails.
UPDATE settings SET value = ?, version = version + 1, updated_at = ?, updated_by = ?
WHERE name = ? AND version = ?;

-- name: SettingDelete :execrows
DELETE FROM settings WHERE name = ? AND version = ?;
