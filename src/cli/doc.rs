//! `smql doc PATHS…`: the glossary of the rule set from its doc comments (SPEC §14.4).

use clap::Args;
use std::path::PathBuf;

use super::error::Failure;
use super::exit;
use super::output_file::Sink;
use super::rules::load_rules;
use crate::report::doc::{glossary, render_html, render_markdown};

#[derive(Args, Debug, Clone)]
pub struct DocArgs {
    /// Rule files or directories (searched for `*.smql`)
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    /// Write one self-contained HTML page instead of Markdown
    #[arg(long)]
    pub html: bool,
    /// Write nothing but the stages, definitions, scores and grades that have no doc comment;
    /// exit with 1 if there are any
    #[arg(long, conflicts_with = "html")]
    pub check_undocumented: bool,
    /// Write to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Nothing on stderr but errors
    #[arg(short, long)]
    pub quiet: bool,
}

/// Checks the rules, builds the glossary, writes it (or, under `--check-undocumented`, what it
/// lacks, with exit 1 when anything does).
pub(crate) fn run(args: &DocArgs) -> Result<u8, Failure> {
    let rules = load_rules(&args.paths, args.quiet)?;
    let g = glossary(&rules);
    if args.check_undocumented {
        let missing = g.undocumented();
        let text: String = missing.iter().map(|u| format!("{u}\n")).collect();
        Sink::write_text(args.output.as_deref(), &text)?;
        if !missing.is_empty() && !args.quiet {
            let n = missing.len();
            let noun = if n == 1 {
                "declaration has"
            } else {
                "declarations have"
            };
            eprintln!("{n} {noun} no doc comment");
            eprintln!("  help: write what each means on `##` lines directly above it");
        }
        return Ok(if missing.is_empty() {
            exit::OK
        } else {
            exit::FAILURE
        });
    }
    let text = if args.html {
        render_html(&g)
    } else {
        render_markdown(&g)
    };
    Sink::write_text(args.output.as_deref(), &text)?;
    Ok(exit::OK)
}
