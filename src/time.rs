//! Civil (proleptic Gregorian, UTC) time: parsing, formatting and calendar periods.
//!
//! Timestamps are `i64` milliseconds since 1970-01-01T00:00:00Z. The parsers are strict and
//! hand-written because they sit on the hot path of every reader (millions of calls per run) and
//! accept exactly the forms of docs/language.md, "How data is read"; calendar arithmetic uses Howard Hinnant's
//! `days_from_civil` / `civil_from_days` algorithms.

pub mod layout;
pub mod zone;

pub const MS_PER_SEC: i64 = 1_000;
pub const MS_PER_MIN: i64 = 60 * MS_PER_SEC;
pub const MS_PER_HOUR: i64 = 60 * MS_PER_MIN;
pub const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// Days since 1970-01-01 of a civil date (month 1..=12, day 1..=31, not validated here).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date `(year, month, day)` of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |acc, &c| acc * 10 + (c - b'0') as u32))
}

/// `YYYY-MM-DD` → day number.
fn parse_ymd(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (
        digits(&b[0..4])? as i64,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    );
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// `HH:MM[:SS[.fff…]]` → milliseconds of the day; the rest of `b` after the time is returned.
fn parse_hms(b: &[u8], seconds_required: bool) -> Option<(i64, &[u8])> {
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    let (h, mi) = (digits(&b[0..2])?, digits(&b[3..5])?);
    let mut rest = &b[5..];
    let mut ms = 0i64;
    if rest.first() == Some(&b':') && rest.len() >= 3 {
        let s = digits(&rest[1..3])?;
        if s > 59 {
            return None;
        }
        ms += s as i64 * MS_PER_SEC;
        rest = &rest[3..];
        if rest.first() == Some(&b'.') {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let frac = &rest[1..1 + n];
            // Millisecond precision: keep three digits, truncate the rest.
            let mut f = 0i64;
            for i in 0..3 {
                f = f * 10 + frac.get(i).map_or(0, |c| (c - b'0') as i64);
            }
            ms += f;
            rest = &rest[1 + n..];
        }
    } else if seconds_required {
        return None;
    }
    if h > 23 || mi > 59 {
        return None;
    }
    Some((h as i64 * MS_PER_HOUR + mi as i64 * MS_PER_MIN + ms, rest))
}

/// What the standard readings of docs/language.md, "How data is read" make of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    /// RFC 3339 with its offset, or epoch milliseconds (11 to 13 digits).
    Instant(i64),
    /// A civil time without an offset (`YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DD`, `YYYYMMDD`), in
    /// milliseconds since 1970-01-01T00:00 of its zone: UTC unless the `input` block says.
    Local(i64),
    /// Ten digits: epoch *seconds*, most likely, which only `format "%s"` reads.
    EpochSeconds,
    /// None of the standard forms.
    No,
}

/// A timestamp as docs/language.md, "How data is read" reads it from text: RFC 3339
/// (`2026-11-01T09:30:00Z`, fractions and offsets `+HH:MM`, `+HHMM` or `+HH` allowed),
/// `YYYY-MM-DD HH:MM[:SS]` and `YYYY-MM-DD` (local), or digits: 8 are `YYYYMMDD`, 11 to 13
/// (optionally signed) epoch milliseconds, 10 are taken for epoch seconds and refused.
pub fn read_standard(s: &str) -> Standard {
    read_standard_trimmed(s.trim())
}

/// [`read_standard`] of a text already trimmed (the `input` block's readings trim once).
pub(crate) fn read_standard_trimmed(t: &str) -> Standard {
    let b = t.as_bytes();
    if b.is_empty() {
        return Standard::No;
    }
    let unsigned = b
        .strip_prefix(b"-")
        .or_else(|| b.strip_prefix(b"+"))
        .unwrap_or(b);
    if !unsigned.is_empty() && unsigned.iter().all(u8::is_ascii_digit) {
        return match unsigned.len() {
            11..=13 => t.parse::<i64>().map_or(Standard::No, Standard::Instant),
            8 if unsigned.len() == b.len() => compact_date(b).map_or(Standard::No, Standard::Local),
            10 => Standard::EpochSeconds,
            _ => Standard::No,
        };
    }
    if b.len() < 10 {
        return Standard::No;
    }
    let Some(base) = parse_ymd(&b[..10]).and_then(|day| day.checked_mul(MS_PER_DAY)) else {
        return Standard::No;
    };
    if b.len() == 10 {
        return Standard::Local(base);
    }
    let reading = match b[10] {
        b'T' | b't' => parse_hms(&b[11..], true).and_then(|(tod, rest)| {
            let offset = parse_offset(rest)?;
            base.checked_add(tod)?
                .checked_sub(offset)
                .map(Standard::Instant)
        }),
        b' ' => parse_hms(&b[11..], false)
            .filter(|(_, rest)| rest.is_empty())
            .and_then(|(tod, _)| base.checked_add(tod).map(Standard::Local)),
        _ => None,
    };
    reading.unwrap_or(Standard::No)
}

