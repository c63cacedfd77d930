//! JOSE checks for FAPI 2.0: `private_key_jwt` client assertions (RFC 7523)
//! and DPoP proofs (RFC 9449). Signatures are verified by `jsonwebtoken`;
//! the times are checked here against the injected clock. Only asymmetric
//! algorithms are accepted: ES256, PS256, EdDSA — never `none` or HMAC.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The signing algorithms we accept from clients.
pub const ALGORITHMS: &[&str] = &["ES256", "PS256", "EdDSA"];
/// Allowed clock difference for `iat` / `exp`.
pub const SKEW_SECS: i64 = 60;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JoseError {
    #[error("malformed JWT")]
    Malformed,
    #[error("algorithm not allowed")]
    Algorithm,
    #[error("no matching key")]
    Key,
    #[error("bad signature")]
    Signature,
    #[error("claims do not fit: {0}")]
    Claims(&'static str),
}

fn allowed(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::ES256 | Algorithm::PS256 | Algorithm::EdDSA)
}

/// A validation that checks the signature only; claims are ours to check.
fn signature_only(alg: Algorithm) -> Validation {
    let mut v = Validation::new(alg);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v.required_spec_claims.clear();
    v
}

/// What a client assertion's `aud` must be.
#[derive(Debug, Clone, Copy)]
pub enum Audience<'a> {
    /// The issuer, alone or in a list (RFC 7523).
    Issuer(&'a str),
    /// The issuer as one string, nothing else (FAPI 2.0).
    IssuerOnly(&'a str),
}

#[derive(Debug, Deserialize)]
pub struct AssertionClaims {
    pub iss: String,
    pub sub: String,
    pub aud: serde_json::Value,
    pub exp: i64,
    pub iat: Option<i64>,
    pub nbf: Option<i64>,
    pub jti: String,
}

/// The unverified `iss` of a client assertion: which client claims to be
/// speaking (its keys then decide).
pub fn assertion_issuer(jwt: &str) -> Result<String, JoseError> {
    let payload = jwt.split('.').nth(1).ok_or(JoseError::Malformed)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| JoseError::Malformed)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| JoseError::Malformed)?;
    v["iss"]
        .as_str()
        .map(str::to_owned)
        .ok_or(JoseError::Malformed)
}

/// Verifies a `private_key_jwt` assertion of `client_id` against its JWKS:
/// `iss` = `sub` = client, `aud` = our issuer, `exp` in the future, `iat`
/// not in the future (both with a small skew). Returns the claims (the
/// caller makes `jti` single-use).
pub fn verify_assertion(
    jwt: &str,
    jwks: &str,
    client_id: &str,
    audience: Audience<'_>,
    now: i64,
) -> Result<AssertionClaims, JoseError> {
    let header = decode_header(jwt).map_err(|_| JoseError::Malformed)?;
    if !allowed(header.alg) {
        return Err(JoseError::Algorithm);
    }
    let set: JwkSet = serde_json::from_str(jwks).map_err(|_| JoseError::Key)?;
    let candidates: Vec<&Jwk> = set
        .keys
        .iter()
        .filter(|k| header.kid.is_none() || k.common.key_id == header.kid)
        .collect();
    let mut claims = None;
    for jwk in candidates {
        let Ok(key) = DecodingKey::from_jwk(jwk) else {
            continue;
        };
        if let Ok(data) = decode::<AssertionClaims>(jwt, &key, &signature_only(header.alg)) {
            claims = Some(data.claims);
            break;
        }
    }
    let c = claims.ok_or(JoseError::Signature)?;
    if c.iss != client_id || c.sub != client_id {
        return Err(JoseError::Claims("iss and sub must be the client"));
    }
    let aud_ok = match (&c.aud, audience) {
        (serde_json::Value::String(a), Audience::Issuer(i) | Audience::IssuerOnly(i)) => a == i,
        (serde_json::Value::Array(list), Audience::Issuer(i)) => {
            list.iter().any(|a| a.as_str() == Some(i))
        }
        _ => false,
    };
    if !aud_ok {
        return Err(JoseError::Claims("aud must be the issuer"));
    }
    if c.exp + SKEW_SECS <= now {
        return Err(JoseError::Claims("expired"));
    }
    if c.exp > now + 600 + SKEW_SECS {
        return Err(JoseError::Claims("exp too far in the future"));
    }
    if c.iat.is_some_and(|iat| iat > now + SKEW_SECS) {
        return Err(JoseError::Claims("issued in the future"));
    }
    if c.nbf.is_some_and(|nbf| nbf > now + SKEW_SECS) {
        return Err(JoseError::Claims("not valid yet (nbf)"));
    }
    if c.jti.is_empty() {
        return Err(JoseError::Claims("jti is required"));
    }
    Ok(c)
}

#[derive(Debug, Deserialize)]
pub struct DpopClaims {
    pub htm: String,
    pub htu: String,
    pub iat: i64,
    pub jti: String,
    pub ath: Option<String>,
    /// A server-provided nonce (RFC 9449 §8), when the server asks for one.
    pub nonce: Option<String>,
}

/// A checked DPoP proof: the key's thumbprint and the proof's `jti`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpopProof {
    pub jkt: String,
    pub jti: String,
    pub iat: i64,
    pub nonce: Option<String>,
}

