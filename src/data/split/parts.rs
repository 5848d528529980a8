//! A worker's side of splitting: the records inside a chunk the reading thread cut at a record
//! boundary (`coarse.rs`), found with the same splitters that split record by record, their
//! lines numbered from the chunk's first line. A chunk of more records than a batch may hold
//! (tiny records) becomes several parts, so a batch's memory stays bounded by its record count
//! whatever the data. Then, on the pipeline's ordering thread, [`Numbering`] gives each chunk
//! its place in the input.

use super::coarse::Kind;
use super::lines::{CsvSplitter, LineSplitter};
use super::{BufferPool, Chunk, ChunkState, RecordSpan};

/// What a worker needs to split a chunk.
#[derive(Debug)]
pub(crate) struct Unsplit {
    pub(super) kind: Kind,
    /// Records larger than this are rejected (`--max-record-size`).
    pub(super) max_record: usize,
    /// Records per part at most.
    pub(super) max_records: usize,
    /// Where the buffers of extra parts come from.
    pub(super) pool: BufferPool,
}

/// A chunk split: one part, or several if it held more records than a batch may.
#[derive(Debug)]
pub(crate) struct Parts {
    pub chunks: Vec<Chunk>,
    /// Line breaks in the chunk's bytes: how far the input's line count moves past it.
    newlines: u64,
}

impl Chunk {
    /// Finds the chunk's records (a no-op for a chunk split where it was read).
    pub(crate) fn split(mut self) -> Parts {
        let unsplit = match std::mem::replace(&mut self.state, ChunkState::Ready) {
            ChunkState::Unsplit(u) => u,
            ChunkState::Split { newlines } => {
                self.state = ChunkState::Split { newlines };
                return Parts {
                    chunks: vec![self],
                    newlines,
                };
            }
            ChunkState::Ready => {
                return Parts {
                    chunks: vec![self],
                    newlines: 0,
                }
            }
        };
        let bytes = &self.bytes[..self.len];
        let mut records = std::mem::take(&mut self.records);
        records.clear();
        // A chunk ends just after a record terminator, or at the end of the input: scanning it
        // as if the input ended there finds exactly the records a scan of the whole input would.
        let lines = match unsplit.kind {
            Kind::Lines => {
                let mut s = LineSplitter::new();
                s.scan(bytes, true, &mut records, usize::MAX);
                s.line
            }
            Kind::Csv { delimiter } => {
                let mut s = CsvSplitter::new();
                s.delimiter = delimiter;
                s.scan(bytes, true, &mut records, usize::MAX);
                s.line
            }
        };
        let newlines = lines - 1;
        self.too_large.clear();
        for (i, r) in records.iter().enumerate() {
            let size = (r.end - r.start) as u64;
            if size > unsplit.max_record as u64 {
                self.too_large.push((i, size));
            }
        }
        self.records = records;
        self.state = ChunkState::Split { newlines };
        let max = unsplit.max_records.max(1);
        if self.records.len() <= max {
            return Parts {
                chunks: vec![self],
                newlines,
            };
        }
        let mut chunks = vec![];
        for (n, group) in self.records.chunks(max).enumerate().skip(1) {
            let (start, end) = (group[0].start, group[group.len() - 1].end);
            let bytes = self.bytes.part(start, end, &unsplit.pool);
            let first = n * max;
            chunks.push(Chunk {
                seq: 0,
                bytes,
                len: end - start,
                records: group
                    .iter()
                    .map(|r| RecordSpan {
                        start: r.start - start,
                        end: r.end - start,
                        ..*r
                    })
                    .collect(),
                first_record: 0,
                too_large: self
                    .too_large
                    .iter()
                    .filter(|(i, _)| (first..first + group.len()).contains(i))
                    .map(|&(i, size)| (i - first, size))
                    .collect(),
                line_offset: 0,
                // The chunk's line breaks are counted once, in `Parts::newlines`.
                state: ChunkState::Split { newlines: 0 },
            });
        }
        self.records.truncate(max);
        self.too_large.retain(|(i, _)| *i < max);
        self.len = self.records.last().map_or(0, |r| r.end);
        // Only its own range of a mapping: its pages are released when its batch is done,
        // while the other parts may still be read.
        self.bytes.keep(self.len);
        chunks.insert(0, self);
        Parts { chunks, newlines }
    }
}

