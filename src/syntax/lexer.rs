//! The lossless lexer: the complete token stream of a file, comments, blank lines and
//! whitespace included, so that concatenating the tokens' texts gives the file back, byte for
//! byte, valid or not (bytes that fit no token are [`TokenKind::Error`] tokens).
//!
//! The pest grammar (`grammar/smql.pest`) stays the grammar of record; these tokens are for what
//! the grammar skips: the formatter places comments and keeps line breaks by them.

use logos::Logos;

/// What a token is. Keywords are [`TokenKind::Word`]s: whether a word is a keyword depends on
/// where it stands (docs/language.md, "Names and reserved words"), which is the parser's business.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// One `\n`.
    #[token("\n")]
    Newline,
    /// Spaces, tabs and carriage returns.
    #[regex(r"[ \t\r]+")]
    Space,
    /// A byte order mark (only meaningful at the start of a file).
    #[token("\u{feff}")]
    Bom,
    /// `#` to the end of the line (see [`CommentKind`] for `##` and `# smql:`). Greedy to the
    /// end of the line, which is what a comment is.
    #[regex(r"#[^\n]*", allow_greedy = true)]
    Comment,
    /// A string literal, quotes included.
    #[regex(r#""([^"\\\n]|\\[^\n])*""#)]
    Str,
    /// A string literal that the line ends before it is closed.
    #[regex(r#""([^"\\\n]|\\[^\n])*"#)]
    UnclosedStr,
    /// Integer, decimal, percentage or duration: `1_000`, `2.5`, `95%`, `30d`.
    #[regex(r"[0-9][0-9_]*(\.[0-9][0-9_]*)?(%|[A-Za-z_][A-Za-z0-9_]*)?")]
    Number,
    /// A name or a keyword.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Word,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    /// An operator or punctuation: `,` `:` `.` `?` `??` `->` `==` `!=` `<=` `>=` `<` `>` `+`
    /// `-` `*` `/` `=` `%`.
    #[regex(r"->|\?\?|==|!=|<=|>=|[,:.?<>+\-*/=%]")]
    Punct,
    /// Bytes that fit no token.
    Error,
}

/// One token: its kind and its byte range in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text(self, source: &str) -> &str {
        &source[self.start..self.end]
    }

    /// Whitespace, newlines, comments: what the grammar skips.
    pub fn is_trivia(self) -> bool {
        matches!(
            self.kind,
            TokenKind::Newline | TokenKind::Space | TokenKind::Bom | TokenKind::Comment
        )
    }
}

/// What a comment is to smql.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentKind {
    /// `# …`
    Plain,
    /// `## …`: documents the declaration directly below.
    Doc,
    /// `# smql: …`, such as `# smql: allow(stage_skip)`.
    Pragma,
}

/// Classifies the text of a [`TokenKind::Comment`] token.
pub fn comment_kind(text: &str) -> CommentKind {
    if text.starts_with("##") {
        CommentKind::Doc
    } else if text[1..].trim_start().starts_with("smql:") {
        CommentKind::Pragma
    } else {
        CommentKind::Plain
    }
}

/// The complete token stream of `source`: the tokens are contiguous, cover every byte, and
/// never split a character.
pub fn tokenize(source: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut lexer = TokenKind::lexer(source);
    let mut at = 0;
    while let Some(result) = lexer.next() {
        let span = lexer.span();
        // Contiguity is what logos gives; should it ever skip bytes, they become an error token
        // rather than vanish.
        if span.start > at {
            push_error(&mut tokens, source, at, span.start);
        }
        match result {
            Ok(kind) => tokens.push(Token {
                kind,
                start: span.start,
                end: span.end,
            }),
            Err(()) => push_error(&mut tokens, source, span.start, span.end),
        }
        at = span.end.max(at);
    }
    if at < source.len() {
        push_error(&mut tokens, source, at, source.len());
    }
    tokens
}

