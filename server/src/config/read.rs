//! Reading one setting: a value, a number in a range, a yes/no, a count,
//! and the error that names the variable. Every area's settings use these.

#[derive(Debug, thiserror::Error)]
#[error("{var}: {why}")]
pub struct ConfigError {
    pub var: &'static str,
    pub why: String,
}

/// A number in `range` from `var` (or `default` when unset), or an error
/// naming the variable and saying `why`.
pub(super) fn ranged<T: std::str::FromStr + PartialOrd>(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: &str,
    range: std::ops::RangeInclusive<T>,
    why: &str,
) -> Result<T, ConfigError> {
    var_of(get, var, default)
        .parse::<T>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| ConfigError {
            var,
            why: why.to_owned(),
        })
}

/// The value of `var` (or `default` when unset or empty).
pub(super) fn var_of(get: &impl Fn(&str) -> Option<String>, var: &str, default: &str) -> String {
    get(var)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// A yes/no setting: `1`, `true`, `yes` are yes; `0`, `false`, `no` no;
/// unset or empty the default.
pub(super) fn flag(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(var).filter(|v| !v.is_empty()).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes") => Ok(true),
        Some("0" | "false" | "no") => Ok(false),
        Some(_) => Err(ConfigError {
            var,
            why: "1/true/yes or 0/false/no".into(),
        }),
    }
}

/// A count of at least one, or an error naming `var`.
pub(super) fn var_nonzero(
    value: &str,
    var: &'static str,
) -> Result<std::num::NonZeroU32, ConfigError> {
    value.parse().map_err(|_| ConfigError {
        var,
        why: "a count of at least 1".into(),
    })
}
