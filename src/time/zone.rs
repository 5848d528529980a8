//! IANA time zones (the `input` block's `time zone` line) from the database bundled into the
//! binary by jiff, so that reading `2024-03-10 02:30` in `America/New_York` gives the same
//! instant on every machine.
//!
//! Turning a local time into an instant is on the readers' hot path, so a zone keeps a table of
//! the stretches of local time (1900–2200) that one offset turns into instants, indexed by
//! 50-day buckets: a lookup there is a compare or two. The stretches include the local times
//! that a change skips or repeats, read the way jiff (and Temporal's `compatible`) reads them: a
//! skipped time moves forward by the gap, a repeated one is the earlier instant. Local times
//! outside the table ask jiff.

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
    /// Per bucket of `2^BUCKET_SHIFT` ms of local time from `base`: the first stretch that ends
    /// after the bucket starts. A lookup starts there and steps over a stretch or two, rather
    /// than searching the whole table.
    index: Vec<u32>,
    base: i64,
}

/// Buckets of about 50 days: a zone changes its offset twice a year at most, nearly always.
const BUCKET_SHIFT: u32 = 32;

/// More than any two offsets differ (they are within 16 hours of UTC, local mean times
/// included): the neighbours of a period longer than this cannot read its local times.
const MARGIN: i64 = 3 * MS_PER_DAY;

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
        let Ok(start) = jiff::Timestamp::from_millisecond(TABLE_START) else {
            return Err("the time-zone table cannot start".into());
        };
        // The periods of one offset, by the instant each starts at (the first at the table's
        // start, whatever came before).
        let mut periods = vec![(TABLE_START, offset_ms(tz.to_offset(start)))];
        for t in tz.following(start) {
            let at = t.timestamp().as_millisecond();
            if at >= TABLE_END {
                break;
            }
            periods.push((at, offset_ms(t.offset())));
        }
        let stretches = stretches(&periods);
        let base = stretches.first().map_or(0, |s| s.0);
        let buckets = stretches
            .last()
            .map_or(0, |s| ((s.1 - base) >> BUCKET_SHIFT) as usize + 1);
        let index = (0..buckets)
            .map(|b| {
                let from = base + ((b as i64) << BUCKET_SHIFT);
                stretches.partition_point(|s| s.1 <= from) as u32
            })
            .collect();
        Ok(Zone {
            name: name.to_string(),
            tz,
            stretches,
            index,
            base,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The instant of local time `local` (milliseconds since 1970-01-01T00:00 local), `None` if
    /// it is outside the years jiff knows (-9999–9999).
    pub fn instant(&self, local: i64) -> Option<i64> {
        let bucket = local
            .checked_sub(self.base)
            .filter(|d| *d >= 0)
            .and_then(|d| self.index.get((d >> BUCKET_SHIFT) as usize));
        if let Some(&first) = bucket {
            // Sorted and disjoint: the first stretch that ends after `local` holds it, or none.
            let mut k = first as usize;
            while let Some(&(start, end, offset)) = self.stretches.get(k) {
                if local < end {
                    if local >= start {
                        return local.checked_sub(offset);
                    }
                    break;
                }
                k += 1;
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

/// The stretches of local time in which one offset holds, from the periods `(start instant,
/// offset)` of the table (each lasts until the next starts, the last until the table's end).
///
/// Around a change from offset `a` to `b` at instant `t`, local times from `t + max(a, b)` on are
/// unambiguously `b`; those just before it, from `t + min(a, b)`, are skipped (`b > a`) or occur
/// twice (`b < a`), and both of Temporal's `compatible` answers there are `local - a`: a skipped
/// time moves forward by the gap, a repeated one is the earlier instant. So the stretch of a
/// period runs from `start + max(previous, offset)` to `end + max(offset, next)`, exactly, with
/// no margin. That holds while no third offset can read the same local time, which needs the
/// neighbouring periods to be longer than any two offsets differ: around shorter ones (which
/// the database has in a few places before 1980) the table leaves a hole, and jiff answers.
fn stretches(periods: &[(i64, i64)]) -> Vec<(i64, i64, i64)> {
    let end_of = |k: usize| periods.get(k + 1).map_or(TABLE_END, |p| p.0);
    let long = |k: usize| end_of(k) - periods[k].0 > MARGIN;
    let last = periods.len() - 1;
    let mut out = Vec::new();
    for (k, &(from, offset)) in periods.iter().enumerate() {
        let (start, end) = (
            match k.checked_sub(1).map(|p| periods[p].1) {
                Some(previous) if previous != offset => from + offset.max(previous),
                // Before the table's first instant, what came before is not known here; and
                // jiff reads some changes that keep the offset as a repeated hour (Nuuk's of
                // 2023-10-29): a margin.
                _ => from + offset + MARGIN,
            },
            match periods.get(k + 1).map(|p| p.1) {
                Some(next) if next != offset => end_of(k) + offset.max(next),
                _ => end_of(k) + offset - MARGIN,
            },
        );
        let neighbours_long = (k == 0 || long(k - 1)) && (k == last || long(k + 1));
        if !neighbours_long || start >= end {
            continue;
        }
        out.push((start, end, offset));
    }
    out
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
            "Africa/Casablanca",
            "Pacific/Apia",
            "Europe/Dublin",
            "America/Los_Angeles",
        ] {
            let zone = Zone::new(name).expect("bundled");
            let mut local = at("1995-01-01T00:00:00Z");
            while local < at("2030-01-01T00:00:00Z") {
                assert_eq!(zone.instant(local), zone.ask_jiff(local), "{name} {local}");
                local += 7 * 3_600_000 + 13 * 60_000;
            }
        }
    }

    /// Around every change of every zone of the database, from the table's start to 2100: the
    /// local times a change skips or repeats, their edges, and a day either side.
    #[test]
    fn the_table_agrees_with_jiff_around_every_change() {
        let hour = 3_600_000;
        let mut checked = 0;
        for name in names() {
            let Ok(zone) = Zone::new(&name) else {
                continue;
            };
            let Ok(start) = jiff::Timestamp::from_millisecond(TABLE_START) else {
                continue;
            };
            let mut before = offset_ms(zone.tz.to_offset(start));
            for t in zone.tz.following(start) {
                let at = t.timestamp().as_millisecond();
                if at >= at_2100() {
                    break;
                }
                let after = offset_ms(t.offset());
                let (low, high) = (at + before.min(after), at + before.max(after));
                for local in [
                    low - MS_PER_DAY,
                    low - 1,
                    low,
                    low + 1,
                    (low + high) / 2,
                    high - 1,
                    high,
                    high + hour,
                    high + MS_PER_DAY,
                ] {
                    assert_eq!(zone.instant(local), zone.ask_jiff(local), "{name} {local}");
                    checked += 1;
                }
                before = after;
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    fn at_2100() -> i64 {
        at("2100-01-01T00:00:00Z")
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
