-- The staff console (issue #12): staff members with a role, signed in with
-- passkeys only. Enrolment links, WebAuthn ceremonies and sessions are kept
-- here, not in memory, so any instance can finish what another started.
-- Every secret handed to a browser (enrolment token, session, ceremony id)
-- is stored only as its SHA-256.

CREATE TABLE staff_members (
    id           INTEGER PRIMARY KEY,
    -- The sign-in name, as `staff add --name` gave it.
    name         TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    role         TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
    -- WebAuthn's user handle (a random UUID, never the name).
    user_handle  TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    disabled_at  INTEGER
);

CREATE TABLE staff_enrolments (
    token_hash  TEXT PRIMARY KEY,
    staff_id    INTEGER NOT NULL REFERENCES staff_members(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

CREATE TABLE staff_passkeys (
    id             INTEGER PRIMARY KEY,
    staff_id       INTEGER NOT NULL REFERENCES staff_members(id),
    credential_id  TEXT NOT NULL UNIQUE,      -- base64url
    -- webauthn-rs's Passkey (public key, counter), as JSON.
    passkey        TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER
);

-- A registration or sign-in between its two requests: webauthn-rs's state
-- (the challenge), read once by the instance that finishes it.
CREATE TABLE staff_ceremonies (
    id_hash     TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('enrol', 'sign_in')),
    staff_id    INTEGER NOT NULL REFERENCES staff_members(id),
    -- The enrolment a registration belongs to.
    enrolment   TEXT REFERENCES staff_enrolments(token_hash),
    state       TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE staff_sessions (
    token_hash    TEXT PRIMARY KEY,
    staff_id      INTEGER NOT NULL REFERENCES staff_members(id),
    csrf_token    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);

-- Who did it: the staff member of a console action (NULL for the command
-- line and for customers' and apps' own lines).
ALTER TABLE operation_log ADD COLUMN staff TEXT;
-- The account a flow's line is about, once the flow has one: the console
-- finds an account's recent flows by it.
ALTER TABLE operation_log ADD COLUMN account_id INTEGER;
CREATE INDEX operation_log_by_account ON operation_log (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX operation_log_by_at ON operation_log (at);

-- A maintenance window staff cancelled stays, marked, for the record.
ALTER TABLE maintenance_windows ADD COLUMN cancelled_at INTEGER;
