//! UTC calendar periods of volume SLAs, identified by their first day (days since the epoch).

use crate::ir::Period;
use crate::time::{civil_from_days, days_from_civil, iso_week, MS_PER_DAY};

/// The first day of the period containing the instant `ms`.
pub fn period_start(per: Period, ms: i64) -> i64 {
    let day = ms.div_euclid(MS_PER_DAY);
    // Day and week need no calendar; a month starts `d - 1` days before day `d` of it.
    match per {
        Period::Day => day,
        // 1970-01-01 was a Thursday: weekday 0 is Monday.
        Period::Week => day - (day + 3).rem_euclid(7),
        Period::Month => day - (i64::from(civil_from_days(day).2) - 1),
        Period::Quarter => {
            let (y, m, _) = civil_from_days(day);
            days_from_civil(y, (m - 1) / 3 * 3 + 1, 1)
        }
        Period::Year => days_from_civil(civil_from_days(day).0, 1, 1),
    }
}

/// The first day of the period after the one starting on `start`.
pub fn next_start(per: Period, start: i64) -> i64 {
    let (y, m, _) = civil_from_days(start);
    let months = |n: u32| {
        let total = m - 1 + n;
        days_from_civil(y + (total / 12) as i64, total % 12 + 1, 1)
    };
    match per {
        Period::Day => start + 1,
        Period::Week => start + 7,
        Period::Month => months(1),
        Period::Quarter => months(3),
        Period::Year => days_from_civil(y + 1, 1, 1),
    }
}

/// `2026-11-25`, `2026-W05`, `2026-11`, `2026-Q4`, `2026`.
pub fn label(per: Period, start: i64) -> String {
    let (y, m, d) = civil_from_days(start);
    let year = |y: i64| {
        if (0..=9999).contains(&y) {
            format!("{y:04}")
        } else {
            format!("{y:+}")
        }
    };
    match per {
        Period::Day => format!("{}-{m:02}-{d:02}", year(y)),
        Period::Week => {
            let (wy, w) = iso_week(start);
            format!("{}-W{w:02}", year(wy))
        }
        Period::Month => format!("{}-{m:02}", year(y)),
        Period::Quarter => format!("{}-Q{}", year(y), (m - 1) / 3 + 1),
        Period::Year => year(y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    fn ms(s: &str) -> i64 {
        parse_timestamp(s).unwrap_or_default()
    }

    fn lab(per: Period, s: &str) -> String {
        label(per, period_start(per, ms(s)))
    }

    #[test]
    fn labels_of_each_period() {
        assert_eq!(lab(Period::Day, "2026-11-25T23:59:59.999Z"), "2026-11-25");
        assert_eq!(lab(Period::Month, "2026-11-25T10:00:00Z"), "2026-11");
        assert_eq!(lab(Period::Quarter, "2026-11-25"), "2026-Q4");
        assert_eq!(lab(Period::Year, "2026-11-25"), "2026");
        assert_eq!(lab(Period::Week, "2026-01-29"), "2026-W05");
    }

    #[test]
    fn iso_week_53_and_year_edges() {
        // 2026-12-31 is a Thursday, so 2026 has 53 ISO weeks; 2027-01-03 (Sunday) is still in it.
        assert_eq!(lab(Period::Week, "2026-12-31"), "2026-W53");
        assert_eq!(lab(Period::Week, "2027-01-03T23:00:00Z"), "2026-W53");
        assert_eq!(lab(Period::Week, "2027-01-04"), "2027-W01");
        // 2024-12-30 (Monday) starts 2025-W01.
        assert_eq!(lab(Period::Week, "2024-12-30"), "2025-W01");
        let start = period_start(Period::Week, ms("2027-01-03"));
        assert_eq!(start, period_start(Period::Week, ms("2026-12-28")));
        assert_eq!(
            next_start(Period::Week, start),
            period_start(Period::Week, ms("2027-01-04"))
        );
    }

    #[test]
    fn quarter_and_month_edges() {
        assert_eq!(lab(Period::Quarter, "2026-03-31T23:59:59Z"), "2026-Q1");
        assert_eq!(lab(Period::Quarter, "2026-04-01T00:00:00Z"), "2026-Q2");
        let q4 = period_start(Period::Quarter, ms("2026-12-01"));
        assert_eq!(
            label(Period::Quarter, next_start(Period::Quarter, q4)),
            "2027-Q1"
        );
        let dec = period_start(Period::Month, ms("2026-12-15"));
        assert_eq!(
            label(Period::Month, next_start(Period::Month, dec)),
            "2027-01"
        );
        assert_eq!(lab(Period::Day, "1969-12-31T23:00:00Z"), "1969-12-31");
    }

    #[test]
    fn a_month_starts_on_its_first_day() {
        // Every day of four years around a leap day and the epoch.
        for day in -800..800 {
            let (y, m, _) = civil_from_days(day);
            let ms = day * MS_PER_DAY + 12 * 3_600_000;
            assert_eq!(
                period_start(Period::Month, ms),
                days_from_civil(y, m, 1),
                "{day}"
            );
        }
    }
}
