//! `smql fmt PATHS…`: rewrite files in canonical layout.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug, Clone)]
pub struct FmtArgs {
    /// Rule files or directories (searched for `*.smql`)
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    /// Change nothing; list the files that would change and exit with 1 if any
    #[arg(long)]
    pub check: bool,
    /// Do not list the files
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(_args: &FmtArgs) -> ExitCode {
    super::error::exit_code(Err(super::not_implemented("fmt")))
}
