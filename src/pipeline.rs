//! The ordered parallel pipeline: read chunks, decode them into batches and process the batches
//! on a thread pool, and hand the results to the caller strictly in input order.
//!
//! ```text
//!  calling thread             pool            calling thread          pool                        calling thread
//!  Reader::next_chunk ─chunk─▶ split ─parts─▶ number (in order) ─▶ decode ─▶ process(&Batch) ─▶ reorder ─▶ consume(T)
//!  (I/O, gunzip, cut at a      (find the       (record and line        (parse     (T + row             rejects ─▶ NDJSON
//!   record boundary)            records)        numbers, batch seq)     rejects)   rejects)
//! ```
//!
//! The reading thread only cuts the input at record boundaries; the workers find the records
//! inside (see `data::split`), so the one thread that does not scale does as little as it can.
//! A chunk's records are numbered once every chunk before it is split, on the calling thread,
//! before any of its rows is decoded: record and line numbers are final when `process` sees
//! them. (A JSON array, and a CSV export with a footer, are split record by record on the
//! reading thread, numbered already.)
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
//! # let field = |name: &str, ty: Ty| Field::new(name, name, ty, smql::Span::default());
//! let schema = Schema::new(vec![field("id", Ty::String), field("visits", Ty::Int)], None);
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

use crate::data::{Batch, Decoded, Decoder, InputError, Parts, Reader, Reject, Work};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::Sender;
use std::sync::Arc;

/// What to do with a record that does not fit (`--on-error`, docs/language.md, "Bad records").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnError {
    /// Stop at the first bad record.
    #[default]
    Fail,
    /// Leave it out, write it to the rejects, count it.
    Skip,
}

/// Stack of a worker thread: the evaluators recurse on expressions up to the parser's depth limit
/// (SPEC §13), which the interpreter's frames in a debug build need more than the default 2 MiB
/// for. Address space only: pages are touched as the recursion reaches them.
pub const WORKER_STACK: usize = 16 << 20;

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
    /// Under [`OnError::Skip`]: how many records may be rejected before the run fails with
    /// [`PipelineError::TooManyRejects`] (and, with a bound, a run whose every record is
    /// rejected fails too); `None`: no bound.
    pub max_rejects: Option<MaxRejects>,
}

/// A bound on the rejects of a run (`--max-rejects 100` or `--max-rejects 5%`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxRejects {
    Count(u64),
    /// A share of the records read, in percent.
    Percent(f64),
}

impl MaxRejects {
    /// `100` or `5%` (`0` and `0%` allowed, `100%` the most).
    pub fn parse(text: &str) -> Result<MaxRejects, String> {
        let t = text.trim();
        let bad =
            || format!("`{text}` is not a number of records (`100`) or a share of them (`5%`)");
        match t.strip_suffix('%') {
            Some(p) => {
                let v: f64 = p.trim().parse().map_err(|_| bad())?;
                if !(0.0..=100.0).contains(&v) {
                    return Err(format!("`{text}` is not a share between 0% and 100%"));
                }
                Ok(MaxRejects::Percent(v))
            }
            None => t.parse().map(MaxRejects::Count).map_err(|_| bad()),
        }
    }

    /// Whether `rejected` of `records` is past the bound.
    pub fn exceeded(self, rejected: u64, records: u64) -> bool {
        match self {
            MaxRejects::Count(n) => rejected > n,
            MaxRejects::Percent(p) => rejected as f64 * 100.0 > p * records as f64,
        }
    }
}

