-- RFC 9449 section 10: a DPoP proof sent with the pushed request binds the
-- authorization code to that key; the code is then only exchanged by it.
ALTER TABLE flows ADD COLUMN dpop_jkt TEXT;
ALTER TABLE auth_codes ADD COLUMN dpop_jkt TEXT;
