//! The pest parser: source text → AST, with syntax errors as diagnostics.
//!
//! A file is first cut into declarations by a small lexical pass (`layout`), then each
//! declaration is parsed on its own with the grammar of record (`grammar/smql.pest`), so that
//! every independent syntax error of a file is reported, once.
//!
//! Syntax errors carry one of these stable codes (`crate::diag::Code`):
//!
//! | code | meaning |
//! |---|---|
//! | `smql::syntax::unexpected` | something other than what the construct expects (the message says what was expected) |
//! | `smql::syntax::unclosed` | `(`, `[` or `{` without its closing bracket |
//! | `smql::syntax::unterminated_string` | a string literal with no closing `"` on its line |
//! | `smql::syntax::invalid_escape` | an unknown escape (`\q`) or a bad `\u{…}` in a string |
//! | `smql::syntax::reserved_word` | a reserved word (`crate::syntax::words::RESERVED`) where a name is due |
//! | `smql::syntax::missing_else` | a grade without its `else` line |
//! | `smql::syntax::missing_sign` | a score item whose points have no `+` or `-` |
//! | `smql::syntax::number_overflow` | an integer or duration literal that does not fit in 64 bits |
//! | `smql::syntax::invalid_duration` | a duration with an unknown unit or a fraction (`30x`, `1.5h`) |
//! | `smql::syntax::unknown_type` | a schema type that does not exist (`strin`) |
//! | `smql::syntax::too_deep` | brackets and `if`s nested more than 64 deep, or an expression tree more than 256 operators deep |
//! | `smql::syntax::file_too_large` | a rule file over 4 MiB |
//! | `smql::syntax::too_many_declarations` | a rule set of more than 100,000 declarations |
//! | `smql::syntax::too_complex` | a declaration whose parse needs more steps than the parser allows |
//! | `smql::syntax::invalid_allow` | a `# smql:` comment line that is not `# smql: allow(NAME, …)` |

mod attrs;
mod build;
mod errors;
mod expr;
mod layout;
mod literal;
#[cfg(test)]
mod tests;

use super::ast;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use pest::error::ErrorVariant;
use pest::Parser;
use std::cell::{Cell, RefCell};
use std::num::NonZeroUsize;
use std::sync::{Mutex, MutexGuard, PoisonError};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/smql.pest"]
pub(crate) struct SmqlParser;

/// The largest rule file the parser reads (SPEC §13).
pub const MAX_SOURCE_BYTES: usize = 4 << 20;

/// The most declarations a rule set may have (SPEC §13).
pub const MAX_DECLARATIONS: usize = 100_000;

/// pest's budget of rule calls per byte of a declaration: the grammar needs at most 74 (60
/// nested parentheses; 13 to 34 for long chains, lists and blocks: the ignored test
/// `calls_per_byte` measures them), so this leaves room to spare.
const CALLS_PER_BYTE: usize = 256;

/// pest's budget of rule calls for one declaration: no backtracking can make a parse take
/// longer than this many steps, and a declaration as large as a whole file fits. One
/// process-wide value (pest reads it when a parse starts; a per-declaration value would race
/// between threads).
const CALL_LIMIT: usize = CALLS_PER_BYTE * MAX_SOURCE_BYTES;

/// pest's settings are process-wide: its call limit, and whether a parse records what it tried
/// (for the expected tokens of an error message). A parse holds this while it sets and uses
/// them, so that a parse on another thread cannot change them under it; parses of one process
/// therefore take turns.
static PEST_SETTINGS: Mutex<()> = Mutex::new(());

/// Holds pest's settings (see [`PEST_SETTINGS`]); a panic while held leaves nothing to repair.
pub(super) fn pest_settings() -> MutexGuard<'static, ()> {
    PEST_SETTINGS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Parses one file. Returns what could be parsed and every syntax error found, in source order.
///
/// A declaration with a syntax error in its structure is left out of the returned file; one
/// with a bad literal (an integer too large, an unknown escape) is kept with a stand-in value.
pub fn parse_file(sources: &SourceMap, file: FileId) -> (ast::File, Vec<Diagnostic>) {
    parse_file_within(sources, file, CALL_LIMIT)
}

