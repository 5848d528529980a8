//! Evaluate batches with both engines and compare exactly (the `jit_*` tests).

use smql::data::Batch;
use smql::eval::jit::Jit;
use smql::eval::{eval_lead, why_items, LeadValues, Trace, WhyItem};
use smql::ir::{Program, ScoreId};
use smql::value::Value;

/// Equal values, floats compared bit for bit.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.to_bits() == y.to_bits(),
        (Value::List(x), Value::List(y)) | (Value::Record(x), Value::Record(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q))
        }
        _ => a == b,
    }
}

fn same_lead(a: &LeadValues, b: &LeadValues) -> Result<(), String> {
    for (i, (x, y)) in a.defs.iter().zip(&b.defs).enumerate() {
        if !same(x, y) {
            return Err(format!("definition {i}: interpreter {x:?}, jit {y:?}"));
        }
    }
    for (i, (x, y)) in a.scores.iter().zip(&b.scores).enumerate() {
        if x.to_bits() != y.to_bits() {
            return Err(format!("score {i}: interpreter {x:?}, jit {y:?}"));
        }
    }
    if a.grades != b.grades {
        return Err(format!(
            "grades: interpreter {:?}, jit {:?}",
            a.grades, b.grades
        ));
    }
    if !same(&a.stage, &b.stage) {
        return Err(format!(
            "stage: interpreter {:?}, jit {:?}",
            a.stage, b.stage
        ));
    }
    Ok(())
}

fn same_why(a: &[WhyItem], b: &[WhyItem]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.rule == y.rule && x.points.to_bits() == y.points.to_bits())
}

/// Evaluates every row of `batch` with the interpreter and the JIT (both kernels: with and
/// without explanations) and returns the first difference, if any. Also returns the number of
/// rows with an error.
pub fn compare_batch(
    program: &Program,
    jit: &Jit,
    batch: &Batch,
    now: i64,
) -> Result<usize, String> {
    let result = jit
        .eval_batch(batch, now, true)
        .map_err(|e| format!("eval_batch: {e}"))?;
    let plain = jit
        .eval_batch(batch, now, false)
        .map_err(|e| format!("eval_batch without explanations: {e}"))?;
    let mut errors = 0;
    for row in 0..batch.len() {
        let lead = batch.lead(row);
        let mut trace = Trace::default();
        let expected = eval_lead(program, &lead, now, Some(&mut trace));
        let context = || format!("row {row} ({lead:?})");
        if result.error(row) != plain.error(row) {
            return Err(format!(
                "{}: the kernels disagree on the error: {:?} with explanations, {:?} without",
                context(),
                result.error(row),
                plain.error(row)
            ));
        }
        match (expected, result.error(row)) {
            (Err(e), Some(j)) => {
                if &e != j {
                    return Err(format!(
                        "{}: interpreter error {e:?}, jit error {j:?}",
                        context()
                    ));
                }
                errors += 1;
            }
            (Err(e), None) => {
                return Err(format!("{}: interpreter error {e:?}, jit none", context()))
            }
            (Ok(_), Some(j)) => return Err(format!("{}: jit error {j:?} only", context())),
            (Ok(values), None) => {
                same_lead(&values, &result.lead_values(row))
                    .map_err(|e| format!("{}: {e}", context()))?;
                same_lead(&values, &plain.lead_values(row))
                    .map_err(|e| format!("{} (without explanations): {e}", context()))?;
                for s in 0..program.scores.len() {
                    let id = ScoreId(s as u32);
                    let (want, got) = (why_items(&trace, id), result.why(id, row));
                    if !same_why(&want, &got) {
                        return Err(format!(
                            "{}: why of score {s}: interpreter {want:?}, jit {got:?}",
                            context()
                        ));
                    }
                }
            }
        }
    }
    Ok(errors)
}
