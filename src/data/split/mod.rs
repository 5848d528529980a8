//! Splitting an input stream into chunks of whole records, without parsing them: NDJSON at line
//! breaks, CSV at record ends outside quotes (following `csv-core`'s rules exactly), a JSON array
//! at its top-level elements. Chunks are then parsed independently, in parallel.
//!
//! The reading thread is the one part of the pipeline that does not scale with cores, so for
//! NDJSON and CSV it only cuts the input at *a* record boundary near each chunk's size
//! (`coarse.rs`: the last line break; for CSV, the last one outside quotes, found by looking
//! only at quotes), and the workers find the records inside their chunks (`parts.rs`), numbering
//! their lines from 1. The pipeline then gives each chunk its place, in input order
//! ([`Numbering`]): its first record number and the lines before it. A JSON array, and a CSV
//! export with a footer row (after which nothing is a record), are split here, record by record.
//!
//! Nothing here recurses, so nesting depth cannot blow the stack, and memory is bounded by the
//! chunk size (or by one record, if a single record is larger).

use super::input::{Format, Input};
use super::mapped::{MapReader, MappedFile};
use super::reject::InputError;
use memchr::memchr;

mod array;
mod bytes;
mod coarse;
mod lines;
mod parts;

use array::ArraySplitter;
pub(crate) use bytes::ChunkBytes;
use coarse::{Coarse, Kind};
use lines::{CsvSplitter, LineSplitter};
pub(crate) use parts::{Numbering, Parts};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One record's bytes within a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordSpan {
    pub start: usize,
    pub end: usize,
    /// 1-based line of the input where the record starts.
    pub line: u64,
    /// The input ended inside this record (an unclosed CSV quote, a cut JSON element).
    pub truncated: bool,
}

/// Whole records of the input, in order.
#[derive(Debug)]
pub(crate) struct Chunk {
    /// 0, 1, 2, … in input order.
    pub seq: u64,
    /// A buffer whose first `len` bytes are the chunk's input (the rest is unused: keeping the
    /// buffer whole lets it be reused as it is), or those bytes of the mapped input.
    pub bytes: ChunkBytes,
    pub len: usize,
    pub records: Vec<RecordSpan>,
    /// Record number of `records[0]` (1-based).
    pub first_record: u64,
    /// Records larger than the input's limit: (index in `records`, size in bytes). Their span
    /// holds only their first bytes.
    pub too_large: Vec<(usize, u64)>,
    /// Lines of the input before the chunk's bytes: a record's line is `line_offset + line`.
    pub line_offset: u64,
    /// What is left to do before the chunk can be decoded.
    pub state: ChunkState,
}

#[derive(Debug)]
pub(crate) enum ChunkState {
    /// Split and numbered where it was read.
    Ready,
    /// Whole records, not yet found: a worker finds them ([`Chunk::split`]).
    Unsplit(parts::Unsplit),
    /// Split, its lines numbered from 1 (and `newlines` line breaks in it): waiting for its
    /// place in the input ([`Numbering::number`]).
    Split { newlines: u64 },
}

impl Chunk {
    /// Whether the chunk is ready to be decoded (split and numbered).
    pub fn is_ready(&self) -> bool {
        matches!(self.state, ChunkState::Ready)
    }
}

/// Bytes kept of a record larger than the limit, for the rejects file.
const KEEP: usize = 256;

/// Limits on a chunk; a chunk ends at the first record boundary past either.
#[derive(Debug, Clone, Copy)]
pub struct ChunkSize {
    pub records: usize,
    pub bytes: usize,
}

/// About 2 MiB per chunk: small enough that a worker's passes over it (UTF-8 check, parse) find
/// it in its core's cache, large enough that per-batch costs (dictionary, kernel setup) vanish.
/// Measured on 1M leads (2 cores): 8 MiB chunks cost 8–10% more CPU for NDJSON, 5% for CSV.
impl Default for ChunkSize {
    fn default() -> ChunkSize {
        ChunkSize {
            records: 4 * 1024,
            bytes: 2 << 20,
        }
    }
}

/// Bytes asked for per read. The bytes read past a chunk's last record are copied to the next
/// chunk's buffer, up to one read: small reads keep that copy small (with 1 MiB reads it was
/// up to half of every chunk), and at 128 KiB the system calls still cost nothing measurable.
const READ_SIZE: usize = 128 << 10;

/// Chunk buffers handed back once their batch is done, so that the next chunks reuse memory that
/// is already mapped and initialized: allocating a fresh buffer for every chunk costs a page fault
/// per 4 KiB and a `memset`, a large share of the reading thread's time.
#[derive(Debug, Clone, Default)]
pub(crate) struct BufferPool {
    free: Arc<Mutex<Vec<Vec<u8>>>>,
}

/// Buffers kept for reuse; more than the pipeline has in flight are dropped.
const POOL_MAX: usize = 8;

