use super::*;
use crate::eval::LeadValues;
use crate::ir::testkit::{self as kit, ex, field, t};
use crate::ir::*;
use crate::source::Span;
use crate::time::MS_PER_HOUR;

/// Fields: 0 `in_scope: bool`, 1 `from: timestamp?`, 2 `until: timestamp?`.
fn program(kinds: Vec<SlaKind>) -> Program {
    let mut p = kit::program(&[
        ("in_scope", Ty::Bool),
        ("from", Ty::Timestamp.optional()),
        ("until", Ty::Timestamp.optional()),
    ]);
    p.slas = kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| Sla {
            name: format!("sla {i}"),
            owner: "sales".into(),
            kind,
            doc: None,
            span: Span::default(),
        })
        .collect();
    p
}

fn pop() -> Expr {
    field(0, Ty::Bool)
}
fn from() -> Expr {
    field(1, Ty::Timestamp.optional())
}
fn until() -> Expr {
    field(2, Ty::Timestamp.optional())
}

fn lead(in_scope: bool, from: Option<&str>, until: Option<&str>) -> Vec<Value> {
    let instant = |s: Option<&str>| s.map_or(Value::Missing, |s| Value::Timestamp(t(s)));
    vec![Value::Bool(in_scope), instant(from), instant(until)]
}

fn no_values() -> LeadValues {
    LeadValues {
        defs: vec![],
        scores: vec![],
        grades: vec![],
        stage: Value::Missing,
    }
}

fn run(p: &Program, now: &str, leads: &[Vec<Value>]) -> Vec<SlaResult> {
    let mut acc = SlaAccumulator::new(p, t(now));
    for l in leads {
        acc.add_lead(p, l, &no_values()).unwrap();
    }
    acc.finish()
}

fn deadline(target: f64) -> SlaKind {
    SlaKind::Deadline {
        population: pop(),
        from: from(),
        until: until(),
        within_ms: MS_PER_HOUR,
        target,
    }
}

#[test]
fn deadline_met_breached_pending_at_the_boundaries() {
    let p = program(vec![deadline(0.5)]);
    let leads = [
        // Exactly within: met.
        lead(
            true,
            Some("2026-11-01T09:00:00Z"),
            Some("2026-11-01T10:00:00Z"),
        ),
        // One millisecond late: breached.
        lead(
            true,
            Some("2026-11-01T09:00:00Z"),
            Some("2026-11-01T10:00:00.001Z"),
        ),
        // No contact, time up (now is 12:00): breached.
        lead(true, Some("2026-11-01T10:59:59Z"), None),
        // No contact, exactly at the deadline: still pending.
        lead(true, Some("2026-11-01T11:00:00Z"), None),
        // Not counted: outside the population, or no `from`.
        lead(false, Some("2026-11-01T09:00:00Z"), None),
        lead(true, None, Some("2026-11-01T09:00:00Z")),
    ];
    let r = &run(&p, "2026-11-01T12:00:00Z", &leads)[0];
    assert_eq!((r.met, r.breached, r.pending), (1, 2, 1));
    assert_eq!(r.compliance, Some(1.0 / 3.0));
    assert!(!r.passed);
    assert_eq!(r.kind, SlaKindName::Deadline);
}

#[test]
fn condition_and_target_equality_passes() {
    let p = program(vec![SlaKind::Condition {
        population: pop(),
        require: ex(ExprKind::IsPresent(Box::new(until())), Ty::Bool),
        target: 0.9,
    }]);
    let mut leads = vec![lead(true, None, Some("2026-11-01")); 9];
    leads.push(lead(true, None, None));
    leads.push(lead(false, None, None));
    let r = &run(&p, "2026-11-01", &leads)[0];
    assert_eq!((r.met, r.breached, r.pending), (9, 1, 0));
    assert!(r.passed, "9/10 meets a 90% target");
}

#[test]
fn no_data_is_not_applicable_and_passes() {
    let p = program(vec![deadline(0.95)]);
    let r = &run(&p, "2026-11-01", &[lead(true, Some("2026-11-01"), None)])[0];
    assert_eq!((r.met, r.breached, r.pending), (0, 0, 1));
    assert_eq!(r.compliance, None);
    assert!(r.passed);
}

fn volume(per: Period, at_least: Option<f64>, at_most: Option<f64>) -> SlaKind {
    SlaKind::Volume {
        population: pop(),
        by: from(),
        per,
        at_least,
        at_most,
    }
}

#[test]
fn volume_periods_with_gaps_and_pending_current_period() {
    let p = program(vec![volume(Period::Month, Some(2.0), None)]);
    let leads = [
        lead(true, Some("2026-08-01T00:00:00Z"), None),
        lead(true, Some("2026-08-31T23:59:59.999Z"), None),
        // September: none (a gap, missed). October: one (missed).
        lead(true, Some("2026-10-15"), None),
        // November is the current month: pending however many.
        lead(true, Some("2026-11-02"), None),
        lead(false, Some("2026-09-02"), None),
        lead(true, None, None),
    ];
    let r = &run(&p, "2026-11-25T12:00:00Z", &leads)[0];
    let got: Vec<(&str, u64, PeriodStatus)> = r
        .periods
        .iter()
        .map(|p| (p.period.as_str(), p.count, p.status))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-08", 2, PeriodStatus::Met),
            ("2026-09", 0, PeriodStatus::Missed),
            ("2026-10", 1, PeriodStatus::Missed),
            ("2026-11", 1, PeriodStatus::Pending),
        ]
    );
    assert_eq!((r.met, r.breached, r.pending), (1, 2, 1));
    assert!(!r.passed);
    assert_eq!(r.target, None);
}

