//! `smql report PATHS… DATA`: the funnel, conversions and score distributions.

use clap::Args;
use std::path::PathBuf;

use super::args::{DataArgs, TextFormat};
use super::error::Failure;

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Break the funnel down by this field, definition or grade
    #[arg(long, value_name = "FIELD")]
    pub by: Option<String>,
    /// Also write a self-contained HTML page with charts to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
}

pub(crate) fn run(args: &ReportArgs) -> Result<u8, Failure> {
    args.data.validate().map_err(Failure::usage)?;
    Err(super::not_implemented("report"))
}
