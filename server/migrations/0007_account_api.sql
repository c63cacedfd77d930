-- The account-information API: an opaque public id per account, so the
-- app never sees internal row ids.
ALTER TABLE accounts ADD COLUMN public_id TEXT;
UPDATE accounts SET public_id = 'acc_' || lower(hex(randomblob(16))) WHERE public_id IS NULL;
CREATE UNIQUE INDEX accounts_by_public_id ON accounts (public_id);
