-- The demo fintech app's own storage: a separate SQLite file, never the
-- bank's database. A real app keeps its keys and tokens on its own servers;
-- the bank only ever sees the public JWKS.

-- The app's key pairs (client authentication and DPoP), made on first start.
CREATE TABLE client_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    auth_pkcs8  TEXT NOT NULL,     -- base64 PKCS#8, ES256
    dpop_pkcs8  TEXT NOT NULL
);

-- The app's sessions with the tokens it received.
CREATE TABLE sessions (
    id                 TEXT PRIMARY KEY,       -- SHA-256 of the app's cookie
    access_token       TEXT NOT NULL,
    refresh_token      TEXT NOT NULL,
    access_expires_at  INTEGER NOT NULL,
    consent_expires_at INTEGER NOT NULL,
    created_at         INTEGER NOT NULL
);
