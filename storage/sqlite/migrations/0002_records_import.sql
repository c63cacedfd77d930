-- The bank's records as its core system exports them (issue #11): the ids
-- the core system gives transactions and time deposits (a re-import updates,
-- never duplicates), the run that last listed each row (a full import
-- closes or removes what it no longer lists), and the log of import runs.
ALTER TABLE accounts ADD COLUMN available_balance INTEGER;
ALTER TABLE accounts ADD COLUMN last_import INTEGER;
ALTER TABLE transactions ADD COLUMN txn_id TEXT;
CREATE UNIQUE INDEX transactions_by_txn_id ON transactions (account_id, txn_id);
ALTER TABLE time_deposits ADD COLUMN deposit_id TEXT;
ALTER TABLE time_deposits ADD COLUMN last_import INTEGER;
CREATE UNIQUE INDEX time_deposits_by_deposit_id ON time_deposits (account_id, deposit_id);

CREATE TABLE record_imports (
    id             INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    mode           TEXT NOT NULL CHECK (mode IN ('full', 'delta')),
    accounts       INTEGER NOT NULL,
    -- 当座 and 定期 rows: checked, counted, not kept (they never link).
    not_linkable   INTEGER NOT NULL,
    transactions   INTEGER NOT NULL,
    time_deposits  INTEGER NOT NULL,
    closed         INTEGER NOT NULL,
    purged         INTEGER NOT NULL
);
