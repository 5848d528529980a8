//! `smql report` through the binary on `examples/b2b-saas`: the JSON document (golden), the
//! three text formats agreeing, usage errors for the options, and the page's structure.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{smql_in, text};

pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smql-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The options every run here shares: the example, a fixed `now`, one thread (the result must
/// not depend on it, and another test checks that).
const BASE: &[&str] = &[
    "report",
    "examples/b2b-saas",
    "examples/b2b-saas/leads.ndjson",
    "--as-of",
    "2026-11-01",
    "-q",
];

/// Stdout of a successful `smql report` with `extra` options.
pub(crate) fn report(extra: &[&str]) -> String {
    let mut args = BASE.to_vec();
    args.extend_from_slice(extra);
    let out = smql_in(root(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

pub(crate) fn report_json(extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&report(&args)).expect("the report is JSON")
}

#[test]
fn json_of_the_example() {
    insta::assert_snapshot!(
        "b2b_saas_json",
        report(&[
            "--format",
            "json",
            "--by",
            "source",
            "--outcome",
            "Customer"
        ])
    );
}

#[test]
fn json_has_the_shape_of_the_spec() {
    let r = report_json(&[
        "--by",
        "size_band",
        "--outcome",
        "SQL",
        "--period",
        "quarter",
    ]);
    for key in [
        "records", "funnel", "detours", "no_stage", "by", "scores", "grades", "outcome",
        "velocity", "flow", "slas",
    ] {
        assert!(r.get(key).is_some(), "no `{key}`");
    }
    assert_eq!(r["records"], 1000);
    assert_eq!(r["funnel"][0]["conversion"], Value::Null);
    assert_eq!(r["by"]["name"], "size_band");
    let engagement = &r["scores"]["engagement"];
    assert_eq!(engagement["histogram"].as_array().map(Vec::len), Some(10));
    let binned: u64 = engagement["histogram"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["count"].as_u64())
        .sum();
    assert_eq!(Some(binned), engagement["count"].as_u64());
    assert!(r["grades"]["fit_grade"][0]["label"].is_string());
    let deciles = r["outcome"]["by_decile"]["engagement"]
        .as_array()
        .expect("deciles");
    assert_eq!(deciles.last().and_then(|d| d["decile"].as_u64()), Some(10));
    let records: u64 = deciles.iter().filter_map(|d| d["records"].as_u64()).sum();
    assert_eq!(records, 1000);
    assert_eq!(r["flow"].as_array().map(Vec::len), Some(12));
    assert_eq!(r["flow"][11]["period"], "2026-Q4");
    assert!(r["flow"][0]["entered"]["Lead"].is_u64());
    assert_eq!(r["velocity"][0]["from"], "Lead");
    assert!(r["slas"].as_array().is_some_and(|s| !s.is_empty()));
    // Without the options, their sections are null.
    let plain = report_json(&[]);
    assert_eq!(
        (&plain["by"], &plain["outcome"]),
        (&Value::Null, &Value::Null)
    );
}

#[test]
fn the_counts_do_not_depend_on_the_threads() {
    let one = report(&["--format", "json", "--by", "source", "--threads", "1"]);
    let many = report(&["--format", "json", "--by", "source", "--threads", "4"]);
    assert_eq!(one, many);
}

#[test]
fn human_and_markdown_show_every_section() {
    let human = report(&["--by", "source", "--outcome", "Customer"]);
    insta::assert_snapshot!("b2b_saas_human", human);
    for heading in [
        "funnel\n",
        "funnel by source",
        "score engagement: count 1000",
        "grade fit_grade",
        "outcome Customer:",
        "by decile of engagement",
        "velocity (days between stages)",
        "lead flow (records entering each stage per month)",
        "SLAs",
    ] {
        assert!(human.contains(heading), "no `{heading}` in\n{human}");
    }
    assert!(human.contains('█'), "bars are drawn");
    let md = report(&[
        "--format",
        "markdown",
        "--by",
        "source",
        "--outcome",
        "Customer",
    ]);
    insta::assert_snapshot!("b2b_saas_markdown", md);
    for heading in [
        "### Funnel",
        "### Funnel by `source`",
        "### Scores",
        "### Grades",
        "### Outcome `Customer`",
        "### Velocity",
        "### Lead flow",
        "### SLAs",
    ] {
        assert!(md.contains(heading), "no `{heading}` in\n{md}");
    }
    assert!(md.contains("|---|---:|"));
}

#[test]
fn options_that_name_nothing_are_usage_errors_with_a_suggestion() {
    let run = |extra: &[&str]| {
        let mut args = BASE.to_vec();
        args.extend_from_slice(extra);
        smql_in(root(), &args)
    };
    let out = run(&["--by", "sorce"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("`--by sorce`"), "{err}");
    assert!(err.contains("did you mean `source`?"), "{err}");
    let err = text(&run(&["--by", "engagement"]).stderr);
    assert!(err.contains("is a score"), "{err}");
    let err = text(&run(&["--by", "visits"]).stderr);
    assert!(err.contains("cannot be grouped"), "{err}");
    let err = text(&run(&["--by", "id"]).stderr);
    assert!(err.contains("is the key"), "{err}");
    let out = run(&["--outcome", "Custmer"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean `Customer`?"));
    let err = text(&run(&["--outcome", "fit"]).stderr);
    assert!(err.contains("not a boolean definition or a stage"), "{err}");
    // A definition that holds or not is an outcome too.
    let r = report_json(&["--outcome", "post_launch"]);
    assert_eq!(r["outcome"]["name"], "post_launch");
}

#[test]
fn the_breakdown_shows_twenty_values_and_the_rest() {
    // `greeting` has a value per person: the 20 largest, then `(other)` with the rest.
    let r = report_json(&["--by", "greeting"]);
    let groups = r["by"]["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 21);
    assert_eq!(groups[20]["value"], "(other)");
    let total: u64 = groups.iter().filter_map(|g| g["records"].as_u64()).sum();
    assert_eq!(total, 1000);
    let counts: Vec<u64> = groups[..20]
        .iter()
        .filter_map(|g| g["records"].as_u64())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
}

/// The page's charts and tables, read as text (the chromium test renders it).
#[test]
fn the_page_has_a_chart_and_a_table_per_section_and_nothing_external() {
    let dir = scratch("page");
    let page = dir.join("report.html");
    let path = page.display().to_string();
    let json = report(&[
        "--by",
        "source",
        "--outcome",
        "Customer",
        "--html",
        &path,
        "--format",
        "json",
    ]);
    assert!(json.starts_with('{'), "stdout keeps the report: {json}");
    let html = std::fs::read_to_string(&page).expect("the page is written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ));
    for external in [
        "<script", "src=", "http:", "https:", "@import", "url(", "<link", "<img",
    ] {
        assert!(!html.contains(external), "`{external}` in the page");
    }
    for title in [
        "Funnel",
        "Conversion by source",
        "Histogram of engagement",
        "Customer rate by decile of engagement",
        "Customer rate by fit_grade",
        "Lead flow",
        "SLA compliance against target",
    ] {
        assert!(
            html.contains(&format!("-title\">{title}</title>")),
            "no chart titled `{title}`"
        );
    }
    let charts = html.matches("<svg class=\"chart\"").count();
    let tables = html.matches("<table>").count();
    let descriptions = html.matches("<figcaption class=\"description\">").count();
    assert_eq!(charts, descriptions);
    assert!(tables >= charts, "{tables} tables for {charts} charts");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_page_escapes_user_strings() {
    let dir = scratch("escape");
    let rules = dir.join("rules.smql");
    std::fs::write(
        &rules,
        r#"schema {
  id: string key
  source: string
  visits: int
}
stages Lead -> MQL
MQL when visits > 2
score heat { +1 when visits > 0 }
"#,
    )
    .expect("rules");
    let data = dir.join("leads.ndjson");
    std::fs::write(
        &data,
        "{\"id\":\"1\",\"source\":\"<script>alert(1)</script>\",\"visits\":3}\n{\"id\":\"2\",\"source\":\"a & b\",\"visits\":0}\n",
    )
    .expect("data");
    let page = dir.join("page.html");
    let args: Vec<String> = [
        "report",
        &rules.display().to_string(),
        &data.display().to_string(),
        "--by",
        "source",
        "--html",
        &page.display().to_string(),
        "-q",
    ]
    .map(String::from)
    .to_vec();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = smql_in(root(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(!html.contains("<script"), "unescaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("a &amp; b"));
    let _ = std::fs::remove_dir_all(dir);
}
