//! What every command that reads lead data shares: opening the reader, the pipeline settings,
//! progress on stderr, atomic output files, and reporting how a run ended.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::common::{DataOptions, DataSource, EvalOptions, InputFormat, OnError};
use super::exit;
use crate::data::{Batch, ChunkSize, Format, Input, Reader, StringSharing};
use crate::pipeline::{self, Config, Flow, PipelineError, Processed, Progress, Summary};
use crate::RuleSet;

/// Opens the data for `rules`' schema; prints reader warnings (missing optional CSV columns)
/// unless `quiet`. Errors are printed and give exit 2.
fn open_reader(
    rules: &RuleSet,
    data: &DataSource,
    options: &DataOptions,
    shared: Option<&[StringSharing]>,
    quiet: bool,
) -> Result<Reader, ExitCode> {
    let format = options.input_format.map(|f| match f {
        InputFormat::Json => Format::Json,
        InputFormat::Ndjson => Format::Ndjson,
        InputFormat::Csv => Format::Csv,
    });
    let input = match data {
        DataSource::Stdin => Input::open(Path::new("-"), format),
        DataSource::File(path) => Input::open(path, format),
    };
    let reader = input.and_then(|i| match shared {
        Some(shared) => {
            Reader::sharing_strings_of(i, &rules.program.schema, ChunkSize::default(), shared)
        }
        None => Reader::new(i, &rules.program.schema, ChunkSize::default()),
    });
    match reader {
        Ok(r) => {
            if !quiet {
                for w in r.warnings() {
                    eprintln!("warning: {w}");
                }
            }
            Ok(r)
        }
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(help) = e.help() {
                eprintln!("  help: {help}");
            }
            Err(ExitCode::from(exit::USAGE))
        }
    }
}

/// One pass over a command's data.
pub(crate) struct DataRun<'a> {
    pub rules: &'a RuleSet,
    pub data: DataSource,
    pub options: &'a DataOptions,
    pub eval: &'a EvalOptions,
    /// How to store each field's strings (by field index; `None`: all shared), as
    /// `Reader::sharing_strings_of` takes it.
    pub shared_strings: Option<&'a [StringSharing]>,
    pub quiet: bool,
}

/// Opens the data and the `--rejects` file, runs `process` on every batch in parallel and
/// `consume` on the results in input order, with progress on stderr, and reports how the run
/// ended. `Err` carries the exit code to stop with (after printing why), which is 0 when the
/// reader of our output went away (`smql eval … | head`).
pub(crate) fn run<T, P, C>(run: DataRun<'_>, process: P, consume: C) -> Result<Summary, ExitCode>
where
    T: Send,
    P: Fn(&Batch) -> Processed<T> + Sync,
    C: FnMut(T) -> Result<Flow, WriteError>,
{
    let reader = open_reader(
        run.rules,
        &run.data,
        run.options,
        run.shared_strings,
        run.quiet,
    )?;
    let mut rejects = open_rejects(run.options)?;
    let mut progress = ProgressLine::new(run.quiet);
    let mut on_progress = |p| progress.update(p);
    let outcome = pipeline::run(
        reader,
        &config(run.eval, run.options),
        rejects.as_mut().map(|r| r as &mut dyn Write),
        Some(&mut on_progress),
        |batch| Ok(process(batch)),
        consume,
    );
    progress.clear();
    if let Err(PipelineError::Process(WriteError(e))) = &outcome {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Err(ExitCode::from(exit::OK));
        }
    }
    finish(outcome, rejects, run.quiet)
}

fn config(eval: &EvalOptions, data: &DataOptions) -> Config {
    Config {
        threads: eval.threads.map_or(0, |n| n.get()),
        on_error: match data.on_error {
            OnError::Fail => pipeline::OnError::Fail,
            OnError::Skip => pipeline::OnError::Skip,
        },
        max_in_flight: 0,
    }
}

/// The `--rejects` file, created up front so a bad path fails before any work.
fn open_rejects(data: &DataOptions) -> Result<Option<AtomicFile>, ExitCode> {
    match &data.rejects {
        None => Ok(None),
        Some(path) => AtomicFile::create(path)
            .map(Some)
            .map_err(|e| super::usage_error(&e)),
    }
}

