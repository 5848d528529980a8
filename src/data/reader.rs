//! [`Reader`]: an input bound to a schema, handing out chunks of records that [`Decoder`] turns
//! into batches (sequentially with [`Reader::next_batch`], or in parallel via `crate::pipeline`).

use super::batch::{Batch, BatchBuilder, BatchParts, RowOrigin};
use super::csv::{detect_delimiter, CsvBinding, CsvDecoder, RUN_RECORDS};
use super::fields::{FieldPlan, StringSharing};
use super::input::Overrides;
use super::input::{Format, Input};
use super::json::JsonDecoder;
use super::json_scan::JsonScanner;
use super::produce::Produced;
use super::reject::{Bad, InputError, Reject};
use super::split::{BufferPool, Chunk, ChunkSize, Chunker, Numbering, Parts, RecordSpan};
use crate::ir::Schema;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A batch and the records of its chunk that did not fit the schema.
#[derive(Debug)]
pub struct Decoded {
    pub batch: Batch,
    /// In record order.
    pub rejects: Vec<Reject>,
}

/// Turns chunks into batches; shared by the worker threads.
#[derive(Debug)]
pub struct Decoder {
    input: String,
    schema: Schema,
    plan: Vec<FieldPlan>,
    /// CSV only: which cell feeds which field.
    csv: Option<CsvBinding>,
    /// Where finished batches' input buffers go back to the chunker.
    pool: BufferPool,
    /// Finished batches' other buffers, for the next batches.
    parts: Arc<Mutex<Vec<BatchParts>>>,
}

/// What the reading thread hands to a worker: raw records to decode, or (`.xlsx`, `.parquet`,
/// see `produce.rs`) a batch decoded already.
pub(crate) enum Work {
    Chunk(Chunk),
    Decoded(Decoded),
}

impl Work {
    /// The batch's index in the input.
    pub fn seq(&self) -> u64 {
        match self {
            Work::Chunk(c) => c.seq,
            Work::Decoded(d) => d.batch.seq,
        }
    }
}

/// Emptied batches kept for reuse: as many as the pipeline has in flight, about.
const PARTS_MAX: usize = 8;

impl Decoder {
    /// The name of the input, for messages.
    pub fn input_name(&self) -> &str {
        &self.input
    }

    /// Hands a finished batch back for the next chunks: its input buffer to the reading
    /// thread, its columns and dictionary, emptied, to the next decode (optional: saves mapping
    /// and zeroing fresh memory and growing vectors again).
    pub(crate) fn recycle(&self, batch: Batch) {
        let (raw, parts) = batch.into_parts();
        raw.recycle(&self.pool);
        if let Ok(mut free) = self.parts.lock() {
            if free.len() < PARTS_MAX {
                free.push(parts);
            }
        }
    }

    /// The batch of `work`: its chunk decoded, or the batch it already is.
    pub(crate) fn decode_work(&self, work: Work) -> Decoded {
        match work {
            Work::Chunk(chunk) => self.decode(chunk),
            Work::Decoded(decoded) => decoded,
        }
    }

