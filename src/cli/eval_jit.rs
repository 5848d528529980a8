//! The JIT path of `smql eval`: choosing the engine (with the interpreter as the fallback when
//! the default engine cannot compile the rules) and formatting a batch from the kernel's
//! output columns.

use std::process::ExitCode;

use super::columns::Source;
use super::common::Engine;
use crate::data::{Batch, Column, Scalar};
use crate::eval::jit::{BatchResult, Jit, JitError};
use crate::ir::ScoreId;
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

/// The cell of column `source` at `row`, borrowed from the batch and the kernel's output columns
/// (definitions other than numbers and flags are built as values, as the interpreter does).
fn cell_of<'a>(source: Source, batch: &'a Batch, r: &'a BatchResult, row: usize) -> Cell<'a> {
    match source {
        Source::Record => Cell::Int(batch.record_number(row) as i64),
        Source::Field(f) => field_cell(batch, f.0 as usize, row),
        Source::Def(d) => Cell::Owned(r.def(d, row)),
        Source::Score(s) => Cell::Number(r.score(s, row)),
        Source::Grade(g) => Cell::Str(r.grade(g, row).1),
        Source::Stage => r.stage(row).map_or(Cell::Missing, Cell::Str),
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
        _ => Cell::Owned(batch.value(field, row)),
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
    let mut cells = Vec::with_capacity(columns.len());
    for row in 0..batch.len() {
        if let Some(e) = result.error(row) {
            rejects.push(batch.reject(row, e.message.clone()));
            continue;
        }
        cells.clear();
        cells.extend(
            columns
                .iter()
                .map(|(_, s)| cell_of(*s, batch, &result, row)),
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
        layout.write_cells(&mut out, rows, &cells, &why);
        rows += 1;
    }
    Ok(Processed {
        value: (out, rows),
        rejects,
    })
}