/// After a run: the rejected count on stderr (SPEC §3.1), or the error that stopped it.
fn finish<E: std::fmt::Display>(
    outcome: Result<Summary, PipelineError<E>>,
    rejects: Option<AtomicFile>,
    quiet: bool,
) -> Result<Summary, ExitCode> {
    match outcome {
        Ok(summary) => {
            if let Some(file) = rejects {
                let path = file.path.clone();
                file.commit().map_err(|e| super::usage_error(&e))?;
                if summary.rejected > 0 {
                    eprintln!(
                        "{} of {} records rejected; reasons in `{}`",
                        summary.rejected,
                        summary.records_in,
                        path.display()
                    );
                }
            } else if summary.rejected > 0 && !quiet {
                eprintln!(
                    "{} of {} records rejected (pass `--rejects FILE` to keep them with their reasons)",
                    summary.rejected, summary.records_in
                );
            }
            Ok(summary)
        }
        Err(e) => {
            eprintln!("error: {e}");
            if let PipelineError::Rejected { .. } = e {
                eprintln!(
                    "  help: fix the record, or pass `--on-error skip --rejects FILE` to leave bad records out and keep them aside"
                );
            }
            if let PipelineError::Input(input) = &e {
                if let Some(help) = input.help() {
                    eprintln!("  help: {help}");
                }
            }
            Err(ExitCode::from(exit::USAGE))
        }
    }
}

/// Progress on stderr for long runs: only on a terminal, only after the first second, at most a
/// few times a second; cleared at the end.
struct ProgressLine {
    enabled: bool,
    started: Instant,
    last: Option<Instant>,
}

impl ProgressLine {
    fn new(quiet: bool) -> ProgressLine {
        ProgressLine {
            enabled: !quiet && std::io::stderr().is_terminal(),
            started: Instant::now(),
            last: None,
        }
    }

    fn update(&mut self, p: Progress) {
        if !self.enabled || self.started.elapsed() < Duration::from_secs(1) {
            return;
        }
        if self
            .last
            .is_some_and(|t| t.elapsed() < Duration::from_millis(200))
        {
            return;
        }
        self.last = Some(Instant::now());
        let pct = match p.total_bytes {
            Some(total) if total > 0 => format!(" ({:.0}%)", 100.0 * p.bytes as f64 / total as f64),
            _ => String::new(),
        };
        eprint!("\r\x1b[2K{} records{pct}", p.records);
    }

    fn clear(&self) {
        if self.last.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}

/// A file written atomically: to a temporary file beside it, renamed over the target on
/// [`AtomicFile::commit`]. Dropped without commit, the temporary file is removed and an existing
/// target is left untouched (SPEC §3.1).
pub(crate) struct AtomicFile {
    path: PathBuf,
    temp: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    pub(crate) fn create(path: &Path) -> Result<AtomicFile, String> {
        let name = path
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy());
        let temp = path.with_file_name(format!(".{name}.smql-{}.tmp", std::process::id()));
        let file = std::fs::File::create(&temp)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp,
            file: Some(std::io::BufWriter::with_capacity(1 << 20, file)),
        })
    }

    pub(crate) fn commit(mut self) -> Result<(), String> {
        let file = self.file.take();
        let done = file
            .map_or(Ok(()), |f| {
                f.into_inner().map(drop).map_err(|e| e.into_error())
            })
            .and_then(|()| std::fs::rename(&self.temp, &self.path));
        done.map_err(|e| format!("cannot write `{}`: {e}", self.path.display()))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), |f| f.flush())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Where results go: stdout, or `-o FILE` written atomically.
pub(crate) enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(AtomicFile),
}

impl Sink {
    pub(crate) fn open(output: Option<&Path>) -> Result<Sink, ExitCode> {
        match output {
            None => Ok(Sink::Stdout(std::io::BufWriter::with_capacity(
                1 << 20,
                std::io::stdout(),
            ))),
            Some(p) => AtomicFile::create(p)
                .map(Sink::File)
                .map_err(|e| super::usage_error(&e)),
        }
    }

    /// Flushes stdout, or renames the file into place.
    pub(crate) fn commit(self) -> Result<(), ExitCode> {
        let done = match self {
            Sink::Stdout(mut w) => w
                .flush()
                .map_err(|e| format!("cannot write the results: {e}")),
            Sink::File(f) => f.commit(),
        };
        done.map_err(|e| super::usage_error(&e))
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::File(f) => f.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::File(f) => f.write_all(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

/// A write error of the results (a closed pipe, a full disk).
#[derive(Debug)]
pub(crate) struct WriteError(pub std::io::Error);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write the results: {}", self.0)
    }
}
