//! `smql eval` through the real binary: the JIT (the default) and the interpreter write
//! byte-identical output in every format, with `--explain` and `--select`, report the same
//! rejects, and a rule set the JIT cannot compile falls back to the interpreter (default) or
//! fails (`--engine jit`).

use std::path::{Path, PathBuf};

use crate::support::smql;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smql-jit-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Every definition name of the `.smql` files in `dir` (for `--select`).
fn definition_names(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the example is readable") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "smql") {
            let text = std::fs::read_to_string(&path).expect("readable");
            for line in text.lines() {
                let mut words = line.split_whitespace();
                if let (Some(name), Some(op)) = (words.next(), words.next()) {
                    let ident = name.chars().all(|c| c.is_alphanumeric() || c == '_');
                    if ident && (op == "=" || op == "when") && !names.contains(&name.to_string()) {
                        names.push(name.to_string());
                    }
                }
            }
        }
    }
    names
}

fn engines_agree(dir: &Path, data: &str, extra: &[&str]) {
    command_engines_agree("eval", dir, data, extra);
}

/// `smql COMMAND DIR DIR/DATA EXTRA…` prints the same with `--engine jit` and `--engine interp`.
fn command_engines_agree(command: &str, dir: &Path, data: &str, extra: &[&str]) {
    let dir_s = dir.to_str().expect("a UTF-8 path");
    let data = dir.join(data);
    let data_s = data.to_str().expect("a UTF-8 path");
    let run = |engine: &str| {
        let mut args = vec![
            command,
            dir_s,
            data_s,
            "--as-of",
            "2026-11-01",
            "--engine",
            engine,
        ];
        args.extend_from_slice(extra);
        smql(&args)
    };
    let (interp, jit) = (run("interp"), run("jit"));
    assert_eq!(
        interp.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&interp.stderr)
    );
    assert_eq!(
        jit.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&jit.stderr)
    );
    assert!(
        interp.stdout.len() > 500,
        "{command} {extra:?}: too little output"
    );
    assert!(
        interp.stdout == jit.stdout,
        "{command} {} {extra:?}: the engines differ",
        dir.display()
    );
}

#[test]
fn sla_and_explain_agree_on_both_engines() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/b2b-saas");
    for data in ["leads.ndjson", "leads.csv"] {
        command_engines_agree("sla", &dir, data, &[]);
        command_engines_agree("sla", &dir, data, &["--format", "json"]);
        for lead in ["L00000000", "L00000007", "L00000421", "L00000999"] {
            command_engines_agree("explain", &dir, data, &["--lead", lead]);
            command_engines_agree("explain", &dir, data, &["--lead", lead, "--format", "json"]);
        }
    }
}

#[test]
fn test_blocks_pass_the_same_on_both_engines() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/b2b-saas");
    let dir_s = dir.to_str().expect("a UTF-8 path");
    let run = |engine: &str| smql(&["test", dir_s, "--engine", engine, "--threads", "2"]);
    let (interp, jit) = (run("interp"), run("jit"));
    assert_eq!(interp.status.code(), Some(0));
    assert_eq!(interp.stdout, jit.stdout);
    assert!(String::from_utf8_lossy(&jit.stdout).contains(" passed, 0 failed"));
}

fn check_example(dir: &Path) {
    let defs = definition_names(dir);
    assert!(defs.len() > 3, "definitions found: {defs:?}");
    let select = format!("{},stage", defs.join(","));
    for data in ["leads.ndjson", "leads.csv"] {
        for format in ["csv", "ndjson", "json"] {
            engines_agree(dir, data, &["--format", format]);
            engines_agree(dir, data, &["--format", format, "--explain"]);
            engines_agree(dir, data, &["--format", format, "--select", &select]);
        }
    }
}

#[test]
fn b2b_saas_output_is_identical() {
    check_example(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/b2b-saas"));
}

#[test]
fn acme_output_is_identical() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/examples/acme");
    if !dir.exists() {
        eprintln!("skipped: {} is missing", dir.display());
        return;
    }
    check_example(&dir);
}

const OVERFLOW_RULES: &str = r#"
schema {
  id: string key
  visits: int
  seen: list of string
}
doubled = visits * 2
safe = visits > 100 or visits * 4 > 0
score s {
  +1 per doubled
  +2 when seen "x" and visits + 1 > 0
}
"#;

