//! A whole input through an [`Evaluator`]: read, evaluate every batch on every core, and hand
//! each batch's [`Outcome`] to the caller's `process` and the results to `consume` in input
//! order ([`crate::pipeline`] does the reading, ordering and reject accounting).
//!
//! A row whose evaluation fails (an integer overflow) is a reject, exactly like a record that
//! does not fit the schema: `process` sees it in the outcome but only the rows of
//! [`Outcome::ok_rows`] belong to its result.

use super::engine::Evaluator;
use super::lead::Lead;
use super::outcome::Outcome;
use crate::data::{Batch, Reader};
use crate::ir::Program;
use crate::pipeline::{self, Config, Flow, PipelineError, Processed, Progress, Summary};
use crate::value::Value;
use std::io::Write;
use std::num::NonZeroUsize;

pub use crate::pipeline::{MaxRejects, OnError};

/// How to evaluate an input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunOptions {
    /// The evaluation instant, epoch ms.
    pub now: i64,
    /// Keep why each score came out as it did ([`Outcome::why`]).
    pub explain: bool,
    /// Worker threads (`None`: one per core, plus one).
    pub threads: Option<NonZeroUsize>,
    /// Stop at the first bad record, or skip it (and count it, and write it to the rejects).
    pub on_error: OnError,
    /// Under [`OnError::Skip`], how many rejects fail the run (`None`: no bound).
    pub max_rejects: Option<MaxRejects>,
}

impl RunOptions {
    /// Evaluation at `now`, no explanations, default threads, stopping at the first bad record.
    pub fn at(now: i64) -> RunOptions {
        RunOptions {
            now,
            explain: false,
            threads: None,
            on_error: OnError::Fail,
            max_rejects: None,
        }
    }

    fn config(&self) -> Config {
        Config {
            threads: self.threads.map_or(0, NonZeroUsize::get),
            on_error: self.on_error,
            max_in_flight: 0,
            max_rejects: self.max_rejects,
        }
    }
}

/// Where a run's side outputs go: each rejected record (NDJSON, under [`OnError::Skip`]) and
/// progress after each batch.
#[derive(Default)]
pub struct Observers<'a> {
    /// Where each rejected record goes, one NDJSON line each (under [`OnError::Skip`]).
    pub rejects: Option<&'a mut dyn Write>,
    /// Called after each batch with the records and bytes read so far.
    pub progress: Option<&'a mut dyn FnMut(Progress)>,
}

impl Evaluator {
    /// Evaluates every record of `reader` (opened with [`Evaluator::open`]) and passes each
    /// batch's outcome to `process` (on a worker thread) and its result to `consume` (in input
    /// order, on this thread). Rows that fail to evaluate are rejects, counted in the summary.
    pub fn run<T, E, P, C>(
        &self,
        reader: Reader,
        options: &RunOptions,
        observers: Observers<'_>,
        process: P,
        consume: C,
    ) -> Result<Summary, PipelineError<E>>
    where
        T: Send,
        E: Send,
        P: Fn(&Outcome) -> Result<Processed<T>, E> + Sync,
        C: FnMut(T) -> Result<Flow, E>,
    {
        pipeline::run(
            reader,
            &options.config(),
            observers.rejects,
            observers.progress,
            |batch| {
                let outcome = self.eval_batch(batch, options.now, options.explain);
                let mut processed = process(&outcome)?;
                processed.rejects.extend(outcome.rejects());
                Ok(processed)
            },
            consume,
        )
    }

    /// The lead whose key is `key` (or, for a schema without a `key`, record number `key`),
    /// read from `reader` without evaluating anything else; `None` when no record has it.
    pub fn find_lead(
        &self,
        reader: Reader,
        options: &RunOptions,
        observers: Observers<'_>,
        key: &str,
    ) -> Result<Option<Lead>, PipelineError<std::convert::Infallible>> {
        let program = self.program();
        let mut found = None;
        pipeline::run(
            reader,
            &options.config(),
            observers.rejects,
            observers.progress,
            |batch| {
                let row = (0..batch.len()).find(|&r| is_the_lead(program, batch, r, key));
                Ok(Processed::new(
                    row.and_then(|r| Lead::from_row(program, batch, r).ok()),
                ))
            },
            |lead| {
                Ok(match lead {
                    Some(l) => {
                        found = Some(l);
                        Flow::Stop
                    }
                    None => Flow::Continue,
                })
            },
        )?;
        Ok(found)
    }
}

/// Whether `row` is the lead `wanted` names: by key, or by record number without a key.
fn is_the_lead(program: &Program, batch: &Batch, row: usize, wanted: &str) -> bool {
    match program.schema.key {
        Some(k) => match batch.value(k.0 as usize, row) {
            Value::Str(s) => &*s == wanted,
            Value::Int(i) => wanted.trim().parse::<i64>() == Ok(i),
            _ => false,
        },
        None => wanted.trim().parse::<u64>() == Ok(batch.record_number(row)),
    }
}
