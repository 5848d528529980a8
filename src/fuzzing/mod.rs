//! The fuzz targets' bodies (`fuzz/fuzz_targets/*.rs`), in the library so that `cargo test`
//! replays the committed corpus through the very same code (`tests/it/fuzz_corpus.rs`) without
//! libFuzzer. Each function panics on a broken property; inputs that are merely invalid
//! (rules with errors, data that does not fit) must end in a diagnostic or an error, never a
//! panic. Not a public API.

mod diff;

pub use diff::differential;

use crate::data::{ChunkSize, Format, Input, Reader};
use crate::source::SourceMap;
use crate::syntax::format::{format_text, FormatError};

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target, by the name of its directory under `fuzz/corpus/`.
pub const TARGETS: [(&str, Target); 8] = [
    ("check", check),
    ("fmt", fmt),
    ("read_ndjson", read_ndjson),
    ("read_json", read_json),
    ("read_csv", read_csv),
    ("read_gzip", read_gzip),
    ("differential", differential),
    ("check_deep", check_deep),
];

/// Inputs larger than this are cut: the properties do not need more, and libFuzzer's
/// `-max_len` may be set higher by mistake.
const MAX_INPUT: usize = 1 << 16;

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(&data[..data.len().min(MAX_INPUT)]).into_owned()
}

/// Parse, check and lint arbitrary text: no panic, and every diagnostic's spans lie in its file
/// on character boundaries.
pub fn check(data: &[u8]) {
    check_text(&text(data));
}

fn check_text(text: &str) {
    let mut sources = SourceMap::new();
    let id = sources.add("fuzz.smql", text);
    let checked = crate::check::check(&sources);
    for d in checked.diagnostics.iter() {
        let spans = std::iter::once(&d.primary).chain(&d.secondary);
        for label in spans {
            let s = label.span;
            assert_eq!(s.file, id, "{}: a span in another file", d.message);
            let (start, end) = (s.start as usize, s.end as usize);
            assert!(
                start <= end && end <= text.len(),
                "{}: span {start}..{end} outside the file",
                d.message
            );
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "{}: span {start}..{end} splits a character",
                d.message
            );
        }
    }
}

/// Arbitrary bytes as the repeated, nested or chained body of a definition: deep brackets,
/// `if`s, `not`s and operator chains, where the limits of SPEC §13 must hold.
pub fn check_deep(data: &[u8]) {
    let (head, body) = data.split_at(data.len().min(2));
    let reps = 1 + head.first().map_or(0, |&b| b as usize) * 40;
    let body = text(body);
    let mut source = String::from("schema {\n  x: int\n  b: bool\n  o: int?\n}\n");
    let glue = match head.get(1).map_or(0, |b| b % 4) {
        0 => " or ",
        1 => " + ",
        2 => " ?? ",
        _ => "",
    };
    source.push_str("d = ");
    for _ in 0..reps {
        source.push_str(&body);
        source.push_str(glue);
    }
    source.push_str("x\n");
    check_text(&source);
}

/// The formatter's output parses to the same rules with the same comments (the formatter
/// checks that itself and says so as [`FormatError::Unsound`]), and formatting it again
/// changes nothing.
pub fn fmt(data: &[u8]) {
    let text = text(data);
    match format_text(&text) {
        Ok(out) => match format_text(&out) {
            Ok(again) => assert_eq!(again, out, "formatting twice changes the text"),
            Err(e) => panic!("the formatted text does not format: {e}\n{out}"),
        },
        Err(FormatError::Syntax(_)) => {}
        Err(e @ FormatError::Unsound(_)) => panic!("{e}"),
    }
}

/// The fixed schema the reader targets read against: every kind of field.
const READ_SCHEMA: &str = r#"
schema {
  id: string
  n: int
  x: number?
  ok: bool?
  at: timestamp?
  d: duration?
  src: one of ("web", "ads")?
  tags: list of string
  evs: list of { kind: string, at: timestamp }
}
"#;

