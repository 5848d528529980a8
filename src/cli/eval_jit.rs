//! The JIT path of `smql eval`: choosing the engine (with the interpreter as the fallback when
//! the default engine cannot compile the rules) and formatting a batch from the kernel's
//! output columns.

use std::borrow::Cow;
use std::process::ExitCode;

use super::columns::Source;
use super::common::Engine;
use crate::data::{Batch, Column, Scalar};
use crate::eval::jit::{BatchResult, Jit, JitError};
use crate::ir::{DefId, ScoreId};
use crate::output::{Cell, Layout, WhyItem};
use crate::pipeline::Processed;
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

/// Where one output column's cells come from in a batch: kernel output columns are resolved
/// once per batch, so a row costs an index per cell.
enum View<'a> {
    Record,
    Field(usize),
    Def(DefId),
    Score(&'a [f64]),
    Grade(&'a [u32], &'a [String]),
    Stage(&'a [u32], &'a [String]),
}

impl<'a> View<'a> {
    fn new(source: Source, r: &'a BatchResult) -> View<'a> {
        match source {
            Source::Record => View::Record,
            Source::Field(f) => View::Field(f.0 as usize),
            Source::Def(d) => View::Def(d),
            Source::Score(s) => View::Score(r.score_column(s)),
            Source::Grade(g) => {
                let (positions, labels) = r.grade_column(g);
                View::Grade(positions, labels)
            }
            Source::Stage => {
                let (positions, names) = r.stage_column();
                View::Stage(positions, names)
            }
        }
    }

    /// The cell at `row`, as `BatchResult::{score, grade, stage, def}` give it.
    fn cell(&self, batch: &'a Batch, r: &BatchResult, row: usize) -> Cell<'a> {
        let label = |positions: &[u32], labels: &'a [String]| {
            positions
                .get(row)
                .and_then(|&p| labels.get(p as usize))
                .map(String::as_str)
        };
        match *self {
            View::Record => Cell::Int(batch.record_number(row) as i64),
            View::Field(f) => field_cell(batch, f, row),
            View::Def(d) => Cell::Value(Cow::Owned(r.def(d, row))),
            View::Score(s) => Cell::Number(s.get(row).copied().unwrap_or(0.0)),
            View::Grade(p, l) => Cell::Str(label(p, l).unwrap_or("")),
            View::Stage(p, n) => label(p, n).map_or(Cell::Missing, Cell::Str),
        }
    }
}

/// A field's cell: scalars straight from their column, lists and records as values.
fn field_cell(batch: &Batch, field: usize, row: usize) -> Cell<'_> {
    fn scalar<T: Copy + Default>(
        c: &Scalar<T>,
        row: usize,
        cell: impl Fn(T) -> Cell<'static>,
    ) -> Cell<'static> {
        c.get(row).map_or(Cell::Missing, cell)
    }
    match batch.columns.get(field) {
        Some(Column::Str(c)) => c
            .get(row)
            .map_or(Cell::Missing, |id| Cell::Str(batch.dict.get(id))),
        Some(Column::Int(c)) => scalar(c, row, Cell::Int),
        Some(Column::Number(c)) => scalar(c, row, Cell::Number),
        Some(Column::Bool(c)) => scalar(c, row, Cell::Bool),
        Some(Column::Timestamp(c)) => scalar(c, row, Cell::Timestamp),
        Some(Column::Duration(c)) => scalar(c, row, Cell::Duration),
        _ => Cell::Value(Cow::Owned(batch.value(field, row))),
    }
}

/// Evaluates and formats one batch with the kernel: the same bytes and rejects as the
/// interpreter's `render_batch`. An error when the kernel cannot take the batch (it does not fit
/// the schema: a bug), so the caller says so and uses the interpreter for it.
pub(crate) fn render_batch(
    jit: &Jit,
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
    let views: Vec<View> = columns
        .iter()
        .map(|(_, s)| View::new(*s, &result))
        .collect();
    let mut cells = Vec::with_capacity(columns.len());
    for row in 0..batch.len() {
        if let Some(e) = result.error(row) {
            rejects.push(batch.reject(row, e.message.clone()));
            continue;
        }
        cells.clear();
        cells.extend(views.iter().map(|v| v.cell(batch, &result, row)));
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
        layout.write_cells(&mut out, rows, &cells, &why);
        rows += 1;
    }
    Ok(Processed {
        value: (out, rows),
        rejects,
    })
}
