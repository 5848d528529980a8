//! smql: the Sales & Marketing Qualification Language.
//!
//! ```text
//!  .smql files ──pest──▶ AST ──check──▶ typed IR ──▶ interpreter / JIT ──▶ writers, test, sla
//!  leads (json/ndjson/csv[.gz]) ──schema-directed reader──▶ columnar batches ──┘
//! ```
//!
//! The small public API: [`RuleSet::compile`] turns sources into a checked [`ir::Program`] (or
//! every diagnostic of the run).

pub mod check;
pub mod cli;
pub mod data;
pub mod diag;
pub mod eval;
pub mod ir;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod source;
pub mod syntax;
pub mod time;
pub mod value;

#[cfg(test)]
mod docs_examples;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use source::{SourceMap, Span};

/// A checked rule set: its sources (for messages), its IR and any warnings (lints).
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub sources: SourceMap,
    pub program: ir::Program,
    pub warnings: Diagnostics,
}

/// A rule set that did not check: its sources and every diagnostic (errors and warnings).
#[derive(Debug, Clone)]
pub struct CompileError {
    pub sources: SourceMap,
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

    /// Convenience for tests and embedding: one file from a string.
    pub fn compile_str(name: &str, text: &str) -> Result<RuleSet, Box<CompileError>> {
        let mut sources = SourceMap::new();
        sources.add(name, text);
        RuleSet::compile(sources)
    }
}
