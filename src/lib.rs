//! # smql: the Sales & Marketing Qualification Language
//!
//! Marketing and sales write down what their words mean — a lead, an MQL, a qualified
//! opportunity, how many points each behaviour is worth, what each team promises the other — in
//! `.smql` files; this crate checks those files like a compiler and evaluates them over leads.
//! The language is described in `docs/language.md`, the `smql` command in `docs/commands.md`.
//!
//! ```text
//!  .smql files ──pest──▶ AST ──check──▶ typed IR ──▶ Evaluator (JIT | interpreter) ──▶ writers, test, sla
//!  leads (json/ndjson/csv[.gz]) ──schema-directed reader──▶ columnar batches ──┘
//! ```
//!
//! # Embedding
//!
//! [`RuleSet::compile`] checks the rules (or gives every diagnostic); an [`Evaluator`] is made
//! once per rule set and shared between threads; a [`Lead`] read from JSON is evaluated into a
//! [`Scored`] lead whose values are read by name.
//!
//! ```
//! use smql::{Engine, Evaluator, Lead, RuleSet};
//!
//! let rules = RuleSet::compile_str("rules.smql", r#"
//! schema {
//!   id:     string key
//!   visits: int
//!   title:  string?
//! }
//! MQL when visits >= 3
//! score fit {
//!   +10 when title is present and title contains "vp"
//!   +2 per visits up to 10
//! }
//! "#)?;
//! let evaluator = Evaluator::new(&rules, Engine::Auto)?;
//! let lead = Lead::from_json(&evaluator, r#"{"id": "L-1", "visits": 4, "title": "VP Sales"}"#)?;
//! let now = 1_790_000_000_000; // epoch milliseconds: what `now` means in the rules
//! let scored = evaluator.eval_lead(&lead, now)?;
//! assert_eq!(scored.score("fit"), Some(18.0));
//! assert_eq!(scored.definition("MQL"), Some(smql::Value::Bool(true)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Whole files go through [`Evaluator::open`] and [`Evaluator::run`], which evaluate batches of
//! records on every core and hand each batch's [`eval::Outcome`] to the caller in input order.
//!
//! The modules marked hidden (the parser, checker, IR, readers, writers and the command line)
//! are the implementation: public for the crate's own tests and benchmarks, not an interface.

#![warn(missing_docs)]

#[doc(hidden)]
pub mod check;
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod data;
#[doc(hidden)]
pub mod diag;
pub mod eval;
#[doc(hidden)]
pub mod fuzzing;
#[doc(hidden)]
pub mod ir;
#[doc(hidden)]
pub mod output;
#[doc(hidden)]
pub mod pipeline;
#[doc(hidden)]
pub mod report;
#[doc(hidden)]
pub mod source;
#[doc(hidden)]
pub mod sql;
mod stack;
#[doc(hidden)]
pub mod syntax;
#[doc(hidden)]
pub mod time;
pub mod value;

#[cfg(test)]
mod docs_examples;

pub use diag::{Code, Diagnostic, Diagnostics, Lint, Severity};
pub use eval::{Engine, EngineError, EngineKind, EvalError, Evaluator, Lead, LeadError, Scored};
pub use source::{SourceMap, Span};
pub use value::Value;

use std::fmt;

/// A checked rule set: its sources (for messages), its IR and any warnings (lints).
#[derive(Debug, Clone)]
pub struct RuleSet {
    #[doc(hidden)]
    pub sources: SourceMap,
    #[doc(hidden)]
    pub program: ir::Program,
    #[doc(hidden)]
    pub warnings: Diagnostics,
}

/// A rule set that did not check: its sources and every diagnostic (errors and warnings).
/// Its [`Display`](fmt::Display) shows them as `smql check` does, without colour.
#[derive(Debug, Clone)]
pub struct CompileError {
    #[doc(hidden)]
    pub sources: SourceMap,
    #[doc(hidden)]
    pub diagnostics: Diagnostics,
}

impl RuleSet {
    /// Parses, resolves, type-checks and lints every file of `sources` as one rule set.
    pub fn compile(sources: SourceMap) -> Result<RuleSet, Box<CompileError>> {
        let checked = check::check(&sources);
        match checked.program {
            Some(program) if !checked.diagnostics.has_errors() => Ok(RuleSet {
                sources,
                program,
                warnings: checked.diagnostics,
            }),
            _ => Err(Box::new(CompileError {
                sources,
                diagnostics: checked.diagnostics,
            })),
        }
    }

    /// One file from a string, as [`RuleSet::compile`].
    pub fn compile_str(name: &str, text: &str) -> Result<RuleSet, Box<CompileError>> {
        let mut sources = SourceMap::new();
        sources.add(name, text);
        RuleSet::compile(sources)
    }

    /// The warnings (lints) of a rule set that checked, rendered as `smql check` shows them,
    /// without colour.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings
            .iter()
            .map(|d| diag::render(d, &self.sources, false, 100))
            .collect()
    }
}

impl CompileError {
    /// The error diagnostics' messages, in source order (`cannot compare …`), without the
    /// source excerpts.
    pub fn messages(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect()
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut diags = self.diagnostics.clone();
        diags.sort();
        for d in diags.iter() {
            f.write_str(&diag::render(d, &self.sources, false, 100))?;
        }
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let noun = if errors == 1 { "error" } else { "errors" };
        write!(f, "the rules have {errors} {noun}")
    }
}

impl std::error::Error for CompileError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compile_error_displays_its_diagnostics() {
        let err = RuleSet::compile_str("r.smql", "schema {\n  id: string key\n}\nx when nope\n")
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("r.smql"), "{text}");
        assert!(text.contains("nope"), "{text}");
        assert!(text.ends_with("the rules have 1 error"), "{text}");
        assert_eq!(err.messages().len(), 1);
        let boxed: Box<dyn std::error::Error> = err;
        assert!(!boxed.to_string().is_empty());
    }
}
