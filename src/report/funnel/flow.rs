//! The lead-flow window: the last [`PERIODS`] calendar periods, ending with the one that holds
//! `now`, and which of them an instant falls in.

use crate::ir::Period;
use crate::report::sla::{next_period_start, period_label, period_start};
use crate::time::MS_PER_DAY;

/// Periods the lead flow shows.
pub const PERIODS: usize = 12;

/// The first days of the last [`PERIODS`] periods up to the one holding `now`, oldest first.
pub(super) fn window(per: Period, now: i64) -> Vec<i64> {
    let mut starts = vec![period_start(per, now)];
    while starts.len() < PERIODS {
        let first = starts[0];
        // The period before is the one holding the last millisecond before this one.
        let before = first.saturating_mul(MS_PER_DAY).saturating_sub(1);
        let prev = period_start(per, before);
        if prev >= first {
            break;
        }
        starts.insert(0, prev);
    }
    starts
}

/// The first days of the last [`PERIODS`] periods up to the one holding `now`, oldest first,
/// then the first day after them: the edges of the lead flow's periods.
pub(super) fn edges(per: Period, now: i64) -> Vec<i64> {
    let mut edges = window(per, now);
    if let Some(&last) = edges.last() {
        edges.push(next_period_start(per, last));
    }
    edges
}

/// Which period between `edges` the instant `t` falls in: a search of the edges, no calendar
/// arithmetic per record.
pub(super) fn slot(edges: &[i64], t: i64) -> Option<usize> {
    let day = t.div_euclid(MS_PER_DAY);
    let (&first, &end) = (edges.first()?, edges.last()?);
    if day < first || day >= end {
        return None;
    }
    Some(edges.partition_point(|&e| e <= day) - 1)
}

/// `2026-11`, `2026-W05`, `2026-Q4`, `2026-11-25`.
pub(super) fn label(per: Period, start: i64) -> String {
    period_label(per, start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamp;

    fn ms(s: &str) -> i64 {
        parse_timestamp(s).unwrap_or_default()
    }

    #[test]
    fn twelve_periods_up_to_now() {
        let w = window(Period::Month, ms("2026-11-01T10:00:00Z"));
        let labels: Vec<String> = w.iter().map(|&s| label(Period::Month, s)).collect();
        assert_eq!(labels.len(), 12);
        assert_eq!(labels[0], "2025-12");
        assert_eq!(labels[11], "2026-11");
        let e = edges(Period::Month, ms("2026-11-01T10:00:00Z"));
        assert_eq!(e.len(), 13);
        assert_eq!(slot(&e, ms("2026-10-31T23:59:59Z")), Some(10));
        assert_eq!(slot(&e, ms("2026-11-30T23:59:59Z")), Some(11));
        assert_eq!(slot(&e, ms("2025-12-01T00:00:00Z")), Some(0));
        assert_eq!(slot(&e, ms("2025-11-30T23:59:59Z")), None);
        assert_eq!(slot(&e, ms("2026-12-01T00:00:00Z")), None);
        let q = window(Period::Quarter, ms("2026-01-15"));
        assert_eq!(label(Period::Quarter, q[0]), "2023-Q2");
        let weeks = window(Period::Week, ms("2027-01-03"));
        assert_eq!(label(Period::Week, weeks[11]), "2026-W53");
        assert_eq!(
            window(Period::Day, ms("2026-03-01"))
                .iter()
                .map(|&s| label(Period::Day, s))
                .next(),
            Some("2026-02-18".to_string())
        );
    }
}