/// Verifies a DPoP proof for `method` `url`: `typ` dpop+jwt, an allowed
/// algorithm, a public `jwk` in the header that verifies the signature,
/// matching `htm`/`htu`, `iat` within the skew, and `ath` when an access
/// token is presented with it.
pub fn verify_dpop(
    proof: &str,
    method: &str,
    url: &str,
    access_token: Option<&str>,
    now: i64,
) -> Result<DpopProof, JoseError> {
    let header = decode_header(proof).map_err(|_| JoseError::Malformed)?;
    if header.typ.as_deref() != Some("dpop+jwt") {
        return Err(JoseError::Claims("typ must be dpop+jwt"));
    }
    if !allowed(header.alg) {
        return Err(JoseError::Algorithm);
    }
    // The header must carry a public key only.
    let raw_header = proof.split('.').next().ok_or(JoseError::Malformed)?;
    let raw: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(raw_header)
            .map_err(|_| JoseError::Malformed)?,
    )
    .map_err(|_| JoseError::Malformed)?;
    if raw["jwk"].get("d").is_some() {
        return Err(JoseError::Key);
    }
    let jwk = header.jwk.ok_or(JoseError::Key)?;
    let key = DecodingKey::from_jwk(&jwk).map_err(|_| JoseError::Key)?;
    let claims = decode::<DpopClaims>(proof, &key, &signature_only(header.alg))
        .map_err(|_| JoseError::Signature)?
        .claims;
    if !claims.htm.eq_ignore_ascii_case(method) {
        return Err(JoseError::Claims("htm"));
    }
    if normalised_htu(&claims.htu).is_none() || normalised_htu(&claims.htu) != normalised_htu(url) {
        return Err(JoseError::Claims("htu"));
    }
    if (claims.iat - now).abs() > SKEW_SECS {
        return Err(JoseError::Claims("iat"));
    }
    if claims.jti.is_empty() || claims.jti.len() > 256 {
        return Err(JoseError::Claims("jti"));
    }
    if let Some(token) = access_token {
        let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
        if claims.ath.as_deref() != Some(ath.as_str()) {
            return Err(JoseError::Claims("ath"));
        }
    }
    Ok(DpopProof {
        jkt: thumbprint(&jwk).ok_or(JoseError::Key)?,
        jti: claims.jti,
        iat: claims.iat,
        nonce: claims.nonce,
    })
}

/// An `htu` as RFC 9449 §4.3 compares it: without query and fragment, after
/// RFC 3986 §6.2.2 syntax-based and §6.2.3 scheme-based normalisation —
/// scheme and host in lower case, the scheme's default port dropped, an
/// empty path as `/`, dot segments removed (all by `url`), and
/// percent-encodings in upper case with unreserved characters decoded.
fn normalised_htu(u: &str) -> Option<String> {
    let url = url::Url::parse(u).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?;
    let port = match url.port() {
        Some(p) => format!(":{p}"),
        None => String::new(),
    };
    Some(format!(
        "{}://{host}{port}{}",
        url.scheme(),
        normalise_percent(url.path())
    ))
}

/// Upper-case hex in percent-encodings, and unreserved characters
/// (RFC 3986 §2.3) decoded.
fn normalise_percent(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            let c = (h * 16 + l) as u8;
            if c.is_ascii_alphanumeric() || b"-._~".contains(&c) {
                out.push(c as char);
            } else {
                out.push_str(&format!("%{c:02X}"));
            }
            i += 3;
        } else {
            out.push(bytes[i] as char);
            i += 1;
        }
    }
    out
}

/// RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key.
pub fn thumbprint(jwk: &Jwk) -> Option<String> {
    let canonical = match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(ec) => {
            let crv = serde_json::to_value(&ec.curve).ok()?;
            format!(
                r#"{{"crv":{},"kty":"EC","x":"{}","y":"{}"}}"#,
                crv, ec.x, ec.y
            )
        }
        AlgorithmParameters::RSA(rsa) => {
            format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, rsa.e, rsa.n)
        }
        AlgorithmParameters::OctetKeyPair(okp) => {
            let crv = serde_json::to_value(&okp.curve).ok()?;
            format!(r#"{{"crv":{},"kty":"OKP","x":"{}"}}"#, crv, okp.x)
        }
        AlgorithmParameters::OctetKey(_) => return None,
    };
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_is_compared_after_normalisation() {
        let ours = normalised_htu("http://localhost/oauth/token");
        assert!(ours.is_some());
        for same in [
            "HTTP://LOCALHOST/oauth/token",
            "http://localhost:80/oauth/token",
            "http://localhost/oauth/token?x=1#f",
            "http://localhost/oauth/./token",
            "http://localhost/%6Fauth/token",
        ] {
            assert_eq!(normalised_htu(same), ours, "{same}");
        }
        for other in [
            "https://localhost/oauth/token",
            "http://localhost:8080/oauth/token",
            "http://localhost/oauth/Token",
            "http://localhost/oauth/token/",
            "http://other/oauth/token",
        ] {
            assert_ne!(normalised_htu(other), ours, "{other}");
        }
        assert_eq!(
            normalised_htu("http://h/a%2fb"),
            normalised_htu("http://h/a%2Fb")
        );
        assert_eq!(normalised_htu("urn:x:y"), None);
        assert_eq!(normalised_htu("not a url"), None);
    }

    #[test]
    fn rfc7638_thumbprint_example() {
        // The RSA key of RFC 7638 section 3.1 and its thumbprint.
        let jwk: Jwk = serde_json::from_value(serde_json::json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        }))
        .unwrap();
        assert_eq!(
            thumbprint(&jwk).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }
}