impl BufferPool {
    /// Gives a chunk's buffer back for reuse.
    pub fn put(&self, buf: Vec<u8>) {
        if buf.capacity() == 0 {
            return;
        }
        if let Ok(mut free) = self.free.lock() {
            if free.len() < POOL_MAX {
                free.push(buf);
            }
        }
    }

    /// A buffer of at least `len` initialized bytes (their values are unspecified).
    fn take(&self, len: usize) -> Vec<u8> {
        match self.free.lock().ok().and_then(|mut free| free.pop()) {
            Some(mut buf) => {
                if buf.len() < len {
                    buf.resize(len, 0);
                }
                buf
            }
            // Zeroed by the allocator: fresh pages cost nothing until they are touched.
            None => vec![0; len],
        }
    }
}

pub(crate) struct Chunker {
    input: Box<dyn Read + Send>,
    name: String,
    format: Format,
    /// Initialized storage; the input bytes not yet handed out are `buf[..filled]` (or, with
    /// `mapped`, `mapped[base..base + filled]`: see [`Chunker::held`]).
    buf: Vec<u8>,
    filled: usize,
    /// The input file, mapped (`data/mapped.rs`): reads only move `filled` on and chunks are
    /// ranges of it, nothing is copied. Until something must change the bytes held (an
    /// oversized record's middle is dropped in place), when they move to `buf` and the rest
    /// of the file is read as a stream ([`Chunker::own`]).
    mapped: Option<Arc<MappedFile>>,
    base: usize,
    /// Bytes of the input handed on, for progress (a mapped input is not read through the
    /// counting reader).
    progress: Arc<AtomicU64>,
    pool: BufferPool,
    eof: bool,
    started: bool,
    splitter: Option<Splitter>,
    size: ChunkSize,
    next_record: u64,
    next_seq: u64,
    /// An error found while scanning, raised after the records before it were handed out.
    pending: Option<InputError>,
    finished: bool,
    max_record: usize,
    /// The unfinished record is larger than `max_record`: where it starts in `buf` and its
    /// size so far (all but its first [`KEEP`] bytes were dropped as they were scanned).
    oversized: Option<(usize, u64)>,
    /// NDJSON and CSV (without a footer): the reading thread only cuts chunks at a boundary,
    /// the workers split them (see the module's comment).
    coarse: Option<Coarse>,
    /// Off in tests and in `benches/split_scale.rs` only: NDJSON split record by record on the
    /// reading thread, as a reference.
    coarse_lines: bool,
    /// The bytes a coarse chunk aims at: about `size.records` records, judged from the first
    /// bytes read, at most `size.bytes`.
    target: Option<usize>,
}

impl Chunker {
    pub fn new(input: Input, size: ChunkSize, pool: BufferPool) -> Chunker {
        let max_record = input.max_record;
        Chunker {
            input: input.reader,
            name: input.name,
            format: input.format,
            buf: Vec::new(),
            filled: 0,
            mapped: input.mapped,
            base: 0,
            progress: input.bytes_read,
            pool,
            eof: false,
            started: false,
            splitter: None,
            size: ChunkSize {
                records: size.records.max(1),
                bytes: size.bytes.max(1),
            },
            next_record: 1,
            next_seq: 0,
            pending: None,
            finished: false,
            max_record,
            oversized: None,
            coarse: None,
            coarse_lines: true,
            target: None,
        }
    }

    /// The size of a chunk buffer: a full chunk plus room for the reads that complete its last
    /// record.
    fn buffer_len(&self) -> usize {
        self.size.bytes.saturating_add(2 * self.read_size())
    }

    /// Bytes asked for per read: large reads for few system calls, smaller ones for small chunks.
    fn read_size(&self) -> usize {
        READ_SIZE.min(self.size.bytes.max(1 << 16))
    }

    fn read_more(&mut self) -> Result<(), InputError> {
        self.read_at_most(self.read_size())
    }

    /// The input bytes held, not yet handed out.
    fn held(&self) -> &[u8] {
        held(&self.buf, &self.mapped, self.base, self.filled)
    }

    /// Leaves the mapping for a buffer: copies the bytes held into one and reads the rest of
    /// the file as a stream (to change bytes held, which a mapping does not allow).
    fn own(&mut self) {
        let Some(file) = self.mapped.take() else {
            return;
        };
        let end = self.base + self.filled;
        let mut buf = self
            .pool
            .take(self.buffer_len().max(self.filled + self.read_size()));
        buf[..self.filled].copy_from_slice(&file.bytes()[self.base..end]);
        self.buf = buf;
        self.base = 0;
        self.input = Box::new(MapReader {
            file,
            pos: end,
            progress: self.progress.clone(),
        });
    }

