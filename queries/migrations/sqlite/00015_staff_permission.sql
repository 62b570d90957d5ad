-- Managing the staff (inviting them, granting and revoking their roles,
-- suspending them) gets its own permission, staff.write; it was part of
-- settings.write. Every role that held settings.write is given staff.write,
-- so nobody loses what they could do.

-- +goose Up
INSERT OR IGNORE INTO permissions (name) VALUES ('staff.write');

INSERT OR IGNORE INTO role_permissions (role_id, permission_id)
SELECT rp.role_id, (SELECT id FROM permissions WHERE name = 'staff.write')
FROM role_permissions rp
JOIN permissions p ON p.id = rp.permission_id
WHERE p.name = 'settings.write';

-- +goose Down
DELETE FROM role_permissions WHERE permission_id = (SELECT id FROM permissions WHERE name = 'staff.write');
DELETE FROM permissions WHERE name = 'staff.write';