/// [`parse_file`] with pest stopping a declaration's parse after `call_limit` steps.
fn parse_file_within(
    sources: &SourceMap,
    file: FileId,
    call_limit: usize,
) -> (ast::File, Vec<Diagnostic>) {
    let source = sources.file(file);
    let text = &source.text;
    if text.len() > MAX_SOURCE_BYTES {
        let d = Diagnostic::error(
            Code::SyntaxFileTooLarge,
            Span::new(file, 0, 0),
            format!("`{}` is larger than 4 MiB", source.name),
        )
        .with_help(
            "a rule file may be at most 4 MiB (a limit against hostile rule files); split the rules into several files",
        );
        return (ast::File::default(), vec![d]);
    }
    let layout = layout::layout(file, text);
    if layout.chunks.len() > MAX_DECLARATIONS {
        let d = too_many_declarations(Span::new(file, 0, 0), layout.chunks.len());
        return (ast::File::default(), vec![d]);
    }
    let mut diagnostics = layout.diagnostics;
    let mut items = Vec::new();
    let _settings = pest_settings();
    pest::set_call_limit(NonZeroUsize::new(call_limit));
    for chunk in layout.chunks.iter().filter(|c| c.ok) {
        let ctx = build::Ctx {
            file,
            base: chunk.start,
            source: text,
            diagnostics: RefCell::new(Vec::new()),
            too_deep: Cell::new(false),
        };
        let chunk_text = &layout.masked[chunk.start..chunk.end];
        match parse_item(chunk_text) {
            Ok(mut pairs) => {
                if let Some(item) = pairs.next().and_then(|p| ctx.item(p)) {
                    items.push(item);
                }
            }
            Err(e) if matches!(e.variant, ErrorVariant::CustomError { .. }) => {
                // pest's own limits: its stack guard or its call budget.
                let span = Span::new(file, chunk.start, chunk.start);
                diagnostics.push(limit_reached(span, &e.variant.message(), call_limit));
            }
            Err(e) => {
                let d = errors::diagnostic(&ctx, chunk_text, &e);
                match &chunk.stray_closer {
                    Some(stray) if stray.primary.span.start <= d.primary.span.start => {
                        diagnostics.push(stray.clone());
                    }
                    _ => diagnostics.push(d),
                }
            }
        }
        diagnostics.extend(ctx.diagnostics.into_inner());
    }
    diagnostics.sort_by_key(|d| (d.primary.span, d.code));
    (ast::File { items }, diagnostics)
}

/// One declaration. pest records what it tried only when a parse fails, on a second parse:
/// recording costs more than the parse (it copies its stacks of rules at every token), and
/// a declaration without an error, the usual case, needs none of it. Under [`pest_settings`].
fn parse_item(text: &str) -> Result<pest::iterators::Pairs<'_, Rule>, pest::error::Error<Rule>> {
    match SmqlParser::parse(Rule::item, text) {
        Err(e) if !matches!(e.variant, ErrorVariant::CustomError { .. }) => {
            // The literal tokens pest tried at the furthest position name what was expected
            // where no rule does (`{`, `->`, a new line).
            pest::set_error_detail(true);
            let again = SmqlParser::parse(Rule::item, text);
            pest::set_error_detail(false);
            again
        }
        parsed => parsed,
    }
}

/// A rule set (`count` declarations, the first at `span`) over [`MAX_DECLARATIONS`].
pub fn too_many_declarations(span: Span, count: usize) -> Diagnostic {
    Diagnostic::error(
        Code::SyntaxTooManyDeclarations,
        span,
        format!("the rules have {count} declarations, more than 100000"),
    )
    .with_help(format!(
        "a rule set may have at most {MAX_DECLARATIONS} declarations (a limit against hostile rule files); generate a list literal or a `one of` type instead of one declaration per value"
    ))
}

/// The diagnostic for pest's stack guard or call budget (`message` is pest's).
fn limit_reached(span: Span, message: &str, call_limit: usize) -> Diagnostic {
    if message.contains("stack") {
        Diagnostic::error(
            Code::SyntaxTooDeep,
            span,
            "this declaration is nested too deep to parse",
        )
        .with_help(format!(
            "brackets and `if`s may nest {} levels deep (a limit against hostile rule files); split the expression into several definitions",
            layout::MAX_DEPTH
        ))
    } else {
        Diagnostic::error(
            Code::SyntaxTooComplex,
            span,
            "this declaration needs too much work to parse",
        )
        .with_help(format!(
            "the parser stops after {call_limit} steps on one declaration (a limit against hostile rule files); split it into several declarations"
        ))
    }
}
