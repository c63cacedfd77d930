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

-- Yes/no columns as PostgreSQL's own boolean (SQLite keeps 0/1 integers
-- with a CHECK: it has no boolean type).
ALTER TABLE clients
    DROP CONSTRAINT clients_require_par_check,
    DROP CONSTRAINT clients_require_dpop_check,
    DROP CONSTRAINT clients_enabled_check;
ALTER TABLE clients
    ALTER COLUMN require_par DROP DEFAULT,
    ALTER COLUMN require_par TYPE BOOLEAN USING require_par <> 0,
    ALTER COLUMN require_par SET DEFAULT FALSE,
    ALTER COLUMN require_dpop DROP DEFAULT,
    ALTER COLUMN require_dpop TYPE BOOLEAN USING require_dpop <> 0,
    ALTER COLUMN require_dpop SET DEFAULT FALSE,
    ALTER COLUMN enabled DROP DEFAULT,
    ALTER COLUMN enabled TYPE BOOLEAN USING enabled <> 0,
    ALTER COLUMN enabled SET DEFAULT TRUE;
ALTER TABLE accounts DROP CONSTRAINT accounts_has_cash_card_check;
ALTER TABLE accounts ALTER COLUMN has_cash_card TYPE BOOLEAN USING has_cash_card <> 0;
