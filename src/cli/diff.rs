//! `smql diff OLD NEW DATA`: what a rule change does to the data.

use clap::Args;
use std::path::PathBuf;

use super::args::{RunArgs, TextFormat};
use super::error::Failure;
use crate::data::DataSource;

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
    #[command(flatten)]
    pub run: RunArgs,
}

impl DiffArgs {
    pub fn data(&self) -> DataSource {
        DataSource::from_arg(&self.data_path)
    }
}

pub(crate) fn run(args: &DiffArgs) -> Result<u8, Failure> {
    args.run
        .data
        .validate(&args.data())
        .map_err(Failure::usage)?;
    Err(super::not_implemented("diff"))
}
