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
//! | `smql::syntax::too_deep` | brackets nested deeper than the parser accepts (64 levels) |
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
use crate::diag::Diagnostic;
use crate::source::{FileId, SourceMap};
use pest::Parser;
use std::cell::RefCell;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/smql.pest"]
pub(crate) struct SmqlParser;

/// Parses one file. Returns what could be parsed and every syntax error found, in source order.
///
/// A declaration with a syntax error in its structure is left out of the returned file; one
/// with a bad literal (an integer too large, an unknown escape) is kept with a stand-in value.
pub fn parse_file(sources: &SourceMap, file: FileId) -> (ast::File, Vec<Diagnostic>) {
    let text = &sources.file(file).text;
    let layout = layout::layout(file, text);
    let mut diagnostics = layout.diagnostics;
    let mut items = Vec::new();
    // Collect the literal tokens pest tried at the furthest position: they name what was
    // expected where no rule does (`{`, `->`, a new line).
    pest::set_error_detail(true);
    for chunk in layout.chunks.iter().filter(|c| c.ok) {
        let ctx = build::Ctx {
            file,
            base: chunk.start,
            source: text,
            diagnostics: RefCell::new(Vec::new()),
        };
        let chunk_text = &layout.masked[chunk.start..chunk.end];
        match SmqlParser::parse(Rule::item, chunk_text) {
            Ok(mut pairs) => {
                if let Some(item) = pairs.next().and_then(|p| ctx.item(p)) {
                    items.push(item);
                }
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
