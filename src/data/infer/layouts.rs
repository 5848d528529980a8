//! Timestamps written in the layouts exports use, recognised for `smql init`: which strftime
//! layout (the `timestamps` line of the `input` block) reads a column's values, and whether the
//! day and month could be either way round.

use crate::time;

/// Layouts tried, in order. `%m/%d` and `%d/%m` come in pairs: which one a column uses is
/// decided over all its values (a first part above 12 is a day).
const LAYOUTS: &[&str] = &[
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%y",
    "%d/%m/%Y %I:%M %p",
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d/%m/%y %I:%M %p",
    "%d/%m/%y %I:%M:%S %p",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
];

/// How a column's timestamps are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Written {
    /// Readings smql knows without an `input` line (RFC 3339, `YYYY-MM-DD[ HH:MM[:SS]]`,
    /// `+HHMM` offsets, `YYYYMMDD`); `local`: some have no offset.
    Standard { local: bool },
    /// These layouts, in the order of [`LAYOUTS`]; `ambiguous`: a value whose day and month
    /// could be either way round (the month-first reading was chosen).
    Layouts {
        layouts: Vec<&'static str>,
        ambiguous: Option<String>,
    },
}

/// How `values` (trimmed, none empty) are written, if they are all timestamps one way.
pub(crate) fn recognise(values: &[&str]) -> Option<Written> {
    if values.is_empty() {
        return None;
    }
    if values.iter().all(|v| standard(v).is_some()) {
        let local = values.iter().any(|v| standard(v) == Some(true));
        return Some(Written::Standard { local });
    }
    let fits = |family: Option<bool>| -> Option<Vec<&'static str>> {
        let mut used: Vec<&'static str> = Vec::new();
        for v in values {
            if standard(v).is_some() {
                continue;
            }
            let layout = LAYOUTS
                .iter()
                .copied()
                .filter(|l| family.is_none_or(|month_first| allowed(l, month_first)))
                .find(|l| parse(l, v).is_some())?;
            if !used.contains(&layout) {
                used.push(layout);
            }
        }
        used.sort_by_key(|l| LAYOUTS.iter().position(|x| x == l));
        Some(used)
    };
    let month_first = fits(Some(true));
    let day_first = fits(Some(false));
    let (layouts, ambiguous) = match (month_first, day_first) {
        (Some(m), Some(d)) if m != d => {
            let example = values
                .iter()
                .find(|v| {
                    LAYOUTS
                        .iter()
                        .any(|l| l.starts_with("%m/%d") && parse(l, v).is_some())
                })
                .map(|v| v.to_string());
            (m, example)
        }
        (Some(m), _) => (m, None),
        (None, Some(d)) => (d, None),
        (None, None) => return None,
    };
    Some(Written::Layouts { layouts, ambiguous })
}

/// Whether layout `l` belongs to the month-first (`true`) or day-first family; layouts of
/// neither family are in both.
fn allowed(l: &str, month_first: bool) -> bool {
    if l.starts_with("%m/%d") {
        month_first
    } else if l.starts_with("%d/%m") {
        !month_first
    } else {
        true
    }
}

/// `Some(local)` if smql reads `v` without a layout: RFC 3339 (an offset: not local), the
/// `YYYY-MM-DD` forms (local), `+HHMM`/`+HH` offsets, 8-digit `YYYYMMDD` (local).
pub(crate) fn standard(v: &str) -> Option<bool> {
    let b = v.as_bytes();
    if b.iter().all(u8::is_ascii_digit) {
        return (b.len() == 8 && compact_date(v)).then_some(true);
    }
    if time::parse_timestamp(v).is_some() {
        let offset = b.len() > 10 && (b[10] == b'T' || b[10] == b't');
        return Some(!offset);
    }
    // `…T20:36:47.000+0000` or `…+00`: an offset without a colon.
    let cut = v.rfind(['+', '-']).filter(|&i| i > 10)?;
    let (head, offset) = v.split_at(cut);
    let digits = &offset[1..];
    let with_colon = match digits.len() {
        4 if digits.bytes().all(|c| c.is_ascii_digit()) => {
            format!("{head}{}{}:{}", &offset[..1], &digits[..2], &digits[2..])
        }
        2 if digits.bytes().all(|c| c.is_ascii_digit()) => format!("{head}{offset}:00"),
        _ => return None,
    };
    time::parse_timestamp(&with_colon).map(|_| false)
}

/// `YYYYMMDD` with a real month and day, between the years 1900 and 2199.
fn compact_date(v: &str) -> bool {
    let n = |r: std::ops::Range<usize>| v.get(r).and_then(|t| t.parse::<u32>().ok());
    match (n(0..4), n(4..6), n(6..8)) {
        (Some(y), Some(m), Some(d)) => {
            (1900..2200).contains(&y)
                && (1..=12).contains(&m)
                && d >= 1
                && d <= time::days_in_month(i64::from(y), m)
        }
        _ => false,
    }
}

