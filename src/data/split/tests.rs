//! Splitting, as the pipeline does it: the reading thread's chunks split into parts and
//! numbered, from a stream read in pieces or from a mapped file.

use super::coarse::{Coarse, Kind};
use super::{BufferPool, ChunkSize, Chunker};
use crate::data::input::{Format, Input};

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
                let bytes = &chunk.bytes[r.start..r.end];
                if format == Format::Csv {
                    assert_quotes_flagged(r, bytes);
                }
                out.push(bytes.to_vec());
            }
        }
    }
    out
}

/// A CSV record is flagged as it is: with a `"` (the reader sends it to `csv-core`) or
/// without (the reader splits it at its delimiters, which would be wrong for a quoted cell).
fn assert_quotes_flagged(r: &super::RecordSpan, bytes: &[u8]) {
    assert_eq!(
        r.may_quote,
        bytes.contains(&b'"') || r.truncated,
        "{:?}",
        String::from_utf8_lossy(bytes)
    );
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
                if format == Format::Csv && large.is_none() {
                    assert_quotes_flagged(r, &c.bytes[r.start..r.end]);
                }
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
