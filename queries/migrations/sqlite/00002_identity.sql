-- Identity: verified emails, shipping addresses, second factors, passkeys,
-- server-side sessions, API tokens, one-time email tokens and rate-limit
-- counters. Secrets are stored hashed (tokens, recovery codes) or sealed by
-- the secretbox keyring (TOTP secrets); nothing here can log anyone in if
-- the database leaks.

-- +goose Up
ALTER TABLE users ADD COLUMN email_verified_at DATETIME;

ALTER TABLE profiles ADD COLUMN shipping_address TEXT NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN shipping_city TEXT NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN shipping_region TEXT NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN shipping_postal TEXT NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN shipping_country TEXT NOT NULL DEFAULT '';

CREATE TABLE one_time_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT   NOT NULL REFERENCES users (id),
    purpose    TEXT     NOT NULL,
    token_hash TEXT     NOT NULL UNIQUE,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

CREATE TABLE totp_credentials (
    user_id      BIGINT   NOT NULL PRIMARY KEY REFERENCES users (id),
    secret_enc   TEXT     NOT NULL,
    last_step    BIGINT   NOT NULL DEFAULT 0,
    confirmed_at DATETIME,
    created_at   DATETIME NOT NULL
);

CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT   NOT NULL REFERENCES users (id),
    code_hash  TEXT     NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL,
    UNIQUE (user_id, code_hash)
);

CREATE TABLE passkeys (
    id              INTEGER PRIMARY KEY,
    user_id         BIGINT   NOT NULL REFERENCES users (id),
    name            TEXT     NOT NULL,
    -- credential_hash is the SHA-256 of the credential id, which may be up
    -- to 1,023 bytes: too long for a MySQL index, so the hash is the key.
    credential_hash TEXT     NOT NULL UNIQUE,
    credential_json TEXT     NOT NULL,
    created_at      DATETIME NOT NULL,
    last_used_at    DATETIME
);
CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY,
    token_hash       TEXT     NOT NULL UNIQUE,
    user_id          BIGINT   NOT NULL REFERENCES users (id),
    impersonator_id  BIGINT REFERENCES users (id),
    second_factor_at DATETIME,
    ip               TEXT     NOT NULL DEFAULT '',
    user_agent       TEXT     NOT NULL DEFAULT '',
    data_json        TEXT     NOT NULL DEFAULT '{}',
    created_at       DATETIME NOT NULL,
    last_seen_at     DATETIME NOT NULL,
    expires_at       DATETIME NOT NULL,
    revoked_at       DATETIME
);
CREATE INDEX sessions_user ON sessions (user_id, revoked_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT   NOT NULL REFERENCES users (id),
    name         TEXT     NOT NULL,
    prefix       TEXT     NOT NULL,
    token_hash   TEXT     NOT NULL UNIQUE,
    scopes_json  TEXT     NOT NULL DEFAULT '[]',
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME,
    expires_at   DATETIME,
    revoked_at   DATETIME
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE rate_limits (
    bucket_key   TEXT     NOT NULL,
    window_start DATETIME NOT NULL,
    hits         BIGINT   NOT NULL,
    PRIMARY KEY (bucket_key, window_start)
);

-- +goose Down
DROP TABLE rate_limits;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE passkeys;
DROP TABLE recovery_codes;
DROP TABLE totp_credentials;
DROP TABLE one_time_tokens;
ALTER TABLE profiles DROP COLUMN shipping_country;
ALTER TABLE profiles DROP COLUMN shipping_postal;
ALTER TABLE profiles DROP COLUMN shipping_region;
ALTER TABLE profiles DROP COLUMN shipping_city;
ALTER TABLE profiles DROP COLUMN shipping_address;
ALTER TABLE users DROP COLUMN email_verified_at;
