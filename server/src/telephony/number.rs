//! Phone numbers as carriers send them.

/// A caller number as domestic digits (`09011113333`), accepting E.164
/// (`+819011113333`) and spaces or hyphens. `None` means 非通知 or anything
/// that is not a Japanese number we could match: it never verifies.
pub fn caller_digits(from: &str) -> Option<String> {
    let cleaned: String = from
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let domestic = match cleaned.strip_prefix("+81") {
        Some(rest) => format!("0{}", rest.trim_start_matches('0')),
        None => cleaned,
    };
    let ok = (domestic.len() == 10 || domestic.len() == 11)
        && domestic.starts_with('0')
        && domestic.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(domestic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_in_both_forms_and_withheld_markers() {
        assert_eq!(caller_digits("09011113333").as_deref(), Some("09011113333"));
        assert_eq!(
            caller_digits("+819011113333").as_deref(),
            Some("09011113333")
        );
        assert_eq!(
            caller_digits("+81 90-1111-3333").as_deref(),
            Some("09011113333")
        );
        assert_eq!(caller_digits("+81272345678").as_deref(), Some("0272345678"));
        for withheld in [
            "",
            "anonymous",
            "Anonymous",
            "unknown",
            "private",
            "restricted",
            "+266696687",
            "186",
            "+15005550006",
        ] {
            assert_eq!(caller_digits(withheld), None, "{withheld:?}");
        }
    }
}