#[test]
fn overflow_rejects_are_the_same_rows_and_messages() {
    let dir = scratch("overflow");
    std::fs::write(dir.join("r.smql"), OVERFLOW_RULES).expect("writable");
    std::fs::write(
        dir.join("d.ndjson"),
        "{\"id\":\"a\",\"visits\":3,\"seen\":[\"x\"]}\n\
         {\"id\":\"b\",\"visits\":9223372036854775807,\"seen\":[]}\n\
         {\"id\":\"c\",\"visits\":-5,\"seen\":[\"x\"]}\n\
         {\"id\":\"d\",\"visits\":4611686018427387904,\"seen\":[]}\n",
    )
    .expect("writable");
    let run = |engine: &str, name: &str| {
        let rejects = dir.join(name);
        let out = smql(&[
            "eval",
            dir.join("r.smql").to_str().expect("utf-8"),
            dir.join("d.ndjson").to_str().expect("utf-8"),
            "--engine",
            engine,
            "--on-error",
            "skip",
            "--max-rejects",
            "100%",
            "--rejects",
            rejects.to_str().expect("utf-8"),
            "--quiet",
        ]);
        (
            out,
            std::fs::read_to_string(rejects).expect("rejects written"),
        )
    };
    let (interp, interp_rejects) = run("interp", "i.ndjson");
    let (jit, jit_rejects) = run("jit", "j.ndjson");
    assert_eq!(interp.status.code(), Some(0));
    assert_eq!(jit.status.code(), Some(0));
    assert_eq!(interp.stdout, jit.stdout);
    assert_eq!(interp_rejects, jit_rejects);
    assert_eq!(interp_rejects.lines().count(), 2, "{interp_rejects}");
    assert!(
        jit_rejects.contains("integer overflow in `9223372036854775807 * 2`"),
        "{jit_rejects}"
    );
    // Fail mode: the same first bad record, exit 2.
    let fail = |engine: &str| {
        smql(&[
            "eval",
            dir.join("r.smql").to_str().expect("utf-8"),
            dir.join("d.ndjson").to_str().expect("utf-8"),
            "--engine",
            engine,
        ])
    };
    let (i, j) = (fail("interp"), fail("jit"));
    assert_eq!(i.status.code(), Some(2));
    assert_eq!(j.status.code(), Some(2));
    assert_eq!(i.stderr, j.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two different event lists behind one `if`: the JIT does not compile that.
const UNCOMPILABLE: &str = r#"
schema {
  id: string key
  flag: bool
  a: list of { kind: string, at: timestamp }
  b: list of { kind: string, at: timestamp }
}
n = count((if flag then a else b) where kind == "x")
score s {
  +1 per n
}
"#;

#[test]
fn uncompilable_rules_fall_back_or_fail_when_jit_is_asked_for() {
    let dir = scratch("fallback");
    std::fs::write(dir.join("r.smql"), UNCOMPILABLE).expect("writable");
    std::fs::write(
        dir.join("d.ndjson"),
        "{\"id\":\"1\",\"flag\":true,\"a\":[{\"kind\":\"x\",\"at\":\"2025-12-01\"}],\"b\":[]}\n",
    )
    .expect("writable");
    let rules = dir.join("r.smql");
    let data = dir.join("d.ndjson");
    let (rules, data) = (
        rules.to_str().expect("utf-8"),
        data.to_str().expect("utf-8"),
    );
    let default = smql(&["eval", rules, data, "--as-of", "2026-01-01"]);
    assert_eq!(default.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&default.stdout), "id,s\n1,1\n");
    let note = String::from_utf8_lossy(&default.stderr);
    assert_eq!(
        note.matches("evaluating with the interpreter").count(),
        1,
        "{note}"
    );
    assert!(note.contains("r.smql:8:11"), "{note}");

    let explicit = smql(&["eval", rules, data, "--engine", "jit"]);
    assert_eq!(explicit.status.code(), Some(2));
    let err = String::from_utf8_lossy(&explicit.stderr);
    assert!(
        err.contains("`--engine jit` cannot compile these rules"),
        "{err}"
    );
    assert!(explicit.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
