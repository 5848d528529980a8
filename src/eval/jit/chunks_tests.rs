//! Kernels cut into functions give what one function gives, and what the interpreter gives:
//! every definition, score, grade, the stage, the errors and the explanations, cut after every
//! step (so in the middle of every score, group and grade).

use super::super::{Budget, Jit};
use super::{steps, CUT_INSTS};
use crate::data::{Batch, ChunkSize, Format, Input, Reader};
use crate::eval::outcome::Outcome;
use crate::ir::{Program, ScoreId};
use crate::RuleSet;

const RULES: &str = r#"
schema {
  id: string key
  visits: int
  size: int?
  title: string?
  tags: list of string
  events: list of { type: string, at: timestamp }
  closed_at: timestamp?
}
stages Lead -> MQL -> SQL
detours Lost

hot when visits >= 3
big = (size ?? 0) * 1000
huge = visits * 4611686018427387904
label = if hot then "hot" else lower(title ?? "none")
recent = count(events where type == "visit")
last_visit = latest(events where type == "visit")
hot_tags = if hot then tags else ["none"]
MQL when hot and tags "pricing"
SQL when MQL and fit >= 20
Lost when label == "cold"

score fit {
  +10 when hot
  +5 per visits up to 20
  group "content" up to 12 {
    +5 when tags "a"
    +5 when tags "b"
    +5 when tags "c"
  }
  +3 when label == "hot"
  +1 per recent
  at least 0
  at most 50
  decay 10% every 30d since closed_at ?? now
}

grade tier {
  "A" when fit >= 30
  "B" when fit >= 15
  "C" when hot
  else "D"
}

late when tier == "A" and stage == "MQL" and "none" not in hot_tags

score after {
  +1 when late
  +2 when tier == "B"
  +4 when huge > 0
}
"#;

const LEADS: &str = r#"{"id": "a", "visits": 1, "size": 10, "title": "Cold", "tags": [], "events": [], "closed_at": null}
{"id": "b", "visits": 3, "size": null, "title": null, "tags": ["pricing", "a", "b", "c"], "events": [{"type": "visit", "at": "2026-10-01T00:00:00Z"}, {"type": "visit", "at": "2026-10-20T00:00:00Z"}], "closed_at": "2026-09-01T00:00:00Z"}
{"id": "c", "visits": 0, "size": 5000, "title": "VP", "tags": ["b"], "events": [{"type": "form", "at": "2026-10-01T00:00:00Z"}], "closed_at": null}
{"id": "d", "visits": 2, "size": 1, "title": "cold", "tags": ["pricing"], "events": [], "closed_at": null}
{"id": "e", "visits": 9, "size": 100, "title": "CEO", "tags": ["pricing", "a"], "events": [{"type": "visit", "at": "2026-10-30T00:00:00Z"}], "closed_at": null}
"#;

/// 2026-11-01.
const NOW: i64 = 1_793_491_200_000;

fn setup() -> (RuleSet, Vec<Batch>) {
    let rules = match RuleSet::compile_str("rules.smql", RULES) {
        Ok(r) => r,
        Err(e) => panic!("{:?}", e.diagnostics),
    };
    let input = match Input::from_bytes("leads.ndjson", LEADS.as_bytes().to_vec(), Format::Ndjson) {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    };
    let reader = match Reader::new(input, &rules.program.schema, ChunkSize::default()) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let (batches, rejects) = match reader.read_all() {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert!(rejects.is_empty(), "{rejects:?}");
    (rules, batches)
}

fn jit(program: &Program, cut: usize) -> Jit {
    match Jit::compile_cut(program, Budget::UNLIMITED, cut) {
        Ok(j) => j,
        Err(e) => panic!("{e}"),
    }
}

/// Every value, error and explanation of every row, as text.
fn everything(outcome: &Outcome, program: &Program) -> Vec<String> {
    (0..outcome.len())
        .map(|row| {
            let values = format!("{:?}", outcome.lead_values(row));
            if outcome.error(row).is_some() {
                // The values and explanations of a failed row are unspecified.
                return values;
            }
            let why: Vec<String> = (0..program.scores.len())
                .map(|s| format!("{:?}", outcome.why(ScoreId(s as u32), row)))
                .collect();
            format!("{values} {why:?}")
        })
        .collect()
}

#[test]
fn cut_after_every_step_the_kernel_agrees_with_one_function_and_the_interpreter() {
    let (rules, batches) = setup();
    let p = &rules.program;
    let whole = jit(p, usize::MAX);
    let cut = jit(p, 1);
    assert_eq!(whole.functions(), 1);
    assert_eq!(cut.functions(), steps(p).len());
    for batch in &batches {
        for explain in [false, true] {
            let expected = everything(&Outcome::interpret(p, batch, NOW, explain), p);
            for j in [&whole, &cut] {
                let result = match j.eval_batch(batch, NOW, explain) {
                    Ok(r) => r,
                    Err(e) => panic!("{e}"),
                };
                let got = everything(&Outcome::jit(p, batch, NOW, result), p);
                assert_eq!(got, expected, "{} functions", j.functions());
            }
        }
    }
}

#[test]
fn rows_that_fail_early_are_skipped_by_later_functions() {
    let (rules, batches) = setup();
    let p = &rules.program;
    let cut = jit(p, 1);
    let batch = &batches[0];
    let result = match cut.eval_batch(batch, NOW, false) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    // `huge` overflows from 2 visits on: b, d and e, once each.
    let failed: Vec<usize> = result.errors().iter().map(|(row, _)| *row).collect();
    assert_eq!(failed, vec![1, 3, 4]);
    assert!(result.errors()[0].1.message.contains("integer overflow"));
}

#[test]
fn small_rules_fit_one_function_and_large_ones_are_cut_by_size() {
    let (rules, _) = setup();
    assert_eq!(jit(&rules.program, CUT_INSTS).functions(), 1);
    let mut text = String::from("schema {\n  id: string key\n  visits: int\n}\n");
    for i in 0..400 {
        text.push_str(&format!("d{i} when visits >= {i} or visits == {}\n", i * 7));
    }
    let many = match RuleSet::compile_str("many.smql", &text) {
        Ok(r) => r,
        Err(e) => panic!("{:?}", e.diagnostics),
    };
    let j = jit(&many.program, CUT_INSTS);
    assert!(j.functions() > 1, "{j:?}");
    // No function much over the cut: a definition here is a few dozen instructions.
    assert!(j.instructions() / j.functions() <= CUT_INSTS + 100, "{j:?}");
}

#[test]
fn a_function_over_the_budget_is_refused_before_compiling_naming_its_rule() {
    let mut text = String::from(
        "schema {\n  id: string key\n  visits: int\n}\nsmall when visits > 1\nwide when ",
    );
    let terms: Vec<String> = (0..60).map(|i| format!("visits == {i}")).collect();
    text.push_str(&terms.join(" or "));
    text.push('\n');
    let rules = match RuleSet::compile_str("wide.smql", &text) {
        Ok(r) => r,
        Err(e) => panic!("{:?}", e.diagnostics),
    };
    let budget = Budget {
        function_insts: Some(200),
    };
    let e = match Jit::compile_cut(&rules.program, budget, 100) {
        Ok(j) => panic!("compiled: {j:?}"),
        Err(e) => e,
    };
    assert!(e.message.contains("too large"), "{}", e.message);
    assert!(
        e.describe(&rules.sources).contains("`wide when"),
        "{}",
        e.describe(&rules.sources)
    );
    assert!(Jit::compile_cut(&rules.program, Budget::UNLIMITED, 100).is_ok());
}
