//! The sub-expressions of an expression, for the passes that look for the names it uses, and
//! the expressions of a rule set, for the passes that look at all of them (the depth guard, the
//! fields in use, `doc`'s references).

use super::{Expr, ExprKind, Program, Rule, Score, ScoreEntry, SlaKind};

impl Expr {
    /// Pushes the direct sub-expressions of `self` onto `stack` (callers keep an explicit stack:
    /// a chain of thousands of `and`s is as deep as it is long). Inside `where`, the element
    /// (`it`, its fields) is not a name of the lead; the lead's names there are sub-expressions
    /// like any other.
    pub fn push_children<'e>(&'e self, stack: &mut Vec<&'e Expr>) {
        match &self.kind {
            ExprKind::Const(_)
            | ExprKind::Field(_)
            | ExprKind::Def(_)
            | ExprKind::Score(_)
            | ExprKind::Grade(_)
            | ExprKind::Stage
            | ExprKind::Elem { .. }
            | ExprKind::ElemField { .. }
            | ExprKind::Now => {}
            ExprKind::ToNumber(x)
            | ExprKind::Neg(x)
            | ExprKind::Not(x)
            | ExprKind::IsPresent(x)
            | ExprKind::IsMissing(x)
            | ExprKind::Matches(x, _) => stack.push(x),
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::StartsWith(a, b)
            | ExprKind::EndsWith(a, b)
            | ExprKind::Coalesce(a, b)
            | ExprKind::Within(a, b)
            | ExprKind::In { x: a, list: b, .. }
            | ExprKind::ListContains {
                list: a, arg: b, ..
            }
            | ExprKind::TextContains {
                subject: a, arg: b, ..
            } => {
                stack.push(a);
                stack.push(b);
            }
            ExprKind::If(c, a, b) => stack.extend([&**c, &**a, &**b]),
            ExprKind::ListLit(items) | ExprKind::Call(_, items) => stack.extend(items),
            ExprKind::Agg { list, cond, .. } => {
                stack.push(list);
                stack.extend(cond.as_deref());
            }
        }
    }
}

impl Score {
    /// The expressions of a score: its items' conditions and `per` values, then its decay's
    /// `since`.
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        for entry in &self.entries {
            let items = match entry {
                ScoreEntry::Item(item) => std::slice::from_ref(item),
                ScoreEntry::Group { items, .. } => items.as_slice(),
            };
            for item in items {
                match &item.rule {
                    Rule::When(e) | Rule::Per { x: e, .. } => out.push(e),
                    // A base score reads nothing.
                    Rule::Always => {}
                }
            }
        }
        out.extend(self.decay.as_ref().map(|d| &d.since));
        out
    }
}

impl SlaKind {
    /// The expressions of an SLA: its population, then `from` and `until`, `require`, or `by`.
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            SlaKind::Deadline {
                population,
                from,
                until,
                ..
            } => vec![population, from, until],
            SlaKind::Condition {
                population,
                require,
                ..
            } => vec![population, require],
            SlaKind::Volume { population, by, .. } => vec![population, by],
        }
    }
}

impl Program {
    /// Every expression of the rule set, each once: definitions, scores, grade arms, stage
    /// dates, SLAs, then tests' expectations.
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut out: Vec<&Expr> = self.defs.iter().map(|d| &d.expr).collect();
        out.extend(self.scores.iter().flat_map(Score::exprs));
        out.extend(
            self.grades
                .iter()
                .flat_map(|g| g.arms.iter().map(|a| &a.cond)),
        );
        if let Some(stages) = &self.stages {
            out.extend(
                stages
                    .path
                    .iter()
                    .chain(&stages.detours)
                    .filter_map(|step| step.at.as_ref()),
            );
        }
        out.extend(self.slas.iter().flat_map(|s| s.kind.exprs()));
        out.extend(
            self.tests
                .iter()
                .flat_map(|t| t.expects.iter().map(|e| &e.expr)),
        );
        out
    }
}