/// Reads `text` by `layout` (the specifiers of [`LAYOUTS`] only): epoch milliseconds, as UTC.
pub(crate) fn parse(layout: &str, text: &str) -> Option<i64> {
    let (mut y, mut mo, mut d, mut h, mut mi, mut s) = (None, None, None, 0i64, 0i64, 0i64);
    let mut pm: Option<bool> = None;
    let mut twelve = false;
    let t = text.as_bytes();
    let mut at = 0;
    let mut spec = layout.bytes();
    // Digits at `at`: at least `min`, at most `max`.
    let number = |at: &mut usize, min: usize, max: usize| -> Option<i64> {
        let start = *at;
        while *at < t.len() && *at - start < max && t[*at].is_ascii_digit() {
            *at += 1;
        }
        if *at - start < min {
            return None;
        }
        std::str::from_utf8(&t[start..*at]).ok()?.parse().ok()
    };
    while let Some(c) = spec.next() {
        if c != b'%' {
            if t.get(at) != Some(&c) {
                return None;
            }
            at += 1;
            continue;
        }
        match spec.next()? {
            b'Y' => y = Some(number(&mut at, 4, 4)?),
            b'y' => {
                let yy = number(&mut at, 2, 2)?;
                y = Some(if yy < 69 { 2000 + yy } else { 1900 + yy });
            }
            b'm' => mo = Some(number(&mut at, 1, 2)?),
            b'd' => d = Some(number(&mut at, 1, 2)?),
            b'H' => h = number(&mut at, 1, 2)?,
            b'I' => {
                h = number(&mut at, 1, 2)?;
                twelve = true;
            }
            b'M' => mi = number(&mut at, 2, 2)?,
            b'S' => s = number(&mut at, 2, 2)?,
            b'p' => {
                let word = t.get(at..at + 2)?;
                pm = Some(match word.to_ascii_uppercase().as_slice() {
                    b"AM" => false,
                    b"PM" => true,
                    _ => return None,
                });
                at += 2;
            }
            _ => return None,
        }
    }
    if at != t.len() {
        return None;
    }
    if twelve {
        if !(1..=12).contains(&h) {
            return None;
        }
        h = h % 12 + if pm? { 12 } else { 0 };
    }
    let (y, mo, d) = (y?, u32::try_from(mo?).ok()?, u32::try_from(d?).ok()?);
    if !(1..=12).contains(&mo)
        || d < 1
        || d > time::days_in_month(y, mo)
        || h > 23
        || mi > 59
        || s > 59
    {
        return None;
    }
    let day = time::days_from_civil(y, mo, d);
    Some(day * time::MS_PER_DAY + h * time::MS_PER_HOUR + mi * time::MS_PER_MIN + s * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_read_what_exports_write() {
        let at = |s: &str| time::parse_timestamp(s).unwrap();
        assert_eq!(
            parse("%m/%d/%Y %I:%M %p", "1/23/2023 12:00 AM"),
            Some(at("2023-01-23"))
        );
        assert_eq!(
            parse("%m/%d/%Y %I:%M %p", "11/23/2022 10:11 PM"),
            Some(at("2022-11-23 22:11"))
        );
        assert_eq!(
            parse("%m/%d/%y %H:%M", "2/5/24 1:51"),
            Some(at("2024-02-05 01:51"))
        );
        assert_eq!(parse("%d.%m.%Y", "31.12.2024"), Some(at("2024-12-31")));
        assert_eq!(parse("%m/%d/%Y", "2/30/2024"), None);
        assert_eq!(parse("%m/%d/%Y", "2/3/2024x"), None);
    }

    #[test]
    fn families_and_ambiguity() {
        let r = recognise(&["1/23/2023 12:00 AM", "02/24/26 02:18 AM"]);
        assert_eq!(
            r,
            Some(Written::Layouts {
                layouts: vec!["%m/%d/%Y %I:%M %p", "%m/%d/%y %I:%M %p"],
                ambiguous: None
            })
        );
        let r = recognise(&["23/01/2023", "05/02/2023"]);
        assert_eq!(
            r,
            Some(Written::Layouts {
                layouts: vec!["%d/%m/%Y"],
                ambiguous: None
            })
        );
        let r = recognise(&["01/02/2024", "03/04/2024"]);
        assert_eq!(
            r,
            Some(Written::Layouts {
                layouts: vec!["%m/%d/%Y"],
                ambiguous: Some("01/02/2024".into())
            })
        );
        assert_eq!(recognise(&["13/13/2024"]), None);
        assert_eq!(
            recognise(&["2024-01-22T20:36:47.000+0000", "2022-02-13T14:06:20Z"]),
            Some(Written::Standard { local: false })
        );
        assert_eq!(
            recognise(&["2024-01-22 20:36", "20210105"]),
            Some(Written::Standard { local: true })
        );
        assert_eq!(recognise(&["12345678"]), None);
    }
}
