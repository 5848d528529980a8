//! Option groups shared by several subcommands, the value parsers behind them, and their
//! conversion (once) into the library's options.

use clap::{Args, ValueEnum};
use std::num::NonZeroUsize;
use std::path::PathBuf;

use crate::data::{DataSource, Format};
use crate::eval::{self, RunOptions};
use crate::ir::FieldSet;
use crate::time;

/// `--as-of`: RFC 3339 (`2026-11-01T09:30:00Z`) or a date (`2026-11-01`, midnight UTC), as epoch
/// milliseconds. A bad value is a usage error (exit 2) through clap.
pub fn parse_as_of(text: &str) -> Result<i64, String> {
    let t = text.trim();
    time::parse_date(t)
        .or_else(|| time::parse_datetime(t))
        .ok_or_else(|| {
            format!(
                "`{text}` is not a timestamp: use RFC 3339 (`2026-11-01T09:30:00Z`) or a date (`2026-11-01`)"
            )
        })
}

/// `--threads N`: a positive count.
pub fn parse_threads(text: &str) -> Result<NonZeroUsize, String> {
    text.trim()
        .parse::<NonZeroUsize>()
        .map_err(|_| format!("`{text}` is not a positive number of threads"))
}

/// `--max-rejects` when not given: a share of the records, in percent.
pub const DEFAULT_MAX_REJECTS: f64 = 10.0;

/// `--max-rejects N|P%`.
pub fn parse_max_rejects(text: &str) -> Result<eval::MaxRejects, String> {
    eval::MaxRejects::parse(text)
}

/// `--csv-delimiter C`: one ASCII character (`\t` or `tab` for a tab).
pub fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "\\t" | "tab" => Ok(b'\t'),
        _ => match text.as_bytes() {
            [c] if c.is_ascii() && !matches!(c, b'"' | b'\n' | b'\r') => Ok(*c),
            _ => Err(format!(
                "`{text}` is not a delimiter: give one character such as `;`, `|` or `\\t`"
            )),
        },
    }
}

/// `--time-zone NAME`: an IANA time zone of the bundled database.
pub fn parse_time_zone(text: &str) -> Result<String, String> {
    match time::zone::Zone::new(text) {
        Ok(_) => Ok(text.to_string()),
        Err(e) => Err(format!(
            "{e} (such as `America/New_York`, `Europe/Berlin` or `UTC`)"
        )),
    }
}

/// `--engine`: the evaluator to use; both give identical results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// Compile the rules to machine code (cranelift); rules it cannot compile are an error.
    Jit,
    /// The reference interpreter.
    Interp,
}

impl From<Option<Engine>> for eval::Engine {
    /// Without `--engine`: the JIT, or the interpreter (with a note) for rules it cannot compile.
    fn from(engine: Option<Engine>) -> eval::Engine {
        match engine {
            None => eval::Engine::Auto,
            Some(Engine::Jit) => eval::Engine::Jit,
            Some(Engine::Interp) => eval::Engine::Interp,
        }
    }
}

/// What to do with a record that does not fit the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OnError {
    /// Stop at the first bad record (exit 2).
    #[default]
    Fail,
    /// Leave the record out, write it to `--rejects`, count it on stderr.
    Skip,
}

impl From<OnError> for eval::OnError {
    fn from(on_error: OnError) -> eval::OnError {
        match on_error {
            OnError::Fail => eval::OnError::Fail,
            OnError::Skip => eval::OnError::Skip,
        }
    }
}

/// The data format of the input; needed for `-` (stdin), optional for files (their suffix says).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// A JSON array of objects, or NDJSON (told apart by the first non-space byte).
    Json,
    /// One JSON object per line.
    Ndjson,
    /// A header row, then one record per row; list cells split on `;`.
    Csv,
    /// An Excel workbook (a file, not `-`): one sheet, its first row the header.
    Xlsx,
    /// Apache Parquet (a file, not `-`): columns by name.
    Parquet,
}

impl From<InputFormat> for Format {
    fn from(f: InputFormat) -> Format {
        match f {
            InputFormat::Json => Format::Json,
            InputFormat::Ndjson => Format::Ndjson,
            InputFormat::Csv => Format::Csv,
            InputFormat::Xlsx => Format::Xlsx,
            InputFormat::Parquet => Format::Parquet,
        }
    }
}

/// Output of the commands that print a report for people (`explain`, `diff`, `report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TextFormat {
    /// Aligned text for a terminal.
    #[default]
    Human,
    /// One JSON document, for programs.
    Json,
}

