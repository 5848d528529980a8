//! The limits of SPEC §13, through the binary: each too-large rule file is refused with its
//! code and a help line naming the limit; a long flat `or` chain is not nesting and is checked,
//! linted and evaluated by both engines.

use crate::support::{smql_in, text};
use smql::sql::Dialect;
use std::fmt::Write;
use std::path::Path;

const SCHEMA: &str = "schema {\n  id: string key\n  x: int\n  o: int?\n  s: string\n}\n";

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("smql-limits-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// `smql check --format json` on `rules`: (exit code, stdout).
fn check(d: &Path, rules: &str) -> (i32, String) {
    std::fs::write(d.join("r.smql"), rules).expect("write rules");
    let out = smql_in(d, &["check", "--format", "json", "r.smql"]);
    (out.status.code().unwrap_or(-1), text(&out.stdout))
}

/// The rule set is refused with `code`, and the help says which limit.
fn refused(name: &str, rules: &str, code: &str, limit: &str) {
    let d = dir(name);
    let (status, json) = check(&d, rules);
    assert_eq!(status, 1, "{name}: {}", &json[..json.len().min(2000)]);
    let diags: serde_json::Value = serde_json::from_str(&json).expect("json diagnostics");
    let diags = diags.as_array().expect("an array");
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == code && d["help"].as_str().is_some_and(|h| h.contains(limit))),
        "{name}: no {code} with a help naming {limit}: {json}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn deep_nesting_is_refused_with_its_code() {
    let n = 10_000;
    let deep_if = format!(
        "{SCHEMA}d = {}1{}\n",
        "if x > 1 then ".repeat(n),
        " else 2".repeat(n)
    );
    refused("if", &deep_if, "smql::syntax::too_deep", "64 levels");
    let mut chain = format!("{SCHEMA}d = ");
    for i in 0..n {
        let _ = write!(chain, "if x == {i} then {i} else ");
    }
    chain.push_str("0\n");
    refused("else_if", &chain, "smql::syntax::too_deep", "`grade`");
    let parens = format!("{SCHEMA}d = {}x{}\n", "(".repeat(n), ")".repeat(n));
    refused("parens", &parens, "smql::syntax::too_deep", "64 levels");
    let nots = format!("{SCHEMA}d when {}x > 1\n", "not ".repeat(n));
    refused("not", &nots, "smql::syntax::too_deep", "256 operators");
    let sum = format!("{SCHEMA}d = {}\n", vec!["x"; n].join(" + "));
    refused("sum", &sum, "smql::syntax::too_deep", "256 operators");
    let coalesce = format!("{SCHEMA}d = {} ?? 0\n", vec!["o"; n].join(" ?? "));
    refused(
        "coalesce",
        &coalesce,
        "smql::syntax::too_deep",
        "256 operators",
    );
}

/// Rules as deep as the limits allow: 60 brackets, 60 nested `if`s, and chains of `+` and `??`
/// of 255 operators each.
fn rules_at_the_depth_limits() -> String {
    format!(
        "{SCHEMA}a = {}x{}\nb = {}\nc = {}0{}\nd = {} ?? 0\nhit when b > 3 and c == 2\n",
        "(".repeat(60),
        ")".repeat(60),
        vec!["x"; 255].join(" + "),
        "if x > 1 then ".repeat(60),
        " else 2".repeat(60),
        vec!["o"; 255].join(" ?? "),
    )
}

#[test]
fn nesting_within_the_limits_is_fine() {
    let d = dir("within");
    let (status, json) = check(&d, &rules_at_the_depth_limits());
    assert_eq!(status, 0, "{json}");
    let _ = std::fs::remove_dir_all(&d);
}

