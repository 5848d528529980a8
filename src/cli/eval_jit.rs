//! The JIT path of `smql eval`: choosing the engine (with the interpreter as the fallback when
//! the default engine cannot compile the rules) and formatting a batch from the kernel's
//! output columns.

use std::process::ExitCode;
use std::sync::Arc;

use super::columns::Source;
use super::common::Engine;
use crate::data::Batch;
use crate::eval::jit::{BatchResult, Jit, JitError};
use crate::ir::{Program, ScoreId, Ty};
use crate::output::{Layout, WhyItem};
use crate::pipeline::Processed;
use crate::value::Value;
use crate::RuleSet;

/// The compiled rules, or `None` for the interpreter. `--engine jit` given explicitly makes a
/// rule set the JIT cannot compile a usage error (exit 2); with the default engine, eval falls
/// back to the interpreter and says so once on stderr.
pub(crate) fn choose_engine(
    rules: &RuleSet,
    engine: Option<Engine>,
) -> Result<Option<Jit>, ExitCode> {
    if engine == Some(Engine::Interp) {
        return Ok(None);
    }
    match Jit::compile(&rules.program) {
        Ok(jit) => Ok(Some(jit)),
        Err(e) => {
            let why = e.describe(&rules.sources);
            if engine == Some(Engine::Jit) {
                Err(super::usage_error(&format!(
                    "`--engine jit` cannot compile these rules: {why}"
                )))
            } else {
                eprintln!("note: evaluating with the interpreter: {why}");
                Ok(None)
            }
        }
    }
}

/// Labels of grades and stages as shared strings, so rows reuse them instead of allocating.
pub(crate) struct Labels {
    grades: Vec<Vec<Arc<str>>>,
    stages: Vec<Arc<str>>,
}

impl Labels {
    pub fn new(program: &Program) -> Labels {
        let labels = |ty: &Ty| match ty.base() {
            Ty::Enum(e) => e.values.iter().map(|v| Arc::from(v.as_str())).collect(),
            _ => Vec::new(),
        };
        Labels {
            grades: program.grades.iter().map(|g| labels(&g.ty)).collect(),
            stages: program
                .stages
                .as_ref()
                .map_or(Vec::new(), |s| labels(&s.ty)),
        }
    }
}

fn value_of(source: Source, labels: &Labels, batch: &Batch, r: &BatchResult, row: usize) -> Value {
    match source {
        Source::Record => Value::Int(batch.record_number(row) as i64),
        Source::Field(f) => batch.value(f.0 as usize, row),
        Source::Def(d) => r.def(d, row),
        Source::Score(s) => Value::Number(r.score(s, row)),
        Source::Grade(g) => {
            let (index, label) = r.grade(g, row);
            labels
                .grades
                .get(g.0 as usize)
                .and_then(|l| l.get(index as usize))
                .map_or_else(|| Value::str(label), |l| Value::Str(l.clone()))
        }
        Source::Stage => match r.stage(row) {
            None => Value::Missing,
            Some(name) => labels
                .stages
                .iter()
                .find(|l| &***l == name)
                .map_or_else(|| Value::str(name), |l| Value::Str(l.clone())),
        },
    }
}

/// Evaluates and formats one batch with the kernel: the same bytes and rejects as the
/// interpreter's `render_batch`. An error when the kernel cannot take the batch (it does not fit
/// the schema: a bug), so the caller says so and uses the interpreter for it.
pub(crate) fn render_batch(
    jit: &Jit,
    labels: &Labels,
    layout: &Layout,
    columns: &[(String, Source)],
    why_scores: &[ScoreId],
    batch: &Batch,
    now: i64,
) -> Result<Processed<(Vec<u8>, u64)>, JitError> {
    let result = jit.eval_batch(batch, now, !why_scores.is_empty())?;
    let mut out = Vec::with_capacity(batch.len() * 64);
    let mut rejects = Vec::new();
    let mut rows = 0u64;
    let mut row_values = Vec::with_capacity(columns.len());
    for row in 0..batch.len() {
        if let Some(e) = result.error(row) {
            rejects.push(batch.reject(row, e.message.clone()));
            continue;
        }
        row_values.clear();
        row_values.extend(
            columns
                .iter()
                .map(|(_, s)| value_of(*s, labels, batch, &result, row)),
        );
        let why: Vec<Vec<WhyItem>> = why_scores
            .iter()
            .map(|s| {
                result
                    .why(*s, row)
                    .into_iter()
                    .map(|(rule, points)| WhyItem::new(rule, points))
                    .collect()
            })
            .collect();
        layout.write_row(&mut out, rows, &row_values, &why);
        rows += 1;
    }
    Ok(Processed {
        value: (out, rows),
        rejects,
    })
}