    /// Reads up to `want` more bytes (fewer if the input has fewer ready); drops a byte order
    /// mark at the start of the input.
    fn read_at_most(&mut self, want: usize) -> Result<(), InputError> {
        if let Some(file) = &self.mapped {
            // Nothing to copy: all of `want` at once.
            let rest = file.len() - (self.base + self.filled);
            self.filled += want.max(1).min(rest);
            self.eof = self.base + self.filled == file.len();
            self.progress
                .store((self.base + self.filled) as u64, Ordering::Relaxed);
        } else {
            self.read_into_buf(want)?;
        }
        if !self.started && (self.filled >= 3 || self.eof) {
            self.started = true;
            if self.held().starts_with(b"\xef\xbb\xbf") {
                if self.mapped.is_some() {
                    self.base += 3;
                } else {
                    self.buf.copy_within(3..self.filled, 0);
                }
                self.filled -= 3;
            }
        }
        Ok(())
    }

    /// [`Chunker::read_at_most`] into `buf`, from the input stream.
    fn read_into_buf(&mut self, want: usize) -> Result<(), InputError> {
        let read_size = self.read_size();
        let want = want.clamp(1, read_size);
        if self.buf.is_empty() {
            self.buf = self.pool.take(self.buffer_len());
        } else if self.buf.len() - self.filled < read_size / 4 {
            // A record larger than the buffer: grow it.
            let len = self.buf.len() * 2;
            self.buf.resize(len, 0);
        }
        let end = self.buf.len().min(self.filled + want);
        let n = loop {
            match self.input.read(&mut self.buf[self.filled..end]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    return Err(InputError::Io {
                        input: self.name.clone(),
                        error,
                    });
                }
            }
        };
        self.filled += n;
        if n == 0 {
            self.eof = true;
        }
        Ok(())
    }

    /// Picks the splitter once the first bytes are known (a `.json` file may be an array or
    /// NDJSON).
    fn splitter(&mut self) -> Result<Option<&mut Splitter>, InputError> {
        if self.splitter.is_none() {
            let splitter = match self.format {
                Format::Ndjson => Splitter::Lines(LineSplitter::new()),
                Format::Csv => Splitter::Csv(CsvSplitter::new()),
                // Read by seeking, on a thread of their own (`produce.rs`), never split.
                Format::Xlsx | Format::Parquet => {
                    return Err(InputError::Format {
                        input: self.name.clone(),
                        message: "this format is not read as a stream of records".to_string(),
                        help: None,
                    })
                }
                Format::Json => loop {
                    let text = self.held();
                    let first = text.iter().position(|b| !b.is_ascii_whitespace());
                    match first.map(|i| text[i]) {
                        Some(b'[') => break Splitter::Array(ArraySplitter::new()),
                        Some(b'{') => break Splitter::Lines(LineSplitter::new()),
                        Some(_) => {
                            let i = first.unwrap_or(0);
                            let end = memchr(b'\n', &text[i..]).map_or(text.len(), |n| i + n);
                            let found = String::from_utf8_lossy(&text[i..end]);
                            return Err(InputError::NotJson {
                                input: self.name.clone(),
                                found: super::reject::shorten(found.trim(), 20),
                            });
                        }
                        None if self.eof => return Ok(None),
                        None => self.read_more()?,
                    }
                },
            };
            if let (Splitter::Lines(_), true) = (&splitter, self.coarse_lines) {
                self.coarse = Some(Coarse::new(Kind::Lines));
            }
            self.splitter = Some(splitter);
        }
        Ok(self.splitter.as_mut())
    }

    /// The CSV header record's bytes (call once, before any chunk); `None` for an empty input.
    pub fn header(&mut self) -> Result<Option<(Vec<u8>, RecordSpan)>, InputError> {
        let chunk = self.next_records(1)?;
        self.next_record = 1;
        self.next_seq = 0;
        Ok(chunk.and_then(|c| {
            let record = *c.records.first()?;
            Some((c.bytes.into_vec(), record))
        }))
    }

    /// CSV, after the header: the separator of the records, and the texts whose row ends them.
    /// Without a footer, the records after the header are split on the workers; after a footer
    /// row nothing is a record, which only a scan record by record can tell.
    pub fn set_csv(&mut self, delimiter: u8, footer: &[String]) {
        if let Some(Splitter::Csv(s)) = &mut self.splitter {
            s.delimiter = delimiter;
            s.footer = footer.iter().map(|f| f.as_bytes().to_vec()).collect();
            if footer.is_empty() {
                self.coarse = Some(Coarse::new(Kind::Csv { delimiter }));
            }
        }
    }

    /// Splits record by record on the reading thread, as before the workers found their own
    /// records (a reference for tests and benchmarks); call before the first chunk.
    pub fn split_by_record(&mut self) {
        self.coarse = None;
        self.coarse_lines = false;
    }

    /// Where the first chunk's records are in the input (after the lines of a CSV header).
    pub fn numbering(&self) -> Numbering {
        let lines = match &self.splitter {
            Some(Splitter::Csv(s)) => s.line - 1,
            Some(Splitter::Lines(s)) => s.line - 1,
            _ => 0,
        };
        Numbering::after_lines(lines)
    }

    /// The next chunk, `None` at the end of the input. A chunk that is not
    /// [`Chunk::is_ready`] is to be [split](Chunk::split) and [numbered](Numbering::number).
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>, InputError> {
        if !self.finished && self.splitter.is_none() {
            if !self.started {
                self.read_more()?;
            }
            if self.splitter()?.is_none() {
                self.finished = true;
                return Ok(None);
            }
        }
        if self.coarse.is_some() {
            self.next_coarse()
        } else {
            self.next_records(self.size.records)
        }
    }

    /// The next chunk cut at a record boundary, its records not yet found (`coarse.rs`).
    fn next_coarse(&mut self) -> Result<Option<Chunk>, InputError> {
        loop {
            if self.finished {
                return self.pending.take().map_or(Ok(None), Err);
            }
            let target = self.target();
            let Some(coarse) = self.coarse.as_mut() else {
                return Ok(None);
            };
            coarse.scan(
                held(&self.buf, &self.mapped, self.base, self.filled),
                self.eof,
            );
            let stop = self.eof || self.pending.is_some();
            let kind = coarse.kind;
            if let Some(dropped) = coarse.oversized {
                if coarse.first.is_some() || stop {
                    coarse.oversized = None;
                    let (first, quoted) = (coarse.first, coarse.quoted);
                    return Ok(Some(self.cut_oversized(kind, dropped, first, quoted)));
                }
            } else if stop {
                // At the end, the rest is the last chunk (its last record may be unfinished);
                // after a read error, only the records that are whole.
                let cut = if self.eof { self.filled } else { coarse.last };
                self.finished = true;
                if cut > 0 {
                    return Ok(Some(self.cut_coarse(cut, kind)));
                }
                continue;
            } else if self.filled >= target && coarse.last > 0 {
                let cut = coarse.last;
                return Ok(Some(self.cut_coarse(cut, kind)));
            }
            self.elide_coarse();
            let want = target.saturating_sub(self.filled);
            let want = if want == 0 { self.read_size() } else { want };
            if let Err(e) = self.read_at_most(want) {
                self.pending = Some(e);
            }
        }
    }

    /// The coarse chunks' size: about [`ChunkSize::records`] records, judged once from the
    /// line breaks in the first bytes read (records are seldom smaller further on; when they
    /// are, a worker cuts the chunk into parts), at most [`ChunkSize::bytes`].
    fn target(&mut self) -> usize {
        if let Some(t) = self.target {
            return t;
        }
        let sample_len = (64 << 10).min(self.size.bytes);
        if self.filled < sample_len && !self.eof && self.pending.is_none() {
            return sample_len; // read the sample first
        }
        let sample = self.held();
        let breaks = (lines::count_newlines(sample) as usize).max(1);
        let per_record = sample.len().div_ceil(breaks).max(1);
        // 9/10: a chunk of records a little larger than the sample's still fits one batch.
        let t = (per_record.saturating_mul(self.size.records) / 10 * 9).clamp(1, self.size.bytes);
        self.target = Some(t);
        t
    }

    /// Hands out `buf[..cut]` as a chunk whose records a worker will find; the rest moves to a
    /// fresh buffer.
    fn cut_coarse(&mut self, cut: usize, kind: Kind) -> Chunk {
        let state = ChunkState::Unsplit(parts::Unsplit {
            kind,
            max_record: self.max_record,
            max_records: self.size.records,
            pool: self.pool.clone(),
        });
        self.hand_out(cut, Vec::new(), Vec::new(), state)
    }

    /// Hands out the record at the buffer's start, larger than the limit and elided
    /// (`dropped`: bytes and line breaks left out), as a chunk of its own, split here: the
    /// bytes kept of it need not scan as the whole did. It ends at `first`, the first boundary,
    /// or at the end of the input (inside quotes: `quoted`).
    fn cut_oversized(
        &mut self,
        kind: Kind,
        (dropped, dropped_lines): (u64, u64),
        first: Option<usize>,
        quoted: bool,
    ) -> Chunk {
        let (cut, mut end, truncated) = match first {
            Some(f) => (f, f - 1, false),
            None => (self.filled, self.filled, quoted),
        };
        if first.is_some() && kind == Kind::Lines && end > 0 && self.held()[end - 1] == b'\r' {
            end -= 1;
        }
        let newlines = dropped_lines + lines::count_newlines(&self.held()[..cut]);
        if first.is_none() {
            self.finished = true;
        }
        let span = RecordSpan {
            start: 0,
            end,
            line: 1,
            truncated,
        };
        let size = end as u64 + dropped;
        self.hand_out(
            cut,
            vec![span],
            vec![(0, size)],
            ChunkState::Split { newlines },
        )
    }

    /// Hands out `buf[..cut]` as a chunk; the rest (the start of the next record) moves to a
    /// fresh buffer, and the chunk takes this one.
    fn hand_out(
        &mut self,
        cut: usize,
        records: Vec<RecordSpan>,
        too_large: Vec<(usize, u64)>,
        state: ChunkState,
    ) -> Chunk {
        if let Some(coarse) = self.coarse.as_mut() {
            coarse.rebase(cut);
        }
        let rest = self.filled - cut;
        let bytes = if let Some(file) = &self.mapped {
            let start = self.base;
            self.base += cut;
            ChunkBytes::Mapped {
                file: file.clone(),
                start,
                end: start + cut,
            }
        } else {
            let mut next = self
                .pool
                .take(self.buffer_len().max(rest + self.read_size()));
            next[..rest].copy_from_slice(&self.buf[cut..self.filled]);
            ChunkBytes::Owned(std::mem::replace(&mut self.buf, next))
        };
        self.filled = rest;
        let chunk = Chunk {
            seq: self.next_seq,
            bytes,
            len: cut,
            records,
            first_record: 0,
            too_large,
            line_offset: 0,
            state,
        };
        self.next_seq += 1;
        chunk
    }

    /// As [`Chunker::elide_oversized`], for a coarse scan: the record at the buffer's start has
    /// no end yet and is past the limit.
    fn elide_coarse(&mut self) {
        let Some(coarse) = self.coarse.as_ref() else {
            return;
        };
        let pos = coarse.pos;
        if coarse.first.is_some() || pos <= self.max_record.max(KEEP) {
            return;
        }
        self.own();
        let Some(coarse) = self.coarse.as_mut() else {
            return;
        };
        let dropped = &self.buf[KEEP..pos];
        let lines = lines::count_newlines(dropped);
        let (size, breaks) = coarse.oversized.unwrap_or((0, 0));
        coarse.oversized = Some((size + (pos - KEEP) as u64, breaks + lines));
        self.buf.copy_within(pos..self.filled, KEEP);
        self.filled -= pos - KEEP;
        coarse.pos = KEEP;
    }

    fn next_records(&mut self, max: usize) -> Result<Option<Chunk>, InputError> {
        if self.finished {
            return match self.pending.take() {
                Some(e) => Err(e),
                None => Ok(None),
            };
        }
        if !self.started {
            self.read_more()?;
        }
        let mut spans = Vec::new();
        let mut too_large = Vec::new();
        loop {
            let eof = self.eof;
            let max_bytes = self.size.bytes;
            let buf = held(&self.buf, &self.mapped, self.base, self.filled);
            let (pending, name) = (&mut self.pending, &self.name);
            let Some(splitter) = self.splitter.as_mut() else {
                if self.splitter()?.is_none() {
                    self.finished = true;
                    return Ok(None);
                }
                continue;
            };
            let before = spans.len();
            if let Err(e) = splitter.scan(buf, eof, &mut spans, max) {
                *pending = Some(e.in_input(name));
            }
            for (i, r) in spans.iter().enumerate().skip(before) {
                let mut size = (r.end - r.start) as u64;
                if let Some((start, dropped)) = self.oversized.filter(|(s, _)| *s == r.start) {
                    size += dropped;
                    debug_assert_eq!(start, r.start);
                    self.oversized = None;
                }
                if size > self.max_record as u64 {
                    too_large.push((i, size));
                }
            }
            // After a footer row the input is over, whatever follows.
            let ended = matches!(splitter, Splitter::Csv(s) if s.ended);
            let eof = eof || ended;
            let cut = splitter.cut_point();
            let full = spans.len() >= max || (cut >= max_bytes && !spans.is_empty());
            if full || eof || pending.is_some() {
                if spans.is_empty() && (eof || pending.is_some()) {
                    self.finished = true;
                    return match self.pending.take() {
                        Some(e) => Err(e),
                        None => Ok(None),
                    };
                }
                if pending.is_some() || ended {
                    self.finished = true;
                }
                splitter.rebase(cut);
                if let Some((start, _)) = &mut self.oversized {
                    *start -= cut;
                }
                let mut chunk = self.hand_out(cut, spans, too_large, ChunkState::Ready);
                chunk.first_record = self.next_record;
                self.next_record += chunk.records.len() as u64;
                return Ok(Some(chunk));
            }
            self.elide_oversized();
            self.read_more()?;
        }
    }

    /// Drops the scanned bytes of an unfinished record past the limit but its first [`KEEP`]:
    /// the splitters never look back at bytes they scanned, so scanning goes on as if they were
    /// there, and memory stays bounded by the limit whatever the record's size.
    fn elide_oversized(&mut self) {
        let Some(splitter) = self.splitter.as_ref() else {
            return;
        };
        let start = splitter.cut_point();
        let pos = splitter.pos();
        if pos - start <= self.max_record.max(KEEP) {
            return;
        }
        let keep_end = start + KEEP;
        let dropped = (pos - keep_end) as u64;
        self.own();
        let Some(splitter) = self.splitter.as_mut() else {
            return;
        };
        self.buf.copy_within(pos..self.filled, keep_end);
        self.filled -= pos - keep_end;
        splitter.set_pos(keep_end);
        // A line splitter skips a blank record: the bytes kept must not look blank.
        if self.buf[start..keep_end]
            .iter()
            .copied()
            .all(lines::is_space)
        {
            self.buf[keep_end - 1] = b'?';
        }
        let size = self.oversized.map_or(0, |(_, s)| s) + dropped;
        self.oversized = Some((start, size));
    }
}

