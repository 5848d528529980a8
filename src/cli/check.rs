//! `smql check PATHS…`: parse, resolve, type-check and lint; print the diagnostics.
//!
//! Human output goes to stderr (it is diagnostics, docs/commands.md); the machine formats go to stdout (or
//! `-o FILE`), where CI tools read them. The exit code is 1 when there is an error, or a warning
//! under `--deny-warnings`.

use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

use super::error::Failure;
use super::exit;
use super::terminal::{stderr_wants_color, terminal_width};
use crate::diag::{render, Diagnostic, Severity};
use crate::output::diagnostics;
use crate::source::SourceMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CheckFormat {
    /// Labelled source excerpts on stderr, then a summary line.
    #[default]
    Human,
    /// A JSON array of diagnostics on stdout.
    Json,
    /// GitHub Actions workflow commands (`::error file=…`) on stdout.
    Github,
    /// A SARIF 2.1.0 log on stdout.
    Sarif,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    /// Rule files or directories (searched for `*.smql`)
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Treat warnings (lints) as errors: exit 1 when there is any
    #[arg(long)]
    pub deny_warnings: bool,
    /// Write the diagnostics to FILE instead of stdout (stderr for `human`)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No summary line
    #[arg(short, long)]
    pub quiet: bool,
}

pub(crate) fn run(args: &CheckArgs) -> Result<u8, Failure> {
    let sources = SourceMap::load_paths(&args.paths).map_err(Failure::usage)?;
    let mut diags = crate::check::check(&sources).diagnostics;
    diags.sort();
    let diags = diags.0;
    let to_file = args.output.is_some();
    let text = match args.format {
        CheckFormat::Human => {
            let color = !to_file && stderr_wants_color();
            let width = terminal_width();
            diags
                .iter()
                .map(|d| render(d, &sources, color, width))
                .collect::<Vec<_>>()
                .join("\n")
        }
        CheckFormat::Json => diagnostics::to_json(&diags, &sources),
        CheckFormat::Github => diagnostics::to_github(&diags, &sources),
        CheckFormat::Sarif => diagnostics::to_sarif(&diags, &sources),
    };
    let written = match (&args.output, args.format) {
        (Some(path), _) => std::fs::write(path, &text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display())),
        (None, CheckFormat::Human) => write_all(&mut std::io::stderr().lock(), &text),
        (None, _) => write_all(&mut std::io::stdout().lock(), &text),
    };
    written.map_err(Failure::usage)?;
    if args.format == CheckFormat::Human && !args.quiet {
        eprintln!(
            "{}",
            summary(&diags, sources.files().count(), args.deny_warnings)
        );
    }
    Ok(if fails(&diags, args.deny_warnings) {
        exit::FAILURE
    } else {
        exit::OK
    })
}

fn write_all(w: &mut impl Write, text: &str) -> Result<(), String> {
    w.write_all(text.as_bytes())
        .and_then(|()| w.flush())
        .map_err(|e| format!("cannot write diagnostics: {e}"))
}

/// Whether the run fails: any error, or any warning under `--deny-warnings`.
pub fn fails(diags: &[Diagnostic], deny_warnings: bool) -> bool {
    diags
        .iter()
        .any(|d| d.severity == Severity::Error || deny_warnings)
}

/// `2 errors, 1 warning`, like the last line of cargo and ruff; `ok: 5 files checked` when
/// clean, so a run that printed nothing else still says what it did.
pub fn summary(diags: &[Diagnostic], files: usize, deny_warnings: bool) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if diags.is_empty() {
        let noun = if files == 1 { "file" } else { "files" };
        return format!("ok: {files} {noun} checked");
    }
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        let mut w = plural(warnings, "warning");
        if deny_warnings {
            w.push_str(" (denied by `--deny-warnings`)");
        }
        parts.push(w);
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn diags(errors: usize, warnings: usize) -> Vec<Diagnostic> {
        let span = Span::default();
        (0..errors)
            .map(|_| Diagnostic::error(crate::diag::Code::TypeMismatch, span, "e"))
            .chain(
                (0..warnings)
                    .map(|_| Diagnostic::warning(crate::diag::Code::UnknownLint, span, "w")),
            )
            .collect()
    }

    #[test]
    fn summary_counts_like_cargo() {
        assert_eq!(summary(&diags(2, 1), 3, false), "2 errors, 1 warning");
        assert_eq!(summary(&diags(1, 0), 3, false), "1 error");
        assert_eq!(
            summary(&diags(0, 2), 3, true),
            "2 warnings (denied by `--deny-warnings`)"
        );
        assert_eq!(summary(&[], 1, false), "ok: 1 file checked");
        assert_eq!(summary(&[], 5, false), "ok: 5 files checked");
    }

    #[test]
    fn warnings_fail_only_when_denied() {
        assert!(!fails(&diags(0, 2), false));
        assert!(fails(&diags(0, 2), true));
        assert!(fails(&diags(1, 0), false));
        assert!(!fails(&[], true));
    }
}
