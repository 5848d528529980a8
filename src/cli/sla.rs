//! `smql sla PATHS… DATA`: the SLA table.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use std::io::Write;

use super::common::{DataOptions, EvalOptions, RulesAndData};
use super::datarun::{self, DataRun, Sink};
use super::exit;
use super::rules::{load_rules, now_ms};
use crate::data::Batch;
use crate::eval::eval_lead;
use crate::ir::Program;
use crate::pipeline::{Flow, Processed};
use crate::report::sla::{render_json, render_table, SlaAccumulator};

/// Format of the SLA report (SPEC §9, `--format table|json`).
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
    pub input: RulesAndData,
    /// Output format
    #[arg(long, value_enum, default_value_t = SlaFormat::Table)]
    pub format: SlaFormat,
    /// Write to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when any SLA fails
    #[arg(long)]
    pub fail_on_breach: bool,
    #[command(flatten)]
    pub eval: EvalOptions,
    #[command(flatten)]
    pub data: DataOptions,
    /// No progress on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: &SlaArgs) -> ExitCode {
    if let Err(e) = args.data.validate(&args.input.data()) {
        return super::usage_error(&e);
    }
    match report(args) {
        Ok(all_passed) if all_passed || !args.fail_on_breach => ExitCode::from(exit::OK),
        Ok(_) => ExitCode::from(exit::FAILURE),
        Err(code) => code,
    }
}

/// Evaluates every lead, accumulates the SLAs, prints the report; whether every SLA passed.
fn report(args: &SlaArgs) -> Result<bool, ExitCode> {
    let rules = load_rules(args.input.rules(), args.quiet)?;
    let program = &rules.program;
    if program.slas.is_empty() && !args.quiet {
        eprintln!("warning: the rule set declares no `sla`");
    }
    let now = now_ms(args.eval.as_of);
    let mut total = SlaAccumulator::new(program, now);
    datarun::run(
        DataRun {
            rules: &rules,
            data: args.input.data(),
            options: &args.data,
            eval: &args.eval,
            shared_strings: None,
            quiet: args.quiet,
        },
        |batch| accumulate(program, batch, now),
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
    let mut sink = Sink::open(args.output.as_deref())?;
    sink.write_all(text.as_bytes())
        .map_err(|e| super::usage_error(&format!("cannot write the report: {e}")))?;
    sink.commit()?;
    Ok(results.iter().all(|r| r.passed))
}

/// One batch's SLA counts; a lead whose evaluation fails is rejected (and counts for no SLA).
fn accumulate(program: &Program, batch: &Batch, now: i64) -> Processed<SlaAccumulator> {
    let mut acc = SlaAccumulator::new(program, now);
    let mut rejects = Vec::new();
    for row in 0..batch.len() {
        let lead = batch.lead(row);
        let added = eval_lead(program, &lead, now, None)
            .and_then(|values| acc.add_lead(program, &lead, &values));
        if let Err(e) = added {
            rejects.push(batch.reject(row, e.message));
        }
    }
    Processed {
        value: acc,
        rejects,
    }
}
