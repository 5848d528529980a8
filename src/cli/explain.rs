//! `smql explain PATHS… DATA --lead KEY`: every definition, score item, grade arm and stage of one
//! lead, with values.

use clap::Args;

use super::args::{DataArgs, TextFormat};
use super::data;
use super::error::Failure;
use super::exit;
use super::output_file::Sink;
use super::rules::load_evaluator;
use crate::eval::Observers;
use crate::output::explain::{explain_json, render_explain};

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The lead to explain: its key (or its 1-based record number when the schema has no key)
    #[arg(long, value_name = "KEY", required = true)]
    pub lead: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
}

pub(crate) fn run(args: &ExplainArgs) -> Result<u8, Failure> {
    args.data.validate().map_err(Failure::usage)?;
    let run = &args.data.run;
    let source = args.data.input.data();
    let evaluator = load_evaluator(args.data.input.rules(), run.eval.engine.into(), run.quiet)?;
    let program = evaluator.program();
    let options = run.options(true);
    // The explanation shows the whole lead: every field is decoded.
    let reader = data::open_reader(&evaluator, &source, &run.data, None, true)?;
    let mut rejects = data::open_rejects(&run.data)?;
    let observers = Observers {
        rejects: rejects.as_mut().map(|r| r as &mut dyn std::io::Write),
        progress: None,
    };
    let found = evaluator.find_lead(reader, &options, observers, &args.lead);
    let Some(lead) = found? else {
        let what = match program.schema.key {
            Some(k) => format!("no lead has `{}` = `{}`", program.field(k).name, args.lead),
            None => format!(
                "there is no record {} (the schema has no `key`, so `--lead` is a record number)",
                args.lead
            ),
        };
        return Err(Failure::usage(format!("{what} in `{}`", source.name())));
    };
    if let Some(file) = rejects {
        file.commit().map_err(Failure::usage)?;
    }
    let text = match evaluator.explain(&lead, options.now) {
        // A lead whose evaluation fails is explained by its error: that is what the user needs
        // to know about it.
        Err(e) => format!("lead {}: evaluation failed: {}\n", args.lead, e.message),
        Ok(explanation) => match args.format {
            TextFormat::Human => {
                render_explain(program, evaluator.sources(), &args.lead, &explanation)
            }
            TextFormat::Json => explain_json(program, &args.lead, &explanation),
        },
    };
    Sink::write_text(run.output.as_deref(), &text)?;
    Ok(exit::OK)
}
