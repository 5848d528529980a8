//! `smql eval` through the real binary: exit codes, bad records under `--on-error fail|skip`,
//! atomic `-o`, per-lead evaluation errors, stdin and gzip input.

use std::io::Write;
use std::path::PathBuf;

use crate::support::{smql_in, smql_in_with_stdin, text};

const RULES: &str = r#"
schema {
  id:     string key
  visits: int
  size:   int?   from "Company Size"
  tags:   list of string
}

big = visits * 1000000000000000
score engagement {
  +10 when visits >= 3
  +5  when tags "pricing"
}
"#;

/// A scratch directory with the rules and the given data files, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, files: &[(&str, &[u8])]) -> Scratch {
        let dir = std::env::temp_dir().join(format!("smql-cli-eval-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        std::fs::write(dir.join("rules.smql"), RULES).expect("rules");
        for (file, bytes) in files {
            std::fs::write(dir.join(file), bytes).expect("data");
        }
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const GOOD_AND_BAD: &[u8] = b"{\"id\":\"a\",\"visits\":3,\"tags\":[\"pricing\"]}\n\
{\"id\":\"b\",\"visits\":\"many\"}\n\
{\"id\":\"c\",\"visits\":1,\"Company Size\":50}\n";

#[test]
fn a_bad_record_fails_the_run_naming_record_line_field_and_value() {
    let s = Scratch::new("fail", &[("leads.ndjson", GOOD_AND_BAD)]);
    let out = smql_in(
        &s.0,
        &[
            "eval",
            "rules.smql",
            "leads.ndjson",
            "--select",
            "id,engagement",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("leads.ndjson: record 2 (line 2)"), "{err}");
    assert!(
        err.contains("`visits`") && err.contains("expected int") && err.contains("many"),
        "{err}"
    );
    assert!(
        err.contains("--on-error skip"),
        "the help names the way out: {err}"
    );
}

#[test]
fn with_output_file_a_failed_run_leaves_no_file_and_an_existing_one_untouched() {
    let s = Scratch::new(
        "atomic",
        &[
            ("leads.ndjson", GOOD_AND_BAD),
            ("old.csv", b"previous results\n"),
        ],
    );
    let out = smql_in(
        &s.0,
        &["eval", "rules.smql", "leads.ndjson", "-o", "new.csv"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!s.0.join("new.csv").exists(), "no file after a failed run");
    let out = smql_in(
        &s.0,
        &["eval", "rules.smql", "leads.ndjson", "-o", "old.csv"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(s.0.join("old.csv")).ok().as_deref(),
        Some("previous results\n")
    );
    let leftovers: Vec<_> = std::fs::read_dir(&s.0)
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files removed");
}

#[test]
fn skip_writes_the_rest_and_keeps_rejects_with_their_reasons() {
    let s = Scratch::new("skip", &[("leads.ndjson", GOOD_AND_BAD)]);
    let out = smql_in(
        &s.0,
        &[
            "eval",
            "rules.smql",
            "leads.ndjson",
            "--select",
            "id,engagement,size",
            "--on-error",
            "skip",
            "--max-rejects",
            "1",
            "--rejects",
            "rejects.ndjson",
            "-o",
            "out.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let results = std::fs::read_to_string(s.0.join("out.csv")).expect("results");
    assert_eq!(results, "id,engagement,size\na,15,\nc,0,50\n");
    let rejects = std::fs::read_to_string(s.0.join("rejects.ndjson")).expect("rejects");
    let lines: Vec<serde_json::Value> = rejects
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["record"], 2);
    assert_eq!(lines[0]["line"], 2);
    assert!(lines[0]["error"].as_str().unwrap_or("").contains("visits"));
    assert!(lines[0]["raw"].as_str().unwrap_or("").contains("many"));
    assert!(
        text(&out.stderr).contains("1 of 3 records rejected"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_integer_overflow_is_an_error_for_that_lead_only() {
    let data = b"{\"id\":\"a\",\"visits\":3}\n{\"id\":\"b\",\"visits\":10000}\n{\"id\":\"c\",\"visits\":1}\n";
    let s = Scratch::new("overflow", &[("leads.ndjson", data)]);
    let out = smql_in(
        &s.0,
        &[
            "eval",
            "rules.smql",
            "leads.ndjson",
            "--engine",
            "interp",
            "--select",
            "id,big",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("record 2") && err.contains("overflow"),
        "{err}"
    );

    let out = smql_in(
        &s.0,
        &[
            "eval",
            "rules.smql",
            "leads.ndjson",
            "--engine",
            "interp",
            "--select",
            "id,big",
            "--on-error",
            "skip",
            "--max-rejects",
            "50%",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "id,big\na,3000000000000000\nc,1000000000000000\n"
    );
}

#[test]
fn an_unknown_select_name_is_a_usage_error_with_a_suggestion() {
    let s = Scratch::new(
        "select",
        &[("leads.ndjson", b"{\"id\":\"a\",\"visits\":3}\n")],
    );
    let out = smql_in(
        &s.0,
        &[
            "eval",
            "rules.smql",
            "leads.ndjson",
            "--select",
            "id,engagment",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean `engagement`?"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn rules_with_errors_exit_1_and_evaluate_nothing() {
    let s = Scratch::new(
        "rule-error",
        &[("leads.ndjson", b"{\"id\":\"a\",\"visits\":3}\n")],
    );
    std::fs::write(s.0.join("more.smql"), "MQL when visit >= 3\n").expect("write");
    let out = smql_in(&s.0, &["eval", ".", "leads.ndjson"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("smql::name::unknown"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn reads_stdin_with_an_input_format_and_gzip_files() {
    let s = Scratch::new("stdin", &[]);
    let csv = "id,visits,Company Size,tags\na,4,,pricing;blog\n";
    let out = smql_in_with_stdin(
        &s.0,
        &["eval", "rules.smql", "-", "--input-format", "csv"],
        csv.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "id,engagement\na,15\n");

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(csv.as_bytes()).expect("gzip");
    std::fs::write(s.0.join("leads.csv.gz"), gz.finish().expect("gzip")).expect("write");
    let out = smql_in(&s.0, &["eval", "rules.smql", "leads.csv.gz"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "id,engagement\na,15\n");

    let out = smql_in(&s.0, &["eval", "rules.smql", "-"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdin without a format is a usage error"
    );
}

#[test]
fn a_csv_without_a_required_column_names_the_nearest_one() {
    let s = Scratch::new("header", &[("leads.csv", b"id,visit,tags\na,3,\n")]);
    let out = smql_in(&s.0, &["eval", "rules.smql", "leads.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("visits") && err.contains("did you mean `visit`"),
        "{err}"
    );
}

#[test]
fn csv_safe_writes_formulas_as_text() {
    let dir = std::env::temp_dir().join(format!("smql-csv-safe-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("r.smql"),
        "schema {\n  id:     string key\n  note:   string\n  visits: int\n}\n\nscore s {\n  -5 when visits > 0\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("d.csv"),
        "id,note,visits\n=cmd|' /C calc'!A0,@SUM(1),1\nplain,-2+3,0\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["eval", "r.smql", "d.csv", "--select", "id,note,s"];
        args.extend_from_slice(extra);
        crate::support::smql_in(&dir, &args)
    };
    let plain = crate::support::text(&run(&[]).stdout);
    assert!(
        plain.contains("\n=cmd|' /C calc'!A0,@SUM(1),-5\n"),
        "{plain}"
    );
    let safe = crate::support::text(&run(&["--csv-safe"]).stdout);
    assert!(
        safe.contains("\n\"'=cmd|' /C calc'!A0\",\"'@SUM(1)\",-5\n"),
        "{safe}"
    );
    assert!(
        safe.contains("\nplain,\"'-2+3\",0\n"),
        "the score stays a number: {safe}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A data file of a few MiB is mapped into memory; `--no-mmap` reads it with `read` instead,
/// with the same output and the same rejects (a bad record in the middle, and a large gzip file,
/// which is never mapped, alike).
#[test]
fn no_mmap_reads_the_same_as_the_mapped_default() {
    let mut data = String::new();
    for i in 0..40_000 {
        if i == 20_000 {
            data.push_str("{\"id\":\"bad\",\"visits\":\"many\"}\n");
        }
        let tags = if i % 3 == 0 { "\"pricing\"" } else { "" };
        data.push_str(&format!(
            "{{\"id\":\"L{i:06}\",\"visits\":{},\"tags\":[{tags}]}}\n",
            i % 7
        ));
    }
    assert!(data.len() > 1 << 20);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data.as_bytes()).expect("gzip");
    let gz = gz.finish().expect("gzip");
    let s = Scratch::new(
        "mmap",
        &[("leads.ndjson", data.as_bytes()), ("leads.ndjson.gz", &gz)],
    );
    let mut outputs = Vec::new();
    for (file, flags) in [
        ("leads.ndjson", &[][..]),
        ("leads.ndjson", &["--no-mmap"][..]),
        ("leads.ndjson.gz", &[][..]),
    ] {
        let mut args = vec!["eval", "rules.smql", file, "--on-error", "skip"];
        args.extend(flags);
        args.extend(["--rejects", "rejects.ndjson"]);
        let out = smql_in(&s.0, &args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let rejects = std::fs::read_to_string(s.0.join("rejects.ndjson")).expect("rejects");
        assert!(rejects.contains("\"record\":20001"), "{rejects}");
        outputs.push((text(&out.stdout), rejects));
    }
    assert_eq!(outputs[0].0.lines().count(), 40_001);
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}