impl fmt::Display for MaxRejects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaxRejects::Count(n) => write!(f, "{n}"),
            MaxRejects::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            threads: 0,
            on_error: OnError::Fail,
            max_in_flight: 0,
            max_rejects: None,
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
    // Boxed: a reject is large next to the other variants.
    Rejected { input: String, reject: Box<Reject> },
    /// `OnError::Skip` with [`Config::max_rejects`]: more records were rejected than the bound
    /// allows (or all of them); the most common reason and how many had it.
    TooManyRejects {
        input: String,
        rejected: u64,
        records: u64,
        limit: MaxRejects,
        reason: String,
        reason_count: u64,
    },
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
            PipelineError::TooManyRejects { .. } => {
                f.write_str(&self.too_many_rejects().unwrap_or_default())
            }
            PipelineError::Process(e) => e.fmt(f),
            PipelineError::WriteRejects(e) => write!(f, "cannot write the rejects: {e}"),
            PipelineError::Panicked(m) => write!(f, "internal error: a worker panicked: {m}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for PipelineError<E> {}

impl<E> PipelineError<E> {
    /// The message of [`PipelineError::TooManyRejects`].
    pub fn too_many_rejects(&self) -> Option<String> {
        let PipelineError::TooManyRejects {
            input,
            rejected,
            records,
            limit,
            reason,
            reason_count,
        } = self
        else {
            return None;
        };
        let past = if rejected == records {
            "every record was rejected".to_string()
        } else {
            format!("more than `--max-rejects {limit}`")
        };
        Some(format!(
            "{input}: {rejected} of {records} records rejected ({past}); the most common reason ({reason_count} of them): {reason}"
        ))
    }
}

/// A chunk's outcome, produced on a worker.
struct Done<T> {
    rows: usize,
    parse_rejects: Vec<Reject>,
    processed: Processed<T>,
}

type WorkResult<T, E> = Result<Done<T>, PipelineError<E>>;

/// What a worker sends back.
enum Message<T, E> {
    /// A chunk's records were found: its index among the chunks read, and its parts.
    Split(u64, Result<Parts, PipelineError<E>>),
    /// A batch was processed: its index among the batches, and the outcome.
    Done(u64, WorkResult<T, E>),
}

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
        .stack_size(WORKER_STACK)
        .build()
        .map_err(|e| PipelineError::Panicked(format!("cannot start worker threads: {e}")))?;
    let decoder = reader.decoder().clone();
    let input_name = reader.input_name().to_string();
    let process = &process;

    let mut summary = Summary::default();
    let mut reasons = Reasons::default();
    let mut failure: Option<PipelineError<E>> = None;
    let (tx, rx) = std::sync::mpsc::channel::<Message<T, E>>();
    let mut numbering = reader.numbering();

    pool.in_place_scope(|scope| {
        // Chunks read and not yet consumed (a chunk split into parts counts once per part).
        let mut in_flight = 0usize;
        let mut next_seq = 0u64;
        let mut waiting: BTreeMap<u64, WorkResult<T, E>> = BTreeMap::new();
        // Split chunks waiting for the ones before them, by their index among the chunks read.
        let mut next_split = 0u64;
        let mut splits: BTreeMap<u64, Result<Parts, PipelineError<E>>> = BTreeMap::new();
        let mut input_done = false;
        loop {
            while !input_done && failure.is_none() && !summary.stopped && in_flight < max_in_flight
            {
                match reader.next_chunk() {
                    Ok(Some(Work::Chunk(chunk))) => {
                        in_flight += 1;
                        let read = chunk.seq;
                        if chunk.is_ready() {
                            splits.insert(read, Ok(chunk.split()));
                        } else {
                            let tx = tx.clone();
                            scope.spawn(move |_| {
                                let parts = catch_unwind(AssertUnwindSafe(|| chunk.split()))
                                    .map_err(|panic| {
                                        PipelineError::Panicked(panic_message(&panic))
                                    });
                                // The receiver outlives the scope, so this cannot fail.
                                let _ = tx.send(Message::Split(read, parts));
                            });
                        }
                    }
                    Ok(Some(work @ Work::Decoded(_))) => {
                        in_flight += 1;
                        spawn_batch(scope, work, &decoder, &tx, process);
                    }
                    Ok(None) => input_done = true,
                    Err(e) => {
                        input_done = true;
                        // Raised after the chunks before it, which are already in flight.
                        waiting.insert(u64::MAX, Err(PipelineError::Input(e)));
                    }
                }
            }
            // Number the chunks whose predecessors are all numbered, and start their batches.
            while let Some(split) = splits.remove(&next_split) {
                next_split += 1;
                match split {
                    Ok(mut parts) => {
                        if failure.is_some() || summary.stopped {
                            in_flight -= 1; // draining what was started
                            continue;
                        }
                        numbering.number(&mut parts);
                        in_flight += parts.chunks.len();
                        in_flight -= 1;
                        for chunk in parts.chunks {
                            spawn_batch(scope, Work::Chunk(chunk), &decoder, &tx, process);
                        }
                    }
                    Err(e) => {
                        in_flight -= 1;
                        failure.get_or_insert(e);
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
            let (seq, result) = match rx.recv() {
                Ok(Message::Done(seq, result)) => (seq, result),
                Ok(Message::Split(read, parts)) => {
                    splits.insert(read, parts);
                    continue;
                }
                Err(_) => break,
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
                    config,
                    &input_name,
                    &mut summary,
                    &mut reasons,
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
    if let (None, Some(limit)) = (&failure, config.max_rejects) {
        let all = summary.records_in > 0 && summary.rejected == summary.records_in;
        if config.on_error == OnError::Skip
            && (all || limit.exceeded(summary.rejected, summary.records_in))
        {
            failure = Some(reasons.too_many(&input_name, &summary, limit));
        }
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

/// Decodes and processes one batch on a worker; the outcome goes back as [`Message::Done`].
fn spawn_batch<'s, T, E, P>(
    scope: &rayon::Scope<'s>,
    work: Work,
    decoder: &Arc<Decoder>,
    tx: &Sender<Message<T, E>>,
    process: &'s P,
) where
    T: Send + 's,
    E: Send + 's,
    P: Fn(&Batch) -> Result<Processed<T>, E> + Sync,
{
    let (tx, decoder) = (tx.clone(), decoder.clone());
    scope.spawn(move |_| {
        let seq = work.seq();
        let result = catch_unwind(AssertUnwindSafe(|| {
            let Decoded { batch, rejects } = decoder.decode_work(work);
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
        let _ = tx.send(Message::Done(seq, result));
    });
}

/// How often each reason of rejection occurred (the error up to the value it found, so that
/// `expected int, found "x"` and `…, found "y"` count as one).
#[derive(Default)]
struct Reasons {
    counts: std::collections::HashMap<String, (u64, u64)>,
}

impl Reasons {
    fn add(&mut self, r: &Reject) {
        let reason = r.error.split(", found ").next().unwrap_or(&r.error);
        let n = self.counts.len() as u64;
        self.counts.entry(reason.to_string()).or_insert((0, n)).0 += 1;
    }

    fn too_many<E>(&self, input: &str, summary: &Summary, limit: MaxRejects) -> PipelineError<E> {
        // The commonest; among equals, the one seen first.
        let top = self
            .counts
            .iter()
            .max_by_key(|(_, &(count, first))| (count, std::cmp::Reverse(first)));
        let (reason, count) = top.map_or((String::new(), 0), |(r, &(c, _))| (r.clone(), c));
        PipelineError::TooManyRejects {
            input: input.to_string(),
            rejected: summary.rejected,
            records: summary.records_in,
            limit,
            reason,
            reason_count: count,
        }
    }
}

/// Accounts for one batch's outcome, in input order.
fn consume_batch<T, E, C>(
    result: WorkResult<T, E>,
    config: &Config,
    input: &str,
    summary: &mut Summary,
    reasons: &mut Reasons,
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
    if config.on_error == OnError::Fail {
        if let Some(first) = rejects.first() {
            return Err(PipelineError::Rejected {
                input: input.to_string(),
                reject: Box::new(first.clone()),
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
    rejects.iter().for_each(|r| reasons.add(r));
    // A count is past its bound as soon as it is: no need to read the rest.
    if let Some(limit @ MaxRejects::Count(n)) = config.max_rejects {
        if summary.rejected > n {
            return Err(reasons.too_many(input, summary, limit));
        }
    }
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
