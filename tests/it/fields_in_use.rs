//! Validation covers the fields in use: a bad value in a field that no rule reads and the
//! command does not write is not decoded, so the record is accepted (both engines, both text
//! formats); `--validate-all` rejects it with the message every field got before; a field the
//! command writes (`--select`) is checked again.

use std::path::PathBuf;

use crate::support::{smql_in, text};

const RULES: &str = r#"
schema {
  id:      string key
  visits:  int
  created: timestamp
  notes:   int?
}

score engagement {
  +10 when visits >= 3
}
"#;

/// `created` is no timestamp and `notes` no int; no rule reads either.
const NDJSON: &str =
    "{\"id\":\"a\",\"visits\":3,\"created\":\"last tuesday\",\"notes\":\"call back\"}\n\
{\"id\":\"b\",\"visits\":1,\"created\":\"2026-11-01\"}\n";

const CSV: &str = "id,visits,created,notes\n\
a,3,last tuesday,call back\n\
b,1,2026-11-01,\n";

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("smql-fields-in-use-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        std::fs::write(dir.join("rules.smql"), RULES).expect("rules");
        std::fs::write(dir.join("leads.ndjson"), NDJSON).expect("data");
        std::fs::write(dir.join("leads.csv"), CSV).expect("data");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_bad_value_in_an_unused_field_does_not_reject_the_record() {
    let s = Scratch::new("unused");
    for data in ["leads.ndjson", "leads.csv"] {
        for engine in ["jit", "interp"] {
            let out = smql_in(
                &s.0,
                &[
                    "eval",
                    "rules.smql",
                    data,
                    "--engine",
                    engine,
                    "--as-of",
                    "2026-11-02",
                ],
            );
            assert!(
                out.status.success(),
                "{data} {engine}: {}",
                text(&out.stderr)
            );
            assert_eq!(
                text(&out.stdout),
                "id,engagement\na,10\nb,0\n",
                "{data} {engine}"
            );
            assert!(
                !text(&out.stderr).contains("note:"),
                "no fallback: {}",
                text(&out.stderr)
            );
        }
    }
}

#[test]
fn validate_all_rejects_it_as_before() {
    let s = Scratch::new("all");
    for (data, line, found) in [
        ("leads.ndjson", 1, "`\"last tuesday\"`"),
        ("leads.csv", 2, "`last tuesday`"),
    ] {
        let out = smql_in(&s.0, &["eval", "rules.smql", data, "--validate-all"]);
        assert_eq!(out.status.code(), Some(2), "{data}");
        let err = text(&out.stderr);
        let want = format!(
            "error: {data}: record 1 (line {line}): field `created`: expected timestamp, found {found}"
        );
        assert!(err.contains(&want), "{err}");
    }
}

#[test]
fn a_field_the_command_writes_is_checked() {
    let s = Scratch::new("writes");
    let out = smql_in(
        &s.0,
        &[
            "eval",
            "rules.smql",
            "leads.ndjson",
            "--select",
            "id,created",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("field `created`: expected timestamp"),
        "{}",
        text(&out.stderr)
    );
    // Skipped records are counted as ever: one rejected, one written.
    let out = smql_in(
        &s.0,
        &[
            "eval",
            "rules.smql",
            "leads.csv",
            "--select",
            "id,notes",
            "--on-error",
            "skip",
            "--max-rejects",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "id,notes\nb,\n");
    assert!(text(&out.stderr).contains("1 of 2 records rejected"));
}

#[test]
fn report_reads_what_it_uses_and_explain_every_field() {
    let s = Scratch::new("commands");
    let out = smql_in(&s.0, &["report", "rules.smql", "leads.ndjson", "-q"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = smql_in(
        &s.0,
        &[
            "report",
            "rules.smql",
            "leads.ndjson",
            "-q",
            "--validate-all",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    // `explain` shows the whole lead, so it checks every field.
    let out = smql_in(
        &s.0,
        &["explain", "rules.smql", "leads.ndjson", "--lead", "b"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
}