/// `buf[..filled]`, or the mapped input's `base..base + filled` (a function of the fields, so
/// that the chunker's other fields can be borrowed beside it).
fn held<'a>(
    buf: &'a [u8],
    mapped: &'a Option<Arc<MappedFile>>,
    base: usize,
    filled: usize,
) -> &'a [u8] {
    match mapped {
        Some(file) => file.bytes().get(base..base + filled).unwrap_or_default(),
        None => buf.get(..filled).unwrap_or_default(),
    }
}

enum Splitter {
    Lines(LineSplitter),
    Csv(CsvSplitter),
    Array(ArraySplitter),
}

impl Splitter {
    /// Appends the complete records from the scan position on (at most up to `max` in `out`);
    /// at `eof`, also the unfinished last one.
    fn scan(
        &mut self,
        buf: &[u8],
        eof: bool,
        out: &mut Vec<RecordSpan>,
        max: usize,
    ) -> Result<(), InputError> {
        match self {
            Splitter::Lines(s) => {
                s.scan(buf, eof, out, max);
                Ok(())
            }
            Splitter::Csv(s) => {
                s.scan(buf, eof, out, max);
                Ok(())
            }
            Splitter::Array(s) => s.scan(buf, eof, out, max),
        }
    }

    /// Where the bytes of the records handed out so far end (the next chunk starts there).
    fn cut_point(&self) -> usize {
        match self {
            Splitter::Lines(s) => s.rec_start,
            Splitter::Csv(s) => s.rec_start,
            Splitter::Array(s) => s.rec_start,
        }
    }