    /// Decodes a chunk that is split and numbered ([`Chunk::is_ready`]).
    pub(crate) fn decode(&self, chunk: Chunk) -> Decoded {
        debug_assert!(
            chunk.is_ready(),
            "a chunk is split and numbered before decoding"
        );
        let lines = chunk.line_offset;
        let recycled = self.parts.lock().ok().and_then(|mut free| free.pop());
        let b = match recycled {
            Some(parts) => BatchBuilder::reusing(parts),
            None => BatchBuilder::new(&self.schema, chunk.records.len()),
        };
        let mut d = ChunkDecode {
            chunk: &chunk,
            input: chunk.bytes.get(..chunk.len).unwrap_or_default(),
            b,
            rejects: Vec::new(),
            json: JsonDecoder::new(&self.plan),
            scanner: JsonScanner::new(&self.plan),
            csv: self.csv.as_ref().map(|c| CsvDecoder::new(&self.plan, c)),
            group: Group::default(),
            run: Vec::new(),
        };
        let mut too_large = chunk.too_large.iter().peekable();
        for (i, span) in chunk.records.iter().enumerate() {
            if let Some(&&(_, size)) = too_large.peek().filter(|(at, _)| *at == i) {
                too_large.next();
                d.convert_run();
                let bytes = &chunk.bytes[span.start..span.end];
                d.rejects.push(Reject {
                    help: Some(
                        "a record may be at most 64 MiB unless `--max-record-size BYTES` says more (a limit against hostile inputs)".to_string(),
                    ),
                    record: chunk.first_record + i as u64,
                    line: lines + span.line,
                    error: format!("the record is {size} bytes, more than `--max-record-size` allows"),
                    raw: String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).into_owned(),
                    place: None,
                });
                continue;
            }
            if span.end > d.group.end {
                d.convert_run();
                d.group = Group::starting_at(d.input, &chunk.records[i..]);
            }
            if !d.queue(i) {
                d.convert_run();
                d.record(i);
            }
        }
        d.convert_run();
        let ChunkDecode { b, rejects, .. } = d;
        Decoded {
            batch: b.finish(chunk.bytes, chunk.seq),
            rejects,
        }
    }
}

/// One chunk being decoded into a batch.
struct ChunkDecode<'c, 'p> {
    chunk: &'c Chunk,
    /// The chunk's bytes.
    input: &'c [u8],
    b: BatchBuilder,
    rejects: Vec<Reject>,
    json: JsonDecoder<'p>,
    scanner: JsonScanner<'p>,
    csv: Option<CsvDecoder<'p>>,
    /// The group of the current record.
    group: Group<'c>,
    /// CSV: the records (by index) of the decoder's run, not yet rows.
    run: Vec<usize>,
}

impl ChunkDecode<'_, '_> {
    /// Adds record `i` to the CSV run if it is plain (see `CsvDecoder::queue`), converting the
    /// run when it is full; `false` if it is not (JSON, or a CSV record to read alone).
    fn queue(&mut self, i: usize) -> bool {
        let (Some(csv), Some(span)) = (&mut self.csv, self.chunk.records.get(i)) else {
            return false;
        };
        let Some(text) = self.group.record_text(span) else {
            return false;
        };
        if span.truncated || span.may_quote {
            return false;
        }
        if !csv.queue(text, span.start - self.group.start) {
            return false;
        }
        self.run.push(i);
        if self.run.len() >= RUN_RECORDS {
            self.convert_run();
        }
        true
    }

    /// Makes the CSV run's records rows; if a cell of one does not fit, reads them one at a
    /// time instead, which rejects the records that do not fit with their reasons.
    fn convert_run(&mut self) {
        let Some(csv) = &mut self.csv else {
            return;
        };
        if self.run.is_empty() {
            return;
        }
        let run = std::mem::take(&mut self.run);
        if csv.convert_run(self.group.text.unwrap_or_default(), &mut self.b) {
            for &i in &run {
                if let Some(span) = self.chunk.records.get(i) {
                    self.b.commit(self.origin(i, span));
                }
            }
        } else {
            self.b.rollback();
            for &i in &run {
                self.record(i);
            }
        }
        self.run = run;
        self.run.clear();
    }

    fn origin(&self, i: usize, span: &RecordSpan) -> RowOrigin {
        RowOrigin {
            record: self.chunk.first_record + i as u64,
            line: self.chunk.line_offset + span.line,
            raw_start: span.start,
            raw_end: span.end,
        }
    }

    /// Decodes record `i` alone: a row, or a reject saying why not.
    fn record(&mut self, i: usize) {
        let Some(span) = self.chunk.records.get(i) else {
            return;
        };
        let bytes = &self.input[span.start..span.end];
        let record_text = self.group.record_text(span);
        let origin = self.origin(i, span);
        let result = match (&mut self.csv, record_text) {
            (Some(csv), _) => csv.decode(
                bytes,
                record_text,
                span.may_quote,
                span.truncated,
                &mut self.b,
            ),
            (None, Some(t)) if self.scanner.decode(t, &mut self.b) => Ok::<(), Bad>(()),
            (None, _) => {
                self.b.rollback();
                self.json.decode(bytes, origin.line, &mut self.b)
            }
        };
        match result {
            Ok(()) => self.b.commit(origin),
            Err(Bad { error, help }) => {
                self.b.rollback();
                self.rejects.push(Reject {
                    help,
                    record: origin.record,
                    line: origin.line,
                    error,
                    raw: String::from_utf8_lossy(bytes).into_owned(),
                    place: None,
                });
            }
        }
    }
}

