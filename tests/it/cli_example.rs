//! The project's own example (`examples/b2b-saas`) through the real binary, and the consistency
//! of its committed data.

use std::path::{Path, PathBuf};

use crate::support::{smql, text};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/b2b-saas")
}

/// The columns the schema reads, under their CRM names (`from "…"`); `events` only in JSON.
const COLUMNS: [&str; 25] = [
    "id",
    "email",
    "First Name",
    "source",
    "country",
    "industry",
    "title",
    "company_size",
    "Annual Revenue",
    "Phone Number",
    "Plan Interest",
    "visits",
    "form_fills",
    "email_opens",
    "downloaded",
    "pages",
    "Tech Stack",
    "unsubscribed",
    "deal_value",
    "created_at",
    "last_activity_at",
    "mql_at",
    "sql_at",
    "first_contact_at",
    "closed_at",
];

#[test]
fn the_example_checks_clean_even_with_warnings_denied() {
    let dir = example();
    let out = smql(&["check", "--deny-warnings", &dir.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("ok: 5 files checked"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn committed_data_has_the_schema_columns_and_the_same_leads_in_both_formats() {
    let dir = example();
    let mut csv = csv::Reader::from_path(dir.join("leads.csv")).expect("leads.csv");
    let header: Vec<String> = csv
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, COLUMNS);
    let csv_ids: Vec<String> = csv
        .records()
        .map(|r| r.expect("a CSV record")[0].to_string())
        .collect();

    let ndjson = std::fs::read_to_string(dir.join("leads.ndjson")).expect("leads.ndjson");
    let mut json_ids = Vec::new();
    for line in ndjson.lines() {
        let lead: serde_json::Value = serde_json::from_str(line).expect("one JSON object per line");
        for column in COLUMNS.iter().chain(&["events"]) {
            assert!(lead.get(column).is_some(), "{column} missing in {line}");
        }
        json_ids.push(lead["id"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(csv_ids.len(), 1000);
    assert_eq!(csv_ids, json_ids, "lead N is the same lead in both files");
}

#[test]
fn the_example_tests_pass() {
    let out = smql(&["test", &example().to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout)
            .trim_end()
            .ends_with("16 passed, 0 failed"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn eval_writes_one_row_per_lead_in_every_format() {
    let dir = example();
    let rules = dir.to_string_lossy().into_owned();
    let data = dir.join("leads.ndjson").to_string_lossy().into_owned();
    let as_of = ["--as-of", "2026-11-01"];

    let out = smql(&[&["eval", &rules, &data][..], &as_of].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,stage,engagement,fit,fit_grade,temperature"),
        "key, stage, scores, grades in declaration order"
    );
    assert_eq!(lines.count(), 1000);

    let out = smql(
        &[
            &["eval", &rules, &data, "--format", "ndjson", "--explain"][..],
            &as_of,
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rows: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(rows.len(), 1000);
    assert!(rows.iter().all(|r| r["why"]["engagement"].is_array()));

    let out = smql(
        &[
            &[
                "eval",
                &rules,
                &data,
                "--format",
                "json",
                "--select",
                "id,MQL,owner_queue",
            ][..],
            &as_of,
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let all: serde_json::Value = serde_json::from_str(&text(&out.stdout)).expect("one array");
    assert_eq!(all.as_array().map(Vec::len), Some(1000));
    assert!(all[0]["MQL"].is_boolean());

    // The same leads from CSV: the event stream is absent, which stderr says once.
    let csv_data = dir.join("leads.csv").to_string_lossy().into_owned();
    let out = smql(&[&["eval", &rules, &csv_data, "--select", "id"][..], &as_of].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("events"),
        "{}",
        text(&out.stderr)
    );
}
