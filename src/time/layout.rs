//! Timestamp layouts in strftime notation (`%m/%d/%Y %I:%M %p`), for the `input` block's
//! `timestamps` line and a field's `format`: checked once when the rules are checked (an error
//! points at the bad specifier), then compiled into a list of steps that reads text without
//! allocating, on the readers' hot path.
//!
//! The specifiers and their meaning are jiff's (`jiff::fmt::strtime`), so a timestamp that jiff
//! writes with a layout reads back with it: numbers take as many digits as they may (`%m` one or
//! two), except `%Y`, which is four digits (so `2/24/26` is not read as the year 26), names of months and weekdays are English and read without regard to
//! case, whitespace in the layout matches any run of whitespace (or none), and `%y` is 1969–2068.
//! Flags and widths (`%-d`, `%_m`, `%02H`) are accepted and mean nothing when reading.

use super::{days_from_civil, days_in_month, MS_PER_HOUR, MS_PER_MIN, MS_PER_SEC};

/// A layout that reads text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    text: String,
    steps: Vec<Step>,
    /// Whether every step reads digits, with no text between them (`%Y%m%d`, `%s`): such a
    /// layout can read a string of digits, which the standard readings would otherwise take.
    digits_only: bool,
}

/// Why a layout is not one: the byte range of the culprit in the layout, and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub help: String,
}

/// What a layout read: an instant (the text had an offset, or was `%s`), or a civil time that
/// a time zone (or UTC) turns into one. Both in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Instant(i64),
    Local(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// A byte that must be there.
    Byte(u8),
    /// Any run of whitespace, or none.
    Space,
    Year4,
    Year2,
    Month,
    MonthName,
    Day,
    /// `%H`, `%k`.
    Hour24,
    /// `%I`, `%l`.
    Hour12,
    Minute,
    Second,
    /// `%f`: digits of a fraction of a second.
    Fraction,
    /// `%.f`: an optional `.` and digits.
    DotFraction,
    AmPm,
    WeekdayName,
    /// `%z` and its `:` forms: `Z`, `+HH`, `+HHMM`, `+HH:MM` (seconds allowed).
    Offset,
    /// `%s`: seconds since the epoch, optionally signed.
    Epoch,
}

