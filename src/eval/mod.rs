//! Evaluation: a checked rule set made ready to run ([`Evaluator`]), over one lead ([`Lead`] →
//! [`Scored`]) or a whole input ([`Evaluator::run`] → an [`Outcome`] per batch).
//!
//! Inside, two engines give identical results: the reference interpreter (`interp`, `expr`),
//! written for obviousness, one lead at a time, the oracle; and the cranelift JIT ([`jit`]),
//! one native kernel per rule set over columnar batches. `math` and `text` hold what both share
//! so floats and case folding agree exactly; `trace` records why a score, grade and stage came
//! out as they did; `test_runner` runs `test` blocks.

mod engine;
mod expr;
mod interp;
#[doc(hidden)]
pub mod jit;
mod lead;
#[doc(hidden)]
pub mod math;
mod outcome;
mod row_expr;
mod run;
mod score;
#[doc(hidden)]
pub mod test_runner;
#[doc(hidden)]
pub mod text;
#[doc(hidden)]
pub mod trace;

pub use engine::{Engine, EngineError, EngineKind, Evaluator};
#[doc(hidden)]
pub use expr::eval_expr;
#[doc(hidden)]
pub use interp::eval_lead;
pub use lead::{Explanation, Lead, LeadError, Scored};
pub use outcome::{Cells, Outcome, Row, Source};
#[doc(hidden)]
pub use row_expr::{RowExpr, Scratch};
pub use run::{MaxRejects, Observers, OnError, RunOptions};
pub use test_runner::{run_test, run_tests, TestOutcome};
pub use trace::WhyItem;
#[doc(hidden)]
pub use trace::{why_items, Trace};

use crate::ir::Program;
use crate::source::Span;
use crate::value::Value;
use std::fmt;
use std::sync::Arc;

/// An evaluation error for one lead (integer overflow, or an inconsistency in the IR reported as
/// `internal: …` instead of a panic).
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    /// Lowercase, no trailing period, values in backticks.
    pub message: String,
    /// The expression that failed.
    pub span: Span,
}

impl EvalError {
    /// An error of the expression at `span`.
    pub fn new(span: Span, message: impl Into<String>) -> EvalError {
        EvalError {
            message: message.into(),
            span,
        }
    }

    /// Something the checker guarantees did not hold: a bug, reported rather than panicking.
    pub fn internal(span: Span, message: impl fmt::Display) -> EvalError {
        EvalError::new(span, format!("internal: {message}"))
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

/// A grade's value: its label and the label's position in the grade's type (`Grade::ty`).
#[derive(Debug, Clone, PartialEq)]
pub struct GradeValue {
    /// The label's position among the grade's labels.
    pub index: u32,
    /// The label.
    pub label: Arc<str>,
}

/// Everything computed for one lead.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadValues {
    /// By `DefId`.
    pub defs: Vec<Value>,
    /// By `ScoreId`.
    pub scores: Vec<f64>,
    /// By `GradeId`.
    pub grades: Vec<GradeValue>,
    /// `Value::Str` of the stage name, or `Value::Missing` (also when no `stages` is declared).
    pub stage: Value,
}

impl LeadValues {
    /// Placeholders for a program's nodes, before evaluation (defs missing, scores 0, grades
    /// their `else` label).
    pub fn empty(program: &Program) -> LeadValues {
        LeadValues {
            defs: vec![Value::Missing; program.defs.len()],
            scores: vec![0.0; program.scores.len()],
            grades: program
                .grades
                .iter()
                .map(|g| GradeValue {
                    index: 0,
                    label: Arc::from(g.otherwise.as_str()),
                })
                .collect(),
            stage: Value::Missing,
        }
    }
}

#[cfg(test)]
mod expr_tests;
#[cfg(test)]
mod lead_tests;
#[cfg(test)]
mod testkit;
