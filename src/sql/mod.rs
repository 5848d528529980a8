//! `smql compile`: a checked rule set as one SQL query per dialect (SPEC §14.5).
//!
//! ```text
//! ir::Program ──lower (one lowering, asking dialect::Spec)──▶ sqlparser AST ──Display──▶ SQL text
//!                 │ lower.rs  expressions      lists.rs  lists and text search
//!                 │ query.rs  columns, CTEs    text.rs   literals, case tables   regex.rs  patterns
//!                 └ dialect.rs  one table per dialect: capabilities and spellings
//! ```
//!
//! The query computes, for every row of the table, the columns `smql eval` writes, with the
//! same values (numbers to a relative 1e-9); what a dialect cannot say with the same meaning is
//! refused with a diagnostic at the construct ([`Code::SqlUnsupported`]). Differences that
//! remain and are not silent: an integer overflow stops the whole query (where `smql eval`
//! rejects the lead), also one in the `where` of `any`/`all` for an element after the one that
//! decides (branches of `and`, `or`, `??`, `if` and later grade arms are evaluated only where
//! smql evaluates them: `Lower::hoist`); PostgreSQL stops where a double
//! overflows or underflows; text functions stop the query on the few characters whose case
//! mapping depends on context (`lower` of `Σ`).
//!
//! | code | meaning |
//! |---|---|
//! | `smql::sql::unsupported` | the dialect cannot say the construct with smql's meaning (the message names the dialect and why) |
//! | `smql::sql::internal` | a construct the lowering did not expect: a bug, reported rather than miscompiled |

mod build;
mod ddl;
pub mod dialect;
mod lists;
mod lower;
mod numbers;
mod query;
mod regex;
mod text;

pub use dialect::Dialect;

use crate::diag::{Code, Diagnostic};
use crate::eval::Source;
use crate::ir::Program;
use crate::source::Span;

/// Why a construct was not compiled.
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub span: Span,
    /// What the dialect lacks (lowercase, no trailing period).
    pub message: String,
    pub help: Option<String>,
    /// The engine's name, empty for an internal error.
    pub dialect: &'static str,
}

impl Refusal {
    pub(crate) fn new(span: Span, spec: &dialect::Spec, why: String) -> Refusal {
        Refusal {
            span,
            message: why,
            help: None,
            dialect: spec.name,
        }
    }

    pub(crate) fn internal(span: Span, why: &str) -> Refusal {
        Refusal {
            span,
            message: format!("internal: {why}"),
            help: None,
            dialect: "",
        }
    }

    fn diagnostic(self) -> Diagnostic {
        let (code, message) = if self.dialect.is_empty() {
            (Code::SqlInternal, self.message)
        } else {
            (
                Code::SqlUnsupported,
                format!("cannot compile this for {}: {}", self.dialect, self.message),
            )
        };
        let d = Diagnostic::error(code, self.span, message);
        match self.help {
            Some(h) => d.with_help(h),
            None => d,
        }
    }
}

/// What to compile.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    pub dialect: Dialect,
    /// The table of leads (`schema.table` allowed).
    pub table: &'a str,
    /// Columns are named as the input (`from "…"`) rather than as the fields.
    pub input_names: bool,
    /// The output columns, as `smql eval` would write them (`output::rows`).
    pub columns: Vec<(String, Source)>,
    /// `--as-of` (epoch ms); else the engine's current time.
    pub as_of: Option<i64>,
    /// Wrap the query in `CREATE OR REPLACE VIEW name AS …`.
    pub create_view: Option<&'a str>,
}

/// The query as SQL text, or a diagnostic for every construct the dialect cannot say.
pub fn compile(program: &Program, options: &Options) -> Result<String, Vec<Diagnostic>> {
    // The lowering recurses on the IR, and `sqlparser` clones, prints and drops the query's
    // tree (a few levels per IR level) by recursion: one reserve of stack covers all of them.
    crate::stack::with_room(SQL_STACK, || compile_on_stack(program, options))
}

/// Stack that [`compile`] makes sure of (address space; only what the recursion uses is memory).
const SQL_STACK: usize = 32 << 20;

fn compile_on_stack(program: &Program, options: &Options) -> Result<String, Vec<Diagnostic>> {
    let spec = options.dialect.spec();
    let plan = query::Plan {
        program,
        table: options.table,
        input_names: options.input_names,
        columns: &options.columns,
        now: options.as_of,
    };
    let q = query::build(&plan, spec)
        .map_err(|rs| rs.into_iter().map(Refusal::diagnostic).collect::<Vec<_>>())?;
    let mut out = format!(
        "-- smql compile --dialect {}: the columns of `smql eval`, one row per lead\n",
        format!("{:?}", options.dialect).to_lowercase()
    );
    if let Some(view) = options.create_view {
        out.push_str(&format!(
            "CREATE OR REPLACE VIEW {} AS\n",
            ddl::table_name(spec, view)
        ));
    }
    out.push_str(&format!("{q:#}"));
    out.push_str(";\n");
    Ok(out)
}

/// `CREATE TABLE` for the schema (`--ddl`).
pub fn create_table(program: &Program, dialect: Dialect, table: &str, input_names: bool) -> String {
    ddl::create_table(dialect.spec(), program, table, input_names)
}

#[cfg(test)]
mod tests;
