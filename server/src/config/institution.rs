//! A credit union's profile (TOML: `institution add --profile`, or
//! `RENKEI_INSTITUTION_FILE` for the root alias's union): its name,
//! 金融機関コード, お問い合わせ先, terms and FAQ, mail sender, brand colour,
//! callback pool, lockout threshold, calendar and host gateway. The screens
//! read it from `GET /api/institution`, the mails and the consent row from
//! here. Parsed into these types once per stored text (`state::Profiles`);
//! the union's identity (name, contact, terms, sender) is required, never
//! filled from another union's or the demo's: a stored profile that does
//! not parse makes that union unavailable, and a bad file stops the start
//! with the key it is about.

use super::records::{self, GatewaySettings};
use jiff::civil::{Date, Time, Weekday};
use renkei_shared::api::Institution;
use renkei_shared::domain::InstitutionCode;
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
    /// The union's own closures, besides the platform's fixed calendar.
    pub calendar: Calendar,
    /// Its core system's host gateway (`records_url` and the keys beside
    /// it); `None`: the embedded tables `records import` loads (for the
    /// deployment's first union, RENKEI_RECORDS_URL's gateway if set).
    pub records: Option<GatewaySettings>,
}

/// A union's own service calendar (JST), on top of the platform's fixed
/// windows and its staff's maintenance windows: the days its core system
/// is down, the hours it closes every week.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Whole days closed (`closed_dates = ["2027-01-04"]`).
    pub closed_dates: Vec<Date>,
    /// Weekly windows, each within one day.
    pub weekly: Vec<WeeklyClosure>,
}

/// `[[weekly_closures]] weekday = "sunday", from = "21:00", to = "24:00"`:
/// closed from `from` (inclusive) to `to` (exclusive) every such day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyClosure {
    pub weekday: Weekday,
    pub from: Time,
    /// `None`: until midnight (`"24:00"`).
    pub to: Option<Time>,
}

/// One `[[weekly_closures]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeeklyFile {
    weekday: String,
    from: String,
    to: String,
}

/// The file's keys. `name`, `contact_phone`, `contact_hours`,
/// `terms_version` and `mail_from` are required; the rest are
/// optional, with the platform's own defaults (never a union's).
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
    closed_dates: Option<Vec<String>>,
    weekly_closures: Option<Vec<WeeklyFile>>,
    records_url: Option<String>,
    records_timeout_ms: Option<u64>,
    records_ca_file: Option<String>,
    records_client_cert_file: Option<String>,
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

/// The platform's pages and colour where a profile names none.
const DEFAULT_TERMS_URL: &str = "/public/terms.html";
const DEFAULT_FAQ_URL: &str = "/public/faq.html";
const DEFAULT_BRAND_COLOR: &str = "#0b4f8a";

impl Profile {
    /// The demo institution (README), as `renkei_fixture::FIRST_PROFILE`
    /// writes it.
    #[cfg(any(test, feature = "fixture"))]
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
            calendar: Calendar::default(),
            records: None,
        }
    }

    /// The profile of the union with 金融機関コード `code`, from its stored
    /// text: a `code` in the text must be the union's.
    pub fn for_union(text: &str, code: &str) -> Result<Profile, ProfileError> {
        let mut p = Profile::parse(text)?;
        if !p.public.code.is_empty() && p.public.code != code {
            return Err(bad(
                "code",
                format!("{} is not the union's code {code}", p.public.code),
            ));
        }
        p.public.code = code.to_owned();
        Ok(p)
    }

    /// Reads a profile's text (`parse`) and checks what only the
    /// deployment can judge: outside demo mode (`demo` false) a union's
    /// gateway is reached over TLS only, as RENKEI_RECORDS_URL is.
    pub fn parse_for(text: &str, demo: bool) -> Result<Profile, ProfileError> {
        let p = Profile::parse(text)?;
        match &p.records {
            Some(g) if !records::tls_allowed(&g.url, demo) => {
                Err(bad("records_url", records::TLS_WHY))
            }
            _ => Ok(p),
        }
    }

    /// Reads a profile's text into its types: the required keys, each
    /// checked, the optional ones or the platform's defaults. The code is
    /// the text's (empty if it names none; `for_union` sets the union's).
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
        let required = [
            ("name", file.name.is_some()),
            ("contact_phone", file.contact_phone.is_some()),
            ("contact_hours", file.contact_hours.is_some()),
            ("terms_version", file.terms_version.is_some()),
            ("mail_from", file.mail_from.is_some()),
        ];
        if let Some((key, _)) = required.iter().find(|(_, given)| !given) {
            return Err(bad(key, "required"));
        }
        let mut p = Profile {
            public: Institution {
                name: String::new(),
                code: String::new(),
                contact_phone: String::new(),
                contact_hours: String::new(),
                terms_url: DEFAULT_TERMS_URL.into(),
                faq_url: DEFAULT_FAQ_URL.into(),
                brand_color: DEFAULT_BRAND_COLOR.into(),
            },
            terms_version: String::new(),
            mail_from: String::new(),
            callback_numbers: None,
            lockout_threshold: None,
            calendar: Calendar::default(),
            records: None,
        };
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
            let code =
                InstitutionCode::parse(&v).map_err(|_| bad("code", InstitutionCode::RULE))?;
            p.public.code = code.as_str().to_owned();
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
        p.calendar = calendar(file.closed_dates, file.weekly_closures)?;
        p.records = gateway(
            file.records_url,
            file.records_timeout_ms,
            file.records_ca_file,
            file.records_client_cert_file,
        )?;
        Ok(p)
    }
}

