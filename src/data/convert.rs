//! The conversions of docs/language.md, "How data is read", from text (a CSV cell, a JSON string, a `given` value) to a typed value.
//!
//! One definition shared by every reader and by `test` givens, so the same text always means the
//! same value.

use crate::ir::Ty;
use crate::value::Value;

/// Parses an `int`: optional sign, ASCII digits, `_` not allowed (data, not source).
pub fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Parses a `number`: an int or a decimal; not `NaN` or infinities (data never holds those).
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let ok = !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && body.as_bytes()[0] != b'e'
        && body.as_bytes()[0] != b'E';
    if !ok {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// `true/false/yes/no/1/0`, any case.
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim();
    for (word, v) in [
        ("true", true),
        ("false", false),
        ("yes", true),
        ("no", false),
        ("1", true),
        ("0", false),
    ] {
        if t.eq_ignore_ascii_case(word) {
            return Some(v);
        }
    }
    None
}

/// Converts text to a scalar of type `ty` (for `T?`, the empty string is missing). Lists and
/// records are not text: callers split CSV list cells on `;` and convert each part.
/// The error is the expected type, for messages ("expected int, found `abc`").
pub fn convert_text(ty: &Ty, s: &str) -> Result<Value, String> {
    let expected = || ty.to_string();
    match ty {
        Ty::Optional(inner) => {
            if s.trim().is_empty() {
                Ok(Value::Missing)
            } else {
                convert_text(inner, s).map_err(|_| expected())
            }
        }
        Ty::Int => parse_int(s).map(Value::Int).ok_or_else(expected),
        Ty::Number => parse_number(s).map(Value::Number).ok_or_else(expected),
        Ty::Bool => parse_bool(s).map(Value::Bool).ok_or_else(expected),
        Ty::String => Ok(Value::str(s)),
        Ty::Timestamp => crate::time::parse_timestamp(s)
            .map(Value::Timestamp)
            .ok_or_else(expected),
        Ty::Duration => parse_duration(s).map(Value::Duration).ok_or_else(expected),
        Ty::Enum(e) => {
            if e.index_of(s).is_some() {
                Ok(Value::str(s))
            } else {
                Err(expected())
            }
        }
        Ty::List(_) | Ty::Records(_) | Ty::Error => Err(expected()),
    }
}

/// A duration in data: integer milliseconds, or a literal such as `45s`, `30m`, `1h`, `14d`, `2w`.
pub fn parse_duration(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Some(ms) = parse_int(t) {
        return Some(ms);
    }
    let split = t.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, unit) = t.split_at(split);
    let n = parse_int(num)?;
    let size = match unit {
        "ms" => 1,
        "s" => crate::time::MS_PER_SEC,
        "m" => crate::time::MS_PER_MIN,
        "h" => crate::time::MS_PER_HOUR,
        "d" => crate::time::MS_PER_DAY,
        "w" => 7 * crate::time::MS_PER_DAY,
        _ => return None,
    };
    n.checked_mul(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_numbers_bools() {
        assert_eq!(parse_int("-12"), Some(-12));
        assert_eq!(parse_int("+7"), Some(7));
        assert_eq!(parse_int("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int("9223372036854775808"), None);
        assert_eq!(parse_int("1.5"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_number("12.5"), Some(12.5));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_bool("YES"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn optional_empty_is_missing_and_errors_name_the_type() {
        let t = Ty::Int.optional();
        assert_eq!(convert_text(&t, ""), Ok(Value::Missing));
        assert_eq!(convert_text(&t, "x"), Err("int?".to_string()));
        assert_eq!(
            convert_text(&Ty::Timestamp, "2026-11-01"),
            Ok(Value::Timestamp(1_793_491_200_000))
        );
        assert_eq!(parse_duration("2w"), Some(14 * crate::time::MS_PER_DAY));
    }
}
