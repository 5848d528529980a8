//! The lexical pass that runs before pest: it cuts a file into declarations and finds the
//! errors that would otherwise cascade (unterminated strings, unbalanced brackets).
//!
//! Cutting a file into declarations is what lets the parser report every independent error: each
//! declaration is parsed on its own, so one bad declaration cannot hide the errors of the next.
//! A declaration starts at any line of code when the previous declaration is complete (no open
//! bracket, its last line does not end with an operator or a comma), or at a column-0 line that
//! unmistakably starts a declaration (`score NAME {`, `NAME when …`, …) even when it is not, so
//! that a missing `}` only costs the declaration it belongs to. Lines that start with a binary
//! operator or a closing bracket stay with the declaration above, whose error then explains them.
//!
//! It also makes newlines inside `(` and `[` whitespace (docs/language.md, "Rule sets and files") by blanking them, with the
//! comments there, in a copy of the text of the same length: spans stay byte-exact.

use crate::diag::{quote, Code, Diagnostic, QUOTE_MAX};
use crate::source::{FileId, Span};
use crate::syntax::words;

/// One declaration's byte range, and whether its text is fit for pest.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Chunk {
    pub start: usize,
    pub end: usize,
    /// False when the lexical pass already reported an error here (pest would only cascade).
    pub ok: bool,
    /// A closing bracket that closes nothing. Reported only if pest fails there too: an
    /// earlier error (a missing `{`) explains it better.
    pub stray_closer: Option<Diagnostic>,
}

pub(super) struct Layout {
    /// The source with newlines and comments inside `(` and `[` replaced by spaces.
    pub masked: String,
    pub chunks: Vec<Chunk>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Deeper nesting than any rule needs (SPEC §13); the limit keeps parsing and building far from
/// the stack's end. It counts brackets and `if`s: an `if`'s `else` branch runs to the end of its
/// expression, so every later `if` of that expression (an `else if` chain too) is nested in it.
pub(crate) const MAX_DEPTH: usize = 64;

struct Scanner<'a> {
    file: FileId,
    text: &'a str,
    masked: Vec<u8>,
    /// Open brackets: the byte and its offset.
    open: Vec<(u8, usize)>,
    /// The `if`s open in each expression: `ifs[0]` outside any bracket, `ifs[k + 1]` inside
    /// `open[k]`. A comma, the closing bracket or the end of a statement ends them.
    ifs: Vec<usize>,
    /// The sum of `ifs`.
    open_ifs: usize,
    chunks: Vec<Chunk>,
    diagnostics: Vec<Diagnostic>,
    /// The last line with code ended with an operator, a comma or `->`.
    continues: bool,
    /// End of the last line with code: a chunk ends there, before any comment lines that follow
    /// it (they may document the next declaration).
    last_code_end: usize,
}

pub(super) fn layout(file: FileId, text: &str) -> Layout {
    let mut s = Scanner {
        file,
        text,
        masked: text.as_bytes().to_vec(),
        open: Vec::new(),
        ifs: vec![0],
        open_ifs: 0,
        chunks: Vec::new(),
        diagnostics: Vec::new(),
        continues: false,
        last_code_end: 0,
    };
    // A byte order mark is not text: blank it (three bytes, three spaces).
    let mut line_start = 0;
    if text.starts_with('\u{feff}') {
        s.blank(0, 3);
    }
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        s.line(line_start, line_end);
        line_start = line_end + 1;
    }
    s.finish_chunk();
    // Masking only replaces ASCII bytes by spaces, so the text stays UTF-8; fall back to the
    // original text rather than panic if that ever failed.
    let masked = String::from_utf8(s.masked).unwrap_or_else(|_| text.to_string());
    Layout {
        masked,
        chunks: s.chunks,
        diagnostics: s.diagnostics,
    }
}

