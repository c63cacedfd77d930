//! The credit union's profile (`RENKEI_INSTITUTION_FILE`, TOML): its name,
//! 金融機関コード, お問い合わせ先, terms and FAQ, mail sender and brand
//! colour. The screens read it from `GET /api/institution`, the mails and
//! the consent row from here, so changing the file and restarting the
//! server changes what customers see without rebuilding the SPA. Without a
//! file: the demo institution. A bad file stops the server at start with
//! the key it is about.

use renkei_shared::api::Institution;
use serde::Deserialize;

/// The profile as the server uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// What the screens show.
    pub public: Institution,
    /// API利用規定's version, recorded on each consent.
    pub terms_version: String,
    /// The mails' From (`Name <addr>`).
    pub mail_from: String,
    /// The toll-free numbers SOA209 shows this union's customers (its own
    /// pool on the platform); `None`: the deployment's
    /// (`RENKEI_CALLBACK_NUMBERS`).
    pub callback_numbers: Option<Vec<String>>,
    /// Failed identity/PIN attempts a day before B84; `None`: the
    /// deployment's (`RENKEI_LOCKOUT_THRESHOLD`).
    pub lockout_threshold: Option<i64>,
}

/// The file's keys, all optional: a missing key keeps the demo's value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<String>,
    code: Option<String>,
    contact_phone: Option<String>,
    contact_hours: Option<String>,
    terms_url: Option<String>,
    terms_version: Option<String>,
    faq_url: Option<String>,
    mail_from: Option<String>,
    brand_color: Option<String>,
    callback_numbers: Option<Vec<String>>,
    lockout_threshold: Option<i64>,
}

/// Why a profile file was refused: the key and the reason.
#[derive(Debug, thiserror::Error)]
#[error("{key}: {why}")]
pub struct ProfileError {
    pub key: String,
    pub why: String,
}

fn bad(key: &str, why: impl Into<String>) -> ProfileError {
    ProfileError {
        key: key.to_owned(),
        why: why.into(),
    }
}

impl Profile {
    /// The demo institution (README).
    pub fn demo() -> Profile {
        Profile {
            public: Institution {
                name: "しんくみ信用組合".into(),
                code: "2999".into(),
                contact_phone: "0120-000-000".into(),
                contact_hours: "月曜日～金曜日 午前9時～午後5時".into(),
                terms_url: "/public/terms.html".into(),
                faq_url: "/public/faq.html".into(),
                brand_color: "#0b4f8a".into(),
            },
            terms_version: "2026-04".into(),
            mail_from: "しんくみ信用組合 <noreply@shinkumi.example>".into(),
            callback_numbers: None,
            lockout_threshold: None,
        }
    }