fn read_schema() -> crate::ir::Schema {
    let rules = match crate::RuleSet::compile_str("schema.smql", READ_SCHEMA) {
        Ok(r) => r,
        Err(e) => panic!("the fuzz schema does not check: {:?}", e.messages()),
    };
    rules.program.schema.clone()
}

/// Reads `bytes` as `format`: `None` for an input error (a clear error is fine), else the
/// record numbers of the rows read and of the rejected records.
fn read(bytes: Vec<u8>, format: Format, size: ChunkSize) -> Option<(Vec<u64>, Vec<u64>)> {
    let schema = read_schema();
    // Short reads (1 to 64 bytes, by the input's third byte): the reading thread then cuts
    // chunks everywhere, as it does in a large file.
    let step = 1 + bytes.get(2).map_or(63, |&b| b as usize % 64);
    let trickle = Trickle::new(bytes, step);
    let input = Input::from_reader("fuzz", trickle, format).ok()?;
    let reader = Reader::new(input, &schema, size).ok()?;
    let (batches, rejects) = reader.read_all().ok()?;
    let rows = batches
        .iter()
        .flat_map(|b| (0..b.len()).map(move |r| b.record_number(r)))
        .collect();
    Some((rows, rejects.iter().map(|r| r.record).collect()))
}

/// The header the CSV targets put before their bytes: the columns of [`read_schema`].
const CSV_HEADER: &[u8] = b"id,n,x,ok,at,d,src,tags\n";

/// The input read from a file mapped into memory reads as the same bytes read from memory: the
/// same rows, and the same rejects with the same messages (or the same input error). `path` is
/// a scratch file it writes. For the replay of the `read_*` corpora in `cargo test` (a fuzz
/// target writing files would be slow).
#[doc(hidden)]
pub fn mapped_reads_alike(data: &[u8], format: Format, path: &std::path::Path) {
    let data = &data[..data.len().min(MAX_INPUT)];
    let mut bytes = match format {
        Format::Csv => CSV_HEADER.to_vec(),
        _ => Vec::new(),
    };
    bytes.extend_from_slice(data);
    if bytes.is_empty() || bytes.starts_with(&[0x1f, 0x8b]) {
        return; // not mapped
    }
    let schema = read_schema();
    let size = chunk_size(data);
    let all = |input: Input| {
        let reader = Reader::new(input, &schema, size).map_err(|e| e.to_string())?;
        let (batches, rejects) = reader.read_all().map_err(|e| e.to_string())?;
        let rows: Vec<u64> = batches
            .iter()
            .flat_map(|b| (0..b.len()).map(move |r| b.record_number(r)))
            .collect();
        let rejects: Vec<String> = rejects.iter().map(|r| r.describe("fuzz")).collect();
        Ok::<_, String>((rows, rejects))
    };
    let Ok(()) = std::fs::write(path, &bytes) else {
        return;
    };
    let Ok(mapped) = Input::open_mapped(path, Some(format)) else {
        return;
    };
    assert!(mapped.is_mapped(), "a non-empty plain file is mapped");
    let name = path.display().to_string();
    let from_memory = Input::from_bytes(&name, bytes, format).map_err(|e| e.to_string());
    let read = from_memory.and_then(all);
    assert_eq!(all(mapped), read, "mapped and read inputs differ");
}

/// Records in = records out + records rejected: every record number from 1 to the last one
/// read, once, in a row or in the rejects.
fn accounted(rows: &[u64], rejects: &[u64]) -> u64 {
    let mut all: Vec<u64> = rows.iter().chain(rejects).copied().collect();
    all.sort_unstable();
    for (i, n) in all.iter().enumerate() {
        assert_eq!(
            *n,
            i as u64 + 1,
            "record numbers are not 1..=n once each: {rows:?} read, {rejects:?} rejected"
        );
    }
    all.len() as u64
}