/// Adds the error bytes `start..end`, merged with an error token just before, and widened to
/// whole characters.
fn push_error(tokens: &mut Vec<Token>, source: &str, start: usize, mut end: usize) {
    while !source.is_char_boundary(end) {
        end += 1;
    }
    match tokens.last_mut() {
        Some(last) if last.kind == TokenKind::Error && last.end >= start => {
            last.end = last.end.max(end);
        }
        _ => tokens.push(Token {
            kind: TokenKind::Error,
            start,
            end,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(source: &str) -> Vec<(TokenKind, &str)> {
        tokenize(source)
            .into_iter()
            .map(|t| (t.kind, t.text(source)))
            .collect()
    }

    fn concat(source: &str) -> String {
        tokenize(source).iter().map(|t| t.text(source)).collect()
    }

    #[test]
    fn tokens_of_a_declaration_with_comments() {
        use TokenKind::*;
        let src = "## doc\nMQL when visits >= 3 # why\n";
        assert_eq!(
            kinds(src),
            [
                (Comment, "## doc"),
                (Newline, "\n"),
                (Word, "MQL"),
                (Space, " "),
                (Word, "when"),
                (Space, " "),
                (Word, "visits"),
                (Space, " "),
                (Punct, ">="),
                (Space, " "),
                (Number, "3"),
                (Space, " "),
                (Comment, "# why"),
                (Newline, "\n"),
            ]
        );
    }

    #[test]
    fn literals_are_single_tokens() {
        use TokenKind::*;
        let k = kinds(r#"1_000 2.5 95% 30d "a \"b\"" it.x a??b ->"#);
        let code: Vec<_> = k.into_iter().filter(|(k, _)| *k != Space).collect();
        assert_eq!(
            code,
            [
                (Number, "1_000"),
                (Number, "2.5"),
                (Number, "95%"),
                (Number, "30d"),
                (Str, r#""a \"b\"""#),
                (Word, "it"),
                (Punct, "."),
                (Word, "x"),
                (Word, "a"),
                (Punct, "??"),
                (Word, "b"),
                (Punct, "->"),
            ]
        );
    }

    #[test]
    fn comment_kinds() {
        assert_eq!(comment_kind("# x"), CommentKind::Plain);
        assert_eq!(comment_kind("## x"), CommentKind::Doc);
        assert_eq!(comment_kind("#  smql: allow(a)"), CommentKind::Pragma);
        assert_eq!(comment_kind("#"), CommentKind::Plain);
    }

    #[test]
    fn invalid_input_keeps_every_byte() {
        use TokenKind::*;
        let src = "a = \"open\nb = 3 $ é ~\u{feff}";
        assert_eq!(concat(src), src);
        let k = kinds(src);
        assert!(k.contains(&(UnclosedStr, "\"open")));
        assert!(k.contains(&(Error, "$")));
        assert!(k.contains(&(Error, "é")));
        assert!(k.contains(&(Bom, "\u{feff}")));
    }

    #[test]
    fn a_number_followed_by_a_dot_and_a_word() {
        assert_eq!(concat("3.x 3. 1__"), "3.x 3. 1__");
    }

    /// The files of `examples/`, for the mangling property.
    fn example_texts() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/b2b-saas");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "smql"))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect();
        texts.sort();
        texts
    }

    proptest! {
        #[test]
        fn any_text_comes_back(src in "\\PC*|[ -~\n\t\"#\\\\]*") {
            prop_assert_eq!(concat(&src), src);
        }

        #[test]
        fn mangled_files_come_back(
            file in 0usize..5,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), "[\"#\\\\\n(){}é€\u{feff}0-9a-z .%-]{0,3}", 0usize..4), 1..12),
        ) {
            let texts = example_texts();
            prop_assume!(!texts.is_empty());
            let mut text = texts[file % texts.len()].clone();
            for (at, insert, delete) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                let mut j = (i + delete).min(text.len());
                while !text.is_char_boundary(j) {
                    j += 1;
                }
                text.replace_range(i..j, &insert);
            }
            let tokens = tokenize(&text);
            let mut at = 0;
            for t in &tokens {
                prop_assert_eq!(t.start, at);
                prop_assert!(t.end > t.start);
                at = t.end;
            }
            prop_assert_eq!(at, text.len());
            prop_assert_eq!(concat(&text), text);
        }
    }
}
