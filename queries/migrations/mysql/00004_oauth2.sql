-- OAuth2 provider: registered clients, what fosite keeps between the steps
-- of a flow (authorization codes, PKCE challenges, access and refresh
-- tokens), and the scopes each user consented to per client; the same
-- tables and columns as the SQLite migration 00004.
--
-- Nothing here can be replayed if the database leaks: a client secret is
-- stored as the SHA-256 of 32 random bytes (a slow hash adds nothing to a
-- secret that cannot be guessed), and a token row is keyed by the token's
-- HMAC signature, which without the server's secret and the token's random
-- half does not give the token back.

-- +goose Up
CREATE TABLE oauth2_clients (
    client_id           VARCHAR(191) NOT NULL PRIMARY KEY,
    name                VARCHAR(191) NOT NULL,
    -- secret_hash is the hex SHA-256 of the secret; '' for a public client,
    -- which has no secret and must prove itself with PKCE alone.
    secret_hash         VARCHAR(191) NOT NULL,
    redirect_uris_json  TEXT         NOT NULL,
    grant_types_json    TEXT         NOT NULL,
    response_types_json TEXT         NOT NULL,
    scopes_json         TEXT         NOT NULL,
    is_public           BOOLEAN      NOT NULL,
    created_at          DATETIME     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One table for every kind of fosite session: they share their shape, and
-- revocation works on all the rows of one grant (request_id) at once.
CREATE TABLE oauth2_tokens (
    -- kind is authorize_code, pkce, access_token or refresh_token.
    kind         VARCHAR(191) NOT NULL,
    signature    VARCHAR(191) NOT NULL,
    request_id   VARCHAR(191) NOT NULL,
    client_id    VARCHAR(191) NOT NULL REFERENCES oauth2_clients (client_id),
    user_id      BIGINT       NOT NULL REFERENCES users (id),
    -- request_json is the sanitised fosite request: scopes, the authorize
    -- form's redirect_uri or PKCE challenge, and the session with expiries.
    request_json TEXT         NOT NULL,
    -- active turns false when a code is used, a refresh token rotated, or
    -- a token revoked; the row stays so that reuse is recognised.
    active       BOOLEAN      NOT NULL,
    expires_at   DATETIME,
    created_at   DATETIME     NOT NULL,
    PRIMARY KEY (kind, signature)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX oauth2_tokens_request ON oauth2_tokens (request_id);
CREATE INDEX oauth2_tokens_client ON oauth2_tokens (client_id);

CREATE TABLE oauth2_consents (
    user_id     BIGINT       NOT NULL REFERENCES users (id),
    client_id   VARCHAR(191) NOT NULL REFERENCES oauth2_clients (client_id),
    scopes_json TEXT         NOT NULL,
    granted_at  DATETIME     NOT NULL,
    PRIMARY KEY (user_id, client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX oauth2_consents_client ON oauth2_consents (client_id);

-- +goose Down
DROP TABLE oauth2_consents;
DROP TABLE oauth2_tokens;
DROP TABLE oauth2_clients;
