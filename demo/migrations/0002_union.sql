-- The credit union (its issuer) that granted a session's tokens: the app
-- serves the customers of many unions (issue #22). Sessions from before
-- were the first union's, whose issuer is the platform's own URL: the app
-- reads '' as that.
ALTER TABLE sessions ADD COLUMN issuer TEXT NOT NULL DEFAULT '';