/// `PATHS… DATA`: rule files or directories, then the data file (or `-`).
#[derive(Args, Debug, Clone)]
pub struct RulesAndData {
    /// Rule files or directories (searched for `*.smql`), then the data file (`-` for stdin)
    #[arg(value_names = ["PATHS", "DATA"], num_args = 2.., required = true)]
    inputs: Vec<PathBuf>,
}

impl RulesAndData {
    /// The rule files and directories (every positional but the last).
    pub fn rules(&self) -> &[PathBuf] {
        self.inputs.split_last().map_or(&[], |(_, rules)| rules)
    }

    /// The data file, or stdin for `-` (the last positional).
    pub fn data(&self) -> DataSource {
        match self.inputs.last() {
            Some(last) => DataSource::from_arg(last),
            None => DataSource::Stdin,
        }
    }
}

/// Options of every command that reads data.
#[derive(Args, Debug, Clone, Default)]
pub struct DataOptions {
    /// Format of the data: required for `-`, else taken from the file name (`.csv`, `.ndjson`, `.json`, each optionally `.gz`; `.xlsx`, `.parquet`)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// `.xlsx`: the sheet to read (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// What to do with a record that does not fit the schema
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = OnError::Fail)]
    pub on_error: OnError,
    /// With `--on-error skip`: write each rejected record and its reason here (NDJSON)
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// With `--on-error skip`: fail (exit 2, nothing written to `-o`) when more records than this are rejected, a count (`100`) or a share (`5%`); default `10%`, and a file whose every record is rejected always fails
    #[arg(long, value_name = "N|P%", value_parser = parse_max_rejects)]
    pub max_rejects: Option<eval::MaxRejects>,
    /// CSV cell separator, over the rules' `input` block (`;`, `|`, `\t`); default: `,`, or what the header shows
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub csv_delimiter: Option<u8>,
    /// Time zone of timestamps written without an offset (an IANA name such as `America/New_York`), over the rules' `input` block; default UTC
    #[arg(long, value_name = "ZONE", value_parser = parse_time_zone)]
    pub time_zone: Option<String>,
    /// The largest record read (a line, a CSV row, a JSON array element), in bytes; a larger one is a bad record; default 64 MiB
    #[arg(long, value_name = "BYTES", value_parser = parse_record_size)]
    pub max_record_size: Option<usize>,
    /// Check every field of every record against the schema; by default a field that no rule reads and the command does not write is skipped unconverted, so a bad value in it does not make the record bad
    #[arg(long)]
    pub validate_all: bool,
    /// Read data files with `read` rather than mapping them into memory; for a file that another program may truncate while smql reads it (a mapped file that shrinks ends the run with SIGBUS)
    #[arg(long)]
    pub no_mmap: bool,
}

