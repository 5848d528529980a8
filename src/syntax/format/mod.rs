//! `smql fmt`: the canonical layout of a rule file (docs/commands.md, `smql fmt`).
//!
//! The file is parsed (pest, the grammar of record) and printed from its AST; the lossless
//! tokens (`crate::syntax::lexer`) put back what the AST does not keep: comments, the line
//! breaks inside a statement, parentheses, the spelling of literals. Every run checks its own
//! output, as cedar-policy-formatter does: it must parse to the same AST, spans aside, with the
//! same comments in the same order; otherwise the file is not touched and the error says that it
//! is a bug in smql.

mod decls;
mod expr;
mod layout;
mod print;
mod trivia;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

use crate::diag::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap};
use crate::syntax::{parse_file, same_ignoring_spans};

/// Why a file could not be formatted.
#[derive(Debug, Clone)]
pub enum FormatError {
    /// The file has syntax errors (spans into the caller's source map): it is left as it is.
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not mean what the file means: a bug in the formatter.
    Unsound(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax(d) => write!(f, "the file has {} syntax error(s)", d.len()),
            FormatError::Unsound(why) => write!(
                f,
                "the formatted text {why}; this is a bug in smql, please report it (the file was \
                 not changed)"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// The canonical layout of one file of `sources`.
pub fn format_file(sources: &SourceMap, file: FileId) -> Result<String, FormatError> {
    let (ast, diagnostics) = parse_file(sources, file);
    let errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        return Err(FormatError::Syntax(errors));
    }
    let text = &sources.file(file).text;
    let trivia = trivia::Trivia::new(text);
    let rows = print::Printer::new(&trivia).file(&ast);
    let out = layout::render(&rows);
    soundness_check(&ast, text, &out)?;
    Ok(out)
}

/// The canonical layout of `text`, for tests and editors (`smql fmt -`).
pub fn format_text(text: &str) -> Result<String, FormatError> {
    let mut sources = SourceMap::new();
    let id = sources.add("<text>", text);
    format_file(&sources, id)
}

/// The output parses, to the same AST, and keeps every comment in order.
fn soundness_check(
    ast: &crate::syntax::ast::File,
    text: &str,
    out: &str,
) -> Result<(), FormatError> {
    let mut sources = SourceMap::new();
    let id = sources.add("<formatted>", out);
    let (again, diagnostics) = parse_file(&sources, id);
    if let Some(d) = diagnostics.first() {
        let (line, col) = sources.file(id).line_col(d.primary.span.start);
        return Err(FormatError::Unsound(format!(
            "does not parse (line {line}, column {col}: {})",
            d.message
        )));
    }
    if !same_ignoring_spans(ast, &again) {
        return Err(FormatError::Unsound(
            "parses to different rules than the file".to_string(),
        ));
    }
    if trivia::comment_texts(text) != trivia::comment_texts(out) {
        return Err(FormatError::Unsound(
            "does not keep the file's comments in order".to_string(),
        ));
    }
    Ok(())
}
