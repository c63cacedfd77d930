-- no-transaction
-- The shared platform (issue #22): one deployment serves many credit
-- unions, each its own issuer with its own records, flows, grants, mail,
-- log and staff. Every table of an institution's rows carries its
-- institution_id, and every statement on such a table filters by it.
-- Institution 1 is the union a deployment served before: every existing
-- row is its (RENKEI_INSTITUTION_FILE keeps configuring it). The platform's
-- own tables (apps, used jtis, shared keys) carry none.
--
-- SQLite adds a column with a REFERENCES clause and a non-NULL default only
-- with foreign keys off, and rebuilds `accounts` (an account number is now
-- unique only within its union), so this runs as 0003 did: foreign keys off
-- outside a transaction, one transaction, a foreign-key check before commit.
-- (The DEFAULT 1 stays on SQLite, which cannot drop a default in place;
-- PostgreSQL drops it, so its test pass refuses an INSERT that forgets
-- the column.)
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE institutions (
    id               INTEGER PRIMARY KEY,
    -- 金融機関コード: the issuer's path (/institutions/{code}).
    code             TEXT NOT NULL UNIQUE CHECK (length(code) = 4 AND code NOT GLOB '*[^0-9]*'),
    -- The name as the profile gives it (what the console lists and finds).
    name             TEXT NOT NULL,
    -- The profile as `institution add --profile` or RENKEI_INSTITUTION_FILE
    -- gave it (TOML), stored only after the server's reader accepted it.
    profile          TEXT NOT NULL,
    -- 'suspended': its customers get service_unavailable, its tokens stop.
    state            TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'suspended')),
    state_reason     TEXT,
    state_changed_at INTEGER,
    created_at       INTEGER NOT NULL
);
-- The union this deployment served until now, with the demo profile until
-- the server's start writes RENKEI_INSTITUTION_FILE's over it.
INSERT INTO institutions (id, code, name, profile, created_at)
VALUES (1, '2999', 'しんくみ信用組合', '', CAST(strftime('%s', 'now') AS INTEGER));

CREATE TABLE accounts_next (
    id                INTEGER PRIMARY KEY,
    institution_id    INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id),
    -- Opaque id the account API hands out (never the row id).
    public_id         TEXT NOT NULL UNIQUE,
    branch            TEXT NOT NULL CHECK (length(branch) = 3),      -- 店番
    kind              TEXT NOT NULL CHECK (kind IN ('ordinary', 'savings')),
    number            TEXT NOT NULL CHECK (length(number) = 7),      -- 口座番号
    -- 'embedded': the record below is the bank's, loaded by `records import`
    -- (or the demo seed); 'gateway': a reference only, the record is asked
    -- of the host gateway every time.
    source            TEXT NOT NULL DEFAULT 'embedded' CHECK (source IN ('embedded', 'gateway')),
    -- 全銀 half-width kana, normalised once when written (by the screen's rules).
    holder_kana       TEXT,
    birth_date        TEXT,                                          -- YYYY-MM-DD
    phone             TEXT,                                          -- domestic digits
    has_cash_card     INTEGER CHECK (has_cash_card IN (0, 1)),
    pin_hash          TEXT,                                          -- argon2id PHC
    status            TEXT CHECK (status IN ('active', 'closed', 'moved')),
    moved_to          INTEGER REFERENCES accounts(id),               -- 口座移管: the new account
    balance           INTEGER,                                       -- JPY
    available_balance INTEGER,
    last_import       INTEGER,
    -- An account number is unique within its union only.
    UNIQUE (institution_id, branch, kind, number),
    CHECK ((status = 'moved') = (moved_to IS NOT NULL)),
    -- An embedded row is a whole record; a gateway row holds none of it.
    CHECK (CASE source
        WHEN 'embedded' THEN holder_kana IS NOT NULL AND birth_date IS NOT NULL
            AND phone IS NOT NULL AND has_cash_card IS NOT NULL AND status IS NOT NULL
            AND balance IS NOT NULL
        ELSE holder_kana IS NULL AND birth_date IS NULL AND phone IS NULL
            AND has_cash_card IS NULL AND pin_hash IS NULL AND status IS NULL
            AND moved_to IS NULL AND balance IS NULL AND available_balance IS NULL
            AND last_import IS NULL
        END)
);
INSERT INTO accounts_next (id, institution_id, public_id, branch, kind, number, source,
                           holder_kana, birth_date, phone, has_cash_card, pin_hash, status,
                           moved_to, balance, available_balance, last_import)
SELECT id, 1, public_id, branch, kind, number, source, holder_kana, birth_date, phone,
       has_cash_card, pin_hash, status, moved_to, balance, available_balance, last_import
FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_next RENAME TO accounts;

ALTER TABLE transactions ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE time_deposits ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE record_imports ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE flows ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE auth_failures ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE maintenance_windows ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE phone_challenges ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE callback_bindings ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE consents ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE auth_codes ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE tokens ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE par_requests ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
ALTER TABLE mail_outbox ADD COLUMN institution_id INTEGER NOT NULL DEFAULT 1 REFERENCES institutions(id);
-- NULL: a call that reached no union's flow (the carrier's webhook is the
-- platform's; a call is the union's whose flow its number was bound to).
ALTER TABLE inbound_calls ADD COLUMN institution_id INTEGER DEFAULT 1 REFERENCES institutions(id);
-- NULL: a line of the platform's own (an app registered, a union added).
ALTER TABLE operation_log ADD COLUMN institution_id INTEGER DEFAULT 1 REFERENCES institutions(id);
-- NULL: platform staff (an operator or admin of the platform itself).
ALTER TABLE staff_members ADD COLUMN institution_id INTEGER DEFAULT 1 REFERENCES institutions(id);

-- Apps are registered once, for the platform; each union's admin switches
-- one off (or on again) for that union's customers, with when and why. No
-- row: on. (`clients.enabled` stays the platform's switch for every union.)
CREATE TABLE institution_apps (
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    client_id      TEXT NOT NULL REFERENCES clients(client_id),
    enabled        INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    changed_at     INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    PRIMARY KEY (institution_id, client_id)
);

CREATE INDEX operation_log_by_institution ON operation_log (institution_id, at);
CREATE INDEX staff_members_by_institution ON staff_members (institution_id);

CREATE TEMP TABLE institutions_check (violations INTEGER CHECK (violations = 0));
INSERT INTO institutions_check SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE institutions_check;

COMMIT;
PRAGMA foreign_keys = ON;