fn parse_record_size(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{text}` is not a positive number of bytes")),
    }
}

impl DataOptions {
    /// Checks what clap cannot express; the message is printed as a usage error.
    pub fn validate(&self, data: &DataSource) -> Result<(), String> {
        if self.rejects.is_some() && self.on_error != OnError::Skip {
            return Err("`--rejects` needs `--on-error skip`".to_string());
        }
        if self.max_rejects.is_some() && self.on_error != OnError::Skip {
            return Err("`--max-rejects` needs `--on-error skip`".to_string());
        }
        if *data == DataSource::Stdin && self.input_format.is_none() {
            return Err(
                "reading data from `-` (stdin) needs `--input-format json|ndjson|csv`".to_string(),
            );
        }
        if self.sheet.is_some() && self.format(data) != Some(Format::Xlsx) {
            return Err("`--sheet` applies only to `.xlsx` input".to_string());
        }
        Ok(())
    }

    /// The fields to decode when a command reads `fields` (the rules' and what it writes):
    /// those, or every field (`None`) under `--validate-all`.
    pub fn decode(&self, fields: FieldSet) -> Option<FieldSet> {
        (!self.validate_all).then_some(fields)
    }

    /// The format `data` is read as: `--input-format`, else the file name's.
    pub fn format(&self, data: &DataSource) -> Option<Format> {
        match (self.input_format, data) {
            (Some(f), _) => Some(f.into()),
            (None, DataSource::File(path)) => Format::from_path(path).map(|(f, _)| f),
            (None, DataSource::Stdin) => None,
        }
    }
}

/// Options of every command that evaluates rules.
#[derive(Args, Debug, Clone, Default)]
pub struct EvalOptions {
    /// Fix `now` to this instant: RFC 3339 (`2026-11-01T09:30:00Z`) or a date (`2026-11-01`)
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_as_of)]
    pub as_of: Option<i64>,
    /// Worker threads (default: one per core, plus one)
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<NonZeroUsize>,
    /// Evaluator: `jit` (compiled; the default, which falls back to the interpreter with a note for rules it cannot compile) or `interp` (reference interpreter)
    #[arg(long, value_enum)]
    pub engine: Option<Engine>,
}

impl EvalOptions {
    /// `now` for a run: `--as-of`, else the current time.
    pub fn now(&self) -> i64 {
        self.as_of.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        })
    }
}

/// What every command that evaluates data takes besides its positionals: how to evaluate, how
/// to read, where to write, and how much to say.
#[derive(Args, Debug, Clone, Default)]
pub struct RunArgs {
    #[command(flatten)]
    pub eval: EvalOptions,
    #[command(flatten)]
    pub data: DataOptions,
    /// Write the results to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No progress, counts or warnings on stderr
    #[arg(short, long)]
    pub quiet: bool,
}

impl RunArgs {
    /// The library's options for a run, converted once.
    pub fn options(&self, explain: bool) -> RunOptions {
        RunOptions {
            now: self.eval.now(),
            explain,
            threads: self.eval.threads,
            on_error: self.data.on_error.into(),
            max_rejects: match self.data.on_error {
                OnError::Skip => Some(
                    self.data
                        .max_rejects
                        .unwrap_or(eval::MaxRejects::Percent(DEFAULT_MAX_REJECTS)),
                ),
                OnError::Fail => None,
            },
        }
    }
}

/// The argument group of the commands that evaluate a rule set over data (`eval`, `explain`,
/// `sla`, `report`): `PATHS… DATA` and the options of [`RunArgs`].
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    #[command(flatten)]
    pub input: RulesAndData,
    #[command(flatten)]
    pub run: RunArgs,
}

impl DataArgs {
    /// Checks what clap cannot express (`--rejects` without skip, stdin without a format).
    pub fn validate(&self) -> Result<(), String> {
        self.run.data.validate(&self.input.data())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_accepts_dates_and_rfc3339_only() {
        assert_eq!(parse_as_of("1970-01-02"), Ok(time::MS_PER_DAY));
        assert_eq!(
            parse_as_of("1970-01-01T01:00:00+01:00"),
            Ok(0),
            "offsets are honoured"
        );
        assert_eq!(parse_as_of("1970-01-01T00:00:01Z"), Ok(1000));
        for bad in [
            "yesterday",
            "2026-02-30",
            "2026-11-01 09:30",
            "1700000000000",
            "",
        ] {
            let err = parse_as_of(bad).unwrap_err();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
    }

    #[test]
    fn threads_must_be_positive() {
        assert_eq!(parse_threads("4").map(NonZeroUsize::get), Ok(4));
        assert!(parse_threads("0").is_err());
        assert!(parse_threads("-1").is_err());
    }

    #[test]
    fn last_positional_is_the_data() {
        let r = RulesAndData {
            inputs: vec!["a.smql".into(), "rules".into(), "-".into()],
        };
        assert_eq!(
            r.rules(),
            &[PathBuf::from("a.smql"), PathBuf::from("rules")]
        );
        assert_eq!(r.data(), DataSource::Stdin);
    }

    #[test]
    fn rejects_needs_skip_and_stdin_needs_a_format() {
        let file = DataSource::File("leads.csv".into());
        let mut o = DataOptions {
            rejects: Some("bad.ndjson".into()),
            ..DataOptions::default()
        };
        assert!(o.validate(&file).is_err());
        o.on_error = OnError::Skip;
        assert!(o.validate(&file).is_ok());
        assert!(o.validate(&DataSource::Stdin).is_err());
        o.input_format = Some(InputFormat::Csv);
        assert!(o.validate(&DataSource::Stdin).is_ok());
        o.sheet = Some("Leads".into());
        assert!(o.validate(&DataSource::Stdin).is_err());
        o.input_format = None;
        assert!(o.validate(&file).is_err());
        let some = FieldSet::none(3);
        assert_eq!(o.decode(some.clone()), Some(some.clone()));
        o.validate_all = true;
        assert_eq!(o.decode(some), None);
        assert!(o.validate(&DataSource::File("leads.XLSX".into())).is_ok());
    }
}
