-- A callback number serves one flow for its whole life (issue #19): a
-- (caller, number) pair stays bound to the flow it was given to until its
-- window has ended and a quiet period has passed, whether the flow's
-- challenge was verified, expired, voided or cancelled meanwhile. A call in
-- that time is answered as for that flow and verifies nothing else; a new
-- challenge of the same phone takes another number. The primary key makes
-- the pair one row, taken over only by one conditional upsert.
CREATE TABLE callback_bindings (
    expected_caller TEXT NOT NULL,
    called_number   TEXT NOT NULL,
    flow_id         TEXT NOT NULL,
    bound_until     BIGINT NOT NULL,    -- the window's end + the quiet period
    PRIMARY KEY (expected_caller, called_number)
);

-- A call to a bound pair that verifies nothing is answered for its flow:
-- 'already_verified' or 'too_late'.
ALTER TABLE inbound_calls DROP CONSTRAINT inbound_calls_outcome_check;
ALTER TABLE inbound_calls ADD CONSTRAINT inbound_calls_outcome_check
    CHECK (outcome IN ('verified', 'no_matching_challenge', 'withheld',
                       'already_verified', 'too_late'));

-- Keys the instances of one deployment share, made once by whichever
-- starts first (hex of 32 random bytes): `dpop_nonce` signs the
-- server-provided DPoP nonces, so a nonce one instance hands out is good
-- at every other; `staff_decoy` makes the passkeys an unknown staff name is
-- asked for look like a real member's.
CREATE TABLE server_secrets (
    name   TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);

-- A staff sign-in start for an unknown name stores a ceremony as a known
-- one does (same work, same answer), one that no passkey can finish: its
-- staff_id is NULL. Ceremonies are transient (five minutes), so the table
-- is made again rather than copied.
DROP TABLE staff_ceremonies;
CREATE TABLE staff_ceremonies (
    id_hash     TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('enrol', 'sign_in')),
    staff_id    BIGINT REFERENCES staff_members(id),
    -- The enrolment a registration belongs to.
    enrolment   TEXT REFERENCES staff_enrolments(token_hash),
    state       TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    CHECK (staff_id IS NOT NULL OR kind = 'sign_in')
);
CREATE INDEX staff_ceremonies_by_expiry ON staff_ceremonies (expires_at);

-- An enrolment link revoked by a newer one or by an admin.
ALTER TABLE staff_enrolments ADD COLUMN revoked_at BIGINT;
