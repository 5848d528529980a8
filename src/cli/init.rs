//! `smql init DATA`: a rule set scaffolded from an export (its header and first rows), written
//! to stdout or `-o FILE`; what the user must confirm goes to stderr as notes.

use clap::Args;
use std::path::PathBuf;

use super::args::InputFormat;
use super::error::Failure;
use super::output_file::Sink;
use crate::data::infer::{self, SAMPLE_ROWS};
use crate::data::{DataSource, Format, Input};

#[derive(Args, Debug, Clone)]
pub struct InitArgs {
    /// The export to scaffold from (`.csv`, `.json`, `.ndjson`, `.xlsx`, `.parquet`; `-` for stdin with `--input-format`)
    #[arg(value_name = "DATA")]
    pub data: PathBuf,
    /// Format of the data: required for `-`, else taken from the file name
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// `.xlsx`: the sheet to read (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Records to sample for the guesses
    #[arg(long, value_name = "N", default_value_t = SAMPLE_ROWS)]
    pub rows: usize,
    /// Write the rule set to FILE instead of stdout (an existing file only with `--force`)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the `-o` file if it exists
    #[arg(long)]
    pub force: bool,
    /// No notes on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

pub(crate) fn run(args: &InitArgs) -> Result<u8, Failure> {
    let source = DataSource::from_arg(&args.data);
    let format: Option<Format> = args.input_format.map(Into::into);
    if source == DataSource::Stdin && format.is_none() {
        return Err(Failure::usage(
            "reading data from `-` (stdin) needs `--input-format json|ndjson|csv`",
        ));
    }
    let is_xlsx = match (format, &source) {
        (Some(f), _) => f == Format::Xlsx,
        (None, DataSource::File(p)) => Format::from_path(p).is_some_and(|(f, _)| f == Format::Xlsx),
        (None, DataSource::Stdin) => false,
    };
    if args.sheet.is_some() && !is_xlsx {
        return Err(Failure::usage("`--sheet` applies only to `.xlsx` input"));
    }
    if let Some(out) = &args.output {
        if !args.force && std::fs::symlink_metadata(out).is_ok() {
            return Err(Failure::with_help(
                format!("`{}` exists", out.display()),
                "pass `--force` to replace it, or name another file",
            ));
        }
    }
    let input = Input::open_source(&source, format)?.with_sheet(args.sheet.clone());
    let command = format!("smql init {}", args.data.display());
    let scaffold = infer::scaffold(input, args.rows, &command)?;
    if !args.quiet {
        for note in &scaffold.notes {
            eprintln!("note: {note}");
        }
    }
    Sink::write_text(args.output.as_deref(), &scaffold.text)?;
    Ok(super::exit::OK)
}