/// Consecutive records of a chunk checked together: about this many bytes, so that the check
/// and the parse that follows it find them in the core's cache (one pass over a whole chunk
/// would evict its start before the parse gets there).
const GROUP_BYTES: usize = 64 << 10;

/// A run of a chunk's records (at least one) and what one pass over their bytes found.
#[derive(Default)]
struct Group<'c> {
    start: usize,
    end: usize,
    /// Their text, if all of it is UTF-8; if not, each record is checked (and explained) alone.
    text: Option<&'c str>,
}

impl<'c> Group<'c> {
    /// The group of `records[0]` and the records after it that end within [`GROUP_BYTES`].
    fn starting_at(input: &'c [u8], records: &[RecordSpan]) -> Group<'c> {
        let start = records.first().map_or(0, |r| r.start);
        let limit = start.saturating_add(GROUP_BYTES);
        let mut end = records.first().map_or(0, |r| r.end);
        for r in records.iter().skip(1) {
            if r.end > limit {
                break;
            }
            end = r.end;
        }
        let bytes = input.get(start..end).unwrap_or_default();
        Group {
            start,
            end,
            // simdutf8: several times the speed of `std::str::from_utf8` on export text.
            text: simdutf8::basic::from_utf8(bytes).ok(),
        }
    }

    fn record_text(&self, span: &RecordSpan) -> Option<&'c str> {
        let text = self.text?;
        text.get(span.start.checked_sub(self.start)?..span.end.checked_sub(self.start)?)
    }
}

/// Where a reader's records come from.
enum Source {
    /// Raw bytes, split into chunks here and decoded on the workers (boxed: the other variant
    /// is a channel).
    Chunks(Box<Chunker>),
    /// Batches decoded on a reading thread of their own.
    Decoded(Produced),
}

/// An input bound to a schema.
pub struct Reader {
    source: Source,
    /// Where the next chunk is in the input, for [`Reader::next_batch`] (the pipeline keeps
    /// its own, starting from [`Reader::numbering`]).
    numbering: Numbering,
    /// Parts split and numbered, not yet decoded by [`Reader::next_batch`].
    ready: std::collections::VecDeque<Chunk>,
    decoder: Arc<Decoder>,
    warnings: Vec<String>,
    notes: Vec<String>,
    bytes_read: Arc<AtomicU64>,
    total_bytes: Option<u64>,
}

impl Reader {
    /// Binds `input` to `schema`. For CSV this reads the header: a missing column for a required
    /// field is an error here, before any row is read.
    pub fn new(input: Input, schema: &Schema, size: ChunkSize) -> Result<Reader, InputError> {
        let schema = effective(schema, &input.overrides);
        let plan = FieldPlan::for_schema(&schema);
        Reader::with_plan(input, &schema, size, plan)
    }

    /// As [`Reader::new`], storing the strings of each string field as `sharing` says (by
    /// field index; see [`StringSharing`]): for an evaluation that compares strings by id (the
    /// JIT) only in some fields, the others are stored without a lookup, which saves a hash
    /// and a probe per value of keys, names and other text that is only printed.
    pub fn sharing_strings_of(
        input: Input,
        schema: &Schema,
        size: ChunkSize,
        sharing: &[StringSharing],
    ) -> Result<Reader, InputError> {
        let schema = effective(schema, &input.overrides);
        let mut plan = FieldPlan::for_schema(&schema);
        FieldPlan::share_strings(&mut plan, sharing);
        Reader::with_plan(input, &schema, size, plan)
    }

