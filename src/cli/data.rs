//! What every command that reads lead data does around the library's run: open the input with
//! the rules' reader, keep the `--rejects` file, show progress, and say how the run ended.

use std::io::Write;

use super::args::{DataOptions, RunArgs};
use super::error::Failure;
use super::output_file::AtomicFile;
use super::progress::ProgressLine;
use crate::data::{DataSource, Input, Reader};
use crate::eval::{Evaluator, Observers, Outcome, RunOptions};
use crate::pipeline::{Flow, PipelineError, Processed, Summary};

/// Opens `data` for the evaluator's schema; prints reader warnings (missing optional CSV
/// columns) unless `quiet`.
pub(crate) fn open_reader(
    evaluator: &Evaluator,
    data: &DataSource,
    options: &DataOptions,
    quiet: bool,
) -> Result<Reader, Failure> {
    let input = Input::open_source(data, options.input_format.map(Into::into))?
        .with_sheet(options.sheet.clone());
    let reader = evaluator.open(input)?;
    if !quiet {
        for w in reader.warnings() {
            eprintln!("warning: {w}");
        }
    }
    Ok(reader)
}

/// Evaluates every record of `data` with the library ([`Evaluator::run`]): `process` makes a
/// result of each batch's outcome, `consume` takes them in input order. Progress and the count of
/// rejected records go to stderr; the `--rejects` file is written.
pub(crate) fn evaluate<T, P, C>(
    evaluator: &Evaluator,
    data: &DataSource,
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
    let reader = open_reader(evaluator, data, &run.data, run.quiet)?;
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
    rejects: Option<AtomicFile>,
    quiet: bool,
) -> Result<Summary, Failure> {
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
