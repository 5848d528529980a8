//! `smql eval PATHS… DATA`: evaluate every record and write one row per record.

use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

use super::common::{DataOptions, EvalOptions, RulesAndData};
use crate::output::Format;

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
    super::not_implemented("eval")
}