impl Step {
    /// The letter used in messages about a specifier appearing twice.
    fn group(self) -> Option<&'static str> {
        Some(match self {
            Step::Year4 | Step::Year2 => "year",
            Step::Month | Step::MonthName => "month",
            Step::Day => "day",
            Step::Hour24 | Step::Hour12 => "hour",
            Step::Minute => "minute",
            Step::Second => "second",
            Step::Fraction | Step::DotFraction => "fraction of a second",
            Step::AmPm => "AM/PM",
            Step::WeekdayName => "weekday",
            Step::Offset => "offset",
            Step::Epoch => "epoch",
            Step::Byte(_) | Step::Space => return None,
        })
    }

    fn is_digits(self) -> bool {
        matches!(
            self,
            Step::Year4
                | Step::Year2
                | Step::Month
                | Step::Day
                | Step::Hour24
                | Step::Hour12
                | Step::Minute
                | Step::Second
                | Step::Fraction
                | Step::Epoch
        )
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl Layout {
    /// Checks and compiles `text`.
    pub fn new(text: &str) -> Result<Layout, LayoutError> {
        let bytes = text.as_bytes();
        let mut steps: Vec<(Step, usize, usize)> = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b != b'%' {
                if b.is_ascii_whitespace() {
                    if !matches!(steps.last(), Some((Step::Space, _, _))) {
                        steps.push((Step::Space, i, i + 1));
                    }
                } else {
                    steps.push((Step::Byte(b), i, i + 1));
                }
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            // Flags and a width: meaningful when writing, not when reading.
            while i < bytes.len() && matches!(bytes[i], b'_' | b'-' | b'0' | b'^' | b'#') {
                i += 1;
            }
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let colons = bytes[i..].iter().take_while(|&&c| c == b':').count();
            i += colons;
            let dot = bytes.get(i) == Some(&b'.');
            if dot {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let Some(&c) = bytes.get(i) else {
                return Err(LayoutError {
                    start,
                    end: bytes.len(),
                    message: "the layout ends with a `%` that starts no specifier".into(),
                    help: "write `%%` for a literal `%`".into(),
                });
            };
            // A specifier letter may be a multi-byte character: take it whole.
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            i += len;
            let end = i;
            let bad = |message: String, help: &str| LayoutError {
                start,
                end,
                message,
                help: help.to_string(),
            };
            let spec = &text[start..end];
            if (colons > 0 && c != b'z') || (dot && c != b'f') {
                return Err(bad(
                    format!("`{spec}` is not a specifier"),
                    "`:` goes with `%z` (`%:z`), `.` with `%f` (`%.f`)",
                ));
            }
            let mut push = |s: Step| steps.push((s, start, end));
            match c {
                b'%' => push(Step::Byte(b'%')),
                b'Y' => push(Step::Year4),
                b'y' => push(Step::Year2),
                b'm' => push(Step::Month),
                b'B' | b'b' | b'h' => push(Step::MonthName),
                b'd' | b'e' => push(Step::Day),
                b'H' | b'k' => push(Step::Hour24),
                b'I' | b'l' => push(Step::Hour12),
                b'M' => push(Step::Minute),
                b'S' => push(Step::Second),
                b'f' if dot => push(Step::DotFraction),
                b'f' | b'N' => push(Step::Fraction),
                b'p' | b'P' => push(Step::AmPm),
                b'A' | b'a' => push(Step::WeekdayName),
                b'z' if colons <= 3 => push(Step::Offset),
                b's' => push(Step::Epoch),
                b'n' | b't' => push(Step::Space),
                b'T' => {
                    for s in [
                        Step::Hour24,
                        Step::Byte(b':'),
                        Step::Minute,
                        Step::Byte(b':'),
                        Step::Second,
                    ] {
                        push(s);
                    }
                }
                b'R' => {
                    for s in [Step::Hour24, Step::Byte(b':'), Step::Minute] {
                        push(s);
                    }
                }
                b'D' => {
                    for s in [
                        Step::Month,
                        Step::Byte(b'/'),
                        Step::Day,
                        Step::Byte(b'/'),
                        Step::Year2,
                    ] {
                        push(s);
                    }
                }
                b'F' => {
                    for s in [
                        Step::Year4,
                        Step::Byte(b'-'),
                        Step::Month,
                        Step::Byte(b'-'),
                        Step::Day,
                    ] {
                        push(s);
                    }
                }
                b'Z' => {
                    return Err(bad(
                        "`%Z` (a zone abbreviation such as `EST`) cannot be read: abbreviations are ambiguous".into(),
                        "read the offset with `%z`, or say where the times are with `time zone \"America/New_York\"` in the `input` block",
                    ))
                }
                b'Q' => {
                    return Err(bad(
                        "`%Q` (a time zone name in the timestamp) cannot be read".into(),
                        "say where the times are with `time zone \"…\"` in the `input` block",
                    ))
                }
                b'c' | b'r' | b'X' | b'x' => {
                    return Err(bad(
                        format!("`{spec}` depends on a locale and cannot be read"),
                        "spell the layout out, such as `%m/%d/%Y %I:%M %p`",
                    ))
                }
                b'C' | b'G' | b'g' | b'j' | b'q' | b'U' | b'u' | b'V' | b'W' | b'w' => {
                    return Err(bad(
                        format!("`{spec}` cannot be read in a timestamp"),
                        "a layout reads a date from `%Y` or `%y`, `%m` or `%b`, and `%d`",
                    ))
                }
                _ => {
                    return Err(bad(
                        format!("`{spec}` is not a strftime specifier"),
                        "the specifiers are `%Y %y %m %b %B %d %e %H %I %M %S %f %p %z %s %a %A %T %R %D %F`, and `%%` for a `%`",
                    ))
                }
            }
        }
        check_parts(text, &steps)?;
        let digits_only = steps.iter().all(|(s, _, _)| s.is_digits());
        Ok(Layout {
            text: text.to_string(),
            steps: steps.into_iter().map(|(s, _, _)| s).collect(),
            digits_only,
        })
    }

    /// The layout as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the layout can read a string of digits (`%Y%m%d`, `%d%m%Y`, `%s`).
    pub fn reads_digits(&self) -> bool {
        self.digits_only
    }

    /// Reads `s` (surrounding whitespace aside); `None` if it does not fit the layout or is no
    /// date (`2/30/2024`).
    pub fn read(&self, s: &str) -> Option<Reading> {
        self.read_trimmed(s.trim())
    }

    /// [`Layout::read`] of a text already trimmed.
    pub(crate) fn read_trimmed(&self, t: &str) -> Option<Reading> {
        let b = t.as_bytes();
        let mut p = Parts::default();
        let mut i = 0;
        for step in &self.steps {
            match *step {
                Step::Byte(c) => {
                    if b.get(i) != Some(&c) {
                        return None;
                    }
                    i += 1;
                }
                Step::Space => {
                    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                }
                // Four digits, always: `26` is not the year 26 (`%y` reads two-digit years).
                Step::Year4 => p.year = Some(number(b, &mut i, 4, 4)?),
                Step::Year2 => {
                    let yy = number(b, &mut i, 2, 2)?;
                    p.year = Some(if yy >= 69 { 1900 + yy } else { 2000 + yy });
                }
                Step::Month => p.month = Some(padded(b, &mut i, 2)?),
                Step::MonthName => p.month = Some(name(b, &mut i, &MONTHS)? as i64 + 1),
                Step::Day => p.day = Some(padded(b, &mut i, 2)?),
                Step::Hour24 => p.hour = Some(padded(b, &mut i, 2)?),
                Step::Hour12 => {
                    p.hour = Some(padded(b, &mut i, 2)?);
                    p.twelve = true;
                }
                Step::Minute => p.minute = Some(one_or_two(b, &mut i)?),
                Step::Second => p.second = Some(one_or_two(b, &mut i)?),
                Step::Fraction => p.millis = fraction(b, &mut i)?,
                Step::DotFraction => {
                    if b.get(i) == Some(&b'.') {
                        i += 1;
                        p.millis = fraction(b, &mut i)?;
                    }
                }
                Step::AmPm => p.pm = Some(am_pm(b, &mut i)?),
                Step::WeekdayName => {
                    name(b, &mut i, &WEEKDAYS)?;
                }
                Step::Offset => p.offset = Some(offset(b, &mut i)?),
                Step::Epoch => p.epoch = Some(signed(b, &mut i, 19)?),
            }
        }
        if i != b.len() {
            return None;
        }
        p.finish()
    }
}

/// Every layout needs a date (or `%s`); the parts of a time go together.
fn check_parts(text: &str, steps: &[(Step, usize, usize)]) -> Result<(), LayoutError> {
    let mut seen: Vec<(&str, usize, usize)> = Vec::new();
    for &(step, start, end) in steps {
        let Some(group) = step.group() else { continue };
        if let Some(&(_, first, first_end)) = seen.iter().find(|(g, _, _)| *g == group) {
            // `%T` puts three steps at one place: only a second specifier is an error.
            if (first, first_end) != (start, end) {
                return Err(LayoutError {
                    start,
                    end,
                    message: format!(
                        "`{}` reads the {group} a second time (`{}` already does)",
                        &text[start..end],
                        &text[first..first_end]
                    ),
                    help: "each part of a timestamp appears once in its layout".into(),
                });
            }
            continue;
        }
        seen.push((group, start, end));
    }
    let has = |g: &str| {
        seen.iter()
            .find(|(x, _, _)| *x == g)
            .map(|&(_, s, e)| (s, e))
    };
    let whole = (0, text.len());
    let error = |(start, end): (usize, usize), message: &str, help: &str| LayoutError {
        start,
        end,
        message: message.to_string(),
        help: help.to_string(),
    };
    if has("epoch").is_some() {
        let others = seen
            .iter()
            .find(|(g, _, _)| !["epoch", "fraction of a second"].contains(g));
        return match others {
            Some(&(_, s, e)) => Err(error(
                (s, e),
                "`%s` is a whole timestamp: it takes no other part but a fraction of a second",
                "write `%s` alone (`format \"%s\"`), or `%s.%f`",
            )),
            None => Ok(()),
        };
    }
    if text.is_empty() {
        return Err(error(
            whole,
            "the layout is empty",
            "write one such as `%m/%d/%Y %H:%M`",
        ));
    }
    for part in ["year", "month", "day"] {
        if has(part).is_none() {
            return Err(error(
                whole,
                &format!("the layout reads no {part}"),
                "a layout reads a date from `%Y` or `%y`, `%m` or `%b`, and `%d` (or is `%s`)",
            ));
        }
    }
    let twelve = steps.iter().find(|(s, _, _)| *s == Step::Hour12);
    match (twelve, has("AM/PM")) {
        (Some(&(_, s, e)), None) => {
            return Err(error(
                (s, e),
                "a 12-hour clock (`%I`) needs `%p` to tell AM from PM",
                "add `%p` (`%I:%M %p`), or read a 24-hour clock with `%H`",
            ))
        }
        (None, Some(at)) => {
            return Err(error(
                at,
                "`%p` (AM/PM) goes with a 12-hour clock, but the layout has none",
                "read the hour with `%I`",
            ))
        }
        _ => {}
    }
    for (part, needs) in [
        ("minute", "hour"),
        ("second", "minute"),
        ("fraction of a second", "second"),
    ] {
        if let (Some(at), None) = (has(part), has(needs)) {
            return Err(error(
                at,
                &format!("the layout reads the {part} but not the {needs}"),
                "a time reads its hour, minute and second in that order of need: `%H:%M:%S`",
            ));
        }
    }
    Ok(())
}

#[derive(Default)]
struct Parts {
    year: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    hour: Option<i64>,
    twelve: bool,
    pm: Option<bool>,
    minute: Option<i64>,
    second: Option<i64>,
    millis: i64,
    offset: Option<i64>,
    epoch: Option<i64>,
}

impl Parts {
    fn finish(self) -> Option<Reading> {
        if let Some(s) = self.epoch {
            let ms = s.checked_mul(MS_PER_SEC)?.checked_add(self.millis)?;
            return Some(Reading::Instant(ms));
        }
        let (y, m, d) = (self.year?, self.month?, self.day?);
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m as u32) as i64 {
            return None;
        }
        let mut hour = self.hour.unwrap_or(0);
        if self.twelve {
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour %= 12;
            if self.pm == Some(true) {
                hour += 12;
            }
        }
        let (minute, second) = (self.minute.unwrap_or(0), self.second.unwrap_or(0));
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let local = days_from_civil(y, m as u32, d as u32)
            .checked_mul(super::MS_PER_DAY)?
            .checked_add(hour * MS_PER_HOUR + minute * MS_PER_MIN + second * MS_PER_SEC)?
            .checked_add(self.millis)?;
        Some(match self.offset {
            Some(off) => Reading::Instant(local.checked_sub(off)?),
            None => Reading::Local(local),
        })
    }
}

/// Up to `max` digits (at least `min`).
fn number(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<i64> {
    let start = *i;
    let mut v: i64 = 0;
    while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
        v = v.checked_mul(10)?.checked_add(i64::from(b[*i] - b'0'))?;
        *i += 1;
    }
    (*i - start >= min).then_some(v)
}

/// One or two digits, or a space and one digit (`%e`, `%k`, `%l` pad with spaces).
fn padded(b: &[u8], i: &mut usize, max: usize) -> Option<i64> {
    if b.get(*i) == Some(&b' ') {
        *i += 1;
        return number(b, i, 1, 1);
    }
    if max == 2 {
        return one_or_two(b, i);
    }
    number(b, i, 1, max)
}

/// `number(b, i, 1, 2)` without a branch on how many digits there are: months, days and hours
/// of exports are one digit or two at random (`1/23/2023 9:05 AM`), which a branch predictor
/// misses about every other time.
fn one_or_two(b: &[u8], i: &mut usize) -> Option<i64> {
    let first = b.get(*i)?.wrapping_sub(b'0');
    if first > 9 {
        return None;
    }
    let second = b.get(*i + 1).map_or(10, |c| c.wrapping_sub(b'0'));
    let two = second <= 9;
    let v = i64::from(first) * if two { 10 } else { 1 } + if two { i64::from(second) } else { 0 };
    *i += 1 + usize::from(two);
    Some(v)
}

/// A number with an optional sign: up to `max` digits.
fn signed(b: &[u8], i: &mut usize, max: usize) -> Option<i64> {
    let negative = match b.get(*i) {
        Some(b'-') => {
            *i += 1;
            true
        }
        Some(b'+') => {
            *i += 1;
            false
        }
        _ => false,
    };
    let v = number(b, i, 1, max)?;
    Some(if negative { -v } else { v })
}

/// Digits of a fraction of a second, kept to the millisecond (truncated).
fn fraction(b: &[u8], i: &mut usize) -> Option<i64> {
    let start = *i;
    let mut ms = 0;
    while *i < b.len() && b[*i].is_ascii_digit() {
        if *i - start < 3 {
            ms = ms * 10 + i64::from(b[*i] - b'0');
        }
        *i += 1;
    }
    let n = *i - start;
    if n == 0 || n > 9 {
        return None;
    }
    for _ in n..3 {
        ms *= 10;
    }
    Some(ms)
}

/// A full or three-letter English name (any case): its index in `names`.
fn name(b: &[u8], i: &mut usize, names: &[&str]) -> Option<usize> {
    let rest = &b[*i..];
    for (k, full) in names.iter().enumerate() {
        let full = full.as_bytes();
        if rest.len() >= full.len() && rest[..full.len()].eq_ignore_ascii_case(full) {
            *i += full.len();
            return Some(k);
        }
    }
    for (k, full) in names.iter().enumerate() {
        let short = &full.as_bytes()[..3];
        if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(short) {
            *i += 3;
            return Some(k);
        }
    }
    None
}

/// `AM` or `PM`, any case; one test for both, as they come at random.
fn am_pm(b: &[u8], i: &mut usize) -> Option<bool> {
    let two = b.get(*i..*i + 2)?;
    let (first, m) = (two[0] | 0x20, two[1] | 0x20);
    let pm = first == b'p';
    if m != b'm' || !(pm || first == b'a') {
        return None;
    }
    *i += 2;
    Some(pm)
}

/// `Z`, `+HH`, `+HHMM`, `+HH:MM`, `+HHMMSS`, `+HH:MM:SS` → milliseconds east of UTC.
fn offset(b: &[u8], i: &mut usize) -> Option<i64> {
    if matches!(b.get(*i), Some(b'Z' | b'z')) {
        *i += 1;
        return Some(0);
    }
    let sign = match b.get(*i)? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    *i += 1;
    let h = number(b, i, 2, 2)?;
    let mut total = h * MS_PER_HOUR;
    for unit in [MS_PER_MIN, MS_PER_SEC] {
        let colon = b.get(*i) == Some(&b':');
        let at = *i + usize::from(colon);
        if !b.get(at).is_some_and(u8::is_ascii_digit) {
            break;
        }
        *i = at;
        let v = number(b, i, 2, 2)?;
        if v > 59 {
            return None;
        }
        total += v * unit;
    }
    if h > 25 {
        return None;
    }
    Some(sign * total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    fn at(iso: &str) -> i64 {
        parse_timestamp(iso).unwrap_or_else(|| panic!("{iso}"))
    }

    fn read(layout: &str, s: &str) -> Option<Reading> {
        Layout::new(layout)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .read(s)
    }

    #[test]
    fn crm_layouts() {
        let local = |iso| Some(Reading::Local(at(iso)));
        assert_eq!(
            read("%m/%d/%Y %I:%M %p", "1/23/2023 12:00 AM"),
            local("2023-01-23T00:00:00Z")
        );
        assert_eq!(
            read("%m/%d/%Y %I:%M %p", "11/23/2022 10:11 PM"),
            local("2022-11-23T22:11:00Z")
        );
        assert_eq!(
            read("%m/%d/%y %I:%M %p", "02/24/26 12:18 pm"),
            local("2026-02-24T12:18:00Z")
        );
        assert_eq!(
            read("%m/%d/%y %H:%M", "2/5/24 1:51"),
            local("2024-02-05T01:51:00Z")
        );
        assert_eq!(
            read("%d.%m.%Y", "05.01.2021"),
            local("2021-01-05T00:00:00Z")
        );
        assert_eq!(read("%Y%m%d", "20210105"), local("2021-01-05T00:00:00Z"));
        assert_eq!(
            read("%b %e, %Y %T", "Apr  1, 2022 20:46:15"),
            local("2022-04-01T20:46:15Z")
        );
        assert_eq!(
            read("%A, %B %d, %Y", "friday, JANUARY 05, 2024"),
            local("2024-01-05T00:00:00Z")
        );
        assert_eq!(
            read("%Y-%m-%dT%H:%M:%S%.f%z", "2024-01-22T20:36:47.000+0000"),
            Some(Reading::Instant(at("2024-01-22T20:36:47Z")))
        );
        assert_eq!(
            read("%F %T%:z", "2024-01-22 20:36:47-05:30"),
            Some(Reading::Instant(at("2024-01-23T02:06:47Z")))
        );
        assert_eq!(
            read("%s", "1700000000"),
            Some(Reading::Instant(1_700_000_000_000))
        );
        assert_eq!(read("%s.%f", "-1.5"), Some(Reading::Instant(-500)));
    }

    #[test]
    fn impossible_or_partial_text_does_not_read() {
        for (layout, s) in [
            ("%m/%d/%Y", "2/30/2024"),
            ("%m/%d/%Y", "13/01/2024"),
            ("%m/%d/%Y", "1/2/2024 extra"),
            ("%m/%d/%Y %I:%M %p", "1/2/2024 13:00 PM"),
            ("%m/%d/%Y %I:%M %p", "1/2/2024 0:00 AM"),
            ("%m/%d/%Y %H:%M", "1/2/2024 24:00"),
            ("%Y%m%d", "2021010"),
            ("%m/%d/%Y", "02/24/26"),
            ("%d.%m.%Y", "5-1-2021"),
            ("%Y-%m-%d %z", "2024-01-01 +0a00"),
        ] {
            assert_eq!(read(layout, s), None, "{layout} {s}");
        }
    }

    #[test]
    fn errors_point_at_the_specifier() {
        let err = |t: &str| Layout::new(t).expect_err(t);
        let e = err("%m/%d/%Y %Q");
        assert_eq!((e.start, e.end), (9, 11));
        let e = err("%d.%m.%Y %Z");
        assert_eq!(&"%d.%m.%Y %Z"[e.start..e.end], "%Z");
        assert!(e.help.contains("time zone"), "{e:?}");
        let e = err("%Y-%m-%d %I:%M");
        assert_eq!(&"%Y-%m-%d %I:%M"[e.start..e.end], "%I");
        let e = err("%Y-%m-%d %q");
        assert_eq!((e.start, e.end), (9, 11));
        let e = err("%Y-%m-%d %K");
        assert!(e.message.contains("`%K`"), "{e:?}");
        let e = err("%Y-%m %H");
        assert!(e.message.contains("no day"), "{e:?}");
        let e = err("%Y-%m-%d %Y");
        assert_eq!((e.start, e.end), (9, 11));
        let e = err("%s %Y");
        assert_eq!((e.start, e.end), (3, 5));
        let e = err("%Y-%m-%d %");
        assert_eq!((e.start, e.end), (9, 10));
        let e = err("%Y-%m-%d %é");
        assert_eq!(&"%Y-%m-%d %é"[e.start..e.end], "%é");
        assert!(Layout::new("%T %F").is_ok());
        assert!(Layout::new("%-m/%-d/%Y %l:%M %P").is_ok());
    }

    #[test]
    fn branchless_readers_agree_with_the_general_ones() {
        let bytes: Vec<u8> = (b'0'..=b'9').chain(*b" :/aApPmMx\xc3").collect();
        for &x in &bytes {
            for &y in &bytes {
                for text in [vec![x, y], vec![x], vec![x, y, b'7']] {
                    let (mut a, mut b) = (0, 0);
                    let fast = one_or_two(&text, &mut a);
                    let general = number(&text, &mut b, 1, 2);
                    assert_eq!(fast, general, "{text:?}");
                    if fast.is_some() {
                        assert_eq!(a, b, "{text:?}");
                    }
                    let (mut a, mut b) = (0, 0);
                    let general = text.get(..2).and_then(|two| {
                        b += 2;
                        if two.eq_ignore_ascii_case(b"am") {
                            Some(false)
                        } else {
                            two.eq_ignore_ascii_case(b"pm").then_some(true)
                        }
                    });
                    assert_eq!(am_pm(&text, &mut a), general, "{text:?}");
                    if general.is_some() {
                        assert_eq!(a, b, "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn digit_layouts_are_known() {
        assert!(Layout::new("%Y%m%d").is_ok_and(|l| l.reads_digits()));
        assert!(Layout::new("%s").is_ok_and(|l| l.reads_digits()));
        assert!(Layout::new("%m/%d/%Y").is_ok_and(|l| !l.reads_digits()));
    }
}
