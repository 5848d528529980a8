//! What the reading thread looks at in NDJSON and CSV: only enough to cut the input at a record
//! boundary near a chunk's size. Finding the records inside a chunk is the workers' job
//! (`parts.rs`), so the reading thread's cost is the read itself plus, for NDJSON, a backward
//! search for the last line break, and for CSV, a search for quotes (an export without quoted
//! cells costs one `memchr` pass; one whose every cell is quoted stops at every quote, still
//! fewer stops than splitting record by record, which also stops at every line break).
//!
//! The CSV rules are those of `lines::CsvSplitter` (csv-core's): a quote opens a quoted cell only
//! at the start of a cell, `""` inside one is a quote, and a line break outside quotes (`\n` or
//! `\r`) ends a record. Every chunk starts at a record start, outside quotes, so the state at
//! any byte is known from the chunk's bytes alone and both scanners agree on every boundary.

use super::lines::after_quote;
use memchr::{memchr, memchr2, memrchr, memrchr2};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Lines,
    Csv { delimiter: u8 },
}

/// The scan of the chunk being read: `buf[..pos]` was looked at.
#[derive(Debug)]
pub(super) struct Coarse {
    pub(super) kind: Kind,
    pub(super) pos: usize,
    /// CSV: `pos` is inside a quoted cell.
    pub(super) quoted: bool,
    /// Just after the first record terminator scanned, if any.
    pub(super) first: Option<usize>,
    /// Just after the last record terminator scanned (0: none yet).
    pub(super) last: usize,
    /// The record at the start of the buffer is larger than the limit and its middle was
    /// dropped: (bytes dropped, line breaks among them).
    pub(super) oversized: Option<(u64, u64)>,
}

impl Coarse {
    pub(super) fn new(kind: Kind) -> Coarse {
        Coarse {
            kind,
            pos: 0,
            quoted: false,
            first: None,
            last: 0,
            oversized: None,
        }
    }

    /// Scans `buf[pos..]` (at `eof`, a quote at the very end closes its cell).
    pub(super) fn scan(&mut self, buf: &[u8], eof: bool) {
        match self.kind {
            Kind::Lines => {
                let new = &buf[self.pos..];
                if let Some(i) = memrchr(b'\n', new) {
                    if self.first.is_none() {
                        self.first = memchr(b'\n', new).map(|j| self.pos + j + 1);
                    }
                    self.last = self.pos + i + 1;
                }
                self.pos = buf.len();
            }
            Kind::Csv { delimiter } => self.scan_csv(buf, eof, delimiter),
        }
    }

    fn scan_csv(&mut self, buf: &[u8], eof: bool, delimiter: u8) {
        loop {
            if self.quoted {
                let Some(i) = memchr(b'"', &buf[self.pos..]) else {
                    self.pos = buf.len();
                    return;
                };
                let q = self.pos + i;
                match after_quote(buf, q, eof) {
                    Some((pos, quoted)) => (self.pos, self.quoted) = (pos, quoted),
                    None => {
                        self.pos = q;
                        return;
                    }
                }
            } else {
                let start = self.pos;
                let end = memchr(b'"', &buf[start..]).map_or(buf.len(), |i| start + i);
                let run = &buf[start..end];
                if let Some(t) = memrchr2(b'\n', b'\r', run) {
                    if self.first.is_none() {
                        self.first = memchr2(b'\n', b'\r', run).map(|j| start + j + 1);
                    }
                    self.last = start + t + 1;
                }
                if end == buf.len() {
                    self.pos = end;
                    return;
                }
                // At the start of a record (the buffer's start, or just after a terminator,
                // which outside quotes every line break is) or of a cell.
                self.quoted =
                    end == 0 || matches!(buf[end - 1], b'\n' | b'\r') || buf[end - 1] == delimiter;
                self.pos = end + 1;
            }
        }
    }

    /// The buffer lost its first `cut` bytes, which end at a boundary scanned (`first` or
    /// `last`); what follows is scanned again from there.
    pub(super) fn rebase(&mut self, cut: usize) {
        if cut == self.last {
            // Nothing after `last` ends a record: the scan goes on where it was.
            self.pos -= cut;
        } else {
            self.pos = 0;
            self.quoted = false;
        }
        self.first = None;
        self.last = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every boundary the coarse CSV scan reports is one the record-by-record splitter finds,
    /// and the last one is the last it finds, on random quotes, commas and line breaks, scanned
    /// in pieces of every size.
    #[test]
    fn csv_boundaries_are_the_splitters() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for round in 0..4000 {
            let text = super::super::tests::random_text(&mut seed, b"\"\"\",,\n\r\nab ;", 48);
            let delimiter = if round % 2 == 0 { b',' } else { b';' };
            // The boundaries the splitter finds: just after each record terminator.
            let mut splitter = super::super::lines::CsvSplitter::new();
            splitter.delimiter = delimiter;
            let mut spans = Vec::new();
            splitter.scan(&text, false, &mut spans, usize::MAX);
            let ends: Vec<usize> = boundaries(&text, delimiter);
            for span in &spans {
                assert!(
                    ends.contains(&(span.end + 1)),
                    "{:?}",
                    String::from_utf8_lossy(&text)
                );
            }
            let step = 1 + (seed % 7) as usize;
            let mut coarse = Coarse::new(Kind::Csv { delimiter });
            let mut upto = 0;
            while upto < text.len() {
                upto = (upto + step).min(text.len());
                coarse.scan(&text[..upto], false);
            }
            let context = String::from_utf8_lossy(&text);
            assert_eq!(
                coarse.last,
                ends.last().copied().unwrap_or(0),
                "{context:?}"
            );
            assert_eq!(coarse.first, ends.first().copied(), "{context:?}");
        }
    }

    /// Just after every record terminator, by the splitter's rules applied byte by byte (the
    /// model the scan must agree with).
    fn boundaries(text: &[u8], delimiter: u8) -> Vec<usize> {
        let mut out = Vec::new();
        let (mut quoted, mut rec_start, mut i) = (false, 0, 0);
        while i < text.len() {
            let b = text[i];
            if quoted {
                if b == b'"' {
                    match text.get(i + 1) {
                        Some(b'"') => i += 1,
                        Some(_) => quoted = false,
                        // Unknown until the next byte: the scan waits there.
                        None => return out,
                    }
                }
            } else if b == b'"' {
                quoted = i == rec_start || text[i - 1] == delimiter;
            } else if b == b'\n' || b == b'\r' {
                out.push(i + 1);
                rec_start = i + 1;
            }
            i += 1;
        }
        out
    }

    #[test]
    fn lines_first_and_last() {
        let mut c = Coarse::new(Kind::Lines);
        c.scan(b"ab", false);
        assert_eq!((c.first, c.last), (None, 0));
        c.scan(b"ab\ncd\nef", false);
        assert_eq!((c.first, c.last, c.pos), (Some(3), 6, 8));
        c.rebase(6);
        assert_eq!((c.first, c.last, c.pos), (None, 0, 2));
    }
}
