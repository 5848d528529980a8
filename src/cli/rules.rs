//! Loading a rule set for the commands that use one: read the paths, check, print diagnostics.

use std::path::PathBuf;
use std::process::ExitCode;

use super::check::{stderr_wants_color, terminal_width};
use super::exit;
use crate::diag::render;
use crate::RuleSet;

/// Reads and checks the rule files. Errors are printed (with any warnings) and give exit 1;
/// unreadable paths give exit 2. Warnings of a clean rule set are printed unless `quiet`.
pub(crate) fn load_rules(paths: &[PathBuf], quiet: bool) -> Result<RuleSet, ExitCode> {
    let sources = crate::SourceMap::load_paths(paths).map_err(|e| super::usage_error(&e))?;
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
            eprintln!("error: the rules have {errors} {noun}; nothing was evaluated");
            Err(ExitCode::from(exit::FAILURE))
        }
    }
}

/// `now` for a run: `--as-of`, else the current time.
pub(crate) fn now_ms(as_of: Option<i64>) -> i64 {
    as_of.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    })
}
