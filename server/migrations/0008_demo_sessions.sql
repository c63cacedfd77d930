-- Demo mode only: the demo app's own sessions with the tokens it received.
-- This is the app's storage, not the bank's: a real app keeps its tokens
-- on its own servers.
CREATE TABLE demo_sessions (
    id                 TEXT PRIMARY KEY,       -- SHA-256 of the demo app's cookie
    access_token       TEXT NOT NULL,
    refresh_token      TEXT NOT NULL,
    access_expires_at  INTEGER NOT NULL,
    consent_expires_at INTEGER NOT NULL,
    created_at         INTEGER NOT NULL
);
