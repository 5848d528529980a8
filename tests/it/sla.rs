//! SLAs from source text: rules checked by the real checker, leads evaluated by the interpreter,
//! accumulated in batches, merged and rendered.

use smql::eval::eval_lead;
use smql::report::sla::{render_json, render_table, PeriodStatus, SlaAccumulator, SlaResult};
use smql::time::parse_timestamp;
use smql::value::Value;
use smql::RuleSet;

const RULES: &str = r#"
schema {
  id:               string key
  visits:           int
  mql_at:           timestamp?
  sql_at:           timestamp?
  first_contact_at: timestamp?
}

MQL when visits >= 3
SQL when MQL and sql_at is present

sla "Sales contacts every new SQL within 1 hour" {
  owner  sales
  for    SQL
  from   sql_at
  until  first_contact_at
  within 1h
  target 75%
}

sla "Sales works MQLs" {
  owner   sales
  for     MQL
  require first_contact_at is present
  target  50%
}

sla "Marketing delivers 2 MQLs a week" {
  owner    marketing
  count    MQL
  by       mql_at
  per      week
  at least 2
}
"#;

fn ts(s: &str) -> Value {
    parse_timestamp(s).map_or(Value::Missing, Value::Timestamp)
}

fn lead(id: &str, visits: i64, mql: &str, sql: &str, contact: &str) -> Vec<Value> {
    vec![
        Value::str(id),
        Value::Int(visits),
        ts(mql),
        ts(sql),
        ts(contact),
    ]
}

fn compute(batch_size: usize) -> Vec<SlaResult> {
    let rules = match RuleSet::compile_str("sla.smql", RULES) {
        Ok(r) => r,
        Err(e) => panic!("rules do not check: {:?}", e.diagnostics),
    };
    let p = &rules.program;
    let now = parse_timestamp("2026-11-18T12:00:00Z").unwrap_or_default();
    let leads = [
        // Week 2026-W45 (Nov 2–8): two MQLs.
        lead(
            "a",
            5,
            "2026-11-02",
            "2026-11-03T09:00:00Z",
            "2026-11-03T09:30:00Z",
        ),
        lead(
            "b",
            4,
            "2026-11-08T23:59:59Z",
            "2026-11-09T09:00:00Z",
            "2026-11-09T10:00:00Z",
        ),
        // Week 2026-W46: one MQL, contacted late.
        lead(
            "c",
            3,
            "2026-11-10",
            "2026-11-10T09:00:00Z",
            "2026-11-10T10:00:01Z",
        ),
        // Week 2026-W47 (current): an SQL not contacted yet, within the hour.
        lead("d", 9, "2026-11-17", "2026-11-18T11:30:00Z", ""),
        // Not an MQL: counted nowhere.
        lead("e", 1, "2026-11-03", "", ""),
    ];
    let mut parts = Vec::new();
    for batch in leads.chunks(batch_size) {
        let mut acc = SlaAccumulator::new(p, now);
        for l in batch {
            let values = eval_lead(p, l, now, None).unwrap_or_else(|e| panic!("{e}"));
            acc.add_lead(p, l, &values)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        parts.push(acc);
    }
    let mut all = parts.remove(0);
    for part in parts {
        all.merge(part);
    }
    all.finish()
}

#[test]
fn every_kind_from_source() {
    let r = compute(5);
    assert_eq!(r.len(), 3);

    let deadline = &r[0];
    assert_eq!(deadline.owner, "sales");
    assert_eq!(
        (deadline.met, deadline.breached, deadline.pending),
        (2, 1, 1),
        "a and b (exactly 1h) met, c late, d pending"
    );
    assert!(!deadline.passed, "2/3 is below 75%");

    let condition = &r[1];
    assert_eq!((condition.met, condition.breached), (3, 1));
    assert!(condition.passed);

    let volume = &r[2];
    let periods: Vec<(&str, u64, PeriodStatus)> = volume
        .periods
        .iter()
        .map(|p| (p.period.as_str(), p.count, p.status))
        .collect();
    assert_eq!(
        periods,
        [
            ("2026-W45", 2, PeriodStatus::Met),
            ("2026-W46", 1, PeriodStatus::Missed),
            ("2026-W47", 1, PeriodStatus::Pending),
        ]
    );
    assert!(!volume.passed);
}

#[test]
fn batches_merge_to_the_same_result() {
    let whole = compute(5);
    assert_eq!(compute(1), whole);
    assert_eq!(compute(2), whole);
}

#[test]
fn renders_for_people_and_tools() {
    let r = compute(3);
    let table = render_table(&r);
    assert!(
        table.starts_with("SLA                                         owner      met  breached  pending  compliance  target  result\n"),
        "{table}"
    );
    assert!(table.contains("Sales works MQLs"), "{table}");
    assert!(table.contains("    2026-W46  1  missed\n"), "{table}");
    let json: serde_json::Value = serde_json::from_str(&render_json(&r)).unwrap_or_default();
    assert_eq!(json[2]["kind"], "volume");
    assert_eq!(json[2]["periods"][0]["period"], "2026-W45");
    assert_eq!(json[1]["compliance"], 0.75);
}
