-- FAPI 2.0 shape: pushed authorization requests, private_key_jwt client
-- authentication, DPoP-bound tokens.

ALTER TABLE clients ADD COLUMN auth_method TEXT NOT NULL DEFAULT 'client_secret_basic';
ALTER TABLE clients ADD COLUMN jwks TEXT;                      -- JSON Web Key Set (public keys)
ALTER TABLE clients ADD COLUMN require_par INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN require_dpop INTEGER NOT NULL DEFAULT 0;

-- RFC 9126: one-time request URIs, stored as SHA-256.
CREATE TABLE par_requests (
    request_uri_hash TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL REFERENCES clients(client_id),
    params           TEXT NOT NULL,            -- the validated request, JSON
    expires_at       INTEGER NOT NULL,
    used_at          INTEGER
);

-- `jti`s of client assertions and DPoP proofs already seen, until they
-- could no longer be accepted anyway.
CREATE TABLE used_jtis (
    jti_hash   TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);

ALTER TABLE tokens ADD COLUMN dpop_jkt TEXT;
