-- name: UserGetByID :one
SELECT * FROM users WHERE id = ?;

-- name: UserGetByEmail :one
SELECT * FROM users WHERE email = ?;

-- name: UserSetPassword :execrows
UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?;

-- name: UserSetStatus :execrows
UPDATE users SET status = ?, updated_at = ? WHERE id = ?;

-- name: UserMarkEmailVerified :execrows
UPDATE users SET email_verified_at = ?, updated_at = ? WHERE id = ? AND email_verified_at IS NULL;

-- name: UserPermissionList :many
-- A staff member's permissions are those of the roles they hold.
SELECT DISTINCT p.name FROM user_roles ur
JOIN role_permissions rp ON rp.role_id = ur.role_id
JOIN permissions p ON p.id = rp.permission_id
WHERE ur.user_id = ?
ORDER BY p.name;

-- name: ProfileGet :one
SELECT * FROM profiles WHERE user_id = ?;

-- name: ProfileUpdate :execrows
UPDATE profiles SET
    name = ?, company = ?, phone = ?, address = ?, city = ?, region = ?, postal = ?, country = ?,
    vat_id = ?, tax_exempt = ?, admin_notes = ?, shipping_address = ?, shipping_city = ?,
    shipping_region = ?, shipping_postal = ?, shipping_country = ?
WHERE user_id = ?;

-- name: RoleInsert :execlastid
INSERT INTO roles (name) VALUES (?);

-- name: RoleGetByName :one
SELECT * FROM roles WHERE name = ?;

-- name: PermissionGetByName :one
SELECT * FROM permissions WHERE name = ?;

-- name: PermissionInsert :execlastid
INSERT INTO permissions (name) VALUES (?);

-- name: RolePermissionInsert :exec
INSERT INTO role_permissions (role_id, permission_id) VALUES (?, ?);

-- name: UserRoleInsert :exec
INSERT INTO user_roles (user_id, role_id) VALUES (?, ?);

-- name: UserRoleDelete :execrows
DELETE FROM user_roles WHERE user_id = ? AND role_id = ?;

-- The staff page lists every staff account with its roles, whatever their
-- number, in the six queries below: each returns one kind of fact for all
-- staff at once, and the store puts them together.

-- name: StaffList :many
-- An invited member who has not yet set a password has an empty hash.
SELECT u.id, u.email, u.status, u.created_at, p.name, u.password_hash <> '' AS password_set
FROM users u
JOIN profiles p ON p.user_id = u.id
WHERE u.role = 'admin'
ORDER BY u.id;

-- name: StaffLastSignInList :many
-- Each staff member's newest session: staff are never impersonated, so
-- every session of theirs is a sign-in.
SELECT s.user_id, s.created_at
FROM sessions s
JOIN users u ON u.id = s.user_id
WHERE u.role = 'admin' AND s.id = (SELECT MAX(l.id) FROM sessions l WHERE l.user_id = s.user_id);

-- name: StaffSecondFactorList :many
-- The staff who enrolled a second factor: a confirmed authenticator app
-- or a passkey.
SELECT t.user_id FROM totp_credentials t
JOIN users u ON u.id = t.user_id
WHERE u.role = 'admin' AND t.confirmed_at IS NOT NULL
UNION
SELECT k.user_id FROM passkeys k
JOIN users u ON u.id = k.user_id
WHERE u.role = 'admin';

-- name: StaffRoleList :many
-- Each member's roles by name, as the roles are listed.
SELECT ur.user_id, ur.role_id
FROM user_roles ur
JOIN users u ON u.id = ur.user_id
JOIN roles r ON r.id = ur.role_id
WHERE u.role = 'admin'
ORDER BY ur.user_id, r.name;

-- name: RoleList :many
SELECT * FROM roles ORDER BY name;

-- name: RolePermissionList :many
SELECT rp.role_id, p.name
FROM role_permissions rp
JOIN permissions p ON p.id = rp.permission_id
ORDER BY rp.role_id, p.name;

-- name: OneTimeTokenInsert :execlastid
INSERT INTO one_time_tokens (user_id, purpose, token_hash, expires_at, used_at, created_at)
VALUES (?, ?, ?, ?, NULL, ?);

-- name: OneTimeTokenGetByHash :one
SELECT * FROM one_time_tokens WHERE token_hash = ?;

-- name: OneTimeTokenUse :execrows
-- Marks a token used only if it was not: the one caller that sees a row
-- changed may act on the token.
UPDATE one_time_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL;

-- name: TOTPDelete :exec
DELETE FROM totp_credentials WHERE user_id = ?;

-- name: TOTPInsert :exec
INSERT INTO totp_credentials (user_id, secret_enc, last_step, confirmed_at, created_at) VALUES (?, ?, 0, NULL, ?);

