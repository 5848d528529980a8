//! What the AST does not keep, read from the lossless tokens: comments, line breaks,
//! parentheses, and where each keyword and operator stands.

use crate::source::Span;
use crate::syntax::lexer::{tokenize, Token, TokenKind};

/// A comment of the file, as the formatter places it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Comment {
    pub start: usize,
    pub end: usize,
    /// The text, `#` included, without trailing blanks.
    pub text: String,
    /// Code stands before it on its line: it stays at the end of that line.
    pub trailing: bool,
}

pub(super) struct Trivia<'a> {
    pub text: &'a str,
    /// The code tokens (no whitespace, newlines or comments), in order.
    code: Vec<Token>,
    /// For each code token that is a bracket, the index of its partner.
    partner: Vec<Option<usize>>,
    pub comments: Vec<Comment>,
}

/// The comments of a text, in order, without trailing blanks: what formatting must keep.
pub(super) fn comment_texts(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Comment)
        .map(|t| t.text(text).trim_end().to_string())
        .collect()
}

impl<'a> Trivia<'a> {
    pub fn new(text: &'a str) -> Trivia<'a> {
        let tokens = tokenize(text);
        let mut code = Vec::new();
        let mut comments = Vec::new();
        // Whether code came before, on the current line.
        let mut code_on_line = false;
        for t in &tokens {
            match t.kind {
                TokenKind::Newline => code_on_line = false,
                TokenKind::Space | TokenKind::Bom => {}
                TokenKind::Comment => comments.push(Comment {
                    start: t.start,
                    end: t.end,
                    text: t.text(text).trim_end().to_string(),
                    trailing: code_on_line,
                }),
                _ => {
                    code_on_line = true;
                    code.push(*t);
                }
            }
        }
        let mut partner = vec![None; code.len()];
        let mut open: Vec<usize> = Vec::new();
        for (i, t) in code.iter().enumerate() {
            match t.kind {
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => open.push(i),
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                    if let Some(o) = open.pop() {
                        partner[o] = Some(i);
                        partner[i] = Some(o);
                    }
                }
                _ => {}
            }
        }
        Trivia {
            text,
            code,
            partner,
            comments,
        }
    }

    /// Index of the first code token that starts at or after `pos`.
    fn index_at(&self, pos: usize) -> usize {
        self.code.partition_point(|t| t.start < pos)
    }

    /// The first code token at or after `pos`.
    pub fn code_at(&self, pos: usize) -> Option<Token> {
        self.code.get(self.index_at(pos)).copied()
    }

    /// The byte range of the `words` code tokens from `pos` on (`is present` is two), or an
    /// empty range at `pos` if the file ends first.
    pub fn words_at(&self, pos: usize, words: usize) -> (usize, usize) {
        let i = self.index_at(pos);
        match (self.code.get(i), self.code.get(i + words.max(1) - 1)) {
            (Some(first), Some(last)) => (first.start, last.end),
            _ => (pos, pos),
        }
    }

    /// The bracket that closes the one at `pos`.
    pub fn partner_of(&self, pos: usize) -> Option<Token> {
        let i = self.index_at(pos);
        if self.code.get(i)?.start != pos {
            return None;
        }
        self.partner[i].map(|j| self.code[j])
    }

    /// The code tokens that start within `start..end`.
    pub fn code_in(&self, start: usize, end: usize) -> &[Token] {
        let (i, j) = (self.index_at(start), self.index_at(end));
        &self.code[i..j.max(i)]
    }

    /// Does `span` hold one parenthesized expression, `(` … `)`?
    pub fn is_parenthesized(&self, span: Span) -> bool {
        let (start, end) = (span.start as usize, span.end as usize);
        self.code_at(start)
            .filter(|t| t.start == start && t.kind == TokenKind::LParen)
            .and_then(|_| self.partner_of(start))
            .is_some_and(|close| close.end == end)
    }

    /// `span` without the parentheses around it, however many pairs.
    pub fn strip_parens(&self, mut span: Span) -> Span {
        while self.is_parenthesized(span) {
            let i = self.index_at(span.start as usize);
            let Some(j) = self.partner[i] else { break };
            if j <= i + 1 {
                break;
            }
            span.start = self.code[i + 1].start as u32;
            span.end = self.code[j - 1].end as u32;
        }
        span
    }

    /// How many line breaks the text has in `start..end`.
    pub fn newlines(&self, start: usize, end: usize) -> usize {
        self.text
            .get(start..end)
            .map_or(0, |s| memchr::memchr_iter(b'\n', s.as_bytes()).count())
    }

    pub fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.range()).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(0), start, end)
    }

    #[test]
    fn comments_know_whether_they_trail_code() {
        let t = Trivia::new("# own\nx = 1 # trails\n  # own too\n");
        let trailing: Vec<_> = t
            .comments
            .iter()
            .map(|c| (c.text.as_str(), c.trailing))
            .collect();
        assert_eq!(
            trailing,
            [("# own", false), ("# trails", true), ("# own too", false)]
        );
    }

    #[test]
    fn parentheses_around_a_whole_span() {
        let text = "((a + b)) + (c)";
        let t = Trivia::new(text);
        assert!(t.is_parenthesized(span(0, 9)));
        assert_eq!(t.slice(t.strip_parens(span(0, 9))), "a + b");
        assert!(!t.is_parenthesized(span(0, text.len())));
        assert!(t.is_parenthesized(span(12, 15)));
    }

    #[test]
    fn words_and_newlines() {
        let t = Trivia::new("x is\n present");
        assert_eq!(t.words_at(1, 2), (2, 13));
        assert_eq!(t.newlines(0, 13), 1);
        assert_eq!(t.code_in(0, 5).len(), 2);
    }
}
