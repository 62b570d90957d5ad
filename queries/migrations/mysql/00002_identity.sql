-- Identity: verified emails, shipping addresses, second factors, passkeys,
-- server-side sessions, API tokens, one-time email tokens and rate-limit
-- counters; the same tables and columns as the SQLite migration 00002.
-- Secrets are stored hashed (tokens, recovery codes) or sealed by the
-- secretbox keyring (TOTP secrets); nothing here can log anyone in if the
-- database leaks.

-- +goose Up
ALTER TABLE users ADD COLUMN email_verified_at DATETIME;

ALTER TABLE profiles ADD COLUMN shipping_address TEXT NOT NULL;
ALTER TABLE profiles ADD COLUMN shipping_city VARCHAR(191) NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN shipping_region VARCHAR(191) NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN shipping_postal VARCHAR(191) NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN shipping_country VARCHAR(191) NOT NULL DEFAULT '';

CREATE TABLE one_time_tokens (
    id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id    BIGINT   NOT NULL REFERENCES users (id),
    purpose    VARCHAR(191)     NOT NULL,
    token_hash VARCHAR(191)     NOT NULL UNIQUE,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

CREATE TABLE totp_credentials (
    user_id      BIGINT   NOT NULL PRIMARY KEY REFERENCES users (id),
    secret_enc   TEXT     NOT NULL,
    last_step    BIGINT   NOT NULL DEFAULT 0,
    confirmed_at DATETIME,
    created_at   DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE recovery_codes (
    id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id    BIGINT   NOT NULL REFERENCES users (id),
    code_hash  VARCHAR(191)     NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL,
    UNIQUE (user_id, code_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE passkeys (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id         BIGINT   NOT NULL REFERENCES users (id),
    name            VARCHAR(191)     NOT NULL,
    -- credential_hash is the SHA-256 of the credential id, which may be up
    -- to 1,023 bytes: too long for a MySQL index, so the hash is the key.
    credential_hash VARCHAR(191)     NOT NULL UNIQUE,
    credential_json TEXT     NOT NULL,
    created_at      DATETIME NOT NULL,
    last_used_at    DATETIME
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX passkeys_user ON passkeys (user_id);

CREATE TABLE sessions (
    id               BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    token_hash       VARCHAR(191)     NOT NULL UNIQUE,
    user_id          BIGINT   NOT NULL REFERENCES users (id),
    impersonator_id  BIGINT REFERENCES users (id),
    second_factor_at DATETIME,
    ip               VARCHAR(191)     NOT NULL DEFAULT '',
    user_agent       TEXT     NOT NULL,
    data_json        TEXT     NOT NULL,
    created_at       DATETIME NOT NULL,
    last_seen_at     DATETIME NOT NULL,
    expires_at       DATETIME NOT NULL,
    revoked_at       DATETIME
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX sessions_user ON sessions (user_id, revoked_at);

CREATE TABLE api_tokens (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT   NOT NULL REFERENCES users (id),
    name         VARCHAR(191)     NOT NULL,
    prefix       VARCHAR(191)     NOT NULL,
    token_hash   VARCHAR(191)     NOT NULL UNIQUE,
    scopes_json  TEXT     NOT NULL,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME,
    expires_at   DATETIME,
    revoked_at   DATETIME
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE rate_limits (
    bucket_key   VARCHAR(191)     NOT NULL,
    window_start DATETIME NOT NULL,
    hits         BIGINT   NOT NULL,
    PRIMARY KEY (bucket_key, window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

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