/// A JSON integer by the same rule as a digit string (11 to 13 digits are epoch milliseconds).
pub fn read_standard_int(v: i64) -> Standard {
    let digits = v.unsigned_abs().checked_ilog10().map_or(1, |d| d + 1);
    match digits {
        11..=13 => Standard::Instant(v),
        8 if v > 0 => compact_date(v.to_string().as_bytes()).map_or(Standard::No, Standard::Local),
        10 => Standard::EpochSeconds,
        _ => Standard::No,
    }
}

/// `YYYYMMDD` (ISO 8601 basic) → milliseconds of its midnight.
fn compact_date(b: &[u8]) -> Option<i64> {
    if b.len() != 8 {
        return None;
    }
    let (y, m, d) = (
        digits(&b[0..4])? as i64,
        digits(&b[4..6])?,
        digits(&b[6..8])?,
    );
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    days_from_civil(y, m, d).checked_mul(MS_PER_DAY)
}

/// `Z`, `+HH:MM`, `+HHMM` or `+HH` (the whole of `rest`) → milliseconds east of UTC.
fn parse_offset(rest: &[u8]) -> Option<i64> {
    let (sign, h, m) = match rest {
        [b'Z' | b'z'] => return Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            (*sign, digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
        }
        [sign @ (b'+' | b'-'), h1, h2] => (*sign, digits(&[*h1, *h2])?, 0),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    let off = h as i64 * MS_PER_HOUR + m as i64 * MS_PER_MIN;
    Some(if sign == b'+' { off } else { -off })
}

/// A timestamp by the standard readings, a local time read as UTC (`--as-of`, tests); `None`
/// for anything else (ten digits included).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    match read_standard(s) {
        Standard::Instant(t) | Standard::Local(t) => Some(t),
        Standard::EpochSeconds | Standard::No => None,
    }
}

/// `YYYY-MM-DD` only (the `date("…")` literal).
pub fn parse_date(s: &str) -> Option<i64> {
    parse_ymd(s.as_bytes())?.checked_mul(MS_PER_DAY)
}

/// RFC 3339 with a `Z` or offset, seconds required (the `datetime("…")` literal and `--as-of`
/// also accept `YYYY-MM-DD`, handled by the caller).
pub fn parse_datetime(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() > 10 && (b[10] == b'T' || b[10] == b't') {
        parse_timestamp(s)
    } else {
        None
    }
}

/// RFC 3339 in UTC: `2026-11-01T09:30:00Z`, with `.123` only when there are milliseconds.
pub fn format_timestamp(ms: i64) -> String {
    let day = ms.div_euclid(MS_PER_DAY);
    let tod = ms.rem_euclid(MS_PER_DAY);
    let (y, m, d) = civil_from_days(day);
    let (h, mi, s, f) = (
        tod / MS_PER_HOUR,
        tod / MS_PER_MIN % 60,
        tod / MS_PER_SEC % 60,
        tod % 1000,
    );
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{y:+}")
    };
    if f == 0 {
        format!("{year}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{year}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{f:03}Z")
    }
}

