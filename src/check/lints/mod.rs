//! Lints of docs/commands.md over the typed IR. Each warns only where it can prove its claim.
//!
//! | lint | claim, and how it is proven |
//! |---|---|
//! | `unsatisfiable` | a condition (boolean definition, grade arm, SLA population or `require`) never holds: its DNF has no possible conjunction |
//! | `always_true` | a condition (as above, or a score item's `when`) always holds: its negation has no possible conjunction |
//! | `dead_item` | a score item never adds points: its `when` never holds, it adds `0`, or it is capped `up to 0` |
//! | `unreachable_arm` | a grade arm is never chosen: it and the negations of all earlier arms have no possible conjunction |
//! | `duplicate_item` | two items of one score (or one group) have the same rule: equal modulo spans, or each condition implies the other |
//! | `stage_skip` | a stage's definition holds for some lead whose previous stage's does not: a witness lead is built from fields only |
//! | `stage_date_order` | a stage's date precedes an earlier stage's for every lead with both: each reduces, through definitions, to one field (or the epoch) plus constant durations, and the offsets say so |
//! | `test_needs_as_of` | a test without `as of` expects something that reads the current time (`now`, `within`, `decayed_count`, a score's `decay`), directly or through definitions, scores, grades or `stage` |
//!
//! The reasoning ([`logic`]) turns conditions into DNFs over constraints on terms: intervals for
//! ordered values, finite/co-finite sets for strings and enums, presence for optionals. Anything
//! else is an opaque boolean term, which keeps "impossible" claims sound. A condition that only
//! fails because a definition it expands is itself flagged is not reported again.
//!
//! `# smql: allow(NAME)` above a declaration silences NAME there; for `stage_skip`, the allow goes
//! above the later stage's definition (or above `stages`). An unknown NAME is itself a warning
//! (`unknown_lint`), with a suggestion.

mod allow;
mod compare;
mod conditions;
mod logic;
mod now;
mod sets;
mod stage_dates;
mod stages;
mod support;
mod terms;

use crate::diag::{quote, Code, Diagnostic, Lint};
use crate::ir::{Allow, DefId, Expr, ExprKind, Program};
use crate::source::{SourceMap, Span};
use logic::{Conflict, Dnf, Logic};
use std::collections::BTreeSet;

/// Runs every lint over a checked program. Warnings only, in source order.
pub fn lint(program: &Program, sources: &SourceMap) -> Vec<Diagnostic> {
    let mut cx = Cx {
        logic: Logic::new(terms::Terms::new(program, sources)),
        supports: support::Supports::new(program),
        program,
        flagged: BTreeSet::new(),
        out: Vec::new(),
    };
    conditions::definitions(&mut cx);
    conditions::scores(&mut cx);
    conditions::grades(&mut cx);
    conditions::slas(&mut cx);
    stages::stage_skip(&mut cx);
    stage_dates::stage_date_order(&mut cx);
    now::test_needs_as_of(&mut cx);
    allow::unknown_lints(&mut cx);
    let mut out = cx.out;
    out.sort_by_key(|d| (d.primary.span, d.code));
    out
}

/// The state of one lint run.
struct Cx<'a> {
    logic: Logic<'a>,
    /// What each definition reads, for comparing only conditions that read the same things.
    supports: support::Supports,
    program: &'a Program,
    /// Boolean definitions that never or always hold: conditions expanding them are not reported
    /// again (the definition carries the one warning).
    flagged: BTreeSet<DefId>,
    out: Vec<Diagnostic>,
}

/// What a condition is proven to do.
enum Verdict {
    /// Never holds; the DNF of the condition (empty), with its conflicts.
    Never(Dnf),
    /// Always holds; the DNF of its negation (empty), with its conflicts.
    Always(Dnf),
    Unknown,
}

impl<'a> Cx<'a> {
    /// Pushes a warning for `lint` unless `allow` silences it.
    fn warn(&mut self, lint: Lint, allow: &[Allow], diag: Diagnostic) {
        if !allows(allow, lint) {
            self.out.push(diag);
        }
    }

