-- The console's side-by-side counts (issue #22): each union's linkages
-- started and completed per JST day, rolled up from the operation log once
-- a day is over, so listing 300 unions reads at most 30 rows of each, not
-- a month of the log. The platform's own rows (platform staff read them).
CREATE TABLE union_days (
    institution_id BIGINT NOT NULL REFERENCES institutions(id),
    -- The day's 0:00 JST, in unix seconds.
    day_start BIGINT NOT NULL,
    started BIGINT NOT NULL,
    granted BIGINT NOT NULL,
    PRIMARY KEY (institution_id, day_start)
);

-- The days rolled up (every union's at once), so each is rolled once.
CREATE TABLE rolled_days (
    day_start BIGINT PRIMARY KEY,
    rolled_at BIGINT NOT NULL
);
