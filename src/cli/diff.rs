//! `smql diff OLD NEW DATA`: what a rule change does to the data.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use super::common::{DataOptions, DataSource, EvalOptions, TextFormat};

#[derive(Args, Debug, Clone)]
pub struct DiffArgs {
    /// The rule set before the change (a file or a directory)
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The rule set after the change (a file or a directory)
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// The data file (`-` for stdin)
    #[arg(value_name = "DATA")]
    data_path: PathBuf,
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

impl DiffArgs {
    pub fn data(&self) -> DataSource {
        DataSource::from_arg(&self.data_path)
    }
}

pub fn run(args: &DiffArgs) -> ExitCode {
    if let Err(e) = args.data.validate(&args.data()) {
        return super::usage_error(&e);
    }
    super::not_implemented("diff")
}
