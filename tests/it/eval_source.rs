//! The interpreter on rule sets written as source text (parser + checker + interpreter), and
//! the reference rule set's own tests (`../shared/examples/acme/tests.smql`) through its test
//! runner (skipped when `../shared` is not there).

use smql::eval::{eval_lead, why_items, Engine, Evaluator, Explanation, Trace};
use smql::ir::{Program, ScoreId};
use smql::output::explain::render_explain;
use smql::source::SourceMap;
use smql::value::Value;
use smql::RuleSet;
use std::path::Path;

fn rules(src: &str) -> RuleSet {
    match RuleSet::compile_str("test.smql", src) {
        Ok(r) => r,
        Err(e) => {
            let messages: Vec<String> = e.diagnostics.iter().map(|d| d.message.clone()).collect();
            panic!("does not check: {messages:#?}");
        }
    }
}

const SCHEMA: &str = r#"
schema {
  id:          string key
  email:       string
  title:       string?
  size:        int?
  visits:      int
  ratio:       number
  source:      one of ("organic", "paid", "event")
  downloaded:  list of string
  last_seen:   timestamp
  events:      list of { type: string, at: timestamp }
}
"#;

/// Runs `test` on both engines, which must agree; the outcome.
fn run_test(program: &Program, test: &smql::ir::Test, now: i64) -> smql::eval::TestOutcome {
    let [jit, interp] = [Engine::Jit, Engine::Interp].map(|e| {
        let ev = Evaluator::from_program(program.clone(), e).expect("the rules compile");
        smql::eval::run_test(&ev, test, now)
    });
    assert_eq!(jit, interp, "the engines disagree on test `{}`", test.name);
    interp
}

fn with_schema(rest: &str) -> Program {
    rules(&format!("{SCHEMA}\n{rest}")).program
}

/// All seven tests of a source rule set pass (their failures printed otherwise).
fn assert_tests_pass(program: &Program) {
    let now = smql::time::parse_timestamp("2026-11-01").expect("a valid date");
    let failed: Vec<String> = program
        .tests
        .iter()
        .map(|t| run_test(program, t, now))
        .filter(|o| !o.passed)
        .map(|o| format!("{}: {}", o.name, o.failures.join("; ")))
        .collect();
    assert!(failed.is_empty(), "failing tests:\n{}", failed.join("\n"));
}

#[test]
fn operators_from_source() {
    let p = with_schema(
        r#"
senior = title is present and title contains any ["vp", "director", "ceo"]
big = (size ?? 0) >= 200
dom = domain(email)
later = source > "paid"
recent = last_seen within 30d
visits_days = days(now - last_seen)
label = upper(trim(" ok ")) + "!"
visits_seen = count(events where type == "visit")
first_visit = earliest(events where type == "visit")
heat = decayed_count(events where type == "visit", 7d)

test "operators" {
  as of date("2026-11-01")
  given {
    email: "Ana@Example.COM"
    title: "Senior VP, Sales"
    source: "event"
    last_seen: "2026-10-02T00:00:00Z"
    events: [
      { type: "visit", at: "2026-11-01T00:00:00Z" },
      { type: "form",  at: "2026-10-30T00:00:00Z" },
      { type: "visit", at: "2026-10-25T00:00:00Z" }
    ]
  }
  expect senior
  expect not big
  expect dom == "example.com"
  expect later
  expect recent
  expect visits_days == 30
  expect label == "OK!"
  expect visits_seen == 2
  expect (first_visit ?? now) == datetime("2026-10-25T00:00:00Z")
  expect heat == 1.5
}
"#,
    );
    assert_tests_pass(&p);
}

#[test]
fn scores_grades_and_explanations_from_source() {
    let p = with_schema(
        r#"
score interest {
  +10 when visits >= 3
  +2.5 per ratio up to 5
  group "content" up to 12 {
    +8 when downloaded "a"
    +8 when downloaded "b"
  }
  at most 20
  decay 50% every 30d since last_seen
}

grade tier {
  "hot" when interest >= 10
  else "cold"
}

test "interest" {
  as of date("2026-11-01")
  given {
    visits: 4
    ratio: 4
    downloaded: ["a", "b"]
    last_seen: "2026-10-02T00:00:00Z"
  }
  expect interest == 10
  expect tier == "hot"
}
"#,
    );
    assert_tests_pass(&p);
    let test = &p.tests[0];
    let mut trace = Trace::default();
    let now = test.as_of.expect("as of");
    let values = eval_lead(&p, &test.lead, now, Some(&mut trace)).expect("evaluates");
    assert_eq!(values.scores, vec![10.0]);
    let why = why_items(&trace, ScoreId(0));
    let why: Vec<(&str, f64)> = why.iter().map(|w| (&*w.rule, w.points)).collect();
    assert_eq!(
        why,
        vec![
            ("visits >= 3", 10.0),
            ("per ratio up to 5", 5.0),
            ("downloaded \"a\"", 8.0),
            ("downloaded \"b\"", 8.0),
            ("group \"content\" capped at 12", -4.0),
            ("at most 20", -7.0),
            ("decay 50% every 30d", -10.0),
        ]
    );
    let rs = rules(&format!("{SCHEMA}\nscore s {{\n  +1 when visits > 0\n}}\ngrade g {{\n  \"x\" when s > 0\n  else \"y\"\n}}\n"));
    let lead: Vec<Value> = p.tests[0].lead.clone();
    let mut trace = Trace::default();
    let values = eval_lead(&rs.program, &lead, now, Some(&mut trace)).expect("evaluates");
    let explanation = Explanation {
        fields: lead,
        values,
        trace,
    };
    let text = render_explain(&rs.program, &rs.sources, "L-1", &explanation);
    assert!(text.contains("  ✓ \"x\" when s > 0\n"), "{text}");
}

#[test]
fn failing_expects_name_their_values() {
    let p = with_schema(
        r#"
score engagement {
  +25 when visits >= 1
}

test "fails" {
  as of date("2026-11-01")
  given { visits: 1 }
  expect engagement == 30
  expect visits > 1 and engagement > 0
}
"#,
    );
    let outcome = run_test(&p, &p.tests[0], 0);
    assert!(!outcome.passed);
    assert_eq!(
        outcome.failures,
        vec![
            "`engagement == 30` failed: `engagement` = 25".to_string(),
            "`visits > 1 and engagement > 0` failed: `visits` = 1, `engagement` = 25".to_string(),
        ]
    );
}

#[test]
fn stages_and_detours_from_source() {
    let p = with_schema(
        r#"
stages Lead -> MQL -> SQL
detours Lost

MQL when visits >= 3
SQL when visits >= 10
Lost when "lost" in downloaded
past_mql = stage >= "MQL"
below_sql = stage < "SQL"

test "detour is unordered" {
  given { visits: 12, downloaded: ["lost"] }
  expect stage == "Lost"
  expect not past_mql
  expect not below_sql
}

test "furthest stage" {
  given { visits: 12 }
  expect stage == "SQL"
  expect past_mql
  expect not below_sql
}

test "first stage" {
  given { visits: 1 }
  expect stage == "Lead"
  expect below_sql
}
"#,
    );
    assert_tests_pass(&p);
}

#[test]
fn overflow_is_a_test_failure_with_its_message() {
    let p = with_schema(
        r#"
huge = visits * 9223372036854775807

test "overflow" {
  given { visits: 2 }
  expect huge > 0
}
"#,
    );
    let outcome = run_test(&p, &p.tests[0], 0);
    assert_eq!(
        outcome.failures,
        vec!["evaluation failed: integer overflow in `2 * 9223372036854775807`".to_string()]
    );
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
