//! `smql report PATHS… DATA`: the funnel, conversions and score distributions.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use super::common::{DataOptions, EvalOptions, RulesAndData, TextFormat};

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: RulesAndData,
    /// Break the funnel down by this field, definition or grade
    #[arg(long, value_name = "FIELD")]
    pub by: Option<String>,
    /// Also write a self-contained HTML page with charts to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
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

pub fn run(args: &ReportArgs) -> ExitCode {
    if let Err(e) = args.data.validate(&args.input.data()) {
        return super::usage_error(&e);
    }
    super::not_implemented("report")
}
