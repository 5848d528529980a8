//! The ordered parallel pipeline: read chunks, decode them into batches and process the batches
//! on a thread pool, and hand the results to the caller strictly in input order.
//!
//! ```text
//!  calling thread                    pool (Config::threads)             calling thread
//!  Reader::next_chunk ──chunk──▶ decode ─▶ Batch ─▶ process(&Batch) ──▶ reorder ─▶ consume(T)
//!  (I/O, gunzip, split)              (parse rejects)  (T + row rejects)     rejects ─▶ NDJSON
//! ```
//!
//! At most [`Config::max_in_flight`] chunks exist at once (read, being processed, or waiting
//! for their turn), so memory is bounded by a few batches, never by the input size.
//!
//! * `smql eval`: `process` evaluates the rows and renders them into a `Vec<u8>` (plus a
//!   [`Reject`] for a row whose evaluation fails, e.g. an integer overflow); `consume` writes the
//!   bytes. Output order = input order.
//! * `smql sla`: `process` returns a partial aggregate for the batch; `consume` merges the
//!   partials in input order (so the result does not depend on thread timing).
//! * `smql explain --lead KEY`: `process` looks for the key in the batch and returns the lead's
//!   explanation if there; `consume` returns [`Flow::Stop`] once found (later batches are
//!   discarded, the reader stops).
//! * a JIT: `process` runs the kernel over [`Batch::columns`].
//!
//! Bad records: with [`OnError::Fail`] the run stops at the first bad record in input order
//! (decode or evaluation) with [`PipelineError::Rejected`]; results of earlier batches were
//! already consumed, the failing batch's are not. With [`OnError::Skip`] every reject is written
//! to the rejects writer as one NDJSON line, in input order, and counted. In both cases
//! `records_in == records_out + rejected` in the [`Summary`].
//!
//! ```
//! use smql::data::{ChunkSize, Format, Input, Reader};
//! use smql::pipeline::{run, Config, Flow, OnError, Processed};
//! # use smql::ir::{Schema, Field, Ty};
//! # let field = |name: &str, ty: Ty| Field { name: name.into(), column: name.into(), ty,
//! #     doc: None, span: smql::Span::new(smql::source::FileId(0), 0, 0) };
//! let schema = Schema { fields: vec![field("id", Ty::String), field("visits", Ty::Int)], key: None };
//! let input = Input::from_bytes("leads.csv", b"id,visits\na,1\nb,x\nc,3\n".to_vec(), Format::Csv).unwrap();
//! let reader = Reader::new(input, &schema, ChunkSize::default()).unwrap();
//! let (mut out, mut rejects) = (Vec::new(), Vec::new());
//! let config = Config { on_error: OnError::Skip, ..Config::default() };
//! let summary = run(reader, &config, Some(&mut rejects), None,
//!     |batch| Ok::<_, std::io::Error>(Processed::new(
//!         (0..batch.len()).map(|r| format!("{:?}\n", batch.lead(r)[0])).collect::<String>())),
//!     |text| { out.extend_from_slice(text.as_bytes()); Ok(Flow::Continue) }).unwrap();
//! assert_eq!((summary.records_in, summary.records_out, summary.rejected), (3, 2, 1));
//! assert_eq!(String::from_utf8(out).unwrap(), "Str(\"a\")\nStr(\"c\")\n");
//! assert!(String::from_utf8(rejects).unwrap().starts_with("{\"record\":2,\"line\":3,"));
//! ```

use crate::data::{Batch, Decoded, InputError, Reader, Reject};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What to do with a record that does not fit (`--on-error`, docs/language.md, "Bad records").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnError {
    /// Stop at the first bad record.
    #[default]
    Fail,
    /// Leave it out, write it to the rejects, count it.
    Skip,
}

/// Worker threads by default: one per core, plus one. The calling thread reads and writes
/// besides them, which is not a core's worth of work; with a worker per core only, the cores
/// sat idle about 4% of an NDJSON run (waiting for each other), and one more worker fills
/// that: 5% faster end to end on 2 cores, no slower on CSV (benches/duckdb_compare.sh).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) + 1
}