/// Where the next chunk starts in the input: the records and lines before it, and its place
/// among the batches. Chunks must be numbered in input order.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Numbering {
    records: u64,
    lines: u64,
    seq: u64,
}

impl Numbering {
    /// The numbering of an input whose first `lines` lines were read already (a CSV header).
    pub(super) fn after_lines(lines: u64) -> Numbering {
        Numbering {
            lines,
            ..Numbering::default()
        }
    }

    /// Gives each part its sequence number, record numbers and line offset. A chunk split
    /// where it was read is numbered already and keeps its numbers.
    pub(crate) fn number(&mut self, parts: &mut Parts) {
        // A chunk of blank lines has no records, and makes no batch.
        parts.chunks.retain(|c| !c.records.is_empty());
        for chunk in &mut parts.chunks {
            if let ChunkState::Split { .. } = chunk.state {
                chunk.first_record = self.records + 1;
                chunk.line_offset = self.lines;
                chunk.state = ChunkState::Ready;
            }
            self.records += chunk.records.len() as u64;
            chunk.seq = self.seq;
            self.seq += 1;
        }
        self.lines += parts.newlines;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::split::ChunkBytes;

    fn unsplit(text: &[u8], kind: Kind, max_records: usize) -> Chunk {
        Chunk {
            seq: 0,
            bytes: ChunkBytes::Owned(text.to_vec()),
            len: text.len(),
            records: Vec::new(),
            first_record: 0,
            too_large: Vec::new(),
            line_offset: 0,
            state: ChunkState::Unsplit(Unsplit {
                kind,
                max_record: 4,
                max_records,
                pool: BufferPool::default(),
            }),
        }
    }

    /// Records, lines and limits come out the same however many parts a chunk becomes, and
    /// numbering continues across chunks.
    #[test]
    fn parts_keep_numbers_and_bytes() {
        let text = b"a\n\nbb\r\nccccc\n\"d\nd\"\ne";
        for kind in [Kind::Lines, Kind::Csv { delimiter: b',' }] {
            let mut expected = None;
            for max in [1, 2, 3, 100] {
                let mut numbering = Numbering::after_lines(1);
                let mut seen = Vec::new();
                for _ in 0..2 {
                    let mut parts = unsplit(text, kind, max).split();
                    numbering.number(&mut parts);
                    for c in &parts.chunks {
                        assert!(c.is_ready() && c.records.len() <= max);
                        for (i, r) in c.records.iter().enumerate() {
                            let large = c.too_large.iter().find(|(at, _)| *at == i);
                            seen.push((
                                c.seq,
                                c.first_record + i as u64,
                                c.line_offset + r.line,
                                c.bytes[r.start..r.end].to_vec(),
                                large.map(|l| l.1),
                            ));
                        }
                    }
                }
                // Sequence numbers are those of the parts, whatever their count.
                let strip: Vec<_> = seen.iter().map(|s| (s.1, s.2, s.3.clone(), s.4)).collect();
                match &expected {
                    None => expected = Some(strip),
                    Some(e) => assert_eq!(e, &strip, "{kind:?} in parts of {max}"),
                }
                let seqs: Vec<u64> = seen.iter().map(|s| s.0).collect();
                assert!(seqs.windows(2).all(|w| w[1] >= w[0]), "{seqs:?}");
            }
            let lines: Vec<(u64, u64)> = expected.iter().flatten().map(|s| (s.0, s.1)).collect();
            // (record, line): one header line before, and the second copy of the text starts
            // six line breaks after the first.
            let want: &[(u64, u64)] = match kind {
                Kind::Lines => &[
                    (1, 2),
                    (2, 4),
                    (3, 5),
                    (4, 6),
                    (5, 7),
                    (6, 8),
                    (7, 8),
                    (8, 10),
                    (9, 11),
                    (10, 12),
                    (11, 13),
                    (12, 14),
                ],
                Kind::Csv { .. } => &[
                    (1, 2),
                    (2, 4),
                    (3, 5),
                    (4, 6),
                    (5, 8),
                    (6, 8),
                    (7, 10),
                    (8, 11),
                    (9, 12),
                    (10, 14),
                ],
            };
            assert_eq!(lines, want, "{kind:?}");
        }
    }
}
