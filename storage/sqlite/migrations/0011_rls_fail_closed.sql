-- PostgreSQL's row-level security now fails closed (issue #31); SQLite
-- has none (its isolation is the statements' own filters), so nothing
-- changes here: this keeps both backends' migrations in step.
SELECT 1;
