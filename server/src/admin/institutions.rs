//! The platform's credit unions (issue #22): added with their profile,
//! listed, suspended and resumed, each change with its log line (the
//! union's own log, so its staff see what the platform did to it).

use super::{Context, reason};
use crate::config::institution::Profile;
use crate::db::{InstitutionProfile, InstitutionRow, InstitutionState, Outcome, Storage, Tenant};

/// The part of the database of the institution with 金融機関コード `code`.
pub async fn tenant_of(storage: &Storage, code: &str) -> anyhow::Result<Tenant> {
    let row = storage
        .institution_by_code(code)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no institution with code {code}"))?;
    Ok(storage.tenant(row.id))
}

/// A 金融機関コード as the flags give it: 4 digits.
fn code(code: &str) -> anyhow::Result<&str> {
    use renkei_shared::domain::InstitutionCode;
    InstitutionCode::parse(code)
        .map_err(|_| anyhow::anyhow!("--code: {}", InstitutionCode::RULE))?;
    Ok(code)
}

/// Every union whose stored profile no longer parses, with why: they
/// answer service_unavailable until it is fixed (`institution check`;
/// each start logs them).
pub async fn unparsable_profiles(storage: &Storage) -> anyhow::Result<Vec<(String, String)>> {
    let mut broken = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = storage.institutions(None, after.as_deref(), 500).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.code.clone());
        for row in &page {
            if let Err(e) = Profile::for_union(&row.profile, &row.code) {
                broken.push((row.code.clone(), e.to_string()));
            }
        }
    }
    Ok(broken)
}

impl Context {
    /// The same context acting for the institution with code `code`.
    pub async fn for_institution(self, code: &str) -> anyhow::Result<Context> {
        let tenant = tenant_of(&self.storage, code).await?;
        Ok(Context { tenant, ..self })
    }

    /// Adds an institution from its profile file's text. The file names
    /// the union (`name`: a new union never takes the demo's); a `code` in
    /// it must be `--code`.
    /// `demo`: demo mode, where a union's gateway may be plain http.
    pub async fn add_institution(
        &self,
        code_flag: &str,
        text: &str,
        demo: bool,
    ) -> anyhow::Result<i64> {
        let code = code(code_flag)?;
        let profile =
            Profile::parse_for(text, demo).map_err(|e| anyhow::anyhow!("--profile: {e}"))?;
        let keys: toml::Table = toml::from_str(text)?;
        anyhow::ensure!(
            keys.contains_key("name"),
            "--profile: name: the union's name is required"
        );
        if keys.contains_key("code") {
            anyhow::ensure!(
                profile.public.code == code,
                "--profile: code {} is not --code {code}",
                profile.public.code
            );
        }
        let detail = format!("institution {code} {} added", profile.public.name);
        let added = self
            .storage
            .add_institution(
                InstitutionProfile {
                    code,
                    name: &profile.public.name,
                    profile: text,
                },
                self.log(Outcome::InstitutionAdded, &detail),
            )
            .await?;
        added.ok_or_else(|| anyhow::anyhow!("an institution with code {code} exists already"))
    }

    /// One page of institutions in code order (see `Storage::institutions`).
    pub async fn list_institutions(
        &self,
        search: Option<&str>,
        after: Option<&str>,
        limit: i64,
    ) -> anyhow::Result<Vec<InstitutionRow>> {
        Ok(self.storage.institutions(search, after, limit).await?)
    }

    /// Suspends or resumes an institution; false when it already was.
    pub async fn set_institution_state(
        &self,
        code_flag: &str,
        state: InstitutionState,
        why: &str,
    ) -> anyhow::Result<bool> {
        let code = code(code_flag)?;
        let why = reason(why)?;
        let (outcome, verb) = match state {
            InstitutionState::Suspended => (Outcome::InstitutionSuspended, "suspended"),
            InstitutionState::Active => (Outcome::InstitutionResumed, "resumed"),
        };
        let detail = format!("institution {code} {verb}; reason: {why}");
        self.storage
            .set_institution_state(code, state, why, self.log(outcome, &detail))
            .await?
            .ok_or_else(|| anyhow::anyhow!("no institution with code {code}"))
    }
}
