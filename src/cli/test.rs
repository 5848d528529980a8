//! `smql test PATHS…`: run the `test` blocks of a rule set.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use super::common::EvalOptions;

#[derive(Args, Debug, Clone)]
pub struct TestArgs {
    /// Rule files or directories (searched for `*.smql`)
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    /// Run only the tests whose name contains TEXT
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    // `--as-of` fixes `now` for the tests without their own `as of`.
    #[command(flatten)]
    pub eval: EvalOptions,
    /// Print only failures and the summary line
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(_args: &TestArgs) -> ExitCode {
    super::not_implemented("test")
}
