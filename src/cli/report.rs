//! `smql report PATHS… DATA`: the funnel, its breakdown, scores and grades, outcome rates,
//! velocity, lead flow and SLAs, as text, Markdown or JSON, and optionally as a page.

use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

use super::args::DataArgs;
use super::data;
use super::error::Failure;
use super::exit;
use super::output_file::{AtomicFile, Sink};
use super::rules::load_evaluator;
use crate::ir::Period;
use crate::pipeline::{Flow, Processed};
use crate::report::funnel::{render_html, ReportOptions, Spec, Tally};
use crate::time::format_timestamp;

/// Format of the report on stdout or `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    /// Aligned tables for a terminal, with bars.
    #[default]
    Human,
    /// A heading and a table per section.
    Markdown,
    /// One JSON document.
    Json,
}

/// The periods of the lead flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FlowPeriod {
    Day,
    /// ISO weeks, starting on Monday.
    Week,
    #[default]
    Month,
    Quarter,
}

impl From<FlowPeriod> for Period {
    fn from(p: FlowPeriod) -> Period {
        match p {
            FlowPeriod::Day => Period::Day,
            FlowPeriod::Week => Period::Week,
            FlowPeriod::Month => Period::Month,
            FlowPeriod::Quarter => Period::Quarter,
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Break the funnel down by this field, definition or grade (a string, enum or bool)
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// Rates and lift per score decile and grade label of this outcome: a stage (reached) or a boolean definition
    #[arg(long, value_name = "NAME")]
    pub outcome: Option<String>,
    /// Periods of the lead flow
    #[arg(long, value_enum, default_value_t = FlowPeriod::Month)]
    pub period: FlowPeriod,
    /// Also write a self-contained HTML page with charts to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// Evaluates every lead once, counts the report on every core, writes it (and the page).
pub(crate) fn run(args: &ReportArgs) -> Result<u8, Failure> {
    args.data.validate().map_err(Failure::usage)?;
    let run = &args.data.run;
    let evaluator = load_evaluator(args.data.input.rules(), run.eval.engine.into(), run.quiet)?;
    let program = evaluator.program();
    let options = run.options(false);
    let spec = Spec::new(
        program,
        &ReportOptions {
            by: args.by.clone(),
            outcome: args.outcome.clone(),
            period: args.period.into(),
            now: options.now,
        },
    )
    .map_err(|e| Failure::Usage {
        message: e.message,
        help: e.help,
    })?;
    // Created before the work, so that a path that cannot be written fails at once.
    let page = match &args.html {
        Some(path) => Some(AtomicFile::create(path).map_err(Failure::usage)?),
        None => None,
    };
    let mut total = Tally::new(&spec);
    let mut reads = program.fields_in_use();
    for name in [&args.by, &args.outcome].into_iter().flatten() {
        if let Some(n) = program.lookup(name) {
            reads.add_name(n);
        }
    }
    data::evaluate(
        &evaluator,
        &args.data.input.data(),
        reads,
        run,
        &options,
        |outcome| {
            let mut tally = Tally::new(&spec);
            let rejects = tally.add_outcome(&spec, outcome);
            Processed {
                value: tally,
                rejects,
            }
        },
        |tally| {
            total.merge(tally);
            Ok(Flow::Continue)
        },
    )?;
    let report = spec.finish(total);
    // The human report ends with its notes: on a terminal they are not said twice.
    let human_on_stdout = args.format == ReportFormat::Human && run.output.is_none();
    if !run.quiet && !human_on_stdout {
        for note in &report.notes {
            eprintln!("note: {note}");
        }
    }
    let text = match args.format {
        ReportFormat::Human => report.to_human(),
        ReportFormat::Markdown => report.to_markdown(),
        ReportFormat::Json => report.to_json(),
    };
    Sink::write_text(run.output.as_deref(), &text)?;
    if let Some(mut file) = page {
        let what = format!("`{}`", file.path().display());
        let page = render_html(&report, &format_timestamp(options.now));
        file.write_all(page.as_bytes())
            .map_err(|e| Failure::write(&what, e))?;
        file.commit().map_err(Failure::usage)?;
    }
    Ok(exit::OK)
}
