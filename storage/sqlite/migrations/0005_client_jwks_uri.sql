-- An app's public keys at a URL (issue #12: "JWKS upload or JWKS URL").
-- `jwks` stays the set the server verifies with: for a URL it is the copy
-- fetched last, refreshed when it is older than the server's limit or when
-- an assertion names a key it lacks (at most once a minute per app).
ALTER TABLE clients ADD COLUMN jwks_uri TEXT
    CHECK (jwks_uri IS NULL OR jwks_uri LIKE 'https://%' OR jwks_uri LIKE 'http://%');
-- When `jwks_uri` was last asked (unix seconds), answered or not: the
-- refresh is rate-limited by it.
ALTER TABLE clients ADD COLUMN jwks_checked_at INTEGER;
