//! The reading thread's side of splitting: [`Chunker`] reads the input (or walks its memory
//! map), and hands it out in chunks of whole records: cut at a boundary for the workers to split
//! (NDJSON, CSV), or split here record by record (a JSON array, a CSV header or footer).

use super::array::ArraySplitter;
use super::coarse::{Coarse, Kind};
use super::lines::{self, CsvSplitter, LineSplitter};
use super::parts::{self, Numbering};
use super::{BufferPool, Chunk, ChunkBytes, ChunkSize, ChunkState, RecordSpan};
use crate::data::input::{Format, Input};
use crate::data::mapped::{MapReader, MappedFile};
use crate::data::reject::{self, InputError};
use memchr::memchr;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Bytes kept of a record larger than the limit, for the rejects file.
const KEEP: usize = 256;

/// Bytes asked for per read. The bytes read past a chunk's last record are copied to the next
/// chunk's buffer, up to one read: small reads keep that copy small (with 1 MiB reads it was
/// up to half of every chunk), and at 128 KiB the system calls still cost nothing measurable.
const READ_SIZE: usize = 128 << 10;

/// The input, handed out in chunks of whole records (see the module's doc).
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
    pub(super) coarse: Option<Coarse>,
    /// Off in tests and in `benches/split_scale.rs` only: NDJSON split record by record on the
    /// reading thread, as a reference.
    pub(super) coarse_lines: bool,
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
                                found: reject::shorten(found.trim(), 20),
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
            may_quote: true,
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
