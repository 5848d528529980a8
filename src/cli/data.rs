//! What every command that reads lead data does around the library's run: open the input with
//! the rules' reader, keep the `--rejects` file, show progress, and say how the run ended.

use std::io::Write;

use super::args::{DataOptions, RunArgs};
use super::error::Failure;
use super::output_file::AtomicFile;
use super::progress::ProgressLine;
use crate::data::{DataSource, Input, Reader};
use crate::eval::{Evaluator, Observers, Outcome, RunOptions};
use crate::ir::FieldSet;
use crate::pipeline::{Flow, PipelineError, Processed, Summary};

/// Opens `data` for the evaluator's schema, decoding only the fields `reads` (the rules' and
/// what the command writes; every field under `--validate-all`, or for `None`); prints reader
/// notes and warnings (a detected delimiter, missing optional CSV columns) unless `quiet`.
pub(crate) fn open_reader(
    evaluator: &Evaluator,
    data: &DataSource,
    options: &DataOptions,
    reads: Option<FieldSet>,
    quiet: bool,
) -> Result<Reader, Failure> {
    let mut input = open_input(data, options)?;
    if let Some(fields) = reads.and_then(|f| options.decode(f)) {
        input = input.decoding_only(fields);
    }
    let reader = evaluator.open(input)?;
    say_what_the_header_said(&reader, quiet);
    Ok(reader)
}

/// Opens `data` with the command line's overrides of the rules' `input` block.
pub(crate) fn open_input(data: &DataSource, options: &DataOptions) -> Result<Input, Failure> {
    let mut input = Input::open_source(data, options.input_format.map(Into::into))?
        .with_sheet(options.sheet.clone());
    if let Some(d) = options.csv_delimiter {
        input = input.with_delimiter(d);
    }
    if let Some(z) = &options.time_zone {
        input = input.with_time_zone(z).map_err(Failure::usage)?;
    }
    if let Some(n) = options.max_record_size {
        input = input.with_max_record_size(n);
    }
    if options.no_mmap {
        input = input.without_mmap();
    }
    Ok(input)
}

/// The reader's notes and warnings about the input, on stderr unless `quiet`.
pub(crate) fn say_what_the_header_said(reader: &Reader, quiet: bool) {
    if quiet {
        return;
    }
    for n in reader.notes() {
        eprintln!("note: {n}");
    }
    for w in reader.warnings() {
        eprintln!("warning: {w}");
    }
}

/// Evaluates every record of `data` with the library ([`Evaluator::run`]): `process` makes a
/// result of each batch's outcome, `consume` takes them in input order; `process` reads no
/// field outside `reads` (see [`open_reader`]). Progress and the count of rejected records go
/// to stderr; the `--rejects` file is written.
pub(crate) fn evaluate<T, P, C>(
    evaluator: &Evaluator,
    data: &DataSource,
    reads: FieldSet,
    run: &RunArgs,
    options: &RunOptions,
    process: P,
    consume: C,
) -> Result<Summary, Failure>
where
    T: Send,
    P: Fn(&Outcome) -> Processed<T> + Sync,
    C: FnMut(T) -> Result<Flow, std::io::Error>,
{
    let reader = open_reader(evaluator, data, &run.data, Some(reads), run.quiet)?;
    let mut rejects = open_rejects(&run.data)?;
    let mut progress = ProgressLine::new(run.quiet);
    let mut on_progress = |p| progress.update(p);
    let observers = Observers {
        rejects: rejects.as_mut().map(|r| r as &mut dyn Write),
        progress: Some(&mut on_progress),
    };
    let outcome = evaluator.run(
        reader,
        options,
        observers,
        |outcome| Ok::<_, std::io::Error>(process(outcome)),
        consume,
    );
    progress.clear();
    if let Some(note) = evaluator.batch_note() {
        eprintln!("note: {note}");
    }
    finish(outcome, rejects, run.quiet)
}

/// The `--rejects` file, created up front so a bad path fails before any work.
pub(crate) fn open_rejects(data: &DataOptions) -> Result<Option<AtomicFile>, Failure> {
    match &data.rejects {
        None => Ok(None),
        Some(path) => AtomicFile::create(path).map(Some).map_err(Failure::usage),
    }
}

/// After a run: the rejected count on stderr (every record is in the output or the rejects),
/// or the error that stopped it.
pub(crate) fn finish<E: Into<Failure>>(
    outcome: Result<Summary, PipelineError<E>>,
    mut rejects: Option<AtomicFile>,
    quiet: bool,
) -> Result<Summary, Failure> {
    let too_many = matches!(outcome, Err(PipelineError::TooManyRejects { .. }));
    if let (true, Some(file)) = (too_many, rejects.take_if(|_| too_many)) {
        // The results are not written, but the rejects are what the user needs now.
        let path = file.path().display().to_string();
        file.commit().map_err(Failure::usage)?;
        let e = outcome.err().map(Failure::from);
        return Err(match e {
            Some(Failure::Usage { message, help }) => Failure::Usage {
                message: format!("{message} (the rejected records are in `{path}`)"),
                help,
            },
            Some(other) => other,
            None => Failure::usage("too many rejects"),
        });
    }
    let summary = outcome?;
    if let Some(file) = rejects {
        let path = file.path().display().to_string();
        file.commit().map_err(Failure::usage)?;
        if summary.rejected > 0 {
            eprintln!(
                "{} of {} records rejected; reasons in `{path}`",
                summary.rejected, summary.records_in
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
