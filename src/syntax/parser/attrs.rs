//! Doc comments (`##`) and lint allowances (`# smql: allow(a, b)`) directly above a declaration
//! or a schema field. To the grammar they are comments; they attach by position.

use super::build::Ctx;
use super::layout::is_space;
use super::{Rule, SmqlParser};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{Attrs, Ident};
use pest::Parser;

impl Ctx<'_> {
    /// The attributes on the lines directly above the line of `offset`, when the node at
    /// `offset` is the first thing on its line.
    pub(super) fn attrs_above(&self, offset: usize) -> Attrs {
        let source = self.source;
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        if !source[line_start..offset].trim_matches(is_space).is_empty() {
            return Attrs::default();
        }
        // Walk up while the lines are `##` or `# smql:` lines; collected bottom-up.
        let mut docs: Vec<&str> = Vec::new();
        let mut allows: Vec<Vec<Ident>> = Vec::new();
        let mut start = line_start;
        while start > 0 {
            let end = start - 1;
            let prev = source[..end].rfind('\n').map_or(0, |i| i + 1);
            let line = &source[prev..end];
            let trimmed = line.trim_start_matches(is_space);
            let at = prev + (line.len() - trimmed.len());
            if let Some(doc) = trimmed.strip_prefix("##") {
                docs.push(doc.strip_prefix(' ').unwrap_or(doc).trim_end());
            } else if is_smql_line(trimmed) {
                allows.push(self.allow_line(trimmed.trim_end(), at));
            } else {
                break;
            }
            start = prev;
        }
        docs.reverse();
        allows.reverse();
        Attrs {
            doc: (!docs.is_empty()).then(|| docs.join("\n")),
            allow: allows.into_iter().flatten().collect(),
        }
    }

    /// The lint names of one `# smql: allow(…)` line starting at byte `at`.
    fn allow_line(&self, line: &str, at: usize) -> Vec<Ident> {
        match SmqlParser::parse(Rule::allow_line, line) {
            Ok(pairs) => pairs
                .flatten()
                .filter(|p| p.as_rule() == Rule::ident)
                .map(|p| Ident {
                    name: p.as_str().to_string(),
                    span: Span::new(self.file, at + p.as_span().start(), at + p.as_span().end()),
                })
                .collect(),
            Err(_) => {
                self.error(
                    Diagnostic::error(
                        Code::SyntaxInvalidAllow,
                        Span::new(self.file, at, at + line.len()),
                        format!("`{}` is not a lint allowance", crate::diag::quote(line)),
                    )
                    .label("expected `# smql: allow(NAME, …)`")
                    .with_help(
                        "name the lints to silence in parentheses, like `# smql: allow(stage_skip)`",
                    ),
                );
                Vec::new()
            }
        }
    }
}

/// A comment addressed to smql: `# smql: …`.
fn is_smql_line(trimmed: &str) -> bool {
    trimmed
        .strip_prefix('#')
        .is_some_and(|rest| rest.trim_start().starts_with("smql:"))
}
