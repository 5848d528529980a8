//! JSON array element boundaries.

use super::RecordSpan;
use crate::data::reject::InputError;
use memchr::memchr3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayState {
    /// Before the opening `[`.
    Start,
    /// After `[` (`first`) or a `,`: whitespace, then an element (or `]` after `[`).
    BeforeElement { first: bool },
    /// Inside an element that started at `rec_start`.
    InElement {
        depth: u32,
        in_string: bool,
        escaped: bool,
    },
    /// After the closing `]`: only whitespace may follow.
    Done,
}

/// A JSON array: one record per top-level element, found by tracking strings and bracket depth
/// (iteratively). Broken elements are still split out, so that `serde_json` names what is wrong.
pub(super) struct ArraySplitter {
    pub(super) pos: usize,
    pub(super) rec_start: usize,
    line: u64,
    rec_line: u64,
    state: ArrayState,
}

impl ArraySplitter {
    pub(super) fn new() -> ArraySplitter {
        ArraySplitter {
            pos: 0,
            rec_start: 0,
            line: 1,
            rec_line: 1,
            state: ArrayState::Start,
        }
    }

    pub(super) fn scan(
        &mut self,
        buf: &[u8],
        eof: bool,
        out: &mut Vec<RecordSpan>,
        max: usize,
    ) -> Result<(), InputError> {
        use ArrayState::*;
        while out.len() < max && self.pos < buf.len() {
            let b = buf[self.pos];
            match self.state {
                Start | BeforeElement { .. } | Done if b.is_ascii_whitespace() => {
                    if b == b'\n' {
                        self.line += 1;
                    }
                    self.pos += 1;
                    if !matches!(self.state, Start) {
                        self.rec_start = self.pos;
                    }
                }
                Start => {
                    // The chunker only picks this splitter when the first byte is `[`.
                    self.pos += 1;
                    self.rec_start = self.pos;
                    self.state = BeforeElement { first: true };
                }
                BeforeElement { first: true } if b == b']' => {
                    self.pos += 1;
                    self.rec_start = self.pos;
                    self.state = Done;
                }
                BeforeElement { .. } if b == b']' || b == b',' => {
                    // An empty element (`[1,,2]`, `[1,]`): a record that cannot be read.
                    self.rec_line = self.line;
                    self.emit(buf, self.pos, out, false);
                    self.pos += 1;
                    self.rec_start = self.pos;
                    self.state = if b == b']' {
                        Done
                    } else {
                        BeforeElement { first: false }
                    };
                }
                BeforeElement { .. } => {
                    self.rec_start = self.pos;
                    self.rec_line = self.line;
                    self.state = InElement {
                        depth: 0,
                        in_string: false,
                        escaped: false,
                    };
                }
                InElement {
                    depth,
                    in_string: true,
                    escaped,
                } => {
                    if escaped {
                        self.pos += 1;
                        self.state = InElement {
                            depth,
                            in_string: true,
                            escaped: false,
                        };
                        continue;
                    }
                    match memchr3(b'"', b'\\', b'\n', &buf[self.pos..]) {
                        None => self.pos = buf.len(),
                        Some(i) => {
                            let p = self.pos + i;
                            self.pos = p + 1;
                            match buf[p] {
                                b'"' => {
                                    self.state = InElement {
                                        depth,
                                        in_string: false,
                                        escaped: false,
                                    }
                                }
                                b'\\' => {
                                    self.state = InElement {
                                        depth,
                                        in_string: true,
                                        escaped: true,
                                    }
                                }
                                _ => self.line += 1,
                            }
                        }
                    }
                }
                InElement { depth, .. } => {
                    self.pos += 1;
                    let mut depth = depth;
                    let mut in_string = false;
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth = depth.saturating_add(1),
                        b'}' if depth > 0 => depth -= 1,
                        b']' if depth > 0 => depth -= 1,
                        b'\n' => self.line += 1,
                        b',' | b']' if depth == 0 => {
                            self.emit(buf, self.pos - 1, out, false);
                            self.rec_start = self.pos;
                            self.state = if b == b']' {
                                Done
                            } else {
                                BeforeElement { first: false }
                            };
                            continue;
                        }
                        _ => {}
                    }
                    self.state = InElement {
                        depth,
                        in_string,
                        escaped: false,
                    };
                }
                Done => {
                    return Err(InputError::TrailingData {
                        input: String::new(),
                        line: self.line,
                    });
                }
            }
        }
        if eof && self.pos >= buf.len() {
            match self.state {
                InElement { .. } => {
                    self.emit(buf, buf.len(), out, true);
                    self.rec_start = buf.len();
                    self.state = Done;
                    return Err(InputError::UnclosedArray {
                        input: String::new(),
                        line: self.line,
                    });
                }
                BeforeElement { .. } => {
                    self.state = Done;
                    return Err(InputError::UnclosedArray {
                        input: String::new(),
                        line: self.line,
                    });
                }
                Start | Done => {}
            }
        }
        Ok(())
    }

    fn emit(&self, buf: &[u8], end: usize, out: &mut Vec<RecordSpan>, truncated: bool) {
        let mut end = end;
        while end > self.rec_start && buf[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        out.push(RecordSpan {
            start: self.rec_start,
            end,
            line: self.rec_line,
            truncated,
            may_quote: true,
        });
    }
}
