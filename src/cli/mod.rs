//! The `smql` command line: one file per subcommand, each arguments → library → sink; this
//! module parses, dispatches, and maps every outcome to its exit code (`error.rs`, once).
//!
//! ```text
//! args.rs         option groups (DataArgs, RunArgs, …), converted once into library options
//! rules.rs        load and check the rules, make the Evaluator
//! data.rs         open the input, run the library over it, rejects file, counts
//! output_file.rs  stdout or an atomically written `-o FILE`
//! progress.rs     progress on stderr;  terminal.rs  colour and width of stderr
//! error.rs        failures → messages and exit codes
//! ```

mod args;
mod check;
mod data;
mod diff;
mod doc;
mod error;
mod eval;
mod explain;
mod fmt;
mod output_file;
mod progress;
mod report;
mod rules;
mod sla;
mod terminal;
mod test;

pub use args::{
    parse_as_of, parse_threads, DataArgs, DataOptions, Engine, EvalOptions, InputFormat, OnError,
    RulesAndData, RunArgs, TextFormat,
};
pub use check::{CheckArgs, CheckFormat};
pub use diff::DiffArgs;
pub use doc::DocArgs;
pub use eval::{EvalArgs, ResultFormat};
pub use explain::ExplainArgs;
pub use fmt::FmtArgs;
pub use report::ReportArgs;
pub use sla::{SlaArgs, SlaFormat};
pub use test::TestArgs;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit codes, the same for every command (docs/commands.md).
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The rules have errors, a test failed, `fmt --check` found changes, or an SLA failed under
    /// `--fail-on-breach`.
    pub const FAILURE: u8 = 1;
    /// Usage error, unreadable input, or bad data under `--on-error fail`.
    pub const USAGE: u8 = 2;
}

/// Sales & Marketing Qualification Language: define, test and evaluate lead rules
#[derive(Parser, Debug)]
#[command(name = "smql", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse, resolve, type-check and lint a rule set; print its diagnostics
    Check(CheckArgs),
    /// Rewrite files in canonical layout (`--check`: change nothing, fail if any would change)
    Fmt(FmtArgs),
    /// Run the `test` blocks of a rule set
    Test(TestArgs),
    /// Evaluate every record of DATA; write one row per record
    #[command(override_usage = "smql eval [OPTIONS] <PATHS>... <DATA>")]
    Eval(EvalArgs),
    /// Show how one lead (`--lead KEY`) was evaluated: definitions, score items, grades, stage
    #[command(override_usage = "smql explain [OPTIONS] --lead <KEY> <PATHS>... <DATA>")]
    Explain(ExplainArgs),
    /// What a rule change does to the data: stage transitions, grade changes, score deltas
    #[command(
        override_usage = "smql diff [OPTIONS] <OLD> <NEW> <DATA>\n       smql diff [OPTIONS] --base <REV> <PATHS>... <DATA>"
    )]
    Diff(DiffArgs),
    /// SLA table: met, breached, pending, compliance, target, pass/fail
    #[command(override_usage = "smql sla [OPTIONS] <PATHS>... <DATA>")]
    Sla(SlaArgs),
    /// Funnel: leads per stage, conversion between stages, score distribution
    #[command(override_usage = "smql report [OPTIONS] <PATHS>... <DATA>")]
    Report(ReportArgs),
    /// Glossary of the rule set from its doc comments (Markdown, or `--html`)
    Doc(DocArgs),
}

/// Entry point of the `smql` binary.
pub fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => {
            // clap prints usage errors to stderr and `--help`/`--version` to stdout; its exit
            // code is 2 for usage errors and 0 for help and version, as docs/commands.md wants.
            let _ = e.print();
            ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            })
        }
    }
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Check(a) => check::run(&a),
        Command::Fmt(a) => fmt::run_fmt(&a),
        Command::Test(a) => test::run(&a),
        Command::Eval(a) => eval::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Diff(a) => diff::run_diff(&a),
        Command::Sla(a) => sla::run(&a),
        Command::Report(a) => report::run(&a),
        Command::Doc(a) => doc::run(&a),
    };
    error::exit_code(result)
}

/// For commands whose engine is still being written: their arguments parse and validate, then
/// they say so plainly.
pub(crate) fn not_implemented(command: &str) -> error::Failure {
    error::Failure::usage(format!("`smql {command}` is not implemented yet"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataSource;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn eval_splits_rules_from_data_and_parses_options() {
        let cli = Cli::try_parse_from([
            "smql",
            "eval",
            "rules/",
            "extra.smql",
            "leads.csv",
            "--as-of",
            "1970-01-02",
            "--select",
            "MQL,engagement",
            "--format",
            "ndjson",
            "--engine",
            "interp",
            "--threads",
            "3",
            "--explain",
        ])
        .unwrap();
        let Command::Eval(a) = cli.command else {
            panic!("not eval")
        };
        assert_eq!(a.data.input.rules().len(), 2);
        assert_eq!(a.data.input.data(), DataSource::File("leads.csv".into()));
        let eval = &a.data.run.eval;
        assert_eq!(eval.as_of, Some(crate::time::MS_PER_DAY));
        assert_eq!(a.select, Some(vec!["MQL".into(), "engagement".into()]));
        assert_eq!(a.format, ResultFormat::Ndjson);
        assert_eq!(eval.engine, Some(Engine::Interp));
        assert_eq!(eval.threads.map(|n| n.get()), Some(3));
        assert!(a.explain);
    }

    #[test]
    fn eval_needs_rules_and_data() {
        let err = Cli::try_parse_from(["smql", "eval", "leads.csv"]).unwrap_err();
        assert!(err.use_stderr());
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn diff_takes_old_new_data() {
        let cli =
            Cli::try_parse_from(["smql", "diff", "old/", "new/", "-", "--input-format", "csv"])
                .unwrap();
        let Command::Diff(a) = cli.command else {
            panic!("not diff")
        };
        let paths: Vec<&str> = a.inputs.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(paths, ["old/", "new/", "-"]);
        let cli = Cli::try_parse_from(["smql", "diff", "--base", "main", "r/", "d.csv"]).unwrap();
        let Command::Diff(a) = cli.command else {
            panic!("not diff")
        };
        assert_eq!(a.base.as_deref(), Some("main"));
    }

    #[test]
    fn bad_as_of_is_a_usage_error_naming_the_value() {
        let err =
            Cli::try_parse_from(["smql", "sla", "r.smql", "d.csv", "--as-of", "soon"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().contains("`soon` is not a timestamp"),
            "{err}"
        );
    }
}