/// A reader that hands out at most `step` bytes per read.
pub(crate) struct Trickle {
    bytes: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Trickle {
    pub(crate) fn new(bytes: Vec<u8>, step: usize) -> Trickle {
        Trickle {
            bytes,
            pos: 0,
            step: step.max(1),
        }
    }
}

impl std::io::Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.step).min(self.bytes.len() - self.pos);
        buf[..n].copy_from_slice(&self.bytes[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Chunks of `n` records (or 4 KiB).
fn records(n: usize) -> ChunkSize {
    ChunkSize {
        records: n,
        bytes: 1 << 12,
    }
}

/// Chunks of 1 to 8 records and 16 bytes to 4 KiB, chosen by the input's first bytes: small
/// chunks put record boundaries, blank runs and parts everywhere.
fn chunk_size(data: &[u8]) -> ChunkSize {
    ChunkSize {
        records: 1 + data.first().map_or(0, |&b| b as usize % 8),
        bytes: 16 << data.get(1).map_or(8, |&b| b % 9),
    }
}

/// NDJSON: every line with more than blanks is one record, read or rejected.
pub fn read_ndjson(data: &[u8]) {
    let data = &data[..data.len().min(MAX_INPUT)];
    if data.starts_with(&[0x1f, 0x8b]) {
        return; // gzip: `read_gzip`'s
    }
    let Some((rows, rejects)) = read(data.to_vec(), Format::Ndjson, chunk_size(data)) else {
        return;
    };
    let n = accounted(&rows, &rejects);
    let lines = data
        .split(|&b| b == b'\n')
        .filter(|l| l.iter().any(|b| !matches!(b, b' ' | b'\t' | b'\r')))
        .count() as u64;
    assert_eq!(n, lines, "{lines} lines with text but {n} records");
}

/// A JSON array (or NDJSON, by its first byte): records accounted for.
pub fn read_json(data: &[u8]) {
    let data = &data[..data.len().min(MAX_INPUT)];
    if data.starts_with(&[0x1f, 0x8b]) {
        return;
    }
    if let Some((rows, rejects)) = read(data.to_vec(), Format::Json, chunk_size(data)) {
        accounted(&rows, &rejects);
    }
}

/// CSV with the schema's columns: records accounted for.
pub fn read_csv(data: &[u8]) {
    let data = &data[..data.len().min(MAX_INPUT)];
    if data.starts_with(&[0x1f, 0x8b]) {
        return;
    }
    let mut bytes = CSV_HEADER.to_vec();
    bytes.extend_from_slice(data);
    if let Some((rows, rejects)) = read(bytes, Format::Csv, chunk_size(data)) {
        accounted(&rows, &rejects);
    }
}

/// Gzip: the bytes compressed read exactly as the bytes do; the bytes themselves given as a
/// gzip stream (truncated, corrupt) are an input error or records accounted for.
pub fn read_gzip(data: &[u8]) {
    use std::io::Write;
    let data = &data[..data.len().min(MAX_INPUT)];
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let compressed = enc.write_all(data).and_then(|()| enc.finish());
    if let (Ok(z), false) = (compressed, data.starts_with(&[0x1f, 0x8b])) {
        let plain = read(data.to_vec(), Format::Ndjson, records(3));
        let unzipped = read(z.clone(), Format::Ndjson, records(3));
        assert_eq!(plain, unzipped, "gzip reads differently");
        // Cut short: an error, or fewer records, each accounted for.
        if let Some((rows, rejects)) = read(z[..z.len() / 2].to_vec(), Format::Ndjson, records(3)) {
            accounted(&rows, &rejects);
        }
    }
    let mut raw = vec![0x1f, 0x8b];
    raw.extend_from_slice(data);
    if let Some((rows, rejects)) = read(raw, Format::Csv, records(2)) {
        accounted(&rows, &rejects);
    }
}
