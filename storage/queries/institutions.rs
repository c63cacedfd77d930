//! The credit unions the platform serves: the platform's own rows.

use crate::*;

impl Storage {
    /// Adds an institution with its log line; `None` when its code is taken.
    pub async fn add_institution(
        &self,
        p: InstitutionProfile<'_>,
        log: OpLog<'_>,
    ) -> sqlx::Result<Option<i64>> {
        let mut tx = self.begin().await?;
        let id = sqlx::query_scalar!(
            "INSERT INTO institutions (code, name, profile, created_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO NOTHING RETURNING id",
            p.code,
            p.name,
            p.profile,
            log.at,
        )
        .fetch_optional(tx.cx())
        .await?;
        let Some(id) = id else { return Ok(None) };
        // The platform's action, in the platform's log and the union's.
        Self::insert_log(&mut tx, &log).await?;
        tx.institution = Some(id);
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Writes institution `id`'s code and profile (the first institution's
    /// from RENKEI_INSTITUTION_FILE at each start); false when another
    /// institution has the code.
    pub async fn set_institution_profile(
        &self,
        id: i64,
        p: InstitutionProfile<'_>,
    ) -> sqlx::Result<bool> {
        let taken = sqlx::query_scalar!(
            "SELECT COUNT(*) AS \"n!\" FROM institutions WHERE code = $1 AND id <> $2",
            p.code,
            id,
        )
        .fetch_one(self.read())
        .await?;
        if taken > 0 {
            return Ok(false);
        }
        sqlx::query!(
            "UPDATE institutions SET code = $1, name = $2, profile = $3 WHERE id = $4",
            p.code,
            p.name,
            p.profile,
            id,
        )
        .execute(self.write())
        .await?;
        Ok(true)
    }

    pub async fn institution_by_code(&self, code: &str) -> sqlx::Result<Option<InstitutionRow>> {
        sqlx::query_as!(
            InstitutionRow,
            "SELECT id AS \"id!\", code, name, profile, state AS \"state: _\", state_reason,
                    state_changed_at, created_at
             FROM institutions WHERE code = $1",
            code,
        )
        .fetch_optional(self.read())
        .await
    }

    pub async fn institution_by_id(&self, id: i64) -> sqlx::Result<Option<InstitutionRow>> {
        sqlx::query_as!(
            InstitutionRow,
            "SELECT id AS \"id!\", code, name, profile, state AS \"state: _\", state_reason,
                    state_changed_at, created_at
             FROM institutions WHERE id = $1",
            id,
        )
        .fetch_optional(self.read())
        .await
    }

    /// The union added first (the database's own, from before the
    /// platform): the root alias's default.
    pub async fn oldest_institution(&self) -> sqlx::Result<Option<InstitutionRow>> {
        sqlx::query_as!(
            InstitutionRow,
            "SELECT id AS \"id!\", code, name, profile, state AS \"state: _\", state_reason,
                    state_changed_at, created_at
             FROM institutions ORDER BY id LIMIT 1",
        )
        .fetch_optional(self.read())
        .await
    }

    /// One page of institutions in code order: those after `after` (a
    /// code) whose code starts with, or whose name contains, `search`.
    pub async fn institutions(
        &self,
        search: Option<&str>,
        after: Option<&str>,
        limit: i64,
    ) -> sqlx::Result<Vec<InstitutionRow>> {
        let like = search.map(|s| {
            let escaped = s
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            (format!("{escaped}%"), format!("%{escaped}%"))
        });
        let (prefix, inside) = like.unzip();
        sqlx::query_as!(
            InstitutionRow,
            "SELECT id AS \"id!\", code, name, profile, state AS \"state: _\", state_reason,
                    state_changed_at, created_at
             FROM institutions
             WHERE (code > $1 OR $1 IS NULL)
               AND (CAST($2 AS TEXT) IS NULL OR code LIKE $2 ESCAPE '\\'
                    OR name LIKE $3 ESCAPE '\\')
             ORDER BY code LIMIT $4",
            after,
            prefix,
            inside,
            limit,
        )
        .fetch_all(self.read())
        .await
    }

    /// Suspends or resumes institution `code` with its log line: `None`
    /// when there is no such institution, `Some(false)` when it already was.
    pub async fn set_institution_state(
        &self,
        code: &str,
        state: InstitutionState,
        reason: &str,
        log: OpLog<'_>,
    ) -> sqlx::Result<Option<bool>> {
        let mut tx = self.begin().await?;
        let Some(id) = sqlx::query_scalar!(
            "SELECT id AS \"id!\" FROM institutions WHERE code = $1",
            code
        )
        .fetch_optional(tx.cx())
        .await?
        else {
            return Ok(None);
        };
        let changed = sqlx::query!(
            "UPDATE institutions SET state = $1, state_reason = $2, state_changed_at = $3
             WHERE id = $4 AND state <> $1",
            state as _,
            reason,
            log.at,
            id,
        )
        .execute(tx.cx())
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(Some(false));
        }
        // The platform's action, in the platform's log and the union's.
        Self::insert_log(&mut tx, &log).await?;
        tx.institution = Some(id);
        Self::insert_log(&mut tx, &log).await?;
        tx.commit().await?;
        Ok(Some(true))
    }