/// Formats a duration the way it would be written as a literal when exact (`90m` → `1h30m` is
/// not a literal, so it prints the largest exact unit: `90m`), else milliseconds (`1500ms`).
pub fn format_duration(ms: i64) -> String {
    for (unit, size) in [
        ("w", 7 * MS_PER_DAY),
        ("d", MS_PER_DAY),
        ("h", MS_PER_HOUR),
        ("m", MS_PER_MIN),
        ("s", MS_PER_SEC),
    ] {
        if ms != 0 && ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

/// ISO 8601 week-numbering year and week (Monday start) of a day number.
pub fn iso_week(day: i64) -> (i64, u32) {
    // 1970-01-01 was a Thursday; weekday 0 = Monday.
    let weekday = (day + 3).rem_euclid(7);
    let thursday = day - weekday + 3;
    let (y, _, _) = civil_from_days(thursday);
    let jan1 = days_from_civil(y, 1, 1);
    (y, ((thursday - jan1) / 7 + 1) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_across_eras() {
        for day in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn parses_every_accepted_form() {
        let base = parse_date("2026-11-01").unwrap();
        assert_eq!(parse_timestamp("2026-11-01"), Some(base));
        assert_eq!(
            parse_timestamp("2026-11-01T09:30:00Z"),
            Some(base + 9 * MS_PER_HOUR + 30 * MS_PER_MIN)
        );
        assert_eq!(
            parse_timestamp("2026-11-01 09:30"),
            Some(base + 9 * MS_PER_HOUR + 30 * MS_PER_MIN)
        );
        assert_eq!(
            parse_timestamp("2026-11-01 09:30:05"),
            Some(base + 9 * MS_PER_HOUR + 30 * MS_PER_MIN + 5000)
        );
        assert_eq!(
            parse_timestamp("2026-11-01T09:30:00+02:00"),
            Some(base + 7 * MS_PER_HOUR + 30 * MS_PER_MIN)
        );
        assert_eq!(
            parse_timestamp("2026-11-01T00:00:00-01:30"),
            Some(base + 90 * MS_PER_MIN)
        );
        assert_eq!(
            parse_timestamp("2026-11-01T00:00:00.1234Z"),
            Some(base + 123)
        );
        assert_eq!(parse_timestamp("1700000000000"), Some(1_700_000_000_000));
        assert_eq!(parse_timestamp("-17000000000"), Some(-17_000_000_000));
        assert_eq!(parse_timestamp("20210105"), parse_timestamp("2021-01-05"));
        assert_eq!(read_standard("1700000000"), Standard::EpochSeconds);
        assert_eq!(read_standard_int(1_700_000_000), Standard::EpochSeconds);
        assert_eq!(
            read_standard_int(20_210_105),
            Standard::Local(parse_date("2021-01-05").unwrap())
        );
        assert_eq!(
            read_standard_int(1_700_000_000_000),
            Standard::Instant(1_700_000_000_000)
        );
        for bad in [
            "-5",
            "0",
            "123456789",
            "12345678901234",
            "20211305",
            "-20210105",
        ] {
            assert_eq!(read_standard(bad), Standard::No, "{bad}");
        }
        for bad in [0, -1, 86_400_000, 12_345_678_901_234] {
            assert_eq!(read_standard_int(bad), Standard::No, "{bad}");
        }
        let api = base + 20 * MS_PER_HOUR + 36 * MS_PER_MIN + 47_000;
        assert_eq!(parse_timestamp("2026-11-01T20:36:47.000+0000"), Some(api));
        assert_eq!(
            parse_timestamp("2026-11-01T20:36:47+02"),
            Some(api - 2 * MS_PER_HOUR)
        );
        assert_eq!(
            parse_timestamp("2026-11-01T20:36:47-0130"),
            Some(api + 90 * MS_PER_MIN)
        );
        assert_eq!(
            read_standard("2026-11-01 09:30"),
            Standard::Local(base + 9 * MS_PER_HOUR + 30 * MS_PER_MIN)
        );
    }

    #[test]
    fn rejects_impossible_dates_and_junk() {
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-11-31",
            "2026-11-01T25:00:00Z",
            "2026-11-01T09:30Z",
            "2026-11-01T09:30:00",
            "2026-11-01X",
            "yesterday",
            "",
            "2026-1-01",
            "2026-11-01 09:30:00Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert!(parse_timestamp("2024-02-29").is_some(), "leap day");
        assert!(parse_timestamp("2000-02-29").is_some(), "400-year leap day");
        assert!(parse_timestamp("1900-02-29").is_none(), "100-year non-leap");
    }

    #[test]
    fn formats_round_trip() {
        for s in [
            "2026-11-01T09:30:00Z",
            "1969-12-31T23:59:59.999Z",
            "2024-02-29T00:00:00Z",
        ] {
            assert_eq!(format_timestamp(parse_timestamp(s).unwrap()), s);
        }
        assert_eq!(format_duration(2 * 7 * MS_PER_DAY), "2w");
        assert_eq!(format_duration(90 * MS_PER_MIN), "90m");
        assert_eq!(format_duration(1500), "1500ms");
    }

    #[test]
    fn iso_weeks_at_year_edges() {
        assert_eq!(iso_week(days_from_civil(2026, 1, 1)), (2026, 1)); // a Thursday
        assert_eq!(iso_week(days_from_civil(2027, 1, 1)), (2026, 53)); // a Friday
        assert_eq!(iso_week(days_from_civil(2024, 12, 30)), (2025, 1)); // a Monday
    }
}
