//! The text around a syntax error, in words: the declaration's tokens, what came before the
//! error ("`score engagement`", "`as of`", "stage `MQL`") and the operand a dangling operator
//! follows.

use super::DeclKind;
use crate::syntax::words;

/// One token of the declaration's text, for describing positions.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tok {
    pub start: usize,
    pub end: usize,
    /// First token on its line.
    pub line_start: bool,
}

/// Second words of two-word keywords and operators, with the first words they follow:
/// `as of`, `up to`, `at least`, `starts with`, `contains any`, `not in`, `is present`.
const SECOND_WORDS: [(&str, &[&str]); 8] = [
    ("of", &["as", "one", "list"]),
    ("to", &["up"]),
    ("least", &["at"]),
    ("most", &["at"]),
    ("with", &["starts", "ends"]),
    ("any", &["contains"]),
    ("all", &["contains"]),
    ("in", &["not"]),
];

/// The index of `tok` among `toks`, and the index where the keyword or operator it ends begins
/// (`as of` begins at `as`).
fn phrase_start(text: &str, toks: &[Tok], tok: Tok) -> (usize, usize) {
    let slice = |t: &Tok| &text[t.start..t.end];
    let index = toks.iter().position(|t| t.start == tok.start).unwrap_or(0);
    let word = slice(&tok);
    let first = index
        .checked_sub(1)
        .filter(|&i| {
            SECOND_WORDS
                .iter()
                .any(|(second, firsts)| *second == word && firsts.contains(&slice(&toks[i])))
        })
        .unwrap_or(index);
    (index, first)
}

/// For a binary operator that ends at `prev` (`and`, `>=`, `starts with`): the operator and the
/// operand before it as written, back to the nearest `and`, `or`, `when`, `(`, … on its left.
pub(super) fn operator_before(text: &str, toks: &[Tok], prev: Tok) -> Option<(String, String)> {
    let (index, first) = phrase_start(text, toks, prev);
    let op = text[toks[first].start..prev.end].to_string();
    let is_operator = words::is_infix(&text[toks[first].start..toks[first].end])
        || (first < index
            && ["not", "contains"].contains(&&text[toks[first].start..toks[first].end]));
    if !is_operator {
        return None;
    }
    Some((op, operand_before(text, toks, first)?))
}

/// The operand that ends just before token `first`, as written (shortened), back to the nearest
/// `and`, `or`, `when`, `(`, … on its left.
fn operand_before(text: &str, toks: &[Tok], first: usize) -> Option<String> {
    // Where the left operand starts: after a boundary at bracket depth 0, or after the keyword
    // that starts a line of a block (`for`, `expect`; mid-line, `count` is a function).
    const BOUNDARIES: [&str; 16] = [
        "and", "or", "not", "where", "when", "=", ",", "then", "else", "if", "->", "of", "since",
        "every", "per", "??",
    ];
    let mut depth = 0usize;
    let mut start = None;
    for i in (0..first).rev() {
        let w = &text[toks[i].start..toks[i].end];
        let line_keyword = toks[i].line_start
            && (words::SLA_LINE_WORDS.contains(&w) || words::TEST_LINE_WORDS.contains(&w));
        match w {
            ")" | "]" | "}" => depth += 1,
            "(" | "[" | "{" if depth == 0 => break,
            "(" | "[" | "{" => depth -= 1,
            _ if depth == 0 && (BOUNDARIES.contains(&w) || line_keyword || i == 0) => break,
            _ => {}
        }
        start = Some(i);
    }
    let start = start?;
    let left = &text[toks[start].start..toks[first - 1].end];
    Some(crate::diag::quote(left))
}

/// "`when`", "`score engagement`", "stage `MQL`", "`as of`".
pub(super) fn describe_prev(text: &str, toks: &[Tok], prev: Tok, kind: DeclKind) -> String {
    let word = &text[prev.start..prev.end];
    let (index, first) = phrase_start(text, toks, prev);
    let is_name = word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    let before = index.checked_sub(1).and_then(|i| toks.get(i));
    let signed =
        before.is_some_and(|b| b.end == prev.start && matches!(&text[b.start..b.end], "+" | "-"));
    match (kind, index) {
        (DeclKind::Score, 1) => format!("`score {word}`"),
        (DeclKind::Score, _) if signed && word.starts_with(|c: char| c.is_ascii_digit()) => {
            let sign = before.map_or("", |b| &text[b.start..b.end]);
            format!("the points `{sign}{word}`")
        }
        (DeclKind::Grade, 1) => format!("`grade {word}`"),
        (DeclKind::Sla, 1) => format!("`sla {}`", shorten(word)),
        (DeclKind::Test, 1) => format!("`test {}`", shorten(word)),
        (DeclKind::Def, 0) => format!("the name `{word}`"),
        (DeclKind::Def, 1) => format!("`{} {word}`", &text[toks[0].start..toks[0].end]),
        (DeclKind::Stages, i) if i > 0 && is_name => format!("stage `{word}`"),
        (DeclKind::Detours, i) if i > 0 && is_name => format!("detour `{word}`"),
        // `not` and `is` start an operator: name its operand too (`a is`).
        _ if ["not", "is"].contains(&word) => match operand_before(text, toks, index) {
            Some(left) => format!("`{left} {word}`"),
            None => format!("`{word}`"),
        },
        _ if first < index => format!("`{}`", &text[toks[first].start..prev.end]),
        _ => format!("`{}`", shorten(word)),
    }
}

/// The code on the line of `tok`, up to it, shortened from the left.
pub(super) fn line_tail(text: &str, tok: Tok) -> String {
    let start = text[..tok.start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..tok.end].trim();
    let chars: Vec<char> = line.chars().collect();
    if chars.len() > 40 {
        format!("…{}", chars[chars.len() - 39..].iter().collect::<String>())
    } else {
        line.to_string()
    }
}

pub(super) fn shorten(s: &str) -> String {
    // A control character (a vertical tab, a form feed) would print as nothing: escape it.
    let escaped;
    let s = if s.chars().any(char::is_control) {
        escaped = s
            .chars()
            .map(|c| match c {
                c if c.is_control() => c.escape_default().to_string(),
                c => c.to_string(),
            })
            .collect::<String>();
        escaped.as_str()
    } else {
        s
    };
    if s.chars().count() > 24 {
        format!("{}…", s.chars().take(23).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Splits a declaration's text into tokens: words and numbers (with `.` and `%`), strings,
/// operators; comments are skipped.
pub(super) fn tokens(text: &str) -> Vec<Tok> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        let len = match b {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                i += bytes[i..].iter().take_while(|c| **c != b'\n').count();
                continue;
            }
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                (j + 1).min(bytes.len()) - i
            }
            _ if b.is_ascii_alphanumeric() || b == b'_' => bytes[i..]
                .iter()
                .take_while(|c| {
                    // A dot belongs to numbers (`2.5`), not to names (`it.at` is three tokens).
                    c.is_ascii_alphanumeric()
                        || **c == b'_'
                        || (b.is_ascii_digit() && matches!(**c, b'.' | b'%'))
                })
                .count(),
            _ => {
                let two = text.get(i..i + 2).unwrap_or("");
                if ["->", "==", "!=", "<=", ">=", "??"].contains(&two) {
                    2
                } else {
                    text[i..].chars().next().map_or(1, char::len_utf8)
                }
            }
        };
        let end = (i + len).min(bytes.len());
        out.push(Tok {
            start: i,
            end,
            line_start,
        });
        line_start = false;
        i = end;
    }
    out
}
