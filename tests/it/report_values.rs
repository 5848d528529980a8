//! `smql report` on `examples/b2b-saas` gives the numbers SPEC §14.3 defines: recomputed here in
//! plain Rust from the raw NDJSON and `smql eval --select` rows, not from the report's code.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::report::{report_json, root};
use crate::support::{smql_in, text};

const PATH: [&str; 5] = ["Lead", "MQL", "SQL", "Opportunity", "Customer"];
/// The dated stages of the example, and their fields.
const DATES: [(&str, &str); 4] = [
    ("Lead", "created_at"),
    ("MQL", "mql_at"),
    ("SQL", "sql_at"),
    ("Customer", "closed_at"),
];

/// Per id: the raw record, and its evaluated stage and fit grade.
fn leads() -> Vec<(Value, Option<String>, String)> {
    let raw = std::fs::read_to_string(root().join("examples/b2b-saas/leads.ndjson")).expect("data");
    let raw: BTreeMap<String, Value> = raw
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .map(|v| (v["id"].as_str().unwrap_or_default().to_string(), v))
        .collect();
    let out = smql_in(
        root(),
        &[
            "eval",
            "examples/b2b-saas",
            "examples/b2b-saas/leads.ndjson",
            "--as-of",
            "2026-11-01",
            "-q",
            "--format",
            "ndjson",
            "--select",
            "id,stage,fit_grade",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .map(|row| {
            let id = row["id"].as_str().unwrap_or_default();
            let lead = raw.get(id).cloned().expect("every row is a record");
            let stage = row["stage"].as_str().map(str::to_string);
            (
                lead,
                stage,
                row["fit_grade"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Records at this path stage or past it.
fn reached(stage: &Option<String>, k: usize) -> bool {
    stage
        .as_deref()
        .and_then(|s| PATH.iter().position(|p| *p == s))
        .is_some_and(|i| i >= k)
}

fn ms(lead: &Value, field: &str) -> Option<i64> {
    lead[field].as_str().and_then(smql::time::parse_timestamp)
}

/// NumPy's default percentile (linear between closest ranks) of unsorted values.
fn numpy(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let (a, b) = (v[lo], v[(lo + 1).min(v.len() - 1)]);
    a + (b - a) * (h - lo as f64)
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64()
        .is_some_and(|a| (a - b).abs() <= 1e-9 * b.abs().max(1.0))
}

#[test]
fn funnel_breakdown_and_outcome_by_grade_match_a_recount() {
    let leads = leads();
    let r = report_json(&["--by", "source", "--outcome", "Customer"]);
    assert_eq!(r["records"], leads.len() as u64);
    for (k, stage) in PATH.iter().enumerate() {
        let n = leads.iter().filter(|(_, s, _)| reached(s, k)).count();
        let at = leads
            .iter()
            .filter(|(_, s, _)| s.as_deref() == Some(stage))
            .count();
        assert_eq!(r["funnel"][k]["stage"], *stage);
        assert_eq!(r["funnel"][k]["reached"], n as u64, "{stage}");
        assert_eq!(r["funnel"][k]["at"], at as u64, "{stage}");
        if k > 0 {
            let before = leads.iter().filter(|(_, s, _)| reached(s, k - 1)).count();
            assert!(close(
                &r["funnel"][k]["conversion"],
                n as f64 / before as f64
            ));
        }
    }
    let detour = |d: &str| {
        leads
            .iter()
            .filter(|(_, s, _)| s.as_deref() == Some(d))
            .count()
    };
    assert_eq!(r["detours"][0]["at"], detour("Disqualified") as u64);
    assert_eq!(r["detours"][1]["at"], detour("Recycled") as u64);
    let none = leads.iter().filter(|(_, s, _)| s.is_none()).count();
    assert_eq!(r["no_stage"], none as u64);

    // The breakdown: the funnel of each source.
    let mut by: BTreeMap<String, Vec<&Option<String>>> = BTreeMap::new();
    for (lead, stage, _) in &leads {
        let source = lead["source"].as_str().unwrap_or_default().to_string();
        by.entry(source).or_default().push(stage);
    }
    let groups = r["by"]["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), by.len());
    for g in groups {
        let stages = &by[g["value"].as_str().unwrap_or_default()];
        assert_eq!(g["records"], stages.len() as u64);
        for (k, _) in PATH.iter().enumerate() {
            let n = stages.iter().filter(|s| reached(s, k)).count();
            assert_eq!(g["funnel"][k]["reached"], n as u64);
        }
    }

    // The outcome (reached Customer) per fit grade, and its lift over the overall rate.
    let hit = |s: &Option<String>| reached(s, 4);
    let overall = leads.iter().filter(|(_, s, _)| hit(s)).count() as f64 / leads.len() as f64;
    assert!(close(&r["outcome"]["rate"], overall));
    for g in r["outcome"]["by_grade"]["fit_grade"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let label = g["label"].as_str().unwrap_or_default();
        let of: Vec<_> = leads
            .iter()
            .filter(|(_, _, grade)| grade == label)
            .collect();
        let hits = of.iter().filter(|(_, s, _)| hit(s)).count() as f64;
        assert_eq!(g["records"], of.len() as u64, "{label}");
        let rate = hits / of.len() as f64;
        assert!(close(&g["rate"], rate), "{label}: {} vs {rate}", g["rate"]);
        assert!(close(&g["lift"], rate / overall), "{label}");
    }
}

#[test]
fn velocity_and_flow_match_a_recount_of_the_dates() {
    let leads = leads();
    let r = report_json(&["--period", "month"]);
    for (i, pair) in DATES.windows(2).enumerate() {
        let ((from, a), (to, b)) = (pair[0], pair[1]);
        let days: Vec<f64> = leads
            .iter()
            .filter_map(|(lead, _, _)| Some((ms(lead, b)? - ms(lead, a)?) as f64 / 86_400_000.0))
            .collect();
        let v = &r["velocity"][i];
        assert_eq!(
            (v["from"].as_str(), v["to"].as_str()),
            (Some(from), Some(to))
        );
        assert_eq!(v["records"], days.len() as u64);
        assert!(close(&v["p50_days"], numpy(&days, 0.5)), "{from}→{to} p50");
        assert!(close(&v["p90_days"], numpy(&days, 0.9)), "{from}→{to} p90");
    }
    // Lead flow: records entering each stage per calendar month, December 2025 to November
    // 2026 (the month of `--as-of`), dates after `now` not counted.
    let now = smql::time::parse_timestamp("2026-11-01").expect("now");
    let months: Vec<String> = (0..12)
        .map(|i| {
            let m = 12 + i; // months since January 2025
            format!("{}-{:02}", 2025 + (m - 1) / 12, (m - 1) % 12 + 1)
        })
        .collect();
    let flow = r["flow"].as_array().expect("flow");
    assert_eq!(flow.len(), 12);
    for (row, month) in flow.iter().zip(&months) {
        assert_eq!(row["period"], month.as_str());
        for (stage, field) in DATES {
            let n = leads
                .iter()
                .filter_map(|(lead, _, _)| Some((lead[field].as_str()?, ms(lead, field)?)))
                .filter(|(text, t)| *t <= now && text.starts_with(month.as_str()))
                .count();
            assert_eq!(row["entered"][stage], n as u64, "{month} {stage}");
        }
    }
}