-- name: TOTPGet :one
SELECT * FROM totp_credentials WHERE user_id = ?;

-- name: TOTPConfirm :execrows
UPDATE totp_credentials SET confirmed_at = ? WHERE user_id = ? AND confirmed_at IS NULL;

-- name: TOTPAdvanceStep :execrows
-- Compare-and-set on the last accepted time step: a code is accepted once,
-- even when two requests carry it at the same moment.
UPDATE totp_credentials SET last_step = ? WHERE user_id = ? AND last_step < ?;

-- name: RecoveryCodeDeleteAll :exec
DELETE FROM recovery_codes WHERE user_id = ?;

-- name: RecoveryCodeInsert :exec
INSERT INTO recovery_codes (user_id, code_hash, used_at, created_at) VALUES (?, ?, NULL, ?);

-- name: RecoveryCodeUse :execrows
UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL;

-- name: RecoveryCodeCountUnused :many
SELECT id FROM recovery_codes WHERE user_id = ? AND used_at IS NULL;

-- name: PasskeyInsert :execlastid
INSERT INTO passkeys (user_id, name, credential_hash, credential_json, created_at, last_used_at)
VALUES (?, ?, ?, ?, ?, NULL);

-- name: PasskeyListByUser :many
SELECT * FROM passkeys WHERE user_id = ? ORDER BY id;

-- name: PasskeyGetByCredentialHash :one
SELECT * FROM passkeys WHERE credential_hash = ?;

-- name: PasskeyUpdateCredential :execrows
UPDATE passkeys SET credential_json = ?, last_used_at = ? WHERE id = ?;

-- name: PasskeyRename :execrows
UPDATE passkeys SET name = ? WHERE id = ? AND user_id = ?;

-- name: PasskeyDelete :execrows
DELETE FROM passkeys WHERE id = ? AND user_id = ?;

-- name: SessionInsert :execlastid
INSERT INTO sessions (
    token_hash, user_id, impersonator_id, second_factor_at, ip, user_agent, data_json,
    created_at, last_seen_at, expires_at, revoked_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL);

-- name: SessionGetByTokenHash :one
SELECT * FROM sessions WHERE token_hash = ?;

-- name: SessionGetByID :one
SELECT * FROM sessions WHERE id = ?;

-- name: SessionTouch :execrows
UPDATE sessions SET last_seen_at = ?, data_json = ? WHERE id = ? AND revoked_at IS NULL;

-- name: SessionMarkSecondFactor :execrows
UPDATE sessions SET second_factor_at = ? WHERE id = ? AND revoked_at IS NULL;

-- name: SessionRevoke :execrows
UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL;

-- name: SessionRevokeOthers :execrows
UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL;

-- name: SessionListActive :many
SELECT * FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY last_seen_at DESC;

-- name: APITokenInsert :execlastid
INSERT INTO api_tokens (user_id, name, prefix, token_hash, scopes_json, created_at, last_used_at, expires_at, revoked_at)
VALUES (?, ?, ?, ?, ?, ?, NULL, ?, NULL);

-- name: APITokenGetByHash :one
SELECT * FROM api_tokens WHERE token_hash = ?;

-- name: APITokenTouch :exec
UPDATE api_tokens SET last_used_at = ? WHERE id = ?;

-- name: APITokenRevoke :execrows
UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL;

-- name: APITokenListByUser :many
SELECT * FROM api_tokens WHERE user_id = ? ORDER BY id;

-- name: AuditInsert :exec
INSERT INTO audit_log (at, actor_id, impersonator_id, action, resource_type, resource_id, ip, user_agent, before_json, after_json)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: AuditList :many
-- Filters are optional: a zero actor, an empty resource type or action, or
-- the zero time range matches everything. Newest first, paged by id.
SELECT id, at, actor_id, impersonator_id, action, resource_type, resource_id, ip, user_agent, before_json, after_json
FROM audit_log
WHERE (? = 0 OR actor_id = ?)
  AND (? = '' OR resource_type = ?)
  AND (? = '' OR resource_id = ?)
  AND (? = '' OR action = ?)
  AND at >= ? AND at < ?
  AND (? = 0 OR id < ?)
ORDER BY id DESC
LIMIT 100;

-- name: RateLimitPrune :execrows
DELETE FROM rate_limits WHERE window_start < ?;

-- name: TOTPList :many
SELECT * FROM totp_credentials ORDER BY user_id;

-- name: TOTPUpdateSecret :execrows
-- Compare-and-set on the sealed secret, so a rotation never overwrites a
-- secret the user replaced meanwhile.
UPDATE totp_credentials SET secret_enc = ? WHERE user_id = ? AND secret_enc = ?;

-- name: SessionRotateToken :execrows
UPDATE sessions SET token_hash = ? WHERE id = ? AND revoked_at IS NULL;
