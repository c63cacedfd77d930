//! What the OAuth endpoints require of every client: the profile (FAPI 2.0
//! outside demo mode), pushed authorization requests, server-provided DPoP
//! nonces, and whether an app's `jwks_uri` may point at this machine.

use super::read::{ConfigError, flag, var_of};

/// What the OAuth endpoints require of every client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// FAPI 2.0 Security Profile: PAR, `private_key_jwt` (its `aud` the
    /// issuer as one string) and DPoP-bound tokens, for every client.
    Fapi2,
    /// What each client was registered for (demo mode's default, so the
    /// endpoints can be tried by hand with a secret).
    Plain,
}

#[derive(Debug, Clone)]
pub struct OAuthSettings {
    /// `RENKEI_PROFILE`: `fapi2` (the default unless `RENKEI_DEMO=1`) or
    /// `plain`.
    pub profile: Profile,
    /// `RENKEI_REQUIRE_PAR`: every client must push its authorization
    /// request (RFC 9126). Default on, except in demo mode; always on in
    /// the FAPI 2.0 profile.
    pub require_par: bool,
    /// `RENKEI_DPOP_NONCE`: PAR and the token endpoint ask for
    /// server-provided DPoP nonces (RFC 9449 §8). Default on in `fapi2`.
    pub dpop_nonce: bool,
    /// `RENKEI_JWKS_ALLOW_LOOPBACK`: an app's `jwks_uri` may point at this
    /// machine (development; default on in demo mode only). Private,
    /// link-local, CGNAT, unique-local and metadata addresses never.
    pub jwks_allow_loopback: bool,
}

pub(super) fn read(
    get: &impl Fn(&str) -> Option<String>,
    demo: bool,
) -> Result<OAuthSettings, ConfigError> {
    let profile = match var_of(get, "RENKEI_PROFILE", if demo { "plain" } else { "fapi2" }).as_str()
    {
        "fapi2" => Profile::Fapi2,
        "plain" => Profile::Plain,
        _ => {
            return Err(ConfigError {
                var: "RENKEI_PROFILE",
                why: "fapi2 or plain".into(),
            });
        }
    };
    Ok(OAuthSettings {
        profile,
        require_par: profile == Profile::Fapi2
            || match get("RENKEI_REQUIRE_PAR").filter(|v| !v.is_empty()) {
                Some(v) => matches!(v.as_str(), "1" | "true" | "yes"),
                None => !demo,
            },
        dpop_nonce: flag(get, "RENKEI_DPOP_NONCE", profile == Profile::Fapi2)?,
        jwks_allow_loopback: flag(get, "RENKEI_JWKS_ALLOW_LOOPBACK", demo)?,
    })
}
