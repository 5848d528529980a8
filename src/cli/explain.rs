//! `smql explain PATHS… DATA --lead KEY`: every definition, score item, grade arm and stage of one
//! lead, with values.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use super::common::{DataOptions, EvalOptions, RulesAndData, TextFormat};

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: RulesAndData,
    /// The lead to explain: its key (or its 1-based record number when the schema has no key)
    #[arg(long, value_name = "KEY", required = true)]
    pub lead: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
    /// Write to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub eval: EvalOptions,
    #[command(flatten)]
    pub data: DataOptions,
    /// No progress on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: &ExplainArgs) -> ExitCode {
    if let Err(e) = args.data.validate(&args.input.data()) {
        return super::usage_error(&e);
    }
    super::not_implemented("explain")
}