    /// Where the scan is.
    fn pos(&self) -> usize {
        match self {
            Splitter::Lines(s) => s.pos,
            Splitter::Csv(s) => s.pos,
            Splitter::Array(s) => s.pos,
        }
    }

    fn set_pos(&mut self, pos: usize) {
        match self {
            Splitter::Lines(s) => s.pos = pos,
            Splitter::Csv(s) => s.pos = pos,
            Splitter::Array(s) => s.pos = pos,
        }
    }

    /// The buffer lost its first `cut` bytes.
    fn rebase(&mut self, cut: usize) {
        let (pos, rec_start) = match self {
            Splitter::Lines(s) => (&mut s.pos, &mut s.rec_start),
            Splitter::Csv(s) => (&mut s.pos, &mut s.rec_start),
            Splitter::Array(s) => (&mut s.pos, &mut s.rec_start),
        };
        *pos -= cut;
        *rec_start -= cut;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(text: &[u8], format: Format, records: usize) -> Vec<Vec<u8>> {
        split_with(text, format, records, false)
    }

    /// The records of `text`, split as the pipeline does (chunks split into parts and numbered
    /// in order); `coarse_csv`: CSV cut by the reading thread and split on the workers.
    fn split_with(text: &[u8], format: Format, records: usize, coarse_csv: bool) -> Vec<Vec<u8>> {
        let input = Input::from_bytes("t", text.to_vec(), format).expect("in memory");
        let mut chunker = Chunker::new(
            input,
            ChunkSize { records, bytes: 16 },
            BufferPool::default(),
        );
        if coarse_csv {
            chunker.coarse = Some(Coarse::new(Kind::Csv { delimiter: b',' }));
        }
        let mut numbering = chunker.numbering();
        let mut out = Vec::new();
        while let Ok(Some(chunk)) = chunker.next_chunk() {
            let mut parts = chunk.split();
            numbering.number(&mut parts);
            for chunk in parts.chunks {
                assert!(chunk.is_ready());
                for r in &chunk.records {
                    out.push(chunk.bytes[r.start..r.end].to_vec());
                }
            }
        }
        out
    }

    /// (record, line, its bytes or, if larger than the limit, its size) of every record, split
    /// record by record on the reading thread or cut there and split on a worker.
    fn numbered(
        text: &[u8],
        format: Format,
        size: ChunkSize,
        max_record: usize,
        coarse: bool,
    ) -> Vec<(u64, u64, Result<Vec<u8>, u64>)> {
        let input = trickled(text, format, max_record);
        let (out, elided) = numbered_from(input, format, size, coarse);
        // A record over the limit and over a chunk's size is cut short as it is read.
        if max_record < 1000 && size.bytes < 1000 {
            assert!(elided, "{format:?} {size:?} coarse: {coarse}");
        }
        out
    }

    /// `text` in reads of at most 97 bytes: records span reads, and are cut short as they are
    /// read.
    fn trickled(text: &[u8], format: Format, max_record: usize) -> Input {
        let trickle = crate::fuzzing::Trickle::new(text.to_vec(), 97);
        Input::from_reader("t", trickle, format)
            .expect("in memory")
            .with_max_record_size(max_record)
    }

    /// Chunks of two records or 64 bytes, three or 700, and the default.
    fn chunk_sizes() -> [ChunkSize; 3] {
        [
            ChunkSize {
                records: 2,
                bytes: 64,
            },
            ChunkSize {
                records: 3,
                bytes: 700,
            },
            ChunkSize::default(),
        ]
    }

    /// NDJSON and CSV with records of a few KiB (over a 500-byte limit), CRLF, a blank line,
    /// quoted line breaks and an unfinished last record.
    fn oversized_texts() -> [(String, Format); 2] {
        let big = "y".repeat(3000);
        let ndjson = format!(
            "{{\"a\":1}}\n{{\"s\":\"{big}\"}}\r\n{{\"a\":2}}\n\n{{\"a\":3}}\n{{\"s\":\"{big}\"}}"
        );
        let cell = format!("{}\n", "x".repeat(100)).repeat(30);
        let csv = format!("a,b\r\n\"{cell}\",z\nc,d\n\"{}", "q".repeat(2000));
        [(ndjson, Format::Ndjson), (csv, Format::Csv)]
    }

    /// As [`numbered`], of `input`; also whether a record was cut short as it was read.
    #[allow(clippy::type_complexity)]
    fn numbered_from(
        input: Input,
        format: Format,
        size: ChunkSize,
        coarse: bool,
    ) -> (Vec<(u64, u64, Result<Vec<u8>, u64>)>, bool) {
        let mut chunker = Chunker::new(input, size, BufferPool::default());
        chunker.coarse_lines = coarse;
        if coarse && format == Format::Csv {
            chunker.coarse = Some(Coarse::new(Kind::Csv { delimiter: b',' }));
        }
        let mut numbering = chunker.numbering();
        let mut out = Vec::new();
        let mut elided = false;
        while let Ok(Some(chunk)) = chunker.next_chunk() {
            elided |= chunk.too_large.iter().any(|&(_, n)| n > chunk.len as u64);
            let mut parts = chunk.split();
            numbering.number(&mut parts);
            for c in parts.chunks {
                for (i, r) in c.records.iter().enumerate() {
                    let large = c.too_large.iter().find(|(at, _)| *at == i);
                    let what = match large {
                        Some(&(_, size)) => Err(size),
                        None => Ok(c.bytes[r.start..r.end].to_vec()),
                    };
                    out.push((c.first_record + i as u64, c.line_offset + r.line, what));
                }
            }
        }
        (out, elided)
    }

    /// A mapped file is split exactly as the same bytes read through `read`, in pieces: the
    /// same records, numbers, lines and sizes, with a byte order mark, CRLF, blank lines,
    /// quoted line breaks, tiny records (chunks in several parts), and records over the limit
    /// (the chunker leaves the mapping for a buffer to drop their middle).
    #[test]
    fn a_mapped_file_splits_as_it_reads() {
        let [(ndjson, _), (csv, _)] = oversized_texts();
        let tiny = "{}\n".repeat(500);
        let array = format!("[{{\"a\":1}}, \"{}\", [1,[2]],\n3]", "y".repeat(3000));
        let mut texts = vec![
            (ndjson.clone(), Format::Ndjson),
            (format!("\u{feff}{ndjson}"), Format::Ndjson),
            (csv.clone(), Format::Csv),
            (format!("\u{feff}{csv}"), Format::Csv),
            (tiny, Format::Ndjson),
            (array, Format::Json),
        ];
        // Records larger than a read (64 KiB here), which the chunker elides as it goes.
        let huge = "z".repeat(200_000);
        texts.extend([
            (
                format!("{{\"a\":1}}\n{{\"s\":\"{huge}\"}}\n{{\"a\":2}}\n"),
                Format::Ndjson,
            ),
            (format!("a,b\n1,\"{huge}\n\"\n2,3\n"), Format::Csv),
            (format!("[1,\"{huge}\",2]"), Format::Json),
        ]);
        let mut seed: u64 = 0x1234_5678_9ABC_DEF1;
        for _ in 0..40 {
            let text = random_text(&mut seed, b"\"\",,\n\r\nab {}", 3000);
            texts.push((String::from_utf8_lossy(&text).into_owned(), Format::Csv));
        }
        let sizes = chunk_sizes();
        let path = std::env::temp_dir().join(format!("smql-mapped-split-{}", std::process::id()));
        for (n, (text, format)) in texts.iter().enumerate() {
            std::fs::write(&path, text).expect("writes a temporary file");
            for size in sizes {
                for max_record in [500, 1 << 20] {
                    for coarse in [false, true] {
                        let input = trickled(text.as_bytes(), *format, max_record);
                        let (read, _) = numbered_from(input, *format, size, coarse);
                        let input = Input::open_mapped(&path, Some(*format))
                            .expect("opens")
                            .with_max_record_size(max_record);
                        assert!(input.is_mapped());
                        let (mapped, _) = numbered_from(input, *format, size, coarse);
                        assert_eq!(mapped, read, "text {n} {format:?} {size:?} {max_record}");
                    }
                }
            }
        }
        let _ = std::fs::remove_file(&path);
    }

    /// Records over the limit, cut short as they are read, come out with the same numbers,
    /// sizes and neighbours whether the reading thread splits record by record or only cuts.
    #[test]
    fn oversized_records_alike_split_here_or_on_workers() {
        let sizes = chunk_sizes();
        for (text, format) in oversized_texts() {
            let reference = numbered(
                text.as_bytes(),
                format,
                ChunkSize::default(),
                1 << 20,
                false,
            );
            for size in sizes {
                let serial = numbered(text.as_bytes(), format, size, 500, false);
                let coarse = numbered(text.as_bytes(), format, size, 500, true);
                assert_eq!(serial, coarse, "{format:?} {size:?}");
                // The same records as without a limit, the large ones by their size.
                assert_eq!(serial.len(), reference.len());
                for (s, r) in serial.iter().zip(&reference) {
                    let full = r.2.as_ref().map_or(0, |b| b.len() as u64);
                    assert_eq!((s.0, s.1), (r.0, r.1));
                    assert!(s.2 == r.2 || s.2 == Err(full), "{s:?}");
                }
            }
        }
    }

    /// A line of only form feeds or vertical tabs is not blank in JSON: it is a record (which
    /// the decoder rejects), never skipped in silence. Found by the `read_ndjson` fuzz target.
    #[test]
    fn ndjson_lines_of_control_characters_are_records() {
        let text = b"{\"a\":1}\n \t\r\n\x0c\x0c\n\x0b\n{\"a\":2}\n";
        let records = split_all(text, Format::Ndjson, 2);
        assert_eq!(
            records,
            [&b"{\"a\":1}"[..], b"\x0c\x0c", b"\x0b", b"{\"a\":2}"],
            "{records:?}"
        );
    }

    /// Up to `max_len` bytes drawn from `alphabet` (a xorshift generator: the same texts every
    /// run). The length is drawn from the seed as it was before the text.
    pub(super) fn random_text(seed: &mut u64, alphabet: &[u8], max_len: u64) -> Vec<u8> {
        let len = (*seed % max_len) as usize;
        let mut text = Vec::with_capacity(len);
        for _ in 0..len {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            text.push(alphabet[(*seed % alphabet.len() as u64) as usize]);
        }
        text
    }

    /// The CSV splitter finds exactly the records the `csv` crate finds, on random input made
    /// of quotes, commas and line breaks.
    #[test]
    fn csv_records_agree_with_the_csv_crate() {
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3000 {
            let text = random_text(&mut seed, b"\"\",,\n\r\nab ", 40);
            let mut theirs = Vec::new();
            let mut rdr = ::csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_slice());
            let mut rec = ::csv::ByteRecord::new();
            while rdr.read_byte_record(&mut rec).unwrap_or(false) {
                theirs.push(rec.iter().map(|f| f.to_vec()).collect::<Vec<_>>());
            }
            let mut cells = crate::data::csv::CellSplitter::new(b',');
            for coarse in [false, true] {
                let ours: Vec<Vec<Vec<u8>>> = split_with(&text, Format::Csv, 2, coarse)
                    .iter()
                    .map(|r| {
                        let n = cells.split(r).expect("one record per span");
                        (0..n).map(|i| cells.cell(i).to_vec()).collect()
                    })
                    .collect();
                let context = String::from_utf8_lossy(&text);
                assert_eq!(ours, theirs, "coarse: {coarse}, {context:?}");
            }
        }
    }

    #[test]
    fn ndjson_lines_and_array_elements() {
        let lines = split_all(b"a\r\n\n  \nb\nc", Format::Ndjson, 1);
        assert_eq!(lines, [b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        let elems = split_all(
            b" [ {\"a\":\"],}\\\"\"} , [1,[2]] ,3,\"x\" ]",
            Format::Json,
            2,
        );
        let expected: [&[u8]; 4] = [b"{\"a\":\"],}\\\"\"}", b"[1,[2]]", b"3", b"\"x\""];
        assert_eq!(elems, expected);
        let empty = split_all(b"[1,,2,]", Format::Json, 5);
        let expected: [&[u8]; 4] = [b"1", b"", b"2", b""];
        assert_eq!(empty, expected);
    }
}
