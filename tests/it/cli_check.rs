//! `smql check` and argument handling, through the real binary.
//!
//! Tests marked `needs checker` assert real diagnostics and pass once `smql::check::check`
//! reports them; the others hold today.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::smql;

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh directory under the system temp dir, unique per test, removed when dropped.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(test: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("smql-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    Scratch(dir)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write fixture");
    path.to_string_lossy().into_owned()
}

const CLEAN: &str = "\
schema {
  id:     string key
  visits: int
}

## A repeat visitor.
MQL when visits >= 3
";

/// One error: line 6, columns 10..15, unknown `visit` (did you mean `visits`?). Lints run only on a
/// rule set without errors, so the lint has a fixture of its own.
const ONE_ERROR: &str = "\
schema {
  id:     string key
  visits: int
}

MQL when visit >= 3
";

/// One lint: line 6 can never hold.
const ONE_LINT: &str = "\
schema {
  id:     string key
  visits: int
}

Odd when visits > 5 and visits < 3
";

#[test]
fn missing_path_is_exit_2_naming_it() {
    let out = smql(&["check", "no/such/rules.smql"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no/such/rules.smql"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_are_exit_2() {
    for args in [
        &["frobnicate"][..],
        &[][..],
        &["check"][..],
        &["check", "--format", "xml", "a.smql"][..],
        &["eval", "only-one-path"][..],
        &["diff", "old", "new"][..],
        &["eval", "r.smql", "d.csv", "--threads", "0"][..],
        &["eval", "r.smql", "d.csv", "--engine", "llvm"][..],
    ] {
        let out = smql(args);
        assert_eq!(code(&out), 2, "smql {args:?}: {}", stderr(&out));
    }
}

#[test]
fn help_and_version_are_exit_0() {
    let out = smql(&["--help"]);
    assert_eq!(code(&out), 0);
    for command in [
        "check", "fmt", "test", "eval", "explain", "diff", "sla", "report", "doc",
    ] {
        assert!(
            stdout(&out).contains(command),
            "{command} missing from help"
        );
    }
    assert_eq!(code(&smql(&["--version"])), 0);
    assert_eq!(code(&smql(&["eval", "--help"])), 0);
}

#[test]
fn garbage_as_of_is_exit_2_with_a_clear_message() {
    let out = smql(&["eval", "r.smql", "d.csv", "--as-of", "next tuesday"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("`next tuesday` is not a timestamp"), "{err}");
    assert!(
        err.contains("2026-11-01"),
        "the message shows an accepted form: {err}"
    );
}

#[test]
fn option_combinations_clap_cannot_see_are_exit_2() {
    let out = smql(&["eval", "r.smql", "d.csv", "--rejects", "bad.ndjson"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("`--rejects` needs `--on-error skip`"));
    let out = smql(&["sla", "r.smql", "-"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--input-format"), "{}", stderr(&out));
}

#[test]
fn clean_file_in_every_format() {
    let dir = scratch("clean");
    let file = write(&dir, "rules.smql", CLEAN);

    let out = smql(&["check", &file]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ok: 1 file checked"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
    let out = smql(&["check", "--quiet", &file]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));

    let out = smql(&["check", "--format", "json", &file]);
    assert_eq!(code(&out), 0);
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(parsed, serde_json::json!([]));

    let out = smql(&["check", "--format", "github", &file]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "");

    let out = smql(&["check", "--format", "sarif", &file]);
    assert_eq!(code(&out), 0);
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("sarif");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["tool"]["driver"]["name"], "smql");
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));

    // A directory is searched for `*.smql`; `-o` takes the machine output.
    let report = dir.join("out.json");
    let out = smql(&[
        "check",
        "--format",
        "json",
        "-o",
        &report.to_string_lossy(),
        &dir.to_string_lossy(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert_eq!(std::fs::read_to_string(&report).unwrap().trim(), "[]");
}

#[test]
fn human_output_shows_the_diagnostic_and_a_summary() {
    let dir = scratch("human");
    let file = write(&dir, "rules.smql", ONE_ERROR);
    let out = smql(&["check", &file]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("smql::name::unknown"), "{err}");
    assert!(err.contains("did you mean `visits`?"), "{err}");
    assert!(err.contains("rules.smql:6:10"), "{err}");
    assert!(err.trim_end().ends_with("1 error"), "{err}");
    assert!(
        !err.contains('\u{1b}'),
        "no color when NO_COLOR is set: {err}"
    );

    let file = write(&dir, "rules.smql", ONE_LINT);
    let out = smql(&["check", &file]);
    assert_eq!(code(&out), 0, "a lint alone passes");
    let err = stderr(&out);
    assert!(err.contains("smql::lint::unsatisfiable"), "{err}");
    assert!(err.trim_end().ends_with("1 warning"), "{err}");
}

#[test]
fn json_output_describes_errors_and_lints() {
    let dir = scratch("json");
    let file = write(&dir, "rules.smql", ONE_ERROR);
    let out = smql(&["check", "--format", "json", &file]);
    assert_eq!(code(&out), 1);
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let items = parsed.as_array().expect("array");
    assert_eq!(items.len(), 1, "{parsed:#}");
    assert_eq!(items[0]["code"], "smql::name::unknown");
    assert_eq!(items[0]["severity"], "error");
    assert_eq!(items[0]["file"], file.as_str());
    assert_eq!(items[0]["line"], 6);
    assert_eq!(items[0]["column"], 10);
    assert_eq!(items[0]["end_line"], 6);
    assert_eq!(items[0]["end_column"], 15);
    assert_eq!(items[0]["labels"][0]["line"], 6);
    assert!(items[0]["help"].as_str().unwrap_or("").contains("visits"));

    let file = write(&dir, "rules.smql", ONE_LINT);
    let out = smql(&["check", "--format", "json", &file]);
    assert_eq!(code(&out), 0);
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(parsed.as_array().map(Vec::len), Some(1), "{parsed:#}");
    assert_eq!(parsed[0]["code"], "smql::lint::unsatisfiable");
    assert_eq!(parsed[0]["severity"], "warning");
    assert_eq!(parsed[0]["line"], 6);
}

#[test]
fn github_output_has_one_annotation_each() {
    let dir = scratch("github");
    let file = write(&dir, "rules.smql", ONE_ERROR);
    let out = smql(&["check", "--format", "github", &file]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with(&format!(
            "::error file={file},line=6,col=10,endLine=6,endColumn=15,\
             title=smql%3A%3Aname%3A%3Aunknown::unknown name `visit`"
        )),
        "{text}"
    );

    let file = write(&dir, "rules.smql", ONE_LINT);
    let out = smql(&["check", "--format", "github", &file]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with(&format!("::warning file={file},line=6,col=10,")),
        "{text}"
    );
    assert!(
        text.contains("title=smql%3A%3Alint%3A%3Aunsatisfiable::"),
        "{text}"
    );
}

/// A GitHub annotation shows the message and the help, not the source: each names what it is
/// about as written on its lines (not only types), and these say it in full.
#[test]
fn github_annotations_name_the_expression() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let cases: [(&str, &[&str]); 5] = [
        (
            "check/type_mismatch.smql",
            &["cannot apply `+` to `visits` (an `int`) and `country` (a `string`)"],
        ),
        (
            "check/several_errors.smql",
            &[
                "unknown name `visit`%0Ahelp: did you mean `visits`?",
                "`company_size` may be missing (it is an `int?`)",
                "`\"payed\"` is not a value of `source`",
                "cannot apply `/` to `visits` (an `int`) and `\"2\"` (a `string`)\
                 %0Ahelp: write the number without quotes: `2`",
            ],
        ),
        (
            "lints/unsatisfiable.smql",
            &["`Confused` can never hold: `visits` cannot be both greater than 5 and less than 3"],
        ),
        (
            "lints/duplicate_item.smql",
            &["duplicate score item `+20 when downloaded \"pricing\"` in `score engagement`"],
        ),
        (
            "syntax/unexpected__condition.smql",
            &["`and` after `visits >= 3` needs a condition"],
        ),
    ];
    let types = ["int", "number", "string", "bool", "timestamp", "duration"];
    for (name, expected) in cases {
        let path = fixtures.join(name);
        let file = path.to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&path).expect("read fixture");
        let lines: Vec<String> = source
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let text = stdout(&smql(&["check", "--format", "github", &file]));
        assert!(!text.is_empty(), "{name}: no annotation");
        // A missing schema is about text that is not there.
        let about_text = |a: &&str| !a.contains("title=smql%3A%3Aschema%3A%3Amissing::");
        for annotation in text.lines().filter(about_text) {
            let line_of = |key: &str| -> usize {
                let prefix = format!("{key}=");
                annotation
                    .split([',', ' '])
                    .find_map(|p| p.strip_prefix(prefix.as_str()))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("no {key} in {annotation}"))
            };
            let (first, last) = (line_of("line"), line_of("endLine"));
            let message = annotation.splitn(3, "::").nth(2).unwrap_or_default();
            let message = message.split("%0Ahelp:").next().unwrap_or_default();
            // Some quoted text (not a type name) comes from the annotated lines.
            let quoted = message
                .split('`')
                .skip(1)
                .step_by(2)
                .map(|q| q.trim_end_matches('…'))
                .filter(|q| !types.contains(q));
            let named = quoted
                .clone()
                .any(|q| lines[first - 1..last].iter().any(|l| l.contains(q)));
            assert!(
                named,
                "{name}: {annotation} quotes nothing of lines {first}..={last}"
            );
        }
        for phrase in expected {
            assert!(text.contains(phrase), "{name}: no `{phrase}` in\n{text}");
        }
    }
}

#[test]
fn sarif_output_has_results_rules_and_levels() {
    let dir = scratch("sarif");
    let file = write(&dir, "rules.smql", ONE_ERROR);
    let out = smql(&["check", "--format", "sarif", &file]);
    assert_eq!(code(&out), 1);
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("sarif");
    let run = &log["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "smql::name::unknown");
    assert_eq!(results[0]["level"], "error");
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].clone(), region["startColumn"].clone()),
        (6.into(), 10.into())
    );
    assert_eq!(
        run["tool"]["driver"]["rules"][0]["id"],
        "smql::name::unknown"
    );

    let file = write(&dir, "rules.smql", ONE_LINT);
    let out = smql(&["check", "--format", "sarif", &file]);
    assert_eq!(code(&out), 0);
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("sarif");
    let run = &log["runs"][0];
    assert_eq!(run["results"][0]["level"], "warning");
    assert_eq!(run["tool"]["driver"]["rules"][0]["name"], "unsatisfiable");
}

#[test]
fn deny_warnings_turns_a_lint_into_failure() {
    let dir = scratch("deny");
    let file = write(&dir, "rules.smql", ONE_LINT);
    let out = smql(&["check", &file]);
    assert_eq!(code(&out), 0, "a lint alone passes: {}", stderr(&out));
    let out = smql(&["check", "--deny-warnings", &file]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("1 warning (denied by `--deny-warnings`)"));
    let out = smql(&["check", "--deny-warnings", "--format", "json", &file]);
    assert_eq!(code(&out), 1);
}
