-- A phone challenge's state by name instead of 0/1/2: 'open'; 'void' (the
-- flow restarted, ended, or opened a newer one); 'released' (its window
-- passed and another flow of the phone needed the number, but its own flow
-- still sees it, as expired).
DROP INDEX phone_challenges_open;
ALTER TABLE phone_challenges ADD COLUMN state TEXT NOT NULL DEFAULT 'open'
    CHECK (state IN ('open', 'void', 'released'));
UPDATE phone_challenges
   SET state = CASE void WHEN 0 THEN 'open' WHEN 1 THEN 'void' ELSE 'released' END;
ALTER TABLE phone_challenges DROP COLUMN void;
CREATE UNIQUE INDEX phone_challenges_open ON phone_challenges (expected_caller, called_number)
    WHERE state = 'open' AND verified_at IS NULL;
-- SQLite has no boolean type: its yes/no columns stay INTEGER with
-- CHECK (x IN (0, 1)), read as bool (sqlx.toml); PostgreSQL's are boolean.