impl Scanner<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn line(&mut self, start: usize, end: usize) {
        let line = &self.text[start..end];
        let Some(first) = line.find(|c: char| !is_space(c) && c != '\u{feff}') else {
            self.newline(end);
            return;
        };
        if line[first..].starts_with('#') {
            if self.in_parens() {
                self.blank(start + first, end);
            }
            self.newline(end);
            return;
        }
        let code = &line[first..];
        let word_end = code
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(code.len())
            .max(1);
        let leading = code.get(..word_end).unwrap_or("");
        let belongs_above = code
            .starts_with(['}', ')', ']', '+', '*', '/', '=', '<', '>', '?', '!'])
            || words::INFIX_WORDS.contains(&leading);
        let complete = self.open.is_empty() && !self.continues;
        let resync = first == 0 && !belongs_above && starts_declaration(line);
        if self.chunks.is_empty() || (complete && !belongs_above) || resync {
            self.finish_chunk();
            self.chunks.push(Chunk {
                start: start + first,
                end: usize::MAX,
                ok: true,
                stray_closer: None,
            });
        }
        self.scan_code(start + first, end);
        self.last_code_end = end;
        if !self.continues && !self.in_parens() {
            // A statement of the file or of a block ends here, and with it its `if`s.
            self.end_ifs();
        }
        self.newline(end);
    }

    /// Closes the open chunk after its last line of code, reporting the brackets it leaves open.
    fn finish_chunk(&mut self) {
        let Some(chunk) = self.chunks.last_mut() else {
            return;
        };
        if chunk.end != usize::MAX {
            return;
        }
        chunk.end = self.last_code_end.max(chunk.start);
        // Report the innermost unclosed bracket: that is where the closing one is missing.
        // One lexical error per declaration: after the first, the rest is likely its echo.
        if let Some(&(b, at)) = self.open.last().filter(|_| chunk.ok) {
            chunk.ok = false;
            let d = unclosed(Span::new(self.file, at, at + 1), b, &around(self.text, at));
            self.diagnostics.push(d);
        }
        self.open.clear();
        self.ifs = vec![0];
        self.open_ifs = 0;
        self.continues = false;
    }

    /// The expression at the innermost bracket ends: so do its `if`s.
    fn end_ifs(&mut self) {
        if let Some(n) = self.ifs.last_mut() {
            self.open_ifs -= *n;
            *n = 0;
        }
    }

    /// Reports nesting past [`MAX_DEPTH`] at `at..at + len`; false when it is reached.
    fn nest(&mut self, at: usize, len: usize, what: &str) -> bool {
        if self.open.len() + self.open_ifs < MAX_DEPTH {
            return true;
        }
        let d = Diagnostic::error(
            Code::SyntaxTooDeep,
            self.span(at, at + len),
            format!(
                "{what} nested more than {MAX_DEPTH} deep in `{}`",
                quote(line_of(self.text, at))
            ),
        )
        .label("one level too many")
        .with_help(format!(
            "brackets and `if`s may nest {MAX_DEPTH} levels deep (a limit against hostile \
             rule files); split the expression into several definitions, or write a long \
             `else if` chain as a `grade`"
        ));
        self.report(d);
        false
    }

    /// Reports a lexical error, unless the declaration already has one (one lexical error per
    /// declaration: after the first, the rest is likely its echo).
    fn report(&mut self, d: Diagnostic) {
        if let Some(c) = self.chunks.last_mut() {
            if c.ok {
                self.diagnostics.push(d);
            }
            c.ok = false;
        }
    }

    fn in_parens(&self) -> bool {
        matches!(self.open.last(), Some((b'(' | b'[', _)))
    }

    fn blank(&mut self, start: usize, end: usize) {
        for b in &mut self.masked[start..end] {
            *b = b' ';
        }
    }

    fn newline(&mut self, at: usize) {
        if at < self.text.len() && self.in_parens() {
            self.masked[at] = b' ';
        }
    }

    /// Scans one line of code from `start` (its first non-blank byte) to `end`.
    fn scan_code(&mut self, start: usize, end: usize) {
        let bytes = self.text.as_bytes();
        let mut i = start;
        let mut last_token: &str = "";
        while i < end {
            let b = bytes[i];
            match b {
                b' ' | b'\t' | b'\r' => i += 1,
                b'#' => {
                    if self.in_parens() {
                        self.blank(i, end);
                    }
                    break;
                }
                b'"' => {
                    let close = string_end(&bytes[i..end]);
                    match close {
                        Some(len) => {
                            last_token = "\"";
                            i += len;
                        }
                        None => {
                            self.unterminated(i, end);
                            return;
                        }
                    }
                }
                b'(' | b'[' | b'{' => {
                    if !self.nest(i, 1, "brackets") {
                        return;
                    }
                    self.open.push((b, i));
                    self.ifs.push(0);
                    last_token = &self.text[i..i + 1];
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    self.close(b, i);
                    last_token = &self.text[i..i + 1];
                    i += 1;
                }
                _ if b.is_ascii_alphanumeric() || b == b'_' => {
                    let len = bytes[i..end]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'.')
                        .count();
                    if &bytes[i..i + len] == b"if" {
                        if !self.nest(i, len, "`if`") {
                            return;
                        }
                        self.open_ifs += 1;
                        if let Some(n) = self.ifs.last_mut() {
                            *n += 1;
                        }
                    }
                    last_token = &self.text[i..i + len];
                    i += len;
                }
                _ => {
                    let len = bytes[i..end]
                        .iter()
                        .take_while(|c| b"+-*/=<>!?,%:".contains(c))
                        .count()
                        .max(1);
                    // Stay on character boundaries for non-ASCII bytes.
                    let mut j = i + len;
                    while !self.text.is_char_boundary(j) {
                        j += 1;
                    }
                    last_token = &self.text[i..j];
                    if last_token.contains(',') {
                        self.end_ifs();
                    }
                    i = j;
                }
            }
        }
        self.continues = continues_line(last_token);
    }

    fn unterminated(&mut self, at: usize, line_end: usize) {
        let d = Diagnostic::error(
            Code::SyntaxUnterminatedString,
            self.span(at, line_end),
            format!("unterminated string `{}`", quote(&self.text[at..line_end])),
        )
        .label("this string has no closing `\"`")
        .with_help("close it with `\"` on the same line; write `\\\"` for a quote inside a string");
        self.report(d);
        self.continues = false;
    }

    fn close(&mut self, b: u8, at: usize) {
        let opener = match b {
            b')' => b'(',
            b']' => b'[',
            _ => b'{',
        };
        match self.open.iter().rposition(|(o, _)| *o == opener) {
            Some(pos) => {
                // Brackets opened after the matching one were never closed: report the innermost.
                if let Some(&(inner, inner_at)) = self.open[pos + 1..].last() {
                    let line = around(self.text, inner_at);
                    let d = unclosed(self.span(inner_at, inner_at + 1), inner, &line)
                        .with_secondary(
                            self.span(at, at + 1),
                            format!("`{}` found here", b as char),
                        );
                    self.report(d);
                }
                self.open.truncate(pos);
                for n in self.ifs.drain(pos + 1..) {
                    self.open_ifs -= n;
                }
            }
            // Only the first stray closer of a declaration is kept: building the message of
            // every one quotes its line each time, quadratic on a long line of them (found by
            // the `check_deep` fuzz target).
            None if self.chunks.last().is_some_and(|c| c.stray_closer.is_some()) => {}
            None => {
                let d = Diagnostic::error(
                    Code::SyntaxUnexpected,
                    self.span(at, at + 1),
                    format!(
                        "`{}` closes nothing in `{}`",
                        b as char,
                        around(self.text, at)
                    ),
                )
                .label(format!("no `{}` is open here", opener as char))
                .with_help(format!(
                    "remove it, or add the `{}` it closes",
                    opener as char
                ));
                if let Some(c) = self.chunks.last_mut() {
                    c.stray_closer.get_or_insert(d);
                }
            }
        }
    }
}