    fn with_plan(
        input: Input,
        schema: &Schema,
        size: ChunkSize,
        mut plan: Vec<FieldPlan>,
    ) -> Result<Reader, InputError> {
        if let Some(decode) = &input.decode {
            FieldPlan::decode_only(&mut plan, decode);
        }
        let name = input.name.clone();
        let format = input.format;
        let bytes_read = input.bytes_read.clone();
        let total_bytes = input.total_bytes;
        if format.needs_file() {
            return Reader::decoded_elsewhere(input, schema, plan);
        }
        let pool = BufferPool::default();
        let mut chunker = Chunker::new(input, size, pool.clone());
        let mut notes = Vec::new();
        let (csv, warnings) = if format == Format::Csv {
            let header = chunker.header()?;
            let header = header.as_ref().map(|(b, s)| &b[s.start..s.end]);
            let delimiter = match (schema.input.delimiter, header.and_then(detect_delimiter)) {
                (Some(d), _) => d,
                (None, Some(d)) => {
                    notes.push(format!(
                        "{name}: the header has no `,` but has `{}`: cells are read as separated by `{}` (say so with `delimiter {:?}` in the `input` block)",
                        (d as char).escape_default(),
                        (d as char).escape_default(),
                        (d as char).to_string()
                    ));
                    d
                }
                (None, None) => b',',
            };
            chunker.set_csv(delimiter, &schema.input.footer);
            let bound = CsvBinding::bind(&name, header, &plan, delimiter)?;
            notes.extend(bound.notes);
            (Some(bound.binding), bound.warnings)
        } else {
            if let Some(f) = plan.iter().find(|f| f.occurrence.is_some_and(|n| n > 1)) {
                return Err(InputError::Occurrence {
                    input: name,
                    field: f.name.clone(),
                    column: f.column.clone(),
                    occurrence: f.occurrence.unwrap_or(1),
                });
            }
            (None, Vec::new())
        };
        Ok(Reader {
            numbering: chunker.numbering(),
            ready: Default::default(),
            source: Source::Chunks(Box::new(chunker)),
            decoder: Arc::new(Decoder {
                input: name,
                schema: schema.clone(),
                plan,
                csv,
                pool,
                parts: Arc::default(),
            }),
            warnings,
            notes,
            bytes_read,
            total_bytes,
        })
    }

    /// A reader of a format decoded on a thread of its own (`produce.rs`).
    fn decoded_elsewhere(
        input: Input,
        schema: &Schema,
        plan: Vec<FieldPlan>,
    ) -> Result<Reader, InputError> {
        let decoder = Arc::new(Decoder {
            input: input.name.clone(),
            schema: schema.clone(),
            plan,
            csv: None,
            pool: BufferPool::default(),
            parts: Arc::default(),
        });
        let (bytes_read, total_bytes) = (input.bytes_read.clone(), input.total_bytes);
        let (produced, warnings, notes) =
            super::typed::produce(input, schema, &decoder.plan, decoder.parts.clone())?;
        Ok(Reader {
            numbering: Numbering::default(),
            ready: Default::default(),
            source: Source::Decoded(produced),
            decoder,
            warnings,
            notes,
            bytes_read,
            total_bytes,
        })
    }

    /// Opens `path` (see [`Input::open`]) with the default chunk size.
    pub fn open(
        path: &std::path::Path,
        format: Option<Format>,
        schema: &Schema,
    ) -> Result<Reader, InputError> {
        Reader::new(Input::open(path, format)?, schema, ChunkSize::default())
    }

    /// Warnings about the input found before reading rows (CSV columns that are not there), one
    /// line each, for the caller to print.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// What the reader decided about the input that the user may want to know, one line each
    /// (a delimiter detected from the header, a column matched after trimming its name).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The name of the input, for messages.
    pub fn input_name(&self) -> &str {
        self.decoder.input_name()
    }

    pub fn decoder(&self) -> &Arc<Decoder> {
        &self.decoder
    }

    /// Bytes read from the file or stream so far (compressed bytes for gzip), and its size if
    /// known.
    pub fn bytes_read(&self) -> (u64, Option<u64>) {
        (self.bytes_read.load(Ordering::Relaxed), self.total_bytes)
    }

    /// Where the first chunk [`Reader::next_chunk`] hands out is in the input.
    pub(crate) fn numbering(&self) -> Numbering {
        self.numbering
    }

