-- Stage 2: the phone callback.

-- One 120-second window per SOA209 visit. The server owns the deadline.
CREATE TABLE phone_challenges (
    id              INTEGER PRIMARY KEY,
    flow_id         TEXT NOT NULL REFERENCES flows(id),
    expected_caller TEXT NOT NULL,          -- registered phone, domestic digits
    called_number   TEXT NOT NULL,          -- RENKEI_CALLBACK_NUMBER
    created_at      INTEGER NOT NULL,
    deadline        INTEGER NOT NULL,
    verified_at     INTEGER,
    call_id         TEXT,
    void            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX phone_challenges_open ON phone_challenges (expected_caller, called_number, deadline);
CREATE INDEX phone_challenges_by_flow ON phone_challenges (flow_id);

-- Every inbound call the carrier reported, once: the primary key makes a
-- replayed webhook a no-op.
CREATE TABLE inbound_calls (
    call_id     TEXT PRIMARY KEY,           -- provider-prefixed (renkei:..., twilio:...)
    caller_mask TEXT NOT NULL,              -- '*****' + last four digits, or 'withheld'
    called      TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    outcome     TEXT NOT NULL
);