    /// Reads a profile file's text: each key it has replaces the demo's.
    pub fn parse(text: &str) -> Result<Profile, ProfileError> {
        let file: File = toml::from_str(text).map_err(|e| {
            let msg = e.message().to_owned();
            // An unknown key is named in the message; a bad value by the
            // line its span starts on (`key = value`).
            let named = msg
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next());
            let on_line = e.span().and_then(|span| {
                let line = text.get(..span.start)?.rsplit('\n').next()?;
                let key = line.split_once('=')?.0.trim();
                (!key.is_empty()).then_some(key)
            });
            bad(named.or(on_line).unwrap_or("file"), msg.clone())
        })?;
        let mut p = Profile::demo();
        let text_of =
            |key: &str, v: Option<String>, max: usize| -> Result<Option<String>, ProfileError> {
                match v {
                    None => Ok(None),
                    Some(v) if v.trim().is_empty() => Err(bad(key, "empty")),
                    Some(v) if v.chars().count() > max || v.chars().any(char::is_control) => {
                        Err(bad(key, format!("at most {max} printable characters")))
                    }
                    Some(v) => Ok(Some(v.trim().to_owned())),
                }
            };
        if let Some(v) = text_of("name", file.name, 40)? {
            p.public.name = v;
        }
        if let Some(v) = text_of("code", file.code, 10)? {
            if v.len() != 4 || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("code", "4 digits (金融機関コード)"));
            }
            p.public.code = v;
        }
        if let Some(v) = text_of("contact_phone", file.contact_phone, 20)? {
            let digits = v.chars().filter(char::is_ascii_digit).count();
            if !(10..=11).contains(&digits) || !v.chars().all(|c| c.is_ascii_digit() || c == '-') {
                return Err(bad(
                    "contact_phone",
                    "10 or 11 digits with hyphens, e.g. 0120-219-190",
                ));
            }
            p.public.contact_phone = v;
        }
        if let Some(v) = text_of("contact_hours", file.contact_hours, 80)? {
            p.public.contact_hours = v;
        }
        for (key, value, slot) in [
            ("terms_url", file.terms_url, &mut p.public.terms_url),
            ("faq_url", file.faq_url, &mut p.public.faq_url),
        ] {
            if let Some(v) = text_of(key, value, 300)? {
                let ok = v.starts_with('/') && !v.starts_with("//")
                    || url::Url::parse(&v).is_ok_and(|u| u.scheme() == "https");
                if !ok {
                    return Err(bad(key, "a path on this server (/…) or an https URL"));
                }
                *slot = v;
            }
        }
        if let Some(v) = text_of("terms_version", file.terms_version, 40)? {
            p.terms_version = v;
        }
        if let Some(v) = text_of("mail_from", file.mail_from, 200)? {
            if v.parse::<lettre::message::Mailbox>().is_err() {
                return Err(bad("mail_from", "a mailbox, e.g. Name <addr@example.jp>"));
            }
            p.mail_from = v;
        }
        if let Some(v) = text_of("brand_color", file.brand_color, 7)? {
            let ok =
                v.len() == 7 && v.starts_with('#') && v[1..].bytes().all(|b| b.is_ascii_hexdigit());
            if !ok {
                return Err(bad("brand_color", "#rrggbb"));
            }
            // The bar's text is white: keep it readable (WCAG AA, 4.5:1).
            if contrast_with_white(&v) < 4.5 {
                return Err(bad(
                    "brand_color",
                    "too light for white text (contrast below 4.5:1)",
                ));
            }
            p.public.brand_color = v.to_ascii_lowercase();
        }
        if let Some(numbers) = file.callback_numbers {
            let toll_free =
                |n: &String| (10..=11).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit());
            if numbers.is_empty() || numbers.len() > 100 || !numbers.iter().all(toll_free) {
                return Err(bad(
                    "callback_numbers",
                    "1 to 100 numbers of 10 or 11 digits, no hyphens",
                ));
            }
            let mut seen = std::collections::HashSet::new();
            p.callback_numbers = Some(
                numbers
                    .into_iter()
                    .filter(|n| seen.insert(n.clone()))
                    .collect(),
            );
        }
        if let Some(n) = file.lockout_threshold {
            if !(1..=20).contains(&n) {
                return Err(bad("lockout_threshold", "1 to 20"));
            }
            p.lockout_threshold = Some(n);
        }
        Ok(p)
    }
}

/// WCAG's contrast ratio of white text on `#rrggbb`.
fn contrast_with_white(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    1.05 / (l + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_replaces_what_it_names_and_keeps_the_rest() {
        let p = Profile::parse(
            "name = \"ぐんまみらい信用組合\"\ncode = \"2011\"\ncontact_phone = \"0120-219-190\"\n\
             contact_hours = \"月曜日～金曜日（当組合休業日は除く）午前9時～午後5時\"\n\
             terms_version = \"2026-10\"\nbrand_color = \"#00693E\"\n",
        )
        .unwrap();
        assert_eq!(p.public.name, "ぐんまみらい信用組合");
        assert_eq!(p.public.tel_href(), "tel:0120219190");
        assert_eq!(p.public.brand_color, "#00693e");
        assert_eq!(p.terms_version, "2026-10");
        assert_eq!(p.public.faq_url, Profile::demo().public.faq_url);
    }

    #[test]
    fn a_bad_file_names_the_key() {
        for (text, key) in [
            ("code = \"12\"", "code"),
            ("contact_phone = \"call us\"", "contact_phone"),
            ("brand_color = \"blue\"", "brand_color"),
            ("callback_numbers = [\"0120-555-001\"]", "callback_numbers"),
            ("callback_numbers = []", "callback_numbers"),
            ("lockout_threshold = 0", "lockout_threshold"),
            ("lockout_threshold = 21", "lockout_threshold"),
            ("brand_color = \"#ffe600\"", "brand_color"),
            ("terms_url = \"javascript:alert(1)\"", "terms_url"),
            ("mail_from = \"nobody\"", "mail_from"),
            ("name = \"\"", "name"),
            ("nmae = \"typo\"", "nmae"),
            ("name = 3", "name"),
            ("name = ", "name"),
            ("[broken", "file"),
        ] {
            let e = Profile::parse(text).unwrap_err();
            assert_eq!(e.key, key, "{text}: {e}");
        }
    }
}
