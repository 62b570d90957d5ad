-- WebAuthn ceremonies in progress: the state between a ceremony's begin
-- and finish, kept server-side and taken once, so a replayed finish finds
-- nothing even for passkeys whose signature counter never moves.

-- +goose Up
CREATE TABLE webauthn_ceremonies (
    token_hash TEXT     NOT NULL PRIMARY KEY,
    user_id    BIGINT REFERENCES users (id),
    state      TEXT     NOT NULL,
    expires_at DATETIME NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX webauthn_ceremonies_expiry ON webauthn_ceremonies (expires_at);

-- +goose Down
DROP TABLE webauthn_ceremonies;