/// Whitespace as the grammar has it (`WHITESPACE`, and the line break): not Unicode's, which
/// would also skip a vertical tab or a form feed that the parser then meets as a character.
pub(super) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The line of byte `at`, trimmed.
fn line_of(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    text[start..end].trim_matches(is_space)
}

/// The line around the bracket at byte `at`, for a message: the whole line when it is short,
/// else from the bracket on.
fn around(text: &str, at: usize) -> String {
    let line = line_of(text, at);
    if line.chars().count() <= QUOTE_MAX {
        line.to_string()
    } else {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        quote(&format!("…{}", text[at..end].trim_end()))
    }
}

fn unclosed(span: Span, b: u8, line: &str) -> Diagnostic {
    let closer = match b {
        b'(' => ')',
        b'[' => ']',
        _ => '}',
    };
    let help = if b == b'{' {
        "add a line with `}` after the block's last line".to_string()
    } else {
        format!("add the missing `{closer}`")
    };
    Diagnostic::error(
        Code::SyntaxUnclosed,
        span,
        format!("unclosed `{}` in `{line}`", b as char),
    )
    .label(format!("this `{}` is never closed", b as char))
    .with_help(help)
}

/// Length of the string literal at the start of `bytes` (which begins with `"`), quotes
/// included, or `None` when the line ends first.
fn string_end(bytes: &[u8]) -> Option<usize> {
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Does a line whose last token is `token` continue on the next line (docs/language.md, "Rule sets and files")?
fn continues_line(token: &str) -> bool {
    words::CONTINUING_WORDS.contains(&token)
        || words::INFIX_SYMBOLS.contains(&token)
        || [",", "->", "="].contains(&token)
}

/// Does this column-0 line unmistakably start a declaration?
fn starts_declaration(line: &str) -> bool {
    let mut words = line.split(is_space).filter(|w| !w.is_empty());
    let (Some(first), second) = (words.next(), words.next()) else {
        return false;
    };
    let second = second.unwrap_or("");
    let is_name = |w: &str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match first {
        "schema" | "input" => second.starts_with('{'),
        "score" | "grade" => is_name(second) && line.trim_end().ends_with('{'),
        "stages" | "detours" => is_name(second.trim_end_matches(',')),
        "sla" | "test" => second.starts_with('"'),
        _ => is_name(first) && (second == "when" || second == "="),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str) -> Vec<&str> {
        let l = layout(FileId(0), text);
        l.chunks
            .iter()
            .map(|c| text[c.start..c.end].trim_end())
            .collect()
    }

    #[test]
    fn cuts_declarations_at_column_zero() {
        let text = "a = 1\n\n## doc\nb when a and\nc\nscore s {\n  +1 when a\n}\n";
        assert_eq!(
            chunks(text),
            ["a = 1", "b when a and\nc", "score s {\n  +1 when a\n}"]
        );
    }

    #[test]
    fn a_missing_brace_costs_only_its_declaration() {
        let text = "score s {\n  +1 when a\nMQL when b\n";
        let l = layout(FileId(0), text);
        assert_eq!(l.chunks.len(), 2);
        assert!(!l.chunks[0].ok);
        assert!(l.chunks[1].ok);
        assert_eq!(l.diagnostics.len(), 1);
        assert_eq!(l.diagnostics[0].code, Code::SyntaxUnclosed);
        assert_eq!(l.diagnostics[0].primary.span, Span::new(FileId(0), 8, 9));
    }

    #[test]
    fn masks_newlines_and_comments_inside_parentheses() {
        let text = "a = (1 # one\n+ 2)\nb = [\n 1]\n";
        let l = layout(FileId(0), text);
        assert_eq!(l.masked, "a = (1       + 2)\nb = [  1]\n");
        assert_eq!(l.masked.len(), text.len());
    }

    #[test]
    fn finds_unterminated_strings_and_stray_closers() {
        let l = layout(FileId(0), "a = \"abc\nb = 1)\nc = 2\n");
        let codes: Vec<_> = l.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::SyntaxUnterminatedString]);
        assert_eq!(l.chunks.iter().filter(|c| c.ok).count(), 2);
        assert!(l.chunks[1].stray_closer.is_some());
    }
}
