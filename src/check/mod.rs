//! Name resolution, type checking (with narrowing of optionals) and lowering to the IR; lints.
//!
//! [`check`] parses every file, gathers all declarations into one namespace
//! ([`collect`]), lowers the schema ([`schema`]), orders definitions, scores, grades and the stage
//! by their dependencies and reports cycles ([`order`]), then types and lowers every expression
//! ([`expr`], [`ops`], [`calls`], with narrowing in [`narrow`]) declaration by declaration
//! ([`decls`], [`sla`], [`givens`]). Lints run only on a program without errors.
//!
//! Its diagnostics carry one of these stable codes (`crate::diag::Code`), or `smql::lint::NAME`
//! for a lint's warning (see [`lints`]):
//!
//! | code | meaning |
//! |---|---|
//! | `smql::name::unknown` | a name that is not a field, definition, score, grade or `stage` |
//! | `smql::name::duplicate` | a name (or field, enum value, SLA or test name) declared twice |
//! | `smql::name::cycle` | definitions, scores, grades or `stage` that depend on themselves |
//! | `smql::name::ambiguous` | inside `where`, a bare name that is an element field and a lead name |
//! | `smql::name::reserved` | a reserved word (`crate::syntax::words::RESERVED`) used as a declared name |
//! | `smql::type::mismatch` | an operand or argument of the wrong type |
//! | `smql::type::optional` | a `T?` used where a `T` is needed, without proof it is present |
//! | `smql::type::not_optional` | (warning) `??` whose left side can never be missing |
//! | `smql::type::enum_value` | a string literal that is not a value of the enum it meets |
//! | `smql::call::unknown_function` | a call of a function that does not exist |
//! | `smql::call::arity` | a call with the wrong number of arguments |
//! | `smql::literal::invalid` | a bad literal: date, datetime, regex, duration, percent, period |
//! | `smql::literal::required` | a literal is required (regex pattern, `date` text, half-life, `as of`) |
//! | `smql::schema::missing` | the rule set has no `schema` |
//! | `smql::schema::duplicate` | a second `schema` |
//! | `smql::schema::key` | a second `key`, or a key that is not a required `string`/`int` |
//! | `smql::schema::list` | an invalid `list of` type (nested, optional, records inside) |
//! | `smql::schema::column` | two fields read the same input column, `from` inside a record, or `(0)` |
//! | `smql::schema::format` | `format` on a field that is not a timestamp, or inside a record |
//! | `smql::input::duplicate` | a second `input` block, or a line of it given twice |
//! | `smql::input::invalid` | a bad `input` value: delimiter, `numbers` example, `missing`, `currency` or `footer` text |
//! | `smql::input::time_zone` | a `time zone` that is not in the IANA database |
//! | `smql::input::layout` | a timestamp layout that cannot be read (the label is at the bad specifier) |
//! | `smql::stage::not_segment` | a stage or detour that is not a boolean definition |
//! | `smql::stage::duplicate` | a second `stages`/`detours`, or a name listed twice |
//! | `smql::stage::no_path` | `detours` without `stages` |
//! | `smql::score::duplicate_line` | a second `at least`, `at most` or `decay` in one score |
//! | `smql::grade::missing_else` | a grade without `else` (when the parser did not report it) |
//! | `smql::sla::missing_line` | an SLA lacks a line its kind needs, or its kind cannot be told |
//! | `smql::sla::unexpected_line` | an SLA line that does not belong to its kind, or a repeated line |
//! | `smql::test::given` | a `given` field that is not in the schema, or a value that does not fit |
//! | `smql::where::misplaced` | `where` outside an aggregate's first argument, or `it` outside `where` |
//! | `smql::lint::unknown_lint` | (warning) `# smql: allow(NAME)` where NAME is not a lint |

mod calls;
mod collect;
mod cx;
mod decls;
mod expr;
mod givens;
mod input;
pub mod lints;
mod narrow;
mod ops;
mod order;
mod program;
mod schema;
mod sla;
mod stages;

use crate::diag::Diagnostics;
use crate::ir::Program;
use crate::source::SourceMap;

/// The outcome of checking: the program when there were no errors, and every diagnostic.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub program: Option<Program>,
    /// Errors and warnings, in source order.
    pub diagnostics: Diagnostics,
}

/// Parses every file of `sources`, resolves names across all of them, type-checks, lowers to the
/// IR and runs the lints.
pub fn check(sources: &SourceMap) -> Checked {
    let mut diagnostics = Diagnostics::default();
    let mut files = Vec::new();
    for (id, _) in sources.files() {
        let (file, errors) = crate::syntax::parse_file(sources, id);
        files.push(file);
        for d in errors {
            diagnostics.push(d);
        }
    }
    let syntax_ok = !diagnostics.has_errors();
    let program = program::check_files(sources, &files, syntax_ok, &mut diagnostics);
    let program = match program {
        Some(p) if !diagnostics.has_errors() => {
            for d in lints::lint(&p, sources) {
                diagnostics.push(d);
            }
            Some(p)
        }
        _ => None,
    };
    diagnostics.sort();
    Checked {
        program,
        diagnostics,
    }
}

#[cfg(test)]
mod message_tests;
#[cfg(test)]
mod unit_tests;