#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Worker threads for decoding and processing (0: one per core, plus one; see
    /// [`default_threads`]).
    pub threads: usize,
    pub on_error: OnError,
    /// Chunks alive at once (0: `2 × threads + 1`).
    pub max_in_flight: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            threads: 0,
            on_error: OnError::Fail,
            max_in_flight: 0,
        }
    }
}

/// What `process` makes of one batch: a result for `consume`, and the rows it could not
/// process (each at most once, made with [`Batch::reject`]). Rejected rows must not be part of
/// `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Processed<T> {
    pub value: T,
    pub rejects: Vec<Reject>,
}

impl<T> Processed<T> {
    /// A result without rejects.
    pub fn new(value: T) -> Processed<T> {
        Processed {
            value,
            rejects: Vec::new(),
        }
    }
}

/// For `smql eval`: rendered rows to write.
pub type BatchOutput = Processed<Vec<u8>>;

/// Whether to keep reading after a batch was consumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Stop reading (e.g. the lead `explain` looked for was found).
    Stop,
}

/// Progress after each consumed batch, for long runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub records: u64,
    /// Bytes of the file or stream read so far (compressed bytes for gzip).
    pub bytes: u64,
    pub total_bytes: Option<u64>,
}

/// Counts of a run: `records_in == records_out + rejected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub records_in: u64,
    pub records_out: u64,
    pub rejected: u64,
    pub batches: u64,
    /// `consume` returned [`Flow::Stop`] before the end of the input.
    pub stopped: bool,
}

#[derive(Debug)]
pub enum PipelineError<E> {
    /// The input cannot be read (see [`InputError`]).
    Input(InputError),
    /// `OnError::Fail`: the first record that did not fit, in input order.
    Rejected { input: String, reject: Reject },
    /// `process` or `consume` failed.
    Process(E),
    /// Writing the rejects failed.
    WriteRejects(std::io::Error),
    /// A worker panicked (a bug): the message, if it had one.
    Panicked(String),
}

