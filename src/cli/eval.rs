//! `smql eval PATHS… DATA`: evaluate every record and write one row per record.

use clap::{Args, ValueEnum};

use super::args::DataArgs;
use super::data;
use super::error::Failure;
use super::exit;
use super::output_file::Sink;
use super::rules::load_evaluator;
use crate::eval::Source;
use crate::output::rows::{default_columns, select_columns, RowOptions, RowStream, RowWriter};
use crate::output::Format;
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
    pub data: DataArgs,
    /// Result format
    #[arg(long, value_enum, default_value_t = ResultFormat::Csv)]
    pub format: ResultFormat,
    /// Columns to write instead of the default (key, stage, scores, grades): any fields, definitions, scores and grades
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Add, per score, the items that fired (`SCORE_why` in CSV, `"why"` in JSON)
    #[arg(long)]
    pub explain: bool,
    /// CSV: write text cells that start with `=`, `+`, `-` or `@` so that a spreadsheet shows them as text instead of running them as formulas (a leading `'`)
    #[arg(long)]
    pub csv_safe: bool,
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
        self.data.validate()
    }

    /// The `--select` names, trimmed (`--select "a, b"` works).
    pub fn selected(&self) -> Option<Vec<&str>> {
        self.select
            .as_ref()
            .map(|names| names.iter().map(|n| n.trim()).collect())
    }
}

pub(crate) fn run(args: &EvalArgs) -> Result<u8, Failure> {
    args.validate().map_err(Failure::usage)?;
    let run = &args.data.run;
    let evaluator = load_evaluator(args.data.input.rules(), run.eval.engine.into(), run.quiet)?;
    let program = evaluator.program();
    let columns = match args.selected() {
        Some(names) => select_columns(program, &names).map_err(Failure::usage)?,
        None => default_columns(program),
    };
    // The rules' fields and the fields written: the others are not decoded.
    let mut reads = program.fields_in_use();
    for (_, source) in &columns {
        if let Source::Name(name) = source {
            reads.add_name(*name);
        }
    }
    let options = RowOptions {
        explain: args.explain,
        csv_safe: args.csv_safe,
    };
    let writer = RowWriter::new(program, args.format.into(), columns, options);
    let mut rows = RowStream::start(&writer, Sink::open(run.output.as_deref())?)?;
    data::evaluate(
        &evaluator,
        &args.data.input.data(),
        reads,
        run,
        &run.options(writer.explains()),
        |outcome| Processed::new(writer.render(outcome)),
        |rendered| rows.write(&rendered).map(|()| Flow::Continue),
    )?;
    rows.finish()?.commit()?;
    Ok(exit::OK)
}