#[test]
fn volume_period_ending_exactly_now_is_finished_and_at_most_applies() {
    let p = program(vec![volume(Period::Week, None, Some(1.0))]);
    // 2026-12-28 is the Monday of 2026-W53; now is the next Monday at midnight.
    let leads = [
        lead(true, Some("2026-12-28"), None),
        lead(true, Some("2027-01-03T23:59:59Z"), None),
    ];
    let r = &run(&p, "2027-01-04T00:00:00Z", &leads)[0];
    assert_eq!(r.periods.len(), 1);
    assert_eq!(r.periods[0].period, "2026-W53");
    assert_eq!(
        r.periods[0].status,
        PeriodStatus::Missed,
        "2 is more than at most 1"
    );
    assert!(!r.passed);
}

#[test]
fn quarters_and_future_periods_are_pending() {
    let p = program(vec![volume(Period::Quarter, Some(1.0), None)]);
    let leads = [
        lead(true, Some("2026-03-31T23:59:59Z"), None),
        lead(true, Some("2026-04-01T00:00:00Z"), None),
        lead(true, Some("2027-01-01"), None),
    ];
    let r = &run(&p, "2026-07-01T00:00:00Z", &leads)[0];
    let got: Vec<(&str, PeriodStatus)> = r
        .periods
        .iter()
        .map(|p| (p.period.as_str(), p.status))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-Q1", PeriodStatus::Met),
            ("2026-Q2", PeriodStatus::Met),
            ("2026-Q3", PeriodStatus::Pending),
            ("2026-Q4", PeriodStatus::Pending),
            ("2027-Q1", PeriodStatus::Pending),
        ]
    );
    assert!(r.passed);
}

#[test]
fn merging_partial_results_equals_one_pass() {
    let p = program(vec![deadline(0.5), volume(Period::Day, Some(1.0), None)]);
    let leads: Vec<Vec<Value>> = (0..20)
        .map(|i| {
            let f = format!("2026-11-{:02}T09:00:00Z", 1 + i % 5);
            let u = (i % 3 != 0).then(|| {
                format!(
                    "2026-11-{:02}T{:02}:{:02}:00Z",
                    1 + i % 5,
                    9 + i / 10,
                    (i * 7) % 60
                )
            });
            lead(i % 4 != 0, Some(&f), u.as_deref())
        })
        .collect();
    let now = t("2026-11-10");
    let whole = run(&p, "2026-11-10", &leads);
    let mut parts: Vec<SlaAccumulator> = leads
        .chunks(7)
        .map(|chunk| {
            let mut acc = SlaAccumulator::new(&p, now);
            for l in chunk {
                acc.add_lead(&p, l, &no_values()).unwrap();
            }
            acc
        })
        .collect();
    let mut merged = parts.remove(0);
    for part in parts {
        merged.merge(part);
    }
    assert_eq!(merged.finish(), whole);
    assert!(whole[0].met + whole[0].breached + whole[0].pending > 0);
}

#[test]
fn renders_table_and_json() {
    let p = program(vec![deadline(0.9), volume(Period::Month, Some(1.0), None)]);
    let leads = [
        lead(
            true,
            Some("2026-10-01T09:00:00Z"),
            Some("2026-10-01T09:30:00Z"),
        ),
        lead(true, Some("2026-11-01T09:00:00Z"), None),
    ];
    let results = run(&p, "2026-11-25", &leads);
    let table = render_table(&results);
    assert_eq!(
        table,
        "SLA    owner  met  breached  pending  compliance  target  result\n\
         sla 0  sales    1         1        0       50.0%     90%  FAIL\n\
         sla 1  sales    1         0        1      100.0%       -  PASS\n    \
         2026-10  1  met\n    \
         2026-11  1  pending\n"
    );
    let json: serde_json::Value = serde_json::from_str(&render_json(&results)).unwrap();
    assert_eq!(json[0]["kind"], "deadline");
    assert_eq!(json[0]["compliance"], 0.5);
    assert_eq!(json[0]["target"], 0.9);
    assert_eq!(json[0]["passed"], false);
    assert!(json[0].get("periods").is_none());
    assert_eq!(json[1]["target"], serde_json::Value::Null);
    assert_eq!(json[1]["periods"][1]["period"], "2026-11");
    assert_eq!(json[1]["periods"][1]["status"], "pending");
}

#[test]
fn a_lead_whose_later_sla_fails_counts_for_no_sla() {
    // The second SLA's population reads a timestamp where a bool is expected: an error after
    // the first SLA (a volume, and a deadline) counted the lead.
    let broken = SlaKind::Condition {
        population: from(),
        require: pop(),
        target: 0.5,
    };
    let p = program(vec![
        volume(Period::Month, Some(1.0), None),
        deadline(0.5),
        broken,
    ]);
    let mut acc = SlaAccumulator::new(&p, t("2026-11-01"));
    let l = lead(
        true,
        Some("2026-10-01T10:00:00Z"),
        Some("2026-10-01T10:30:00Z"),
    );
    assert!(acc.add_lead(&p, &l, &no_values()).is_err());
    assert_eq!(acc, SlaAccumulator::new(&p, t("2026-11-01")));
}
