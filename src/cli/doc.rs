//! `smql doc PATHS…`: a glossary of the rule set from its doc comments.

use clap::Args;
use std::path::PathBuf;

use super::error::Failure;

#[derive(Args, Debug, Clone)]
pub struct DocArgs {
    /// Rule files or directories (searched for `*.smql`)
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    /// Write HTML instead of Markdown
    #[arg(long)]
    pub html: bool,
    /// Write to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Nothing on stderr but errors
    #[arg(short, long)]
    pub quiet: bool,
}

pub(crate) fn run(_args: &DocArgs) -> Result<u8, Failure> {
    Err(super::not_implemented("doc"))
}
