//! `smql fmt PATHS…`: rewrite files in canonical layout (docs/commands.md, `smql fmt`).
//!
//! Arguments → `crate::syntax::format` → files, stdout and exit code. A file is rewritten only
//! when its text changes, atomically (a temporary file renamed over it).

use clap::Args;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
#[cfg(test)]
use std::process::ExitCode;

use super::error::Failure;
use super::exit;
use crate::diag::render;
use crate::source::{FileId, SourceMap};
use crate::syntax::format::{format_file, FormatError};

#[derive(Args, Debug, Clone)]
pub struct FmtArgs {
    /// Rule files or directories (searched for `*.smql`); `-` reads stdin and writes stdout
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    /// Change nothing; list the files that would change and exit with 1 if any
    #[arg(long)]
    pub check: bool,
    /// Change nothing; print a unified diff of what would change
    #[arg(long)]
    pub diff: bool,
    /// Do not list the files
    #[arg(short, long)]
    pub quiet: bool,
}

/// What happened to the files of one run.
#[derive(Default)]
struct Outcome {
    changed: usize,
    syntax_errors: bool,
    internal_error: bool,
}

/// Runs `smql fmt`; its exit code (for the tests below).
#[cfg(test)]
fn run(args: &FmtArgs) -> ExitCode {
    super::error::exit_code(run_fmt(args))
}

pub(crate) fn run_fmt(args: &FmtArgs) -> Result<u8, Failure> {
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.paths.len() > 1 {
        return Err(Failure::usage(
            "`-` (stdin) cannot be mixed with file paths",
        ));
    }
    let sources = if stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::usage(format!("cannot read stdin: {e}")))?;
        let mut sources = SourceMap::new();
        sources.add("<stdin>", text);
        sources
    } else {
        SourceMap::load_paths(&args.paths).map_err(Failure::usage)?
    };
    let mut outcome = Outcome::default();
    let mut stdout = std::io::stdout().lock();
    for (id, file) in sources.files() {
        let formatted = match format_file(&sources, id) {
            Ok(text) => text,
            Err(e) => {
                report_error(&sources, id, &e, &mut outcome);
                continue;
            }
        };
        let changed = formatted != file.text;
        outcome.changed += usize::from(changed);
        let written = if args.diff || args.check {
            show_change(
                args,
                &file.name,
                &file.text,
                &formatted,
                changed,
                &mut stdout,
            )
        } else if stdin {
            stdout.write_all(formatted.as_bytes())
        } else if changed {
            match rewrite(Path::new(&file.name), &formatted) {
                Ok(()) if args.quiet => Ok(()),
                Ok(()) => writeln!(stdout, "{}", file.name),
                Err(e) => {
                    eprintln!("error: {e}");
                    outcome.internal_error = true;
                    Ok(())
                }
            }
        } else {
            Ok(())
        };
        written
            .and_then(|()| stdout.flush())
            .map_err(|e| Failure::write("to stdout", e))?;
    }
    Ok(if outcome.internal_error {
        exit::USAGE
    } else if outcome.syntax_errors || (args.check && outcome.changed > 0) {
        exit::FAILURE
    } else {
        exit::OK
    })
}

/// `--check` lists a file that would change, `--diff` shows how.
fn show_change(
    args: &FmtArgs,
    name: &str,
    old: &str,
    new: &str,
    changed: bool,
    out: &mut impl Write,
) -> std::io::Result<()> {
    if !changed {
        return Ok(());
    }
    if args.diff {
        let diff = similar::TextDiff::from_lines(old, new);
        write!(out, "{}", diff.unified_diff().header(name, name))?;
    } else if !args.quiet {
        writeln!(out, "{name}")?;
    }
    Ok(())
}

fn report_error(sources: &SourceMap, id: FileId, e: &FormatError, outcome: &mut Outcome) {
    match e {
        FormatError::Syntax(diags) => {
            outcome.syntax_errors = true;
            let color = super::terminal::stderr_wants_color();
            let width = super::terminal::terminal_width();
            for d in diags {
                eprint!("{}", render(d, sources, color, width));
            }
            eprintln!(
                "error: `{}` has syntax errors and was not formatted",
                sources.file(id).name
            );
        }
        FormatError::Unsound(_) => {
            outcome.internal_error = true;
            eprintln!("error: `{}`: {e}", sources.file(id).name);
        }
    }
}

/// Replaces the file's text by way of a temporary file renamed over it, keeping its permissions.
fn rewrite(path: &Path, text: &str) -> Result<(), String> {
    let mut file = super::output_file::AtomicFile::create(path)?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("smql-fmt-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn args(paths: &[&Path], check: bool, diff: bool) -> FmtArgs {
        FmtArgs {
            paths: paths.iter().map(|p| p.to_path_buf()).collect(),
            check,
            diff,
            quiet: true,
        }
    }

    #[test]
    fn check_changes_nothing_and_rewriting_makes_it_pass() {
        let dir = temp_dir("rewrite");
        let messy = dir.join("messy.smql");
        let tidy = dir.join("tidy.smql");
        std::fs::write(&messy, "a  when b\n\n\nc =1\n").unwrap();
        std::fs::write(&tidy, "a when b\n").unwrap();
        assert_eq!(
            run(&args(&[&dir], true, false)),
            ExitCode::from(exit::FAILURE)
        );
        assert_eq!(run(&args(&[&dir], false, true)), ExitCode::from(exit::OK));
        assert_eq!(
            std::fs::read_to_string(&messy).unwrap(),
            "a  when b\n\n\nc =1\n"
        );
        assert_eq!(run(&args(&[&dir], false, false)), ExitCode::from(exit::OK));
        assert_eq!(
            std::fs::read_to_string(&messy).unwrap(),
            "a when b\n\nc = 1\n"
        );
        assert_eq!(std::fs::read_to_string(&tidy).unwrap(), "a when b\n");
        assert_eq!(run(&args(&[&dir], true, false)), ExitCode::from(exit::OK));
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 2, "no temporary file is left behind");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_with_syntax_errors_is_left_untouched() {
        let dir = temp_dir("syntax");
        let bad = dir.join("bad.smql");
        std::fs::write(&bad, "a  when (b and\n").unwrap();
        assert_eq!(
            run(&args(&[&bad], false, false)),
            ExitCode::from(exit::FAILURE)
        );
        assert_eq!(std::fs::read_to_string(&bad).unwrap(), "a  when (b and\n");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unreadable_paths_and_mixed_stdin_are_usage_errors() {
        let missing = Path::new("/nonexistent/smql-fmt");
        assert_eq!(
            run(&args(&[missing], false, false)),
            ExitCode::from(exit::USAGE)
        );
        let dash = Path::new("-");
        assert_eq!(
            run(&args(&[dash, missing], false, false)),
            ExitCode::from(exit::USAGE)
        );
    }

    #[cfg(unix)]
    #[test]
    fn rewriting_keeps_the_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("perm");
        let file = dir.join("x.smql");
        std::fs::write(&file, "a=1\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        rewrite(&file, "a = 1\n").unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "a = 1\n");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