    /// The next chunk as read: one that is not [`Chunk::is_ready`] is to be split (on a
    /// worker) and numbered in input order before it is decoded.
    pub(crate) fn next_chunk(&mut self) -> Result<Option<Work>, InputError> {
        match &mut self.source {
            Source::Chunks(chunker) => Ok(chunker.next_chunk()?.map(Work::Chunk)),
            Source::Decoded(produced) => Ok(produced.next()?.map(Work::Decoded)),
        }
    }

    /// The next batch, read and decoded on this thread (`.xlsx`, `.parquet`: on the reading
    /// thread); `None` at the end of the input.
    pub fn next_batch(&mut self) -> Result<Option<Decoded>, InputError> {
        // A chunk of blank lines has no parts: read on.
        while self.ready.is_empty() {
            match self.next_chunk()? {
                None => return Ok(None),
                Some(Work::Decoded(d)) => return Ok(Some(d)),
                Some(Work::Chunk(chunk)) => {
                    let mut parts: Parts = chunk.split();
                    self.numbering.number(&mut parts);
                    self.ready.extend(parts.chunks);
                }
            }
        }
        Ok(self.ready.pop_front().map(|c| self.decoder.decode(c)))
    }

    /// Hands back a batch that is no longer needed, so that its memory is reused for the next
    /// chunks (optional; the pipeline does this itself).
    pub fn recycle(&self, batch: Batch) {
        self.decoder.recycle(batch);
    }

    /// What the reading thread does in the pipeline, and nothing else: reads the input and
    /// cuts it into chunks (NDJSON and CSV: at a boundary, the records inside left to the
    /// workers), whose buffers go straight back for reuse as a finished batch's would.
    /// Returns (bytes handed out, chunks). For `benches/split_scale.rs`, which measures how
    /// many workers one reading thread can feed.
    #[doc(hidden)]
    pub fn split_all(mut self) -> Result<(u64, u64), InputError> {
        let (mut bytes, mut chunks) = (0, 0);
        while let Some(work) = self.next_chunk()? {
            chunks += 1;
            if let Work::Chunk(chunk) = work {
                bytes += chunk.len as u64;
                chunk.bytes.recycle(&self.decoder.pool);
            }
        }
        Ok((bytes, chunks))
    }

    /// As [`Reader::split_all`], splitting record by record on the reading thread as the
    /// pipeline did before the workers found their own records, for comparison. Returns
    /// (records, chunks).
    #[doc(hidden)]
    pub fn split_all_by_record(mut self) -> Result<(u64, u64), InputError> {
        if let Source::Chunks(chunker) = &mut self.source {
            chunker.split_by_record();
        }
        let (mut records, mut chunks) = (0, 0);
        while let Some(work) = self.next_chunk()? {
            chunks += 1;
            match work {
                Work::Chunk(chunk) => {
                    records += chunk.records.len() as u64;
                    chunk.bytes.recycle(&self.decoder.pool);
                }
                Work::Decoded(d) => records += d.batch.len() as u64,
            }
        }
        Ok((records, chunks))
    }

    /// Reads the whole input on this thread (tests, small inputs).
    pub fn read_all(mut self) -> Result<(Vec<Batch>, Vec<Reject>), InputError> {
        let mut batches = Vec::new();
        let mut rejects = Vec::new();
        while let Some(d) = self.next_batch()? {
            batches.push(d.batch);
            rejects.extend(d.rejects);
        }
        Ok((batches, rejects))
    }
}

/// The schema with the command line's overrides of its `input` block, if any.
fn effective<'s>(schema: &'s Schema, o: &Overrides) -> std::borrow::Cow<'s, Schema> {
    if *o == Overrides::default() {
        return std::borrow::Cow::Borrowed(schema);
    }
    let mut s = schema.clone();
    if let Some(d) = o.delimiter {
        s.input.delimiter = Some(d);
    }
    if let Some(z) = &o.time_zone {
        s.input.time_zone = Some(z.clone());
    }
    std::borrow::Cow::Owned(s)
}

#[cfg(test)]
mod decode_tests;