/// Rules as deep as the limits allow go through every pass of ours (parse, check, lints, the
/// formatter, both engines, the SQL compiler) on a thread of the default 2 MiB, in this debug
/// build: the recursions grow their stack (`smql::stack`) rather than overflow it (found by the
/// `check_deep` fuzz target, a 241-term `+` chain).
#[test]
fn rules_at_the_depth_limits_pass_on_a_small_thread() {
    let rules = rules_at_the_depth_limits();
    let run = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            smql::fuzzing::check(rules.as_bytes());
            smql::fuzzing::fmt(rules.as_bytes());
            let set = smql::RuleSet::compile_str("deep.smql", &rules).expect("checks");
            let mut hits = Vec::new();
            for engine in [smql::Engine::Jit, smql::Engine::Interp] {
                let ev = smql::Evaluator::new(&set, engine).expect("compiles");
                let lead =
                    smql::Lead::from_json(&ev, r#"{"id": "a", "x": 5, "s": ""}"#).expect("a lead");
                let scored = ev.eval_lead(&lead, 0).expect("evaluates");
                hits.push(format!("{scored:?}"));
            }
            assert_eq!(hits[0], hits[1], "the engines agree");
            let columns = crate::sql_engines::support::all_columns(&set.program);
            for dialect in Dialect::ALL {
                crate::sql_engines::support::compile(&set, dialect, &columns, 0, false)
                    .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            }
        })
        .expect("a thread");
    assert!(run.join().is_ok(), "a pass overflowed or panicked");
}

#[test]
fn big_files_declarations_and_patterns_are_refused() {
    let mut big = String::from(SCHEMA);
    let line = format!("# {}\n", "x".repeat(1000));
    while big.len() <= 4 << 20 {
        big.push_str(&line);
    }
    refused("file", &big, "smql::syntax::file_too_large", "4 MiB");
    let mut many = String::from(SCHEMA);
    for i in 0..100_001 {
        let _ = writeln!(many, "a{i} = 1");
    }
    refused(
        "decls",
        &many,
        "smql::syntax::too_many_declarations",
        "100000",
    );
    let regex = format!("{SCHEMA}d when s matches \"(abc{{1000}}){{1000}}\"\n");
    refused("regex", &regex, "smql::type::regex_too_big", "1 MiB");
}

/// A generated territory rule: 20,000 `or`-ed comparisons, checked, linted and evaluated by
/// both engines (before SPEC §13 this overflowed the stack).
#[test]
fn a_long_or_chain_is_evaluated_not_refused() {
    let d = dir("or");
    let n = 20_000;
    let terms: Vec<String> = (0..n).map(|i| format!("x == {}", i * 2)).collect();
    let rules = format!("{SCHEMA}hit when {}\n", terms.join(" or "));
    std::fs::write(d.join("r.smql"), rules).expect("write rules");
    std::fs::write(
        d.join("leads.csv"),
        "id,x,o,s\na,0,,\nb,1,,\nc,39998,,\nd,40000,,\n",
    )
    .expect("write leads");
    // Both engines at once: each parses 280 KB of rules, slow in a debug build.
    let runs: Vec<_> = ["jit", "interp"]
        .map(|engine| {
            let d = d.clone();
            std::thread::spawn(move || {
                let args = [
                    "eval",
                    "--engine",
                    engine,
                    "--select",
                    "id,hit",
                    "r.smql",
                    "leads.csv",
                ];
                (engine, smql_in(&d, &args))
            })
        })
        .into_iter()
        .collect();
    for run in runs {
        let (engine, out) = run.join().expect("the run does not panic");
        assert!(out.status.success(), "{engine}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            "id,hit\na,true\nb,false\nc,true\nd,false\n",
            "{engine}"
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_record_over_the_limit_is_a_bad_record() {
    let d = dir("record");
    std::fs::write(d.join("r.smql"), SCHEMA).expect("write rules");
    let mut data = String::from("{\"id\":\"a\",\"x\":1,\"s\":\"\"}\n");
    let _ = writeln!(
        data,
        "{{\"id\":\"b\",\"x\":2,\"s\":\"{}\"}}",
        "y".repeat(5000)
    );
    data.push_str("{\"id\":\"c\",\"x\":3,\"s\":\"\"}\n");
    std::fs::write(d.join("leads.ndjson"), data).expect("write leads");
    let args = [
        "eval",
        "--max-record-size",
        "1000",
        "--on-error",
        "skip",
        "--max-rejects",
        "1",
        "--rejects",
        "bad.ndjson",
        "r.smql",
        "leads.ndjson",
    ];
    let out = smql_in(&d, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "id\na\nc\n");
    let rejects = std::fs::read_to_string(d.join("bad.ndjson")).expect("rejects");
    let reject: serde_json::Value = serde_json::from_str(rejects.trim()).expect("one reject");
    assert_eq!(reject["record"], 2);
    let error = reject["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("5023 bytes") && error.contains("--max-record-size"),
        "{error}"
    );
    assert!(reject["raw"].as_str().is_some_and(|r| r.len() < 300));
    let _ = std::fs::remove_dir_all(&d);
}
