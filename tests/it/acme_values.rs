//! `smql eval` and `smql sla` on `../shared/examples/acme` give the values the spec defines:
//! recomputed here independently, in plain Rust, from the raw NDJSON (skipped when `../shared`
//! is not beside the checkout).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::support::{smql, text};

fn acme() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/examples/acme");
    dir.is_dir().then_some(dir)
}

/// Stdout of a successful run.
fn stdout_ok(args: &[&str]) -> String {
    let out = smql(args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn leads(dir: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("leads.ndjson")).expect("leads");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

fn has(lead: &Value, list: &str, item: &str) -> bool {
    lead[list]
        .as_array()
        .is_some_and(|a| a.iter().any(|v| v == item))
}

fn ms(lead: &Value, field: &str) -> Option<i64> {
    lead[field].as_str().and_then(smql::time::parse_timestamp)
}

#[test]
fn definitions_and_fit_match_an_independent_computation() {
    let Some(dir) = acme() else { return };
    let rules = dir.to_string_lossy().into_owned();
    let data = dir.join("leads.ndjson").to_string_lossy().into_owned();
    let out = stdout_ok(&[
        "eval",
        &rules,
        &data,
        "--as-of",
        "2026-11-01",
        "--format",
        "ndjson",
        "--select",
        "id,MQL,Disqualified,fit,fit_grade",
    ]);
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let leads = leads(&dir);
    assert_eq!(rows.len(), leads.len());
    for (row, lead) in rows.iter().zip(&leads) {
        assert_eq!(row["id"], lead["id"]);
        let visits = lead["visits"].as_i64().unwrap_or(0);
        let mql = visits >= 3 && has(lead, "downloaded", "pricing");
        assert_eq!(row["MQL"], mql, "MQL of {}", lead["id"]);

        let email = lead["email"].as_str().unwrap_or("");
        let domain = email.rsplit('@').next().unwrap_or("").to_lowercase();
        let unsubscribed = lead["unsubscribed"].as_bool().unwrap_or(false);
        assert_eq!(
            row["Disqualified"],
            unsubscribed || domain == "globex.io",
            "Disqualified of {}",
            lead["id"]
        );

        let size = lead["company_size"].as_i64();
        let title = lead["title"].as_str().map(str::to_lowercase);
        let senior = ["ceo", "cto", "vp", "head of", "director"];
        let mut fit = 0.0;
        if size.unwrap_or(0) >= 200 {
            fit += 20.0;
        }
        if size.is_some_and(|s| (50..200).contains(&s)) {
            fit += 10.0;
        }
        if title.is_some_and(|t| senior.iter().any(|s| t.contains(s))) {
            fit += 15.0;
        }
        if ["US", "GB", "DE", "CA"].contains(&lead["country"].as_str().unwrap_or("")) {
            fit += 5.0;
        }
        if ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"].contains(&domain.as_str()) {
            fit -= 10.0;
        }
        assert_eq!(row["fit"].as_f64(), Some(fit), "fit of {}", lead["id"]);
        let grade = if fit >= 35.0 {
            "A"
        } else if fit >= 20.0 {
            "B"
        } else if fit >= 5.0 {
            "C"
        } else {
            "D"
        };
        assert_eq!(row["fit_grade"], grade, "fit_grade of {}", lead["id"]);
    }
}

#[test]
fn sla_counts_match_an_independent_computation() {
    let Some(dir) = acme() else { return };
    let rules = dir.to_string_lossy().into_owned();
    let data = dir.join("leads.ndjson").to_string_lossy().into_owned();
    let as_of = smql::time::parse_date("2026-11-01").expect("date");
    // The populations come from eval (SQL depends on decayed scores); the SLA logic is redone here.
    let out = stdout_ok(&[
        "eval",
        &rules,
        &data,
        "--as-of",
        "2026-11-01",
        "--format",
        "ndjson",
        "--select",
        "id,MQL,SQL",
    ]);
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let leads = leads(&dir);

    let (mut met, mut breached, mut pending) = (0u64, 0u64, 0u64);
    let (mut worked, mut not_worked) = (0u64, 0u64);
    let mut per_month: BTreeMap<String, u64> = BTreeMap::new();
    for (row, lead) in rows.iter().zip(&leads) {
        if row["SQL"] == true {
            if let Some(from) = ms(lead, "sql_at") {
                match ms(lead, "first_contact_at") {
                    Some(until) if until - from <= 3_600_000 => met += 1,
                    Some(_) => breached += 1,
                    None if as_of - from > 3_600_000 => breached += 1,
                    None => pending += 1,
                }
            }
        }
        if row["MQL"] == true {
            if lead["first_contact_at"].is_string() {
                worked += 1;
            } else {
                not_worked += 1;
            }
        }
        if let Some(at) = lead["mql_at"].as_str() {
            *per_month.entry(at[..7].to_string()).or_insert(0) += 1;
        }
    }
    let report: Value = serde_json::from_str(&stdout_ok(&[
        "sla",
        &rules,
        &data,
        "--as-of",
        "2026-11-01",
        "--format",
        "json",
    ]))
    .expect("json");
    let deadline = &report[0];
    assert_eq!(
        (
            deadline["met"].as_u64(),
            deadline["breached"].as_u64(),
            deadline["pending"].as_u64()
        ),
        (Some(met), Some(breached), Some(pending))
    );
    let condition = &report[1];
    assert_eq!(
        (condition["met"].as_u64(), condition["breached"].as_u64()),
        (Some(worked), Some(not_worked))
    );
    let volume = &report[2];
    let periods: BTreeMap<String, u64> = volume["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .filter(|p| p["count"].as_u64() != Some(0))
        .map(|p| {
            (
                p["period"].as_str().unwrap_or("").to_string(),
                p["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(periods, per_month);
    for p in volume["periods"].as_array().expect("periods") {
        let count = p["count"].as_u64().unwrap_or(0);
        assert_eq!(
            p["status"],
            if count >= 25 { "met" } else { "missed" },
            "{p}"
        );
    }
}
