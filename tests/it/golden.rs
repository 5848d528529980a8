//! Golden outputs of `eval` (every format), `explain`, `test` and `sla` on the project's own
//! example rule set, through the real binary. `--as-of` fixes `now`, so the outputs are stable.

use std::path::{Path, PathBuf};

use crate::support::smql_in;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rules() -> String {
    root()
        .join("examples/b2b-saas")
        .to_string_lossy()
        .into_owned()
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/golden")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Stdout of a successful run (paths made relative so snapshots do not depend on the checkout).
fn stdout_ok(args: &[&str]) -> String {
    let out = smql_in(&root(), args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "smql {args:?} failed: {stderr}");
    let root = format!("{}/", root().display());
    String::from_utf8_lossy(&out.stdout).replace(&root, "")
}

const AS_OF: &str = "2026-11-01";

#[test]
fn eval_csv() {
    let leads = fixture("leads.ndjson");
    insta::assert_snapshot!(stdout_ok(&[
        "eval",
        &rules(),
        &leads,
        "--as-of",
        AS_OF,
        "--engine",
        "interp"
    ]));
}

#[test]
fn eval_ndjson_with_explain() {
    let leads = fixture("leads.ndjson");
    insta::assert_snapshot!(stdout_ok(&[
        "eval",
        &rules(),
        &leads,
        "--as-of",
        AS_OF,
        "--engine",
        "interp",
        "--format",
        "ndjson",
        "--explain"
    ]));
}

#[test]
fn eval_csv_with_explain() {
    let leads = fixture("leads.ndjson");
    insta::assert_snapshot!(stdout_ok(&[
        "eval",
        &rules(),
        &leads,
        "--as-of",
        AS_OF,
        "--engine",
        "interp",
        "--explain",
        "--select",
        "id,engagement"
    ]));
}

#[test]
fn eval_json_with_select() {
    let leads = fixture("leads.ndjson");
    insta::assert_snapshot!(stdout_ok(&[
        "eval",
        &rules(),
        &leads,
        "--as-of",
        AS_OF,
        "--engine",
        "interp",
        "--format",
        "json",
        "--select",
        "id,MQL,stage,fit_grade,company_size,downloaded,last_activity_at"
    ]));
}

#[test]
fn eval_is_the_same_from_csv_and_ndjson_for_fields_csv_can_carry() {
    // CSV has no event stream, so compare only what does not depend on it.
    let select = ["--select", "id,fit,fit_grade,company_size,downloaded"];
    let from_json = stdout_ok(
        &[
            &["eval", &rules(), &fixture("leads.ndjson"), "--as-of", AS_OF][..],
            &select,
        ]
        .concat(),
    );
    let out = smql_in(
        &root(),
        &[
            &["eval", &rules(), &fixture("leads.csv"), "--as-of", AS_OF][..],
            &select,
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), from_json);
}

#[test]
fn explain_one_lead() {
    let leads = fixture("leads.ndjson");
    let first_id = first_id(&leads);
    insta::assert_snapshot!(stdout_ok(&[
        "explain",
        &rules(),
        &leads,
        "--as-of",
        AS_OF,
        "--lead",
        &first_id
    ]));
}

#[test]
fn explain_json() {
    let leads = fixture("leads.ndjson");
    let first_id = first_id(&leads);
    let text = stdout_ok(&[
        "explain",
        &rules(),
        &leads,
        "--as-of",
        AS_OF,
        "--lead",
        &first_id,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).expect("one JSON object");
    assert_eq!(v["lead"], first_id.as_str());
    assert!(v["scores"]["engagement"]["why"].is_array());
    insta::assert_snapshot!(text);
}

#[test]
fn test_output() {
    insta::assert_snapshot!(stdout_ok(&["test", &rules()]));
}

#[test]
fn sla_table_and_json() {
    let leads = root()
        .join("examples/b2b-saas/leads.ndjson")
        .to_string_lossy()
        .into_owned();
    insta::assert_snapshot!(
        "sla_table",
        stdout_ok(&["sla", &rules(), &leads, "--as-of", AS_OF])
    );
    let json = stdout_ok(&[
        "sla",
        &rules(),
        &leads,
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("a JSON array");
    for sla in v.as_array().expect("array") {
        for key in [
            "name",
            "owner",
            "kind",
            "met",
            "breached",
            "pending",
            "compliance",
            "target",
            "passed",
        ] {
            assert!(sla.get(key).is_some(), "{key} missing in {sla}");
        }
        if sla["kind"] == "volume" {
            assert!(sla["periods"].is_array());
        }
    }
    insta::assert_snapshot!("sla_json", json);
}

fn first_id(leads: &str) -> String {
    let text = std::fs::read_to_string(Path::new(leads)).expect("fixture");
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("a line")).expect("json");
    first["id"].as_str().expect("id").to_string()
}