fn calendar(
    dates: Option<Vec<String>>,
    weekly: Option<Vec<WeeklyFile>>,
) -> Result<Calendar, ProfileError> {
    let dates = dates.unwrap_or_default();
    if dates.len() > 366 {
        return Err(bad("closed_dates", "at most 366 dates"));
    }
    let closed_dates = dates
        .iter()
        .map(|d| {
            (d.len() == 10)
                .then(|| d.parse::<Date>().ok())
                .flatten()
                .ok_or_else(|| bad("closed_dates", format!("{d}: a date, YYYY-MM-DD")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let weekly = weekly.unwrap_or_default();
    if weekly.len() > 50 {
        return Err(bad("weekly_closures", "at most 50 windows"));
    }
    let hhmm = |v: &str| -> Option<Option<Time>> {
        if v == "24:00" {
            return Some(None);
        }
        let (h, m) = v.split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0)
            .ok()
            .map(Some)
    };
    let weekly = weekly
        .iter()
        .map(|w| {
            let weekday = weekday(&w.weekday)
                .ok_or_else(|| bad("weekly_closures", format!("{}: monday … sunday", w.weekday)))?;
            let window = || {
                bad(
                    "weekly_closures",
                    "from and to as HH:MM, from before to (to may be 24:00)",
                )
            };
            let from = hhmm(&w.from).flatten().ok_or_else(window)?;
            let to = hhmm(&w.to).ok_or_else(window)?;
            if to.is_some_and(|to| to <= from) {
                return Err(window());
            }
            Ok(WeeklyClosure { weekday, from, to })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Calendar {
        closed_dates,
        weekly,
    })
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

/// The union's host gateway, by the rules RENKEI_RECORDS_* are read by.
fn gateway(
    url: Option<String>,
    timeout_ms: Option<u64>,
    ca_file: Option<String>,
    client_cert_file: Option<String>,
) -> Result<Option<GatewaySettings>, ProfileError> {
    let Some(url) = url else {
        if timeout_ms.is_some() || ca_file.is_some() || client_cert_file.is_some() {
            return Err(bad("records_url", "required by the other records_ keys"));
        }
        return Ok(None);
    };
    let url = records::gateway_url(&url).ok_or_else(|| bad("records_url", records::URL_WHY))?;
    let timeout_ms = timeout_ms.unwrap_or(records::DEFAULT_TIMEOUT_MS);
    if !records::TIMEOUT_MS.contains(&timeout_ms) {
        return Err(bad("records_timeout_ms", records::TIMEOUT_WHY));
    }
    Ok(Some(records::settings(
        url,
        timeout_ms,
        ca_file,
        client_cert_file,
    )))
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

    const GUNMA: &str = "name = \"ぐんまみらい信用組合\"\ncode = \"2011\"\ncontact_phone = \"0120-219-190\"\n\
             contact_hours = \"月曜日～金曜日（当組合休業日は除く）午前9時～午後5時\"\n\
             terms_version = \"2026-10\"\nmail_from = \"ぐんまみらい信用組合 <noreply@gunmamirai.example>\"\n";

    #[test]
    fn a_profile_is_the_union_it_names_never_the_demo() {
        let p = Profile::parse(&format!("{GUNMA}brand_color = \"#00693E\"\n")).unwrap();
        assert_eq!(p.public.name, "ぐんまみらい信用組合");
        assert_eq!(p.public.tel_href(), "tel:0120219190");
        assert_eq!(p.public.brand_color, "#00693e");
        assert_eq!(p.terms_version, "2026-10");
        assert_eq!(
            p.mail_from,
            "ぐんまみらい信用組合 <noreply@gunmamirai.example>"
        );
        // What it leaves out is the platform's, not another union's.
        assert_eq!(p.public.faq_url, "/public/faq.html");
        // Each key of the union's identity is required.
        for key in [
            "name",
            "contact_phone",
            "contact_hours",
            "terms_version",
            "mail_from",
        ] {
            let without: String = GUNMA
                .lines()
                .filter(|l| !l.starts_with(&format!("{key} =")))
                .map(|l| format!("{l}\n"))
                .collect();
            let e = Profile::parse(&without).unwrap_err();
            assert_eq!((e.key.as_str(), e.why.as_str()), (key, "required"));
        }
        // The stored code must be the union's row's.
        assert_eq!(
            Profile::for_union(GUNMA, "2011").unwrap().public.code,
            "2011"
        );
        assert_eq!(Profile::for_union(GUNMA, "2998").unwrap_err().key, "code");
        let no_code = GUNMA.replace("code = \"2011\"\n", "");
        assert_eq!(
            Profile::for_union(&no_code, "2998").unwrap().public.code,
            "2998"
        );
    }

    #[test]
    fn a_union_has_its_own_calendar_and_gateway() {
        let text = &format!(
            "{GUNMA}closed_dates = [\"2027-01-04\"]\nrecords_url = \"http://gw.example/v1\"\n\
             [[weekly_closures]]\nweekday = \"sunday\"\nfrom = \"21:00\"\nto = \"24:00\"\n"
        );
        let p = Profile::parse(text).unwrap();
        assert_eq!(p.calendar.closed_dates, [jiff::civil::date(2027, 1, 4)]);
        assert_eq!(
            p.calendar.weekly,
            [WeeklyClosure {
                weekday: Weekday::Sunday,
                from: Time::constant(21, 0, 0, 0),
                to: None,
            }]
        );
        let gw = p.records.as_ref().unwrap();
        assert_eq!(gw.url.as_str(), "http://gw.example/v1");
        assert_eq!(gw.timeout, std::time::Duration::from_secs(3));
        assert!(Profile::parse_for(text, true).is_ok());
        assert_eq!(
            Profile::parse_for(text, false).unwrap_err().key,
            "records_url"
        );
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
            ("closed_dates = [\"2027-1-4\"]", "closed_dates"),
            (
                "[[weekly_closures]]\nweekday = \"sunday\"\nfrom = \"22:00\"\nto = \"21:00\"",
                "weekly_closures",
            ),
            (
                "[[weekly_closures]]\nweekday = \"sun\"\nfrom = \"21:00\"\nto = \"22:00\"",
                "weekly_closures",
            ),
            ("records_url = \"ftp://gw\"", "records_url"),
            ("records_timeout_ms = 5000", "records_url"),
            (
                "records_url = \"https://gw\"\nrecords_timeout_ms = 10",
                "records_timeout_ms",
            ),
        ] {
            // A whole profile but for the key under test.
            let rest: String = GUNMA
                .lines()
                .filter(|l| {
                    let k = l.split(" =").next().unwrap_or("");
                    !text
                        .lines()
                        .any(|t| t.starts_with(&format!("{k} =")) || t == format!("{k} ="))
                })
                .map(|l| format!("{l}\n"))
                .collect();
            let e = Profile::parse(&format!("{rest}{text}")).unwrap_err();
            assert_eq!(e.key, key, "{text}: {e}");
        }
    }
}
