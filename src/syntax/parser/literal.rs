//! Literal values: integers with `_`, decimals, percents, durations, strings with escapes.
//!
//! The grammar accepts the shape of a literal; these functions compute its value and report what
//! the shape cannot express (an integer that does not fit, an unknown duration unit, a bad escape).

use crate::diag::{quote, Code, Diagnostic};
use crate::source::Span;

pub(super) type Result<T> = std::result::Result<T, Box<Diagnostic>>;

fn error(code: Code, span: Span, message: impl Into<String>) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(code, span, message))
}

/// `1_000` → 1000; too large for 64 bits is an error.
pub(super) fn int(text: &str, span: Span) -> Result<i64> {
    let digits: String = text.chars().filter(|c| *c != '_').collect();
    digits.parse::<i64>().map_err(|_| {
        error(
            Code::SyntaxNumberOverflow,
            span,
            format!("`{text}` is too large for an integer"),
        )
        .label_boxed("does not fit in 64 bits")
        .help_boxed(format!(
            "integers range from {} to {}; write `{text}.0` for an approximate decimal number",
            i64::MIN,
            i64::MAX
        ))
    })
}

/// `2.5` → 2.5 (underscores allowed between digits).
pub(super) fn number(text: &str, span: Span) -> Result<f64> {
    let digits: String = text.chars().filter(|c| *c != '_').collect();
    match digits.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(error(
            Code::SyntaxNumberOverflow,
            span,
            format!("`{text}` is too large for a number"),
        )
        .label_boxed("does not fit in a 64-bit floating point number")),
    }
}

/// `95%` → 0.95; a plain number stays as it is.
pub(super) fn number_or_percent(text: &str, span: Span) -> Result<f64> {
    match text.strip_suffix('%') {
        Some(n) => Ok(number(n, span)? / 100.0),
        None => number(text, span),
    }
}

/// A signed literal amount (`+10`, `- 2.5`, `50%`, `15`).
pub(super) fn amount(text: &str, span: Span) -> Result<f64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let v = number_or_percent(rest.trim_start(), span)?;
    Ok(if negative { -v } else { v })
}

const UNITS: [(&str, i64); 6] = [
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
    ("w", 604_800_000),
];

/// `30m` → 1_800_000 milliseconds.
pub(super) fn duration(text: &str, span: Span) -> Result<i64> {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let help =
        "durations are a whole number followed by a unit: `500ms`, `45s`, `30m`, `1h`, `14d`, `2w`";
    let Some(&(_, factor)) = UNITS.iter().find(|(u, _)| *u == unit) else {
        let meant = match unit {
            "day" | "days" => Some("d"),
            "hr" | "hrs" | "hour" | "hours" => Some("h"),
            "min" | "mins" | "minute" | "minutes" => Some("m"),
            "sec" | "secs" | "second" | "seconds" => Some("s"),
            "wk" | "wks" | "week" | "weeks" => Some("w"),
            _ => None,
        };
        let help = match meant {
            Some(u) => format!("write `{digits}{u}`; {help}"),
            None => help.to_string(),
        };
        return Err(error(
            Code::SyntaxInvalidDuration,
            span,
            format!("unknown duration unit `{unit}` in `{text}`"),
        )
        .label_boxed("not a duration unit")
        .help_boxed(help));
    };
    if digits.contains('.') {
        return Err(error(
            Code::SyntaxInvalidDuration,
            span,
            format!("`{text}` is not a whole number of `{unit}`"),
        )
        .label_boxed("a duration cannot have a fraction")
        .help_boxed("use a smaller unit: `90m` rather than `1.5h`"));
    }
    let n = int(digits, span)?;
    n.checked_mul(factor).ok_or_else(|| {
        error(
            Code::SyntaxNumberOverflow,
            span,
            format!("duration `{text}` is too long"),
        )
        .label_boxed("does not fit in 64 bits of milliseconds")
    })
}

