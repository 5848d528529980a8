//! Civil (proleptic Gregorian, UTC) time: parsing, formatting and calendar periods.
//!
//! Timestamps are `i64` milliseconds since 1970-01-01T00:00:00Z. The parsers are strict and
//! hand-written because they sit on the hot path of every reader (millions of calls per run) and
//! accept exactly the forms of docs/language.md, "How data is read"; calendar arithmetic uses Howard Hinnant's
//! `days_from_civil` / `civil_from_days` algorithms.

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

/// A timestamp as docs/language.md, "How data is read" reads it from text: RFC 3339 (`2026-11-01T09:30:00Z`, fractions and
/// offsets allowed), `YYYY-MM-DD HH:MM[:SS]` and `YYYY-MM-DD` (UTC), or a digit string of epoch
/// milliseconds (optionally signed).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    if b.is_empty() {
        return None;
    }
    // Epoch milliseconds: digits with an optional sign (a date always has `-` after the year).
    let unsigned = b
        .strip_prefix(b"-")
        .or_else(|| b.strip_prefix(b"+"))
        .unwrap_or(b);
    if !unsigned.is_empty() && unsigned.iter().all(u8::is_ascii_digit) {
        return s.trim().parse::<i64>().ok();
    }
    if b.len() < 10 {
        return None;
    }
    let day = parse_ymd(&b[..10])?;
    let base = day.checked_mul(MS_PER_DAY)?;
    if b.len() == 10 {
        return Some(base);
    }
    match b[10] {
        b'T' | b't' => {
            let (tod, rest) = parse_hms(&b[11..], true)?;
            let offset = match rest {
                [b'Z' | b'z'] => 0,
                [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                    let h = digits(&[*h1, *h2])? as i64;
                    let m = digits(&[*m1, *m2])? as i64;
                    if h > 23 || m > 59 {
                        return None;
                    }
                    let off = h * MS_PER_HOUR + m * MS_PER_MIN;
                    if *sign == b'+' {
                        off
                    } else {
                        -off
                    }
                }
                _ => return None,
            };
            base.checked_add(tod)?.checked_sub(offset)
        }
        b' ' => {
            let (tod, rest) = parse_hms(&b[11..], false)?;
            if !rest.is_empty() {
                return None;
            }
            base.checked_add(tod)
        }
        _ => None,
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
        assert_eq!(parse_timestamp("-5"), Some(-5));
        assert_eq!(
            parse_timestamp("1700000000"),
            Some(1_700_000_000),
            "ten digits are still epoch millis"
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
