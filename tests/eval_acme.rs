//! The reference rule set's own tests (`../shared/examples/acme/tests.smql`) through the
//! interpreter's test runner. Skipped when `../shared` is not there.

use smql::eval::{Engine, Evaluator};
use smql::ir::Program;
use smql::source::SourceMap;
use smql::RuleSet;
use std::path::Path;

/// Runs `test` on both engines, which must agree; the outcome.
fn run_test(program: &Program, test: &smql::ir::Test, now: i64) -> smql::eval::TestOutcome {
    let [jit, interp] = [Engine::Jit, Engine::Interp].map(|e| {
        let ev = Evaluator::from_program(program.clone(), e).expect("the rules compile");
        smql::eval::run_test(&ev, test, now)
    });
    assert_eq!(jit, interp, "the engines disagree on test `{}`", test.name);
    interp
}

#[test]
fn acme_tests_pass_on_both_engines() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/examples/acme");
    if !dir.exists() {
        eprintln!("skipped: {} is missing", dir.display());
        return;
    }
    let sources = SourceMap::load_paths(&[dir]).expect("the example is readable");
    let rules = match RuleSet::compile(sources) {
        Ok(r) => r,
        Err(e) => {
            let messages: Vec<String> = e.diagnostics.iter().map(|d| d.message.clone()).collect();
            panic!("the example does not check: {messages:#?}");
        }
    };
    let program = &rules.program;
    assert_eq!(program.tests.len(), 7, "every test block is lowered");
    let now = smql::time::parse_timestamp("2026-11-01").expect("a valid date");
    let mut failed = Vec::new();
    for test in &program.tests {
        let outcome = run_test(program, test, now);
        if !outcome.passed {
            failed.push(format!("{}: {}", outcome.name, outcome.failures.join("; ")));
        }
    }
    assert!(failed.is_empty(), "failing tests:\n{}", failed.join("\n"));
}