    fn warning(lint: Lint, span: Span, message: String) -> Diagnostic {
        Diagnostic::warning(Code::Lint(lint), span, message)
    }

    /// Whether the condition never or always holds. Literal `true`/`false` are deliberate and
    /// never judged; a verdict that follows from an already flagged definition is not repeated.
    fn judge(&mut self, e: &Expr) -> Verdict {
        if matches!(e.kind, ExprKind::Const(_)) {
            return Verdict::Unknown;
        }
        self.logic.reset_touched();
        let (Some(pos), Some(neg)) = (self.logic.dnf(e, true), self.logic.dnf(e, false)) else {
            return Verdict::Unknown;
        };
        if self.touches_flagged() {
            return Verdict::Unknown;
        }
        if pos.is_false() && pos.dropped > 0 {
            Verdict::Never(pos)
        } else if neg.is_false() && neg.dropped > 0 {
            Verdict::Always(neg)
        } else {
            Verdict::Unknown
        }
    }

    fn touches_flagged(&self) -> bool {
        self.logic.touched.iter().any(|d| self.flagged.contains(d))
    }

    /// `a and b` (each possibly negated) as a DNF.
    fn both(&mut self, a: &Expr, a_pos: bool, b: &Expr, b_pos: bool) -> Option<Dnf> {
        let l = self.logic.dnf(a, a_pos)?;
        let r = self.logic.dnf(b, b_pos)?;
        l.and(r)
    }

    /// Why a DNF is empty, for a condition that never holds: ``visits` cannot be both …`.
    fn why_never(&self, dnf: &Dnf) -> String {
        let Some(first) = dnf.conflicts.first() else {
            return "it is contradictory".to_string();
        };
        let clash = self.clash(first);
        if dnf.dropped <= 1 {
            clash
        } else {
            format!(
                "none of its {} alternatives is possible ({clash})",
                dnf.dropped
            )
        }
    }

    /// Why the negation is empty, for a condition that always holds: "whatever the value of
    /// `visits`", "for every lead".
    fn why_always(&self, neg: &Dnf) -> String {
        let terms: BTreeSet<_> = neg.conflicts.iter().map(|c| c.term).collect();
        match (terms.len(), terms.first()) {
            (1, Some(&t)) if neg.conflicts.len() == neg.dropped => format!(
                "whatever the value of `{}`",
                self.logic.terms.info(t).display
            ),
            _ => "for every lead".to_string(),
        }
    }

    /// The text of a condition, shortened for a message.
    fn text(&self, e: &Expr) -> String {
        quote(&self.logic.terms.display(e))
    }

    fn clash(&self, c: &Conflict) -> String {
        let term = &self.logic.terms.info(c.term).display;
        match c.descs.as_slice() {
            [one] => format!("`{term}` can never be {one}"),
            [a, b] => format!("`{term}` cannot be both {a} and {b}"),
            [init @ .., last] => {
                format!("`{term}` cannot be at once {} and {last}", init.join(", "))
            }
            [] => format!("`{term}` has no possible value"),
        }
    }
}

/// Whether the allowances name `lint`.
fn allows(allow: &[Allow], lint: Lint) -> bool {
    allow.iter().any(|a| a.lint == lint.name())
}

/// A score item as written, shortened: `+5 when visits > 3`, `+2 per opens up to 10`.
fn item_text(item: &crate::ir::ScoreItem) -> String {
    let p = item.points;
    let points = if p.fract() == 0.0 && p.abs() < 1e15 {
        format!("{:+}", p as i64)
    } else {
        format!("{p:+}")
    };
    match item.rule {
        crate::ir::Rule::Always => points,
        crate::ir::Rule::When(_) => quote(&format!("{points} when {}", item.source)),
        crate::ir::Rule::Per { .. } => quote(&format!("{points} {}", item.source)),
    }
}

fn allow_help(lint: Lint, what: &str) -> String {
    format!("if this is intended, add `# smql: allow({lint})` above {what}")
}

#[cfg(test)]
mod test_builder;
#[cfg(test)]
mod tests;
