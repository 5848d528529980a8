//! Loading a rule set for the commands that use one: read the paths, check, print diagnostics.

use std::path::PathBuf;

use super::error::Failure;
use super::exit;
use super::terminal::{stderr_wants_color, terminal_width};
use crate::diag::render;
use crate::eval::{Engine, Evaluator};
use crate::RuleSet;

/// Reads and checks the rule files. Errors are printed (with any warnings) and give exit 1;
/// unreadable paths give exit 2. Warnings of a clean rule set are printed unless `quiet`.
pub(crate) fn load_rules(paths: &[PathBuf], quiet: bool) -> Result<RuleSet, Failure> {
    let sources = crate::SourceMap::load_paths(paths).map_err(Failure::usage)?;
    check_sources(sources, "", quiet)
}

/// Checks a rule set read already; `which` (`"old "`, `"new "` or `""`) says which one in the
/// summary line of its errors.
pub(crate) fn check_sources(
    sources: crate::SourceMap,
    which: &str,
    quiet: bool,
) -> Result<RuleSet, Failure> {
    let (color, width) = (stderr_wants_color(), terminal_width());
    match RuleSet::compile(sources) {
        Ok(rules) => {
            if !quiet {
                for d in rules.warnings.iter() {
                    eprint!("{}", render(d, &rules.sources, color, width));
                }
            }
            Ok(rules)
        }
        Err(failed) => {
            let mut diags = failed.diagnostics;
            diags.sort();
            for d in diags.iter() {
                eprint!("{}", render(d, &failed.sources, color, width));
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let noun = if errors == 1 { "error" } else { "errors" };
            eprintln!("error: the {which}rules have {errors} {noun}; nothing was evaluated");
            Err(Failure::Reported(exit::FAILURE))
        }
    }
}

/// Loads the rules and makes them ready to evaluate with `engine`; says on stderr when the
/// interpreter runs instead of the JIT (even under `quiet`: the run is slower than it should be).
pub(crate) fn load_evaluator(
    paths: &[PathBuf],
    engine: Engine,
    quiet: bool,
) -> Result<Evaluator, Failure> {
    let rules = load_rules(paths, quiet)?;
    let evaluator = Evaluator::new(&rules, engine)?;
    if let Some(note) = evaluator.note() {
        eprintln!("note: {note}");
    }
    Ok(evaluator)
}
