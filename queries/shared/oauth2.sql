-- name: OAuth2ClientInsert :exec
INSERT INTO oauth2_clients (
    client_id, name, secret_hash, redirect_uris_json, grant_types_json, response_types_json,
    scopes_json, is_public, created_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: OAuth2ClientGet :one
SELECT * FROM oauth2_clients WHERE client_id = ?;

-- name: OAuth2ClientList :many
SELECT * FROM oauth2_clients ORDER BY created_at, client_id;

-- name: OAuth2ClientDelete :execrows
DELETE FROM oauth2_clients WHERE client_id = ?;

-- name: OAuth2TokenInsert :exec
INSERT INTO oauth2_tokens (kind, signature, request_id, client_id, user_id, request_json, active, expires_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?);

-- name: OAuth2TokenGet :one
SELECT * FROM oauth2_tokens WHERE kind = ? AND signature = ?;

-- name: OAuth2TokenDelete :exec
DELETE FROM oauth2_tokens WHERE kind = ? AND signature = ?;

-- name: OAuth2TokenDeactivate :execrows
-- Deactivates a token only if it was active: of two requests racing to use
-- one code or refresh token, only the one that sees a row changed may go on.
UPDATE oauth2_tokens SET active = FALSE WHERE kind = ? AND signature = ? AND active = TRUE;

-- name: OAuth2TokenDeactivateByRequest :exec
UPDATE oauth2_tokens SET active = FALSE WHERE kind = ? AND request_id = ?;

-- name: OAuth2TokenDeleteByClient :exec
DELETE FROM oauth2_tokens WHERE client_id = ?;

-- name: OAuth2ConsentGet :one
SELECT scopes_json FROM oauth2_consents WHERE user_id = ? AND client_id = ?;

-- name: OAuth2ConsentDelete :exec
DELETE FROM oauth2_consents WHERE user_id = ? AND client_id = ?;

-- name: OAuth2ConsentInsert :exec
INSERT INTO oauth2_consents (user_id, client_id, scopes_json, granted_at) VALUES (?, ?, ?, ?);

-- name: OAuth2ConsentDeleteByClient :exec
DELETE FROM oauth2_consents WHERE client_id = ?;
