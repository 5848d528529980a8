//! `smql test PATHS…`: run the `test` blocks of a rule set.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use super::common::EvalOptions;
use super::exit;
use crate::diag::locate;
use crate::eval::run_test;
use std::io::Write;

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

pub fn run(args: &TestArgs) -> ExitCode {
    let rules = match super::rules::load_rules(&args.paths, args.quiet) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let now = super::rules::now_ms(args.eval.as_of);
    let program = &rules.program;
    let selected: Vec<_> = program
        .tests
        .iter()
        .filter(|t| args.filter.as_deref().is_none_or(|f| t.name.contains(f)))
        .collect();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut out = String::new();
    for test in &selected {
        let outcome = run_test(program, test, now);
        if outcome.passed {
            passed += 1;
            if !args.quiet {
                out.push_str(&format!("ok    {}\n", outcome.name));
            }
        } else {
            failed += 1;
            let loc = locate(&rules.sources, test.span);
            out.push_str(&format!(
                "FAIL  {}  ({}:{})\n",
                outcome.name, loc.file, loc.line
            ));
            for f in &outcome.failures {
                out.push_str(&format!("      {f}\n"));
            }
        }
    }
    if selected.is_empty() {
        let why = match &args.filter {
            Some(f) => format!("no test name contains `{f}`"),
            None => "the rule set has no `test` blocks".to_string(),
        };
        eprintln!("warning: {why}");
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(exit::USAGE);
    }
    ExitCode::from(if failed > 0 { exit::FAILURE } else { exit::OK })
}
