-- Renkei's foundation schema. Instants are unix seconds (INTEGER) so the
-- same statements run on SQLite now and PostgreSQL (BIGINT) later.

-- Registered fintech apps (OAuth clients).
CREATE TABLE clients (
    client_id     TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    -- JSON array of exact redirect URIs.
    redirect_uris TEXT NOT NULL,
    -- argon2id PHC string; the secret itself is shown once at registration.
    secret_hash   TEXT NOT NULL,
    -- Staff may disable an app: its customers get service_unavailable.
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);

-- The bank's records, as far as API linkage needs them.
CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    branch          TEXT NOT NULL,              -- 店番, 3 digits
    kind            TEXT NOT NULL,              -- ordinary | savings | ...
    number          TEXT NOT NULL,              -- 口座番号, 7 digits
    holder_kana     TEXT NOT NULL,              -- 全銀 half-width kana
    birth_date      TEXT NOT NULL,              -- YYYY-MM-DD
    phone           TEXT NOT NULL,              -- registered phone, digits
    has_cash_card   INTEGER NOT NULL,
    pin_hash        TEXT,                       -- argon2id PHC, NULL without a card
    status          TEXT NOT NULL DEFAULT 'active',  -- active | closed | moved
    moved_to        INTEGER REFERENCES accounts(id), -- 口座移管: the new account
    balance         INTEGER NOT NULL DEFAULT 0,      -- JPY
    UNIQUE (branch, kind, number)
);

CREATE TABLE transactions (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts(id),
    booked_on     TEXT NOT NULL,                -- YYYY-MM-DD
    description   TEXT NOT NULL,                -- 摘要
    amount_in     INTEGER NOT NULL DEFAULT 0,
    amount_out    INTEGER NOT NULL DEFAULT 0,
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

-- One linkage attempt, owned by the server. The browser holds only a random
-- token in an HttpOnly cookie; the row is keyed by its SHA-256.
CREATE TABLE flows (
    id             TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL REFERENCES clients(client_id),
    redirect_uri   TEXT NOT NULL,
    state          TEXT NOT NULL,
    scope          TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    csrf_token     TEXT NOT NULL,
    step           TEXT NOT NULL,
    account_id     INTEGER REFERENCES accounts(id),
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX flows_by_expiry ON flows (expires_at);

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
