-- Demo mode only: the demo app's own key pairs (client authentication and
-- DPoP), generated once by the demo seed. A real app keeps its private
-- keys to itself; the bank only ever sees the public JWKS.
CREATE TABLE demo_client_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    auth_pkcs8  TEXT NOT NULL,     -- base64 PKCS#8, ES256
    dpop_pkcs8  TEXT NOT NULL
);
