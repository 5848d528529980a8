//! Splitting an input stream into chunks of whole records, without parsing them: NDJSON at line
//! breaks, CSV at record ends outside quotes (following `csv-core`'s rules exactly), a JSON array
//! at its top-level elements. Chunks are then parsed independently, in parallel.
//!
//! Nothing here recurses, so nesting depth cannot blow the stack, and memory is bounded by the
//! chunk size (or by one record, if a single record is larger).

use super::input::{Format, Input};
use super::reject::InputError;
use memchr::memchr;

mod array;
mod lines;

use array::ArraySplitter;
use lines::{CsvSplitter, LineSplitter};
use std::io::Read;
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
    /// buffer whole lets it be reused as it is).
    pub bytes: Vec<u8>,
    pub len: usize,
    pub records: Vec<RecordSpan>,
    /// Record number of `records[0]` (1-based).
    pub first_record: u64,
    /// Records larger than the input's limit: (index in `records`, size in bytes). Their span
    /// holds only their first bytes.
    pub too_large: Vec<(usize, u64)>,
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
    /// Initialized storage; the input bytes not yet handed out are `buf[..filled]`.
    buf: Vec<u8>,
    filled: usize,
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
        let read_size = self.read_size();
        if self.buf.is_empty() {
            self.buf = self.pool.take(self.buffer_len());
        } else if self.buf.len() - self.filled < read_size / 4 {
            // A record larger than the buffer: grow it.
            let len = self.buf.len() * 2;
            self.buf.resize(len, 0);
        }
        let end = self.buf.len().min(self.filled + read_size);
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
        if !self.started && (self.filled >= 3 || self.eof) {
            self.started = true;
            if self.buf[..self.filled].starts_with(b"\xef\xbb\xbf") {
                self.buf.copy_within(3..self.filled, 0);
                self.filled -= 3;
            }
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
                    let text = &self.buf[..self.filled];
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
            self.splitter = Some(splitter);
        }
        Ok(self.splitter.as_mut())
    }

    /// The CSV header record's bytes (call once, before any chunk); `None` for an empty input.
    pub fn header(&mut self) -> Result<Option<(Vec<u8>, RecordSpan)>, InputError> {
        let chunk = self.next_records(1)?;
        self.next_record = 1;
        self.next_seq = 0;
        Ok(chunk.and_then(|c| c.records.first().map(|r| (c.bytes, *r))))
    }

    /// CSV, after the header: the separator of the records, and the texts whose row ends them.
    pub fn set_csv(&mut self, delimiter: u8, footer: &[String]) {
        if let Some(Splitter::Csv(s)) = &mut self.splitter {
            s.delimiter = delimiter;
            s.footer = footer.iter().map(|f| f.as_bytes().to_vec()).collect();
        }
    }

    /// The next chunk, `None` at the end of the input.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>, InputError> {
        self.next_records(self.size.records)
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
            let (buf, pending, name) = (&self.buf[..self.filled], &mut self.pending, &self.name);
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
                // The rest (the start of the next record) moves to a fresh buffer; the chunk
                // takes this one, cut to its records.
                let rest = self.filled - cut;
                let mut next = self
                    .pool
                    .take(self.buffer_len().max(rest + self.read_size()));
                next[..rest].copy_from_slice(&self.buf[cut..self.filled]);
                let bytes = std::mem::replace(&mut self.buf, next);
                self.filled = rest;
                let chunk = Chunk {
                    seq: self.next_seq,
                    bytes,
                    len: cut,
                    first_record: self.next_record,
                    records: spans,
                    too_large,
                };
                self.next_seq += 1;
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
        let Some(splitter) = self.splitter.as_mut() else {
            return;
        };
        let start = splitter.cut_point();
        let pos = splitter.pos();
        if pos - start <= self.max_record.max(KEEP) {
            return;
        }
        let keep_end = start + KEEP;
        let dropped = (pos - keep_end) as u64;
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
        let input = Input::from_bytes("t", text.to_vec(), format).expect("in memory");
        let mut chunker = Chunker::new(
            input,
            ChunkSize { records, bytes: 16 },
            BufferPool::default(),
        );
        let mut out = Vec::new();
        while let Ok(Some(chunk)) = chunker.next_chunk() {
            for r in &chunk.records {
                out.push(chunk.bytes[r.start..r.end].to_vec());
            }
        }
        out
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

    /// The CSV splitter finds exactly the records the `csv` crate finds, on random input made
    /// of quotes, commas and line breaks.
    #[test]
    fn csv_records_agree_with_the_csv_crate() {
        let alphabet = b"\"\",,\n\r\nab ";
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3000 {
            let len = (seed % 40) as usize;
            let mut text = Vec::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
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
            let ours: Vec<Vec<Vec<u8>>> = split_all(&text, Format::Csv, 2)
                .iter()
                .map(|r| {
                    let n = cells.split(r).expect("one record per span");
                    (0..n).map(|i| cells.cell(i).to_vec()).collect()
                })
                .collect();
            assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(&text));
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