/// Decodes a string literal (quotes included in `raw`). `span` is the literal's span, so an
/// error can point at the bad escape itself.
pub(super) fn string(raw: &str, span: Span) -> Result<String> {
    let body = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        // Byte offset of the backslash in the file.
        let at = span.start as usize + 1 + i;
        let escape_span = |len: usize| Span::new(span.file, at, at + len);
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'u')) => {
                let rest = &body[i + 2..];
                let end = rest.find('}').filter(|_| rest.starts_with('{'));
                let decoded = end.and_then(|end| {
                    let hex = &rest[1..end];
                    let ok =
                        (1..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit());
                    ok.then(|| u32::from_str_radix(hex, 16).ok())
                        .flatten()
                        .and_then(char::from_u32)
                        .map(|c| (c, end))
                });
                match decoded {
                    Some((c, end)) => {
                        out.push(c);
                        // Skip `{hex}`.
                        for _ in 0..=end {
                            chars.next();
                        }
                    }
                    None => {
                        let len = 2 + end.map_or(0, |e| e + 1);
                        let shown = &body[i..i + len];
                        return Err(error(
                            Code::SyntaxInvalidEscape,
                            escape_span(len),
                            format!("invalid unicode escape `{shown}` in `{}`", quote(raw)),
                        )
                        .label_boxed("not a character code")
                        .help_boxed(
                            "write `\\u{` then 1 to 6 hexadecimal digits and `}`, like `\\u{e9}` for `é`",
                        ));
                    }
                }
            }
            other => {
                let shown = other.map_or(String::new(), |(_, c)| c.to_string());
                let len = 1 + other.map_or(0, |(_, c)| c.len_utf8());
                return Err(error(
                    Code::SyntaxInvalidEscape,
                    escape_span(len),
                    format!("unknown escape `\\{shown}` in `{}`", quote(raw)),
                )
                .label_boxed("not an escape")
                .help_boxed(format!(
                    "write `\\\\{shown}` for a backslash followed by `{shown}` (as regular \
                     expressions need); the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{{…}}`"
                )));
            }
        }
    }
    Ok(out)
}

/// Builder methods on boxed diagnostics, so error paths stay one expression.
trait BoxedDiagnostic {
    fn label_boxed(self, text: impl Into<String>) -> Self;
    fn help_boxed(self, text: impl Into<String>) -> Self;
}

impl BoxedDiagnostic for Box<Diagnostic> {
    fn label_boxed(self, text: impl Into<String>) -> Self {
        Box::new((*self).label(text))
    }
    fn help_boxed(self, text: impl Into<String>) -> Self {
        Box::new((*self).with_help(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn sp(len: usize) -> Span {
        Span::new(FileId(0), 0, len)
    }

    #[test]
    fn integers_and_numbers() {
        assert_eq!(int("1_000", sp(5)).ok(), Some(1000));
        assert_eq!(int("9223372036854775807", sp(19)).ok(), Some(i64::MAX));
        let e = int("9223372036854775808", sp(19)).err();
        assert_eq!(e.map(|d| d.code), Some(Code::SyntaxNumberOverflow));
        assert_eq!(number("2.5", sp(3)).ok(), Some(2.5));
        assert_eq!(number_or_percent("95%", sp(3)).ok(), Some(0.95));
        assert_eq!(number_or_percent("12.5%", sp(5)).ok(), Some(0.125));
        assert_eq!(amount("+10", sp(3)).ok(), Some(10.0));
        assert_eq!(amount("- 2.5", sp(5)).ok(), Some(-2.5));
        assert_eq!(amount("50%", sp(3)).ok(), Some(0.5));
    }

    #[test]
    fn durations_in_milliseconds() {
        let d = |t: &str| duration(t, sp(t.len())).ok();
        assert_eq!(d("45s"), Some(45_000));
        assert_eq!(d("30m"), Some(1_800_000));
        assert_eq!(d("1h"), Some(3_600_000));
        assert_eq!(d("14d"), Some(14 * 86_400_000));
        assert_eq!(d("2w"), Some(2 * 604_800_000));
        assert_eq!(d("250ms"), Some(250));
        let code = |t: &str| duration(t, sp(t.len())).err().map(|e| e.code);
        assert_eq!(code("30x"), Some(Code::SyntaxInvalidDuration));
        assert_eq!(code("1.5h"), Some(Code::SyntaxInvalidDuration));
        assert_eq!(code("99999999999999999w"), Some(Code::SyntaxNumberOverflow));
    }

    #[test]
    fn string_escapes() {
        let s = |t: &str| string(t, Span::new(FileId(0), 10, 10 + t.len()));
        assert_eq!(
            s(r#""a\"b\\c\nd\te""#).ok().as_deref(),
            Some("a\"b\\c\nd\te")
        );
        assert_eq!(s(r#""caf\u{e9}!""#).ok().as_deref(), Some("café!"));
        let e = s(r#""ab\qc""#).err();
        assert_eq!(e.as_ref().map(|d| d.code), Some(Code::SyntaxInvalidEscape));
        // The label covers `\q`: file offset 10 + quote + "ab".
        assert_eq!(e.map(|d| d.primary.span.range()), Some(13..15));
        let e = s(r#""\u{zz}""#).err();
        assert_eq!(e.map(|d| d.primary.span.range()), Some(11..17));
        assert!(s(r#""\u{110000}""#).is_err());
    }
}
