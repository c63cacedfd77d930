-- Renkei's schema, the baseline: every migration before it squashed into
-- one, since no installation outside demo mode ever ran them. From here on
-- migrations are append-only.
--
-- Conventions: instants are unix seconds (INTEGER); calendar dates are
-- 'YYYY-MM-DD' (TEXT); every enumerated column has a CHECK naming its
-- values, so a corrupt value cannot be written, and the server refuses one
-- it reads (internal error) instead of guessing.

-- Registered fintech apps (OAuth clients).
CREATE TABLE clients (
    client_id     TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    auth_method   TEXT NOT NULL CHECK (auth_method IN ('client_secret_basic', 'private_key_jwt')),
    -- argon2id PHC string; the secret itself is shown once at registration.
    secret_hash   TEXT,
    -- JSON Web Key Set (public keys only) for private_key_jwt.
    jwks          TEXT,
    require_par   INTEGER NOT NULL DEFAULT 0 CHECK (require_par IN (0, 1)),
    require_dpop  INTEGER NOT NULL DEFAULT 0 CHECK (require_dpop IN (0, 1)),
    -- Staff may disable an app: its customers get service_unavailable.
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at    INTEGER NOT NULL,
    CHECK ((auth_method = 'client_secret_basic' AND secret_hash IS NOT NULL)
        OR (auth_method = 'private_key_jwt' AND jwks IS NOT NULL))
);

-- Exact redirect URIs, one row each.
CREATE TABLE client_redirect_uris (
    client_id TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    uri       TEXT NOT NULL,
    PRIMARY KEY (client_id, uri)
);

-- The bank's records, as far as API linkage needs them.
CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY,
    -- Opaque id the account API hands out (never the row id).
    public_id      TEXT NOT NULL UNIQUE,
    branch         TEXT NOT NULL CHECK (length(branch) = 3),      -- 店番
    kind           TEXT NOT NULL CHECK (kind IN ('ordinary', 'savings')),
    number         TEXT NOT NULL CHECK (length(number) = 7),      -- 口座番号
    -- 全銀 half-width kana, normalised once when written (by the screen's rules).
    holder_kana    TEXT NOT NULL,
    birth_date     TEXT NOT NULL,                                 -- YYYY-MM-DD
    phone          TEXT NOT NULL,                                 -- domestic digits
    has_cash_card  INTEGER NOT NULL CHECK (has_cash_card IN (0, 1)),
    pin_hash       TEXT,                                          -- argon2id PHC
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed', 'moved')),
    moved_to       INTEGER REFERENCES accounts(id),               -- 口座移管: the new account
    balance        INTEGER NOT NULL DEFAULT 0,                    -- JPY
    UNIQUE (branch, kind, number),
    CHECK ((status = 'moved') = (moved_to IS NOT NULL))
);

CREATE TABLE transactions (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts(id),
    booked_on     TEXT NOT NULL,                -- YYYY-MM-DD
    description   TEXT NOT NULL,                -- 摘要
    amount_in     INTEGER NOT NULL DEFAULT 0 CHECK (amount_in >= 0),
    amount_out    INTEGER NOT NULL DEFAULT 0 CHECK (amount_out >= 0),
    balance_after INTEGER NOT NULL
);
CREATE INDEX transactions_by_account ON transactions (account_id, booked_on, id);

CREATE TABLE time_deposits (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    principal    INTEGER NOT NULL,
    rate_bp      INTEGER NOT NULL,              -- annual rate in 1/100 %, e.g. 20 = 0.20 %
    start_on     TEXT NOT NULL,
    maturity_on  TEXT NOT NULL
);
CREATE INDEX time_deposits_by_account ON time_deposits (account_id);

