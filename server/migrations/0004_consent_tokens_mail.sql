-- Consent (SOA206), the authorization the app receives, the completion mail.

CREATE TABLE consents (
    id            INTEGER PRIMARY KEY,
    client_id     TEXT NOT NULL REFERENCES clients(client_id),
    account_id    INTEGER NOT NULL REFERENCES accounts(id),
    scope         TEXT NOT NULL,
    terms_version TEXT NOT NULL,
    granted_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,          -- granted_at + 30 days
    client_ip     TEXT,
    user_agent    TEXT,
    revoked_at    INTEGER,
    revoked_by    TEXT                        -- app | staff | code_reuse | refresh_reuse
);
CREATE INDEX consents_by_account ON consents (account_id);

-- Authorization codes, stored only as SHA-256; single use, short-lived.
CREATE TABLE auth_codes (
    code_hash      TEXT PRIMARY KEY,
    consent_id     INTEGER NOT NULL REFERENCES consents(id),
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER
);

-- Access and refresh tokens, stored only as SHA-256.
CREATE TABLE tokens (
    token_hash  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,                -- access | refresh
    consent_id  INTEGER NOT NULL REFERENCES consents(id),
    client_id   TEXT NOT NULL,
    scope       TEXT NOT NULL,
    issued_at   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    rotated_at  INTEGER                       -- refresh token replaced by a newer one
);
CREATE INDEX tokens_by_consent ON tokens (consent_id);

-- The completion mail, queued in the same transaction as the consent and
-- sent afterwards with retries. The address is erased once sent (FAQ Q5).
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);
