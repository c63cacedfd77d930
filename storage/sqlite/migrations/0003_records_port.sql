-- no-transaction
-- The records port (issue #11): with RENKEI_RECORDS_URL the bank's records
-- stay behind its host gateway, and Renkei keeps for an account a flow chose
-- only a reference row (its key and the public id the account API hands
-- out, which flows, consents and locks point at), never the holder's
-- attributes, PIN hash or balance. So the record columns become NULL for
-- such rows, and `source` says which kind a row is.
--
-- SQLite cannot drop NOT NULL in place: the table is rebuilt the way its
-- documentation prescribes (foreign keys off outside a transaction, then
-- one transaction, then a foreign-key check before commit).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE accounts_next (
    id                INTEGER PRIMARY KEY,
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
    UNIQUE (branch, kind, number),
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

INSERT INTO accounts_next (id, public_id, branch, kind, number, source, holder_kana, birth_date,
                           phone, has_cash_card, pin_hash, status, moved_to, balance,
                           available_balance, last_import)
SELECT id, public_id, branch, kind, number, 'embedded', holder_kana, birth_date, phone,
       has_cash_card, pin_hash, status, moved_to, balance, available_balance, last_import
FROM accounts;

DROP TABLE accounts;
ALTER TABLE accounts_next RENAME TO accounts;

-- Refuses the commit if a row points at an account that did not come over
-- (RAISE works only in triggers; a CHECK does the same job here).
CREATE TEMP TABLE accounts_rebuild_check (violations INTEGER CHECK (violations = 0));
INSERT INTO accounts_rebuild_check SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE accounts_rebuild_check;

COMMIT;
PRAGMA foreign_keys = ON;
