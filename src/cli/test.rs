//! `smql test PATHS…`: run the `test` blocks of a rule set.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::args::EvalOptions;
use super::error::Failure;
use super::exit;
use super::rules::load_evaluator;
use crate::diag::locate;
use crate::eval::run_tests;

#[derive(Args, Debug, Clone)]
pub struct TestArgs {
    /// Rule files or directories (searched for `*.smql`)
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    /// Run only the tests whose name contains TEXT
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    // `--as-of` fixes `now` for the tests without their own `as of`; `--threads` runs tests in
    // parallel; `--engine` evaluates them as `eval` would.
    #[command(flatten)]
    pub eval: EvalOptions,
    /// Print only failures and the summary line
    #[arg(short, long)]
    pub quiet: bool,
}

pub(crate) fn run(args: &TestArgs) -> Result<u8, Failure> {
    let evaluator = load_evaluator(&args.paths, args.eval.engine.into(), args.quiet)?;
    let program = evaluator.program();
    let selected: Vec<_> = program
        .tests
        .iter()
        .filter(|t| args.filter.as_deref().is_none_or(|f| t.name.contains(f)))
        .collect();
    let outcomes = run_tests(&evaluator, &selected, args.eval.now(), args.eval.threads)
        .map_err(Failure::usage)?;
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut out = String::new();
    for (test, outcome) in selected.iter().zip(&outcomes) {
        if outcome.passed {
            passed += 1;
            if !args.quiet {
                out.push_str(&format!("ok    {}\n", outcome.name));
            }
        } else {
            failed += 1;
            let loc = locate(evaluator.sources(), test.span);
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
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())?;
    Ok(if failed > 0 { exit::FAILURE } else { exit::OK })
}
