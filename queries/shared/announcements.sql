-- name: AnnouncementInsert :execlastid
INSERT INTO announcements (title, body, published_at, created_at) VALUES (?, ?, ?, ?);

-- name: AnnouncementUpdate :execrows
UPDATE announcements SET title = ?, body = ?, published_at = ? WHERE id = ?;

-- name: AnnouncementDelete :execrows
DELETE FROM announcements WHERE id = ?;

-- name: AnnouncementList :many
-- Staff keep a few hundred at most; older ones beyond this page are
-- history nobody edits.
SELECT * FROM announcements ORDER BY id DESC LIMIT 500;

-- name: AnnouncementPublished :many
-- A dashboard shows a handful; the caller trims to its limit.
SELECT * FROM announcements
WHERE published_at IS NOT NULL AND published_at <= ?
ORDER BY published_at DESC, id DESC LIMIT 50;
