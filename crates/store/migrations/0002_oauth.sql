-- OAuth 2.0 (protocol-notes §3): authorizations, codes, tokens and open ids.
-- One text for both dialects: {{id}} is the auto-increment primary key, {{bytes}} a byte string.
-- Times are milliseconds since the epoch (BIGINT). Codes and tokens are stored only as SHA-256
-- hashes; nothing here holds a usable secret in the clear.

-- A merchant's consent to an app. One live row per (app, merchant): a consent by the merchant
-- or by one of its staff accounts creates it or widens it; it ends when revoked, or at
-- expires_at (a test user's authorization lasts 10 days).
CREATE TABLE oauth_authorizations (
    id {{id}},
    app_id BIGINT NOT NULL REFERENCES apps(id),
    user_id BIGINT NOT NULL REFERENCES accounts(id),     -- the merchant (main account)
    account_id BIGINT NOT NULL REFERENCES accounts(id),  -- who consented last (merchant or staff)
    scopes TEXT NOT NULL,                                -- comma-separated, every scope granted while live
    source TEXT NOT NULL,                                -- test | authorized | market
    granted_at BIGINT NOT NULL,                          -- first consent of this authorization
    renewed_at BIGINT NOT NULL,                          -- latest consent
    expires_at BIGINT,                                   -- NULL: until revoked
    revoked_at BIGINT,
    revoked_by TEXT                                      -- merchant | developer | expired
);
CREATE UNIQUE INDEX oauth_authorizations_live ON oauth_authorizations (app_id, user_id)
    WHERE revoked_at IS NULL;
CREATE INDEX oauth_authorizations_user ON oauth_authorizations (user_id, id);

-- Authorization codes: single use, short-lived.
CREATE TABLE oauth_codes (
    id {{id}},
    code_hash TEXT NOT NULL UNIQUE,
    app_id BIGINT NOT NULL REFERENCES apps(id),
    authorization_id BIGINT NOT NULL REFERENCES oauth_authorizations(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    scopes TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- One row per issued access token, with the refresh token issued beside it (user tokens).
-- A refresh rotates: the old row gets rotated_at and, for the grace window, the successor pair
-- sealed with the vault (so a retried refresh gets the same pair back); the new row points back
-- through parent_id and inherits refresh_expires_at.
CREATE TABLE oauth_tokens (
    id {{id}},
    kind TEXT NOT NULL,                                  -- user | app
    app_id BIGINT NOT NULL REFERENCES apps(id),
    authorization_id BIGINT REFERENCES oauth_authorizations(id),
    user_id BIGINT REFERENCES accounts(id),              -- the merchant whose data it reaches
    account_id BIGINT REFERENCES accounts(id),           -- who consented (merchant or staff)
    open_id TEXT,
    scopes TEXT NOT NULL,                                -- comma-separated
    access_hash TEXT NOT NULL UNIQUE,
    access_expires_at BIGINT NOT NULL,
    refresh_hash TEXT UNIQUE,
    refresh_expires_at BIGINT,
    parent_id BIGINT REFERENCES oauth_tokens(id),
    rotated_at BIGINT,
    successor_enc {{bytes}},
    created_at BIGINT NOT NULL
);
CREATE INDEX oauth_tokens_authorization ON oauth_tokens (authorization_id);
CREATE INDEX oauth_tokens_parent ON oauth_tokens (parent_id);

-- A user's identifier as one developer sees it: random, stable, different per developer.
CREATE TABLE oauth_open_ids (
    id {{id}},
    developer_id BIGINT NOT NULL REFERENCES developers(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    open_id TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    UNIQUE (developer_id, account_id)
);
