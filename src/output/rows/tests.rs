use super::*;
use crate::data::Batch;
use crate::eval::{Engine, Evaluator};
use crate::value::Value;
use crate::RuleSet;

const RULES: &str = r#"
schema {
  id:         string key
  visits:     int
  title:      string?
  downloaded: list of string
}
MQL  when visits >= 3
huge when visits * 4611686018427387904 > 0
score fit {
  +10 when title is present
  +1.5 per visits up to 5
}
grade tier {
  "A, \"top\"" when fit >= 12
  "=B" when fit >= 3
  else "C"
}
stages Lead -> MQL
"#;

/// Leads whose text needs quoting, formula-like text, missing values, lists, a row whose
/// evaluation fails (`huge` overflows for 2 visits or more) and leads of every grade.
fn leads() -> Vec<Vec<Value>> {
    let list = |items: &[&str]| Value::List(items.iter().map(|s| Value::str(s)).collect());
    vec![
        vec![Value::str("L1"), Value::Int(0), Value::Missing, list(&[])],
        vec![
            Value::str("L,2"),
            Value::Int(1),
            Value::str("VP \"Sales\"\nEMEA"),
            list(&["pricing", "a;b"]),
        ],
        vec![
            Value::str("=L3"),
            Value::Int(5),
            Value::str("-CTO"),
            list(&["x"]),
        ],
        vec![
            Value::str("a long key of more than sixteen bytes"),
            Value::Int(0),
            Value::str("@x"),
            list(&[]),
        ],
        vec![
            Value::str(""),
            Value::Int(1),
            Value::str(""),
            list(&["", ""]),
        ],
    ]
}

#[test]
fn columns_render_as_rows_do() {
    let rules = match RuleSet::compile_str("rules.smql", RULES) {
        Ok(r) => r,
        Err(e) => panic!("{:?}", e.diagnostics),
    };
    for engine in [Engine::Jit, Engine::Interp] {
        let ev = Evaluator::new(&rules, engine).unwrap();
        let program = ev.program();
        let batch = Batch::from_leads(&program.schema, &leads()).unwrap();
        let outcome = ev.eval_batch(&batch, 0, false);
        assert!(outcome.ok_rows().count() < outcome.len(), "a row fails");
        let every = [
            "record",
            "id",
            "stage",
            "fit",
            "tier",
            "MQL",
            "title",
            "downloaded",
        ];
        let selections = [
            default_columns(program),
            select_columns(program, &every).unwrap(),
        ];
        for (columns, csv_safe) in selections
            .iter()
            .flat_map(|c| [(c.clone(), false), (c.clone(), true)])
        {
            let options = RowOptions {
                explain: false,
                csv_safe,
            };
            let writer = RowWriter::new(program, Format::Csv, columns, options);
            let cells: Vec<_> = writer.sources.iter().map(|s| outcome.cells(*s)).collect();
            let by_rows = writer.render_rows(&outcome, &cells);
            let by_columns = writer.render(&outcome);
            assert_eq!(by_columns.rows, by_rows.rows, "{engine:?}");
            assert_eq!(
                String::from_utf8_lossy(&by_columns.bytes),
                String::from_utf8_lossy(&by_rows.bytes),
                "{engine:?}, csv_safe {csv_safe}"
            );
            assert!(!by_columns.bytes.is_empty());
        }
    }
}

#[test]
fn a_batch_without_rows_renders_nothing() {
    let rules = RuleSet::compile_str("rules.smql", RULES).unwrap();
    let ev = Evaluator::new(&rules, Engine::Jit).unwrap();
    let batch = Batch::from_leads(&ev.program().schema, &[]).unwrap();
    let writer = RowWriter::new(
        ev.program(),
        Format::Csv,
        default_columns(ev.program()),
        RowOptions::default(),
    );
    let rendered = writer.render(&ev.eval_batch(&batch, 0, false));
    assert_eq!((rendered.rows, rendered.bytes.len()), (0, 0));
}
