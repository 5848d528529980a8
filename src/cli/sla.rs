//! `smql sla PATHS… DATA`: the SLA table.

use clap::{Args, ValueEnum};

use super::args::DataArgs;
use super::data;
use super::error::Failure;
use super::exit;
use super::output_file::Sink;
use super::rules::load_evaluator;
use crate::pipeline::{Flow, Processed};
use crate::report::sla::{render_json, render_table, SlaAccumulator};

/// Format of the SLA report (`--format table|json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SlaFormat {
    /// An aligned table for people; volume SLAs list their periods below.
    #[default]
    Table,
    /// One JSON array: each SLA with `name`, `owner`, `kind`, `met`, `breached`, `pending`,
    /// `compliance`, `target`, `passed` (and `periods` for volume SLAs).
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct SlaArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = SlaFormat::Table)]
    pub format: SlaFormat,
    /// Exit with 1 when any SLA fails
    #[arg(long)]
    pub fail_on_breach: bool,
}

/// Evaluates every lead, accumulates the SLAs, prints the report; exit 1 under
/// `--fail-on-breach` when an SLA failed.
pub(crate) fn run(args: &SlaArgs) -> Result<u8, Failure> {
    args.data.validate().map_err(Failure::usage)?;
    let run = &args.data.run;
    let evaluator = load_evaluator(args.data.input.rules(), run.eval.engine.into(), run.quiet)?;
    let program = evaluator.program();
    if program.slas.is_empty() && !run.quiet {
        eprintln!("warning: the rule set declares no `sla`");
    }
    let options = run.options(false);
    let mut total = SlaAccumulator::new(program, options.now);
    data::evaluate(
        &evaluator,
        &args.data.input.data(),
        program.fields_in_use(),
        run,
        &options,
        |outcome| {
            let mut acc = SlaAccumulator::new(program, options.now);
            let rejects = acc.add_outcome(outcome);
            Processed {
                value: acc,
                rejects,
            }
        },
        |partial| {
            total.merge(partial);
            Ok(Flow::Continue)
        },
    )?;
    let results = total.finish();
    let text = match args.format {
        SlaFormat::Table => render_table(&results),
        SlaFormat::Json => render_json(&results),
    };
    Sink::write_text(run.output.as_deref(), &text)?;
    let passed = results.iter().all(|r| r.passed);
    Ok(if passed || !args.fail_on_breach {
        exit::OK
    } else {
        exit::FAILURE
    })
}
