-- Stage 1: identity check, daily lockout, maintenance windows.

-- The address the completion mail goes to; erased once it is sent (FAQ Q5).
ALTER TABLE flows ADD COLUMN email TEXT;

-- Failed identity/PIN attempts per account per JST calendar day. One row a
-- day, counted by a single upsert so concurrent failures never lose a count.
CREATE TABLE auth_failures (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    jst_day    TEXT NOT NULL,             -- YYYY-MM-DD in JST
    failures   INTEGER NOT NULL,
    PRIMARY KEY (account_id, jst_day)
);

-- Maintenance set by staff: closed in [starts_at, ends_at).
CREATE TABLE maintenance_windows (
    id        INTEGER PRIMARY KEY,
    starts_at INTEGER NOT NULL,
    ends_at   INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX maintenance_by_end ON maintenance_windows (ends_at);
