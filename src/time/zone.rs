//! IANA time zones (the `input` block's `time zone` line) from the database bundled into the
//! binary by jiff, so that reading `2024-03-10 02:30` in `America/New_York` gives the same
//! instant on every machine.
//!
//! Turning a local time into an instant is on the readers' hot path, so a zone keeps a table of
//! the stretches of local time (1900–2200) in which its offset does not change: a lookup there is
//! a binary search. Local times within two days of a change, or outside the table, ask jiff,
//! which settles gaps and overlaps the way Temporal's `compatible` does (a time that a change
//! skips moves forward by the gap; one that occurs twice is the earlier).

use super::{civil_from_days, MS_PER_DAY, MS_PER_SEC};
use jiff::tz::TimeZone;

/// A time zone by its IANA name.
#[derive(Debug, Clone)]
pub struct Zone {
    name: String,
    tz: TimeZone,
    /// Sorted, disjoint: `(local start, local end, offset)` in milliseconds; a local time in
    /// `[start, end)` is the instant `local - offset`, and no other.
    stretches: Vec<(i64, i64, i64)>,
}

/// How far from an offset change a local time is looked up in jiff: more than any two offsets
/// of a zone differ, so a time in a stretch cannot also be read with another offset.
const MARGIN: i64 = 2 * MS_PER_DAY;

/// 1900-01-01 and 2200-01-01, UTC: the table's range.
const TABLE_START: i64 = -2_208_988_800_000;
const TABLE_END: i64 = 7_258_118_400_000;

impl Zone {
    /// The zone called `name` (`America/New_York`, `UTC`, `Europe/Berlin`), or why not.
    pub fn new(name: &str) -> Result<Zone, String> {
        // A POSIX TZ string or a path is not a name, whatever jiff would make of it.
        let plausible = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'));
        let tz = match plausible.then(|| TimeZone::get(name)) {
            Some(Ok(tz)) => tz,
            _ => return Err(format!("`{name}` is not a time zone of the IANA database")),
        };
        let mut stretches = Vec::new();
        let mut from = TABLE_START;
        let Ok(start) = jiff::Timestamp::from_millisecond(TABLE_START) else {
            return Err("the time-zone table cannot start".into());
        };
        let mut offset = offset_ms(tz.to_offset(start));
        for t in tz.following(start) {
            let at = t.timestamp().as_millisecond();
            if at >= TABLE_END {
                break;
            }
            push_stretch(&mut stretches, from, at, offset);
            from = at;
            offset = offset_ms(t.offset());
        }
        push_stretch(&mut stretches, from, TABLE_END, offset);
        Ok(Zone {
            name: name.to_string(),
            tz,
            stretches,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The instant of local time `local` (milliseconds since 1970-01-01T00:00 local), `None` if
    /// it is outside the years jiff knows (-9999–9999).
    pub fn instant(&self, local: i64) -> Option<i64> {
        let k = self.stretches.partition_point(|s| s.0 <= local);
        if let Some(&(_, end, offset)) = k.checked_sub(1).and_then(|k| self.stretches.get(k)) {
            if local < end {
                return local.checked_sub(offset);
            }
        }
        self.ask_jiff(local)
    }

    fn ask_jiff(&self, local: i64) -> Option<i64> {
        let day = local.div_euclid(MS_PER_DAY);
        let ms = local.rem_euclid(MS_PER_DAY);
        let (y, m, d) = civil_from_days(day);
        let dt = jiff::civil::DateTime::new(
            i16::try_from(y).ok()?,
            m as i8,
            d as i8,
            (ms / 3_600_000) as i8,
            (ms / 60_000 % 60) as i8,
            (ms / MS_PER_SEC % 60) as i8,
            (ms % MS_PER_SEC) as i32 * 1_000_000,
        )
        .ok()?;
        let ts = self.tz.to_ambiguous_timestamp(dt).compatible().ok()?;
        Some(ts.as_millisecond())
    }
}

fn offset_ms(o: jiff::tz::Offset) -> i64 {
    i64::from(o.seconds()) * MS_PER_SEC
}

fn push_stretch(out: &mut Vec<(i64, i64, i64)>, from: i64, to: i64, offset: i64) {
    let (start, end) = (from + offset + MARGIN, to + offset - MARGIN);
    if start < end {
        out.push((start, end, offset));
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name
    }
}

/// The zone names of the bundled database, for "did you mean".
pub fn names() -> Vec<String> {
    jiff::tz::db().available().map(|n| n.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    fn at(iso: &str) -> i64 {
        parse_timestamp(iso).unwrap_or_else(|| panic!("{iso}"))
    }

    #[test]
    fn local_times_become_instants() {
        let ny = Zone::new("America/New_York").expect("bundled");
        // Winter (EST, -5) and summer (EDT, -4).
        assert_eq!(
            ny.instant(at("2024-01-15T09:00:00Z")),
            Some(at("2024-01-15T14:00:00Z"))
        );
        assert_eq!(
            ny.instant(at("2024-07-15T09:00:00Z")),
            Some(at("2024-07-15T13:00:00Z"))
        );
        // The gap of 2024-03-10: 02:30 does not exist and moves forward an hour.
        assert_eq!(
            ny.instant(at("2024-03-10T02:30:00Z")),
            Some(at("2024-03-10T07:30:00Z"))
        );
        // The overlap of 2024-11-03: 01:30 happens twice; the earlier (EDT) is taken.
        assert_eq!(
            ny.instant(at("2024-11-03T01:30:00Z")),
            Some(at("2024-11-03T05:30:00Z"))
        );
        let utc = Zone::new("UTC").expect("bundled");
        assert_eq!(utc.instant(123), Some(123));
        // Outside the table: jiff.
        assert_eq!(
            ny.instant(at("1850-06-01T00:00:00Z")),
            Some(at("1850-06-01T04:56:02Z"))
        );
    }

    #[test]
    fn the_table_agrees_with_jiff() {
        for name in [
            "America/New_York",
            "Europe/Berlin",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
        ] {
            let zone = Zone::new(name).expect("bundled");
            let mut local = at("1995-01-01T00:00:00Z");
            while local < at("2030-01-01T00:00:00Z") {
                assert_eq!(zone.instant(local), zone.ask_jiff(local), "{name} {local}");
                local += 7 * 3_600_000 + 13 * 60_000;
            }
        }
    }

    #[test]
    fn unknown_names_are_refused() {
        for bad in [
            "America/Nowhere",
            "",
            "EST5EDT,M3.2.0,M11.1.0",
            "/etc/passwd",
            "../x",
        ] {
            assert!(Zone::new(bad).is_err(), "{bad}");
        }
        assert!(names().iter().any(|n| n == "Europe/Paris"));
    }
}
