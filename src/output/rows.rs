//! `smql eval`'s rows: which columns a row holds (the default, or `--select`), and a batch's
//! [`Outcome`] rendered as CSV, NDJSON or JSON.
//!
//! Batches are rendered in parallel, each on its own ([`RowWriter::render`]), and written in
//! input order through one [`RowStream`], which adds what a whole output needs: the CSV header,
//! the brackets of a JSON array and the comma between two batches' rows.

use super::table::{Column, Format, Layout};
use super::value::record_fields;
use crate::diag::did_you_mean;
use crate::eval::{Cells, Outcome, Source};
use crate::ir::{GradeId, Name, Program, ScoreId};
use std::io::Write;

/// The default columns: the key (or `record`), `stage` when declared, every score, then every
/// grade, in declaration order.
pub fn default_columns(program: &Program) -> Vec<(String, Source)> {
    let mut cols = vec![match program.schema.key {
        Some(k) => (program.field(k).name.clone(), Source::Name(Name::Field(k))),
        None => ("record".to_string(), Source::Record),
    }];
    if program.stages.is_some() {
        cols.push(("stage".to_string(), Source::Name(Name::Stage)));
    }
    for (i, s) in program.scores.iter().enumerate() {
        cols.push((s.name.clone(), Source::Name(Name::Score(ScoreId(i as u32)))));
    }
    for (i, g) in program.grades.iter().enumerate() {
        cols.push((g.name.clone(), Source::Name(Name::Grade(GradeId(i as u32)))));
    }
    cols
}

/// The columns `--select` names: any field, definition, score or grade, `stage`, or `record`.
/// An unknown name is an error with a "did you mean".
pub fn select_columns(program: &Program, names: &[&str]) -> Result<Vec<(String, Source)>, String> {
    names
        .iter()
        .map(|&name| {
            let source = match (program.lookup(name), name) {
                (Some(n), _) => Source::Name(n),
                (None, "record") => Source::Record,
                (None, _) => return Err(unknown_name(program, name)),
            };
            Ok((name.to_string(), source))
        })
        .collect()
}

fn unknown_name(program: &Program, name: &str) -> String {
    let mut message =
        format!("`--select` names `{name}`, which is not a field, definition, score or grade");
    if let Some(near) = did_you_mean(name, program.names.sorted()) {
        message.push_str(&format!("; did you mean `{near}`?"));
    }
    message
}

/// How rows are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowOptions {
    /// Each row also says why each of its scores came out as it did (`--explain`).
    pub explain: bool,
    /// CSV: text cells a spreadsheet would run as a formula are written as text (`--csv-safe`).
    pub csv_safe: bool,
}

/// One rendered batch: its rows' bytes and how many rows they are.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub rows: u64,
}

/// Renders batches' rows: the columns, the format, and the scores explained (`--explain`).
#[derive(Debug, Clone)]
pub struct RowWriter {
    layout: Layout,
    sources: Vec<Source>,
    why_scores: Vec<ScoreId>,
}

impl RowWriter {
    /// Rows of `columns` in `format`, as `options` ask.
    pub fn new(
        program: &Program,
        format: Format,
        columns: Vec<(String, Source)>,
        options: RowOptions,
    ) -> RowWriter {
        let explain = options.explain;
        // `--explain` explains the scores that are output: all of them by default, the selected
        // ones with `--select`.
        let why_scores: Vec<ScoreId> = if explain {
            columns
                .iter()
                .filter_map(|(_, s)| match s {
                    Source::Name(Name::Score(id)) => Some(*id),
                    _ => None,
                })
                .collect()
        } else {
            Vec::new()
        };
        let layout_columns = columns
            .iter()
            .map(|(name, source)| {
                let fields = match source {
                    Source::Name(n) => record_fields(&program.type_of(*n)),
                    Source::Record => Vec::new(),
                };
                Column::records(name.clone(), fields)
            })
            .collect();
        let why_names = why_scores
            .iter()
            .map(|s| program.score(*s).name.clone())
            .collect();
        RowWriter {
            layout: Layout::new(format, layout_columns, why_names).csv_safe(options.csv_safe),
            sources: columns.into_iter().map(|(_, s)| s).collect(),
            why_scores,
        }
    }

    /// Whether rows carry explanations (the batch must be evaluated with `explain`).
    pub fn explains(&self) -> bool {
        !self.why_scores.is_empty()
    }

    /// The rows of every row of `outcome` that evaluated (a failed row is a reject, not a row).
    pub fn render(&self, outcome: &Outcome) -> Rendered {
        let columns: Vec<_> = self.sources.iter().map(|s| outcome.cells(*s)).collect();
        if self.layout.format() == Format::Csv && self.why_scores.is_empty() {
            let rows: Vec<usize> = outcome.ok_rows().collect();
            return Rendered {
                bytes: super::csv_columns::render(&self.layout, &columns, &rows),
                rows: rows.len() as u64,
            };
        }
        self.render_rows(outcome, &columns)
    }

    /// [`RowWriter::render`] a row at a time: JSON rows, and CSV rows with explanations.
    fn render_rows(&self, outcome: &Outcome, columns: &[Cells<'_, '_>]) -> Rendered {
        let mut out = Vec::with_capacity(outcome.len() * 64);
        let mut why = Vec::new();
        let mut rows = 0u64;
        for row in outcome.ok_rows() {
            if !self.why_scores.is_empty() {
                why.clear();
                why.extend(self.why_scores.iter().map(|s| outcome.why(*s, row)));
            }
            // Batch-relative index: the first row of every batch is written without a leading
            // comma; `RowStream` adds the comma between batches. The cells go from the columns
            // to the bytes one by one: a row is never collected.
            let cells = columns.iter().map(|c| c.cell(row));
            self.layout.write_cells(&mut out, rows, cells, &why);
            rows += 1;
        }
        Rendered { bytes: out, rows }
    }
}

/// A whole output of rows, written batch by batch in input order.
pub struct RowStream<'w, W: Write> {
    writer: &'w RowWriter,
    out: W,
    rows: u64,
}

impl<'w, W: Write> RowStream<'w, W> {
    /// Writes what comes before the first row (the CSV header, the `[` of a JSON array).
    pub fn start(writer: &'w RowWriter, mut out: W) -> std::io::Result<RowStream<'w, W>> {
        let mut head = Vec::new();
        writer.layout.write_prefix(&mut head);
        out.write_all(&head)?;
        Ok(RowStream {
            writer,
            out,
            rows: 0,
        })
    }

    /// Writes one rendered batch. A JSON array needs a comma between the last row of the rows
    /// written so far and the first of this batch: batches are rendered without knowing what
    /// came before them.
    pub fn write(&mut self, batch: &Rendered) -> std::io::Result<()> {
        if self.writer.layout.format() == Format::Json && self.rows > 0 && batch.rows > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(&batch.bytes)?;
        self.rows += batch.rows;
        Ok(())
    }

    /// Writes what comes after the last row, and gives the writer back.
    pub fn finish(mut self) -> std::io::Result<W> {
        let mut tail = Vec::new();
        self.writer.layout.write_suffix(&mut tail, self.rows);
        self.out.write_all(&tail)?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests;
