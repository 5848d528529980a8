//! `smql sla PATHS… DATA`: the SLA table.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use super::common::{DataOptions, EvalOptions, RulesAndData, TextFormat};

#[derive(Args, Debug, Clone)]
pub struct SlaArgs {
    #[command(flatten)]
    pub input: RulesAndData,
    /// Output format
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
    /// Write to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when any SLA fails
    #[arg(long)]
    pub fail_on_breach: bool,
    #[command(flatten)]
    pub eval: EvalOptions,
    #[command(flatten)]
    pub data: DataOptions,
    /// No progress on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: &SlaArgs) -> ExitCode {
    if let Err(e) = args.data.validate(&args.input.data()) {
        return super::usage_error(&e);
    }
    super::not_implemented("sla")
}