-- One linkage attempt, owned by the server. The browser holds only a random
-- token in an HttpOnly cookie; the row is keyed by its SHA-256.
CREATE TABLE flows (
    id             TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL REFERENCES clients(client_id),
    redirect_uri   TEXT NOT NULL,
    state          TEXT NOT NULL,
    scope          TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    -- RFC 9449 §10: the DPoP key a pushed request bound the code to.
    dpop_jkt       TEXT,
    csrf_token     TEXT NOT NULL,
    step           TEXT NOT NULL CHECK (step IN ('account', 'customer', 'phone_confirm',
                       'phone_call', 'pin', 'consent', 'completed', 'cancelled')),
    account_id     INTEGER REFERENCES accounts(id),
    -- The address for the completion mail; erased when the flow ends.
    email          TEXT,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX flows_by_expiry ON flows (expires_at);

-- Failed identity/PIN attempts per account per JST calendar day. One row a
-- day, counted by a single upsert so concurrent failures never lose a count.
CREATE TABLE auth_failures (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    jst_day    TEXT NOT NULL,             -- YYYY-MM-DD in JST
    failures   INTEGER NOT NULL CHECK (failures > 0),
    PRIMARY KEY (account_id, jst_day)
);

-- Maintenance set by staff: closed in [starts_at, ends_at).
CREATE TABLE maintenance_windows (
    id         INTEGER PRIMARY KEY,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX maintenance_by_end ON maintenance_windows (ends_at);

-- One 120-second window per SOA209 visit. The server owns the deadline.
CREATE TABLE phone_challenges (
    id              INTEGER PRIMARY KEY,
    flow_id         TEXT NOT NULL REFERENCES flows(id),
    expected_caller TEXT NOT NULL,          -- registered phone, domestic digits
    called_number   TEXT NOT NULL,          -- the toll-free number shown
    created_at      INTEGER NOT NULL,
    deadline        INTEGER NOT NULL,
    verified_at     INTEGER,
    call_id         TEXT,
    -- 0 open; 1 void (the flow restarted, ended, or opened a newer one);
    -- 2 released: its window passed and another flow of the phone needed the
    -- number, but its own flow still sees it, as expired.
    void            INTEGER NOT NULL DEFAULT 0 CHECK (void IN (0, 1, 2))
);
-- A call verifies only the challenge with exactly its (caller, number)
-- pair: no two open challenges may share one.
CREATE UNIQUE INDEX phone_challenges_open ON phone_challenges (expected_caller, called_number)
    WHERE void = 0 AND verified_at IS NULL;
CREATE INDEX phone_challenges_by_flow ON phone_challenges (flow_id);

-- Every inbound call the carrier reported, once: the primary key makes a
-- replayed webhook a no-op.
CREATE TABLE inbound_calls (
    call_id     TEXT PRIMARY KEY,           -- provider-prefixed (renkei:..., twilio:...)
    caller_mask TEXT NOT NULL,              -- '*****' + last four digits, or 'withheld'
    called      TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('verified', 'no_matching_challenge', 'withheld'))
);

-- Consent (SOA206): the customer's linkage of one account to one app.
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
    revoked_by    TEXT CHECK (revoked_by IN ('app', 'staff', 'code_reuse', 'refresh_reuse')),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX consents_by_account ON consents (account_id);

-- Authorization codes, stored only as SHA-256; single use, short-lived.
CREATE TABLE auth_codes (
    code_hash      TEXT PRIMARY KEY,
    consent_id     INTEGER NOT NULL REFERENCES consents(id),
    client_id      TEXT NOT NULL REFERENCES clients(client_id),
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    dpop_jkt       TEXT,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER
);

-- Access and refresh tokens, stored only as SHA-256.
CREATE TABLE tokens (
    token_hash  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    consent_id  INTEGER NOT NULL REFERENCES consents(id),
    client_id   TEXT NOT NULL REFERENCES clients(client_id),
    scope       TEXT NOT NULL,
    issued_at   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    rotated_at  INTEGER,                      -- refresh token replaced by a newer one
    dpop_jkt    TEXT                          -- sender-constrained (RFC 9449)
);
CREATE INDEX tokens_by_consent ON tokens (consent_id);

-- RFC 9126: one-time request URIs, stored as SHA-256.
CREATE TABLE par_requests (
    request_uri_hash TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL REFERENCES clients(client_id),
    params           TEXT NOT NULL,            -- the validated request, JSON
    expires_at       INTEGER NOT NULL,
    used_at          INTEGER
);

-- `jti`s of client assertions and DPoP proofs already seen, until they
-- could no longer be accepted anyway.
CREATE TABLE used_jtis (
    jti_hash   TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);

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
    -- Undeliverable for 24 hours: given up, the address erased.
    dropped_at      INTEGER,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);

-- Append-only record of what happened at each step (FAQ Q4: the kana
-- name as entered lives here and nowhere else). Never a PIN, a full phone
-- number or an e-mail address.
CREATE TABLE operation_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    flow_id     TEXT,
    client_id   TEXT,
    step        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    client_ip   TEXT,
    user_agent  TEXT,
    kana_name   TEXT,
    detail      TEXT
);
CREATE TRIGGER operation_log_no_update BEFORE UPDATE ON operation_log
BEGIN SELECT RAISE(ABORT, 'operation_log is append-only'); END;
CREATE TRIGGER operation_log_no_delete BEFORE DELETE ON operation_log
BEGIN SELECT RAISE(ABORT, 'operation_log is append-only'); END;