impl<E: fmt::Display> fmt::Display for PipelineError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Input(e) => e.fmt(f),
            PipelineError::Rejected { input, reject } => f.write_str(&reject.describe(input)),
            PipelineError::Process(e) => e.fmt(f),
            PipelineError::WriteRejects(e) => write!(f, "cannot write the rejects: {e}"),
            PipelineError::Panicked(m) => write!(f, "internal error: a worker panicked: {m}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for PipelineError<E> {}

/// A chunk's outcome, produced on a worker.
struct Done<T> {
    rows: usize,
    parse_rejects: Vec<Reject>,
    processed: Processed<T>,
}

type WorkResult<T, E> = Result<Done<T>, PipelineError<E>>;

/// Runs `process` over every batch of `reader` on `config.threads` threads and passes the
/// results to `consume` in input order. Rejects go to `rejects` (NDJSON) under
/// [`OnError::Skip`]; `progress` is called after each batch.
pub fn run<T, E, P, C>(
    mut reader: Reader,
    config: &Config,
    mut rejects: Option<&mut dyn Write>,
    mut progress: Option<&mut dyn FnMut(Progress)>,
    process: P,
    mut consume: C,
) -> Result<Summary, PipelineError<E>>
where
    T: Send,
    E: Send,
    P: Fn(&Batch) -> Result<Processed<T>, E> + Sync,
    C: FnMut(T) -> Result<Flow, E>,
{
    let threads = if config.threads == 0 {
        default_threads()
    } else {
        config.threads
    };
    let max_in_flight = if config.max_in_flight == 0 {
        2 * threads + 1
    } else {
        config.max_in_flight
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("smql-worker-{i}"))
        .build()
        .map_err(|e| PipelineError::Panicked(format!("cannot start worker threads: {e}")))?;
    let decoder = reader.decoder().clone();
    let input_name = reader.input_name().to_string();
    let process = &process;

    let mut summary = Summary::default();
    let mut failure: Option<PipelineError<E>> = None;
    let (tx, rx) = std::sync::mpsc::channel::<(u64, WorkResult<T, E>)>();

    pool.in_place_scope(|scope| {
        let mut in_flight = 0usize;
        let mut next_seq = 0u64;
        let mut waiting: BTreeMap<u64, WorkResult<T, E>> = BTreeMap::new();
        let mut input_done = false;
        loop {
            while !input_done && failure.is_none() && !summary.stopped && in_flight < max_in_flight
            {
                match reader.next_chunk() {
                    Ok(Some(chunk)) => {
                        in_flight += 1;
                        let (tx, decoder) = (tx.clone(), decoder.clone());
                        scope.spawn(move |_| {
                            let seq = chunk.seq();
                            let result = catch_unwind(AssertUnwindSafe(|| {
                                let Decoded { batch, rejects } = decoder.decode_work(chunk);
                                let result = process(&batch).map(|processed| Done {
                                    rows: batch.len(),
                                    parse_rejects: rejects,
                                    processed,
                                });
                                decoder.recycle(batch);
                                result
                            }));
                            let result = match result {
                                Ok(r) => r.map_err(PipelineError::Process),
                                Err(panic) => Err(PipelineError::Panicked(panic_message(&panic))),
                            };
                            // The receiver outlives the scope, so this cannot fail.
                            let _ = tx.send((seq, result));
                        });
                    }
                    Ok(None) => input_done = true,
                    Err(e) => {
                        input_done = true;
                        // Raised after the chunks before it, which are already in flight.
                        waiting.insert(u64::MAX, Err(PipelineError::Input(e)));
                    }
                }
            }
            if in_flight == 0 {
                if failure.is_none() && !summary.stopped {
                    if let Some(Err(e)) = waiting.remove(&u64::MAX) {
                        failure = Some(e);
                    }
                }
                break;
            }
            let Ok((seq, result)) = rx.recv() else {
                break;
            };
            waiting.insert(seq, result);
            while let Some(result) = waiting.remove(&next_seq) {
                in_flight -= 1;
                next_seq += 1;
                if failure.is_some() || summary.stopped {
                    continue; // draining what was started
                }
                let step = consume_batch(
                    result,
                    config.on_error,
                    &input_name,
                    &mut summary,
                    &mut rejects,
                    &mut consume,
                );
                match step {
                    Ok(Flow::Continue) => {}
                    Ok(Flow::Stop) => summary.stopped = true,
                    Err(e) => failure = Some(e),
                }
                if let Some(progress) = progress.as_mut() {
                    let (bytes, total_bytes) = reader.bytes_read();
                    progress(Progress {
                        records: summary.records_in,
                        bytes,
                        total_bytes,
                    });
                }
            }
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

/// Accounts for one batch's outcome, in input order.
fn consume_batch<T, E, C>(
    result: WorkResult<T, E>,
    on_error: OnError,
    input: &str,
    summary: &mut Summary,
    rejects_out: &mut Option<&mut dyn Write>,
    consume: &mut C,
) -> Result<Flow, PipelineError<E>>
where
    C: FnMut(T) -> Result<Flow, E>,
{
    let done = result?;
    let mut rejects = done.parse_rejects;
    let parse_rejected = rejects.len() as u64;
    rejects.extend(done.processed.rejects);
    // Decode rejects are records, evaluation rejects rows: merge them into input order, and
    // count a row at most once however many rejects `process` made for it.
    rejects.sort_by_key(|r| r.record);
    rejects.dedup_by_key(|r| r.record);
    if on_error == OnError::Fail {
        if let Some(first) = rejects.first() {
            return Err(PipelineError::Rejected {
                input: input.to_string(),
                reject: first.clone(),
            });
        }
    } else if let Some(out) = rejects_out.as_mut() {
        for r in &rejects {
            out.write_all(r.to_ndjson().as_bytes())
                .map_err(PipelineError::WriteRejects)?;
        }
    }
    let records_in = done.rows as u64 + parse_rejected;
    let rejected = rejects.len() as u64;
    summary.records_in += records_in;
    summary.rejected += rejected;
    summary.records_out += records_in.saturating_sub(rejected);
    summary.batches += 1;
    consume(done.processed.value).map_err(PipelineError::Process)
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        String::new()
    }
}
