//! `smql diff OLD NEW DATA` (or `smql diff --base REV PATHS… DATA`): what a rule change does to
//! the data.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

use super::args::RunArgs;
use super::data::{finish, open_rejects};
use super::error::Failure;
use super::exit;
use super::output_file::Sink;
use super::progress::ProgressLine;
use super::rules::check_sources;
use crate::data::DataSource;
use crate::eval::{Evaluator, Observers};
use crate::report::diff::render::Diff;
use crate::report::diff::rules::rule_changes;
use crate::report::diff::{run, same_schema, DiffOptions, Pairing};
use crate::source::SourceMap;

/// Format of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DiffFormat {
    /// Aligned text for a terminal.
    #[default]
    Human,
    /// For a pull-request comment: a summary line, tables, examples in `<details>`.
    Markdown,
    /// One JSON document.
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct DiffArgs {
    /// OLD NEW DATA: the rule set before and after the change (each a file or a directory),
    /// then the data (`-` for stdin). With `--base REV`: PATHS… DATA, the old rules being PATHS
    /// as they are at REV
    #[arg(value_name = "PATHS", num_args = 1.., required = true)]
    pub inputs: Vec<PathBuf>,
    /// Take the old rules from git: the same PATHS at revision REV (`origin/main`)
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Changed records to show, with the reasons they changed
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub examples: usize,
    /// Exit with 1 when more than PERCENT of the records changed stage (a CI gate)
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub fail_if_changed: Option<f64>,
    #[command(flatten)]
    pub run: RunArgs,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    let t = text.trim().trim_end_matches('%');
    match t.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

impl DiffArgs {
    /// The old rules, the new rules and the data, as the positionals say.
    fn split(&self) -> Result<(SourceMap, SourceMap, DataSource), Failure> {
        let (data, rules) = self
            .inputs
            .split_last()
            .ok_or_else(|| Failure::usage("`smql diff` needs rules and data"))?;
        let data = DataSource::from_arg(data);
        match &self.base {
            Some(rev) => {
                let old = SourceMap::load_git(rev, rules).map_err(Failure::usage)?;
                let new = SourceMap::load_paths(rules).map_err(Failure::usage)?;
                Ok((old, new, data))
            }
            None => match rules {
                [old, new] => Ok((
                    SourceMap::load_paths(std::slice::from_ref(old)).map_err(Failure::usage)?,
                    SourceMap::load_paths(std::slice::from_ref(new)).map_err(Failure::usage)?,
                    data,
                )),
                _ => Err(Failure::with_help(
                    format!(
                        "`smql diff` takes OLD NEW DATA, but {} paths were given",
                        self.inputs.len()
                    ),
                    "give the old and the new rule set (a file or directory each) and the data, or `--base REV PATHS… DATA` to take the old rules from git",
                )),
            },
        }
    }
}

pub(crate) fn run_diff(args: &DiffArgs) -> Result<u8, Failure> {
    let (old_sources, new_sources, data) = args.split()?;
    args.run.data.validate(&data).map_err(Failure::usage)?;
    let quiet = args.run.quiet;
    let old_rules = check_sources(old_sources, "old ", quiet)?;
    let new_rules = check_sources(new_sources, "new ", quiet)?;
    let engine = args.run.eval.engine.into();
    let old = Evaluator::new(&old_rules, engine)?;
    let new = Evaluator::new(&new_rules, engine)?;
    for (which, ev) in [("old", &old), ("new", &new)] {
        if let Some(note) = ev.note() {
            eprintln!("note: {which} rules: {note}");
        }
    }
    same_schema(old.program(), new.program()).map_err(|e| {
        Failure::with_help(
            format!("{e}; `smql diff` reads the data once for both versions"),
            "change the schema in a commit of its own, then diff the rules",
        )
    })?;
    let input = super::data::open_input(&data, &args.run.data)?;
    let reader = new.open_for(&[&old, &new], input)?;
    super::data::say_what_the_header_said(&reader, quiet);
    let mut rejects = open_rejects(&args.run.data)?;
    let mut progress = ProgressLine::new(quiet);
    let mut on_progress = |p| progress.update(p);
    let observers = Observers {
        rejects: rejects.as_mut().map(|r| r as &mut dyn std::io::Write),
        progress: Some(&mut on_progress),
    };
    let options = DiffOptions {
        run: args.run.options(false),
        examples: args.examples,
    };
    let outcome = run(&old, &new, reader, &options, observers);
    progress.clear();
    let (impact, summary) = outcome?;
    finish::<std::convert::Infallible>(Ok(summary), rejects, quiet)?;
    let pairing = Pairing::new(old.program(), new.program());
    let rules = rule_changes(&old_rules.sources, &new_rules.sources);
    let diff = Diff {
        old: old.program(),
        new: new.program(),
        pairing: &pairing,
        rules: &rules,
        impact: &impact,
    };
    let text = match args.format {
        DiffFormat::Human => diff.to_human(),
        DiffFormat::Markdown => diff.to_markdown(),
        DiffFormat::Json => diff.to_json(),
    };
    Sink::write_text(args.run.output.as_deref(), &text)?;
    let gate = args
        .fail_if_changed
        .is_some_and(|p| 100.0 * diff.share_stage_changed() > p);
    if gate {
        eprintln!(
            "error: {:.1}% of the records changed stage, more than `--fail-if-changed {}`",
            100.0 * diff.share_stage_changed(),
            args.fail_if_changed.unwrap_or(0.0)
        );
    }
    Ok(if gate { exit::FAILURE } else { exit::OK })
}
