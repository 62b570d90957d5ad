-- name: CeremonyInsert :exec
INSERT INTO webauthn_ceremonies (token_hash, user_id, state, expires_at, created_at) VALUES (?, ?, ?, ?, ?);

-- name: CeremonyGet :one
SELECT token_hash, user_id, state, expires_at, created_at FROM webauthn_ceremonies WHERE token_hash = ?;

-- name: CeremonyDelete :execrows
-- Taking a ceremony deletes it: the one caller that sees a row deleted
-- owns the state.
DELETE FROM webauthn_ceremonies WHERE token_hash = ?;

-- name: CeremonyPrune :execrows
DELETE FROM webauthn_ceremonies WHERE expires_at < ?;
