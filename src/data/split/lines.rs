//! NDJSON and CSV record boundaries.

use super::RecordSpan;
use memchr::{memchr, memchr3};

/// Whitespace as JSON has it (space, tab, CR, LF): a line of only these is no record. A form
/// feed or vertical tab is not whitespace there, so a line of them is a (bad) record, not
/// skipped in silence.
pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().copied().all(is_space)
}

/// NDJSON: one record per non-blank line.
pub(super) struct LineSplitter {
    pub(super) pos: usize,
    pub(super) rec_start: usize,
    /// 1 + the line breaks scanned.
    pub(super) line: u64,
}

impl LineSplitter {
    pub(super) fn new() -> LineSplitter {
        LineSplitter {
            pos: 0,
            rec_start: 0,
            line: 1,
        }
    }

    pub(super) fn scan(&mut self, buf: &[u8], eof: bool, out: &mut Vec<RecordSpan>, max: usize) {
        while out.len() < max {
            match memchr(b'\n', &buf[self.pos..]) {
                Some(i) => {
                    let nl = self.pos + i;
                    let end = if nl > self.rec_start && buf[nl - 1] == b'\r' {
                        nl - 1
                    } else {
                        nl
                    };
                    self.emit(buf, end, out, false);
                    self.line += 1;
                    self.pos = nl + 1;
                    self.rec_start = self.pos;
                }
                None => {
                    self.pos = buf.len();
                    if eof {
                        self.emit(buf, buf.len(), out, false);
                        self.rec_start = buf.len();
                    }
                    return;
                }
            }
        }
    }

    fn emit(&self, buf: &[u8], end: usize, out: &mut Vec<RecordSpan>, truncated: bool) {
        if !is_blank(&buf[self.rec_start..end]) {
            out.push(RecordSpan {
                start: self.rec_start,
                end,
                line: self.line,
                truncated,
                may_quote: true,
            });
        }
    }
}

/// CSV: a record ends at `\n` or `\r` outside quotes; a quote opens a quoted cell only at the
/// start of a cell, and `""` inside one is a quote (csv-core's rules). Empty lines are skipped.
/// A record that starts with a `footer` text ends the records: it and what follows are not
/// records.
pub(super) struct CsvSplitter {
    pub(super) pos: usize,
    pub(super) rec_start: usize,
    /// 1 + the line breaks scanned.
    pub(super) line: u64,
    rec_line: u64,
    quoted: bool,
    /// A `"` since `rec_start` (see [`RecordSpan::may_quote`]).
    rec_quote: bool,
    pub(super) delimiter: u8,
    pub(super) footer: Vec<Vec<u8>>,
    /// A footer row was found: no more records.
    pub(super) ended: bool,
}

impl CsvSplitter {
    pub(super) fn new() -> CsvSplitter {
        CsvSplitter {
            pos: 0,
            rec_start: 0,
            line: 1,
            rec_line: 1,
            quoted: false,
            rec_quote: false,
            delimiter: b',',
            footer: Vec::new(),
            ended: false,
        }
    }

    pub(super) fn scan(&mut self, buf: &[u8], eof: bool, out: &mut Vec<RecordSpan>, max: usize) {
        while out.len() < max && !self.ended {
            if self.quoted {
                match memchr(b'"', &buf[self.pos..]) {
                    Some(i) => {
                        let q = self.pos + i;
                        self.line += count_newlines(&buf[self.pos..q]);
                        match after_quote(buf, q, eof) {
                            Some((pos, quoted)) => (self.pos, self.quoted) = (pos, quoted),
                            None => {
                                self.pos = q;
                                return;
                            }
                        }
                    }
                    None => {
                        self.line += count_newlines(&buf[self.pos..]);
                        self.pos = buf.len();
                        if eof {
                            self.emit(buf, buf.len(), out, true);
                            self.rec_start = buf.len();
                        }
                        return;
                    }
                }
            } else {
                match memchr3(b'"', b'\n', b'\r', &buf[self.pos..]) {
                    Some(i) => {
                        let p = self.pos + i;
                        self.pos = p + 1;
                        if buf[p] == b'"' {
                            self.quoted = p == self.rec_start || buf[p - 1] == self.delimiter;
                            self.rec_quote = true;
                        } else {
                            self.emit(buf, p, out, false);
                            if buf[p] == b'\n' {
                                self.line += 1;
                            }
                            self.rec_start = self.pos;
                            self.rec_line = self.line;
                        }
                    }
                    None => {
                        self.pos = buf.len();
                        if eof {
                            self.emit(buf, buf.len(), out, false);
                            self.rec_start = buf.len();
                        }
                        return;
                    }
                }
            }
        }
    }

    /// Ends the record at `end` (the caller then starts the next one).
    fn emit(&mut self, buf: &[u8], end: usize, out: &mut Vec<RecordSpan>, truncated: bool) {
        let may_quote = std::mem::take(&mut self.rec_quote);
        if end > self.rec_start {
            if !self.footer.is_empty() && self.is_footer(&buf[self.rec_start..end]) {
                self.ended = true;
                return;
            }
            out.push(RecordSpan {
                start: self.rec_start,
                end,
                line: self.rec_line,
                truncated,
                may_quote: may_quote || truncated,
            });
        }
    }

    /// Whether a record starts with a footer text (after spaces and an opening quote).
    fn is_footer(&self, record: &[u8]) -> bool {
        let start = record.iter().take_while(|&&b| b == b' ').count();
        let rest = &record[start..];
        let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
        self.footer.iter().any(|f| rest.starts_with(f))
    }
}

/// Inside a quoted cell, at the quote at `q`: where the scan goes on and whether the cell is
/// still quoted (`""` is a quote in it; any other byte after the quote closes it). `None`: that
/// depends on the byte after `buf`, not read yet.
pub(super) fn after_quote(buf: &[u8], q: usize, eof: bool) -> Option<(usize, bool)> {
    match buf.get(q + 1) {
        Some(b'"') => Some((q + 2, true)),
        Some(_) => Some((q + 1, false)),
        None if eof => Some((q + 1, false)),
        None => None,
    }
}

/// Line breaks (`\n`) in `bytes`.
pub(super) fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}
