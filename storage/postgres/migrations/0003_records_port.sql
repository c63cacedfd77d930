-- The records port (issue #11): with RENKEI_RECORDS_URL the bank's records
-- stay behind its host gateway, and Renkei keeps for an account a flow chose
-- only a reference row (its key and the public id the account API hands
-- out, which flows, consents and locks point at), never the holder's
-- attributes, PIN hash or balance. So the record columns become NULL for
-- such rows, and `source` says which kind a row is. (SQLite rebuilds the
-- table for this; PostgreSQL alters it in place, to the same shape.)
ALTER TABLE accounts
    -- 'embedded': the record is the bank's, loaded by `records import` (or
    -- the demo seed); 'gateway': a reference only, the record is asked of
    -- the host gateway every time.
    ADD COLUMN source TEXT NOT NULL DEFAULT 'embedded' CHECK (source IN ('embedded', 'gateway')),
    ALTER COLUMN holder_kana DROP NOT NULL,
    ALTER COLUMN birth_date DROP NOT NULL,
    ALTER COLUMN phone DROP NOT NULL,
    ALTER COLUMN has_cash_card DROP NOT NULL,
    ALTER COLUMN status DROP NOT NULL,
    ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN balance DROP NOT NULL,
    ALTER COLUMN balance DROP DEFAULT,
    -- An embedded row is a whole record; a gateway row holds none of it.
    ADD CHECK (CASE source
        WHEN 'embedded' THEN holder_kana IS NOT NULL AND birth_date IS NOT NULL
            AND phone IS NOT NULL AND has_cash_card IS NOT NULL AND status IS NOT NULL
            AND balance IS NOT NULL
        ELSE holder_kana IS NULL AND birth_date IS NULL AND phone IS NULL
            AND has_cash_card IS NULL AND pin_hash IS NULL AND status IS NULL
            AND moved_to IS NULL AND balance IS NULL AND available_balance IS NULL
            AND last_import IS NULL
        END);
