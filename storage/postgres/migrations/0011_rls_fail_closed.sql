-- Row-level security that fails closed (issue #31). Before, a connection
-- with no union set saw every union's rows, so a union's statement sent
-- through the platform's pool by mistake was not caught. Now:
--
-- * a connection sees a union table's rows only when it is set to that
--   union (`renkei.institution`, which Renkei's union pool sets as each
--   connection is taken) — unset, it sees none and can write none;
-- * the platform's pool marks its connections `renkei.scope = 'platform'`
--   as they connect, and that admits exactly the tables the platform's own
--   statements touch across unions (below); the bank's records, lockout
--   counts, maintenance windows, consents, codes and tokens are never the
--   platform's: a statement on them through its pool answers no rows and
--   cannot write one.
--
-- Tables only a union's own statements touch:
DROP POLICY union_rows ON accounts;
CREATE POLICY union_rows ON accounts
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT);
DROP POLICY union_rows ON transactions;
CREATE POLICY union_rows ON transactions
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT);
DROP POLICY union_rows ON time_deposits;
CREATE POLICY union_rows ON time_deposits
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT);
DROP POLICY union_rows ON record_imports;
CREATE POLICY union_rows ON record_imports
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT);
DROP POLICY union_rows ON auth_failures;
CREATE POLICY union_rows ON auth_failures
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT);
DROP POLICY union_rows ON maintenance_windows;
CREATE POLICY union_rows ON maintenance_windows
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT);
DROP POLICY union_rows ON consents;
CREATE POLICY union_rows ON consents
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT);
DROP POLICY union_rows ON auth_codes;
CREATE POLICY union_rows ON auth_codes
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT);
DROP POLICY union_rows ON tokens;
CREATE POLICY union_rows ON tokens
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT);
-- Tables the platform also touches, each for the reason given:
-- flows: the expired-flow purge.
DROP POLICY union_rows ON flows;
CREATE POLICY union_rows ON flows
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT
           OR current_setting('renkei.scope', true) = 'platform');
-- par_requests: the expired-flow purge.
DROP POLICY union_rows ON par_requests;
CREATE POLICY union_rows ON par_requests
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT
           OR current_setting('renkei.scope', true) = 'platform');
-- mail_outbox: the outbox delivery.
DROP POLICY union_rows ON mail_outbox;
CREATE POLICY union_rows ON mail_outbox
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT
           OR current_setting('renkei.scope', true) = 'platform');
-- operation_log: the platform's own log, a union's line written by a platform action, the list's roll-ups.
DROP POLICY union_rows ON operation_log;
CREATE POLICY union_rows ON operation_log
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT
           OR current_setting('renkei.scope', true) = 'platform');
-- staff_members: staff sign-in and the platform's staff.
DROP POLICY union_rows ON staff_members;
CREATE POLICY union_rows ON staff_members
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT
           OR current_setting('renkei.scope', true) = 'platform');
-- institution_apps: the platform's switch of an app at every union.
DROP POLICY union_rows ON institution_apps;
CREATE POLICY union_rows ON institution_apps
    USING (institution_id = nullif(current_setting('renkei.institution', true), '')::BIGINT
           OR current_setting('renkei.scope', true) = 'platform');