    /// Every union's linkages over the JST days from `window_start` (a
    /// day's 0:00) to now, side by side: (institution id, flows started,
    /// flows granted). Each day over (by five minutes: a late log line
    /// still counts) is read from its roll-up, made here the first time it
    /// is asked for; the rest from the operation log itself — so the cost
    /// stays a day of the log, not a month, however many unions there are.
    pub async fn union_counts(
        &self,
        window_start: i64,
        today_start: i64,
        now: i64,
    ) -> sqlx::Result<Vec<(i64, i64, i64)>> {
        let rolled = sqlx::query_scalar!(
            "SELECT day_start FROM rolled_days WHERE day_start >= $1",
            window_start
        )
        .fetch_all(self.read())
        .await?;
        let mut live_from = today_start;
        let mut day = window_start;
        while day < today_start {
            if !rolled.contains(&day) {
                if day + DAY + LATE_SECS <= now {
                    self.roll_up_day(day, now).await?;
                } else {
                    live_from = live_from.min(day);
                }
            }
            day += DAY;
        }
        let rows = sqlx::query!(
            "SELECT institution_id AS \"institution_id!\",
                    CAST(SUM(started) AS BIGINT) AS \"started!: i64\",
                    CAST(SUM(granted) AS BIGINT) AS \"granted!: i64\"
             FROM (SELECT institution_id, started, granted FROM union_days
                   WHERE day_start >= $1 AND day_start < $2
                   UNION ALL
                   SELECT institution_id,
                          COUNT(DISTINCT CASE WHEN step = 'authorize' AND outcome = 'started'
                                              THEN flow_id END) AS started,
                          COUNT(DISTINCT CASE WHEN step = 'consent' AND outcome = 'granted'
                                              THEN flow_id END) AS granted
                   FROM operation_log
                   WHERE at >= $2 AND at <= $3 AND institution_id IS NOT NULL
                   GROUP BY institution_id) AS days
             GROUP BY institution_id",
            window_start,
            live_from,
            now,
        )
        .fetch_all(self.read())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.institution_id, r.started, r.granted))
            .collect())
    }

    /// Rolls up JST day `day_start`: every union's linkages started and
    /// granted that day, from the operation log, once (claimed in
    /// `rolled_days`, so two instances asking at once roll it once).
    async fn roll_up_day(&self, day_start: i64, now: i64) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        let claimed = sqlx::query!(
            "INSERT INTO rolled_days (day_start, rolled_at) VALUES ($1, $2)
             ON CONFLICT (day_start) DO NOTHING",
            day_start,
            now,
        )
        .execute(tx.cx())
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(());
        }
        sqlx::query!(
            "INSERT INTO union_days (institution_id, day_start, started, granted)
             SELECT institution_id, CAST($1 AS BIGINT),
                    COUNT(DISTINCT CASE WHEN step = 'authorize' AND outcome = 'started'
                                        THEN flow_id END),
                    COUNT(DISTINCT CASE WHEN step = 'consent' AND outcome = 'granted'
                                        THEN flow_id END)
             FROM operation_log
             WHERE at >= $1 AND at < $2 AND institution_id IS NOT NULL
             GROUP BY institution_id",
            day_start,
            day_start + DAY,
        )
        .execute(tx.cx())
        .await?;
        tx.commit().await
    }
}

/// A JST day, in seconds (Japan keeps no summer time).
const DAY: i64 = 86_400;

/// How long after a day ends its log may still gain a line (an instance's
/// clock a little behind, a request begun before midnight): its roll-up
/// waits this long.
const LATE_SECS: i64 = 300;
