//! `smql eval PATHS… DATA`: evaluate every record and write one row per record.

use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

use std::io::Write;

use super::columns::{default_columns, output_columns, select_columns, value_of, Source};
use super::common::{DataOptions, EvalOptions, RulesAndData};
use super::datarun::{self, DataRun, Sink, WriteError};
use super::exit;
use super::rules::{load_rules, now_ms};
use crate::data::Batch;
use crate::eval::{eval_lead, why_items, Trace};
use crate::ir::{Program, ScoreId};
use crate::output::{Format, Layout, WhyItem};
use crate::pipeline::{Flow, Processed};

/// Format of `eval` results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ResultFormat {
    /// A header row, then one row per record; lists joined with `;`.
    #[default]
    Csv,
    /// One JSON object per line.
    Ndjson,
    /// One JSON array of objects.
    Json,
}

impl From<ResultFormat> for Format {
    fn from(f: ResultFormat) -> Format {
        match f {
            ResultFormat::Csv => Format::Csv,
            ResultFormat::Ndjson => Format::Ndjson,
            ResultFormat::Json => Format::Json,
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct EvalArgs {
    #[command(flatten)]
    pub input: RulesAndData,
    /// Result format
    #[arg(long, value_enum, default_value_t = ResultFormat::Csv)]
    pub format: ResultFormat,
    /// Write results to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Columns to write instead of the default (key, stage, scores, grades): any fields, definitions, scores and grades
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Add, per score, the items that fired (`SCORE_why` in CSV, `"why"` in JSON)
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub eval: EvalOptions,
    #[command(flatten)]
    pub data: DataOptions,
    /// No progress or counts on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

impl EvalArgs {
    /// Checks what clap cannot express (an empty `--select` name, `--rejects` without skip, stdin
    /// without a format). The names of `--select` are checked against the rule set later.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(names) = &self.select {
            if names.iter().any(|n| n.trim().is_empty()) {
                return Err("`--select` has an empty name".to_string());
            }
        }
        self.data.validate(&self.input.data())
    }

    /// The `--select` names, trimmed (`--select "a, b"` works).
    pub fn selected(&self) -> Option<Vec<&str>> {
        self.select
            .as_ref()
            .map(|names| names.iter().map(|n| n.trim()).collect())
    }
}

pub fn run(args: &EvalArgs) -> ExitCode {
    if let Err(e) = args.validate() {
        return super::usage_error(&e);
    }
    match evaluate(args) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(code) => code,
    }
}

fn evaluate(args: &EvalArgs) -> Result<(), ExitCode> {
    let rules = load_rules(args.input.rules(), args.quiet)?;
    let program = &rules.program;
    let columns = match args.selected() {
        Some(names) => select_columns(program, &names).map_err(|e| super::usage_error(&e))?,
        None => default_columns(program),
    };
    // `--explain` explains the scores that are output: all of them by default, the selected ones
    // with `--select`.
    let why_scores: Vec<ScoreId> = if args.explain {
        columns
            .iter()
            .filter_map(|(_, s)| match s {
                Source::Score(id) => Some(*id),
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let layout = Layout::new(
        args.format.into(),
        output_columns(program, &columns),
        why_scores
            .iter()
            .map(|s| program.score(*s).name.clone())
            .collect(),
    );
    let jit = super::eval_jit::choose_engine(&rules, args.eval.engine)?;
    let now = now_ms(args.eval.as_of);
    // Strings the kernel never compares need no lookup when they are read.
    let shared_strings = jit.as_ref().map(|j| j.string_sharing());
    let mut sink = Sink::open(args.output.as_deref())?;
    let mut head = Vec::new();
    layout.write_prefix(&mut head);
    sink.write_all(&head)
        .map_err(|e| super::usage_error(&WriteError(e).to_string()))?;

    // JSON arrays need each row's position in the whole output for their commas, which a batch
    // does not know while it is formatted in parallel: format batch-relative, then add the one
    // comma at the seam when the batch is written in order.
    let mut rows_written: u64 = 0;
    let fallback_noted = std::sync::atomic::AtomicBool::new(false);
    let summary = datarun::run(
        DataRun {
            rules: &rules,
            data: args.input.data(),
            options: &args.data,
            eval: &args.eval,
            shared_strings: shared_strings.as_deref(),
            quiet: args.quiet,
        },
        |batch| {
            let compiled = jit.as_ref().map(|jit| {
                super::eval_jit::render_batch(jit, &layout, &columns, &why_scores, batch, now)
            });
            match compiled {
                Some(Ok(done)) => done,
                Some(Err(e)) => {
                    // Never silently: a batch the kernel refuses is a bug worth reporting, and
                    // the interpreter gives the same results.
                    if !fallback_noted.swap(true, std::sync::atomic::Ordering::Relaxed) {
                        eprintln!("note: the JIT could not evaluate a batch ({}); evaluating it with the interpreter", e.message);
                    }
                    render_batch(program, &layout, &columns, &why_scores, batch, now)
                }
                None => render_batch(program, &layout, &columns, &why_scores, batch, now),
            }
        },
        |(bytes, rows): (Vec<u8>, u64)| {
            let seam: &[u8] = if layout.format() == Format::Json && rows_written > 0 && rows > 0 {
                b","
            } else {
                b""
            };
            sink.write_all(seam)
                .and_then(|()| sink.write_all(&bytes))
                .map_err(WriteError)?;
            rows_written += rows;
            Ok(Flow::Continue)
        },
    )?;
    let mut tail = Vec::new();
    layout.write_suffix(&mut tail, summary.records_out);
    sink.write_all(&tail)
        .map_err(|e| super::usage_error(&WriteError(e).to_string()))?;
    sink.commit()
}

/// Evaluates and formats one batch with the interpreter: the rows' bytes and count, and a reject
/// for each row whose evaluation failed (e.g. an integer overflow).
fn render_batch(
    program: &Program,
    layout: &Layout,
    columns: &[(String, Source)],
    why_scores: &[ScoreId],
    batch: &Batch,
    now: i64,
) -> Processed<(Vec<u8>, u64)> {
    let mut out = Vec::with_capacity(batch.len() * 64);
    let mut rejects = Vec::new();
    let mut rows = 0u64;
    let mut row_values = Vec::with_capacity(columns.len());
    for row in 0..batch.len() {
        let lead = batch.lead(row);
        let mut trace = Trace::default();
        let want_trace = !why_scores.is_empty();
        let values = match eval_lead(program, &lead, now, want_trace.then_some(&mut trace)) {
            Ok(v) => v,
            Err(e) => {
                rejects.push(batch.reject(row, e.message));
                continue;
            }
        };
        row_values.clear();
        row_values.extend(
            columns
                .iter()
                .map(|(_, s)| value_of(*s, batch, row, &lead, &values)),
        );
        let why: Vec<Vec<WhyItem>> = why_scores
            .iter()
            .map(|s| {
                why_items(&trace, *s)
                    .into_iter()
                    .map(|(rule, points)| WhyItem::new(rule, points))
                    .collect()
            })
            .collect();
        // Batch-relative index: the first row of every batch is written without a leading
        // comma; the pipeline's consumer adds the seam comma between batches.
        layout.write_row(&mut out, rows, &row_values, &why);
        rows += 1;
    }
    Processed {
        value: (out, rows),
        rejects,
    }
}
