//! How deep a program's expressions are, measured without recursion: every pass over the IR
//! (both evaluators, the JIT's code generation, the explainer) recurses on it, so a program
//! deeper than [`MAX_DEPTH`] is refused before any of them runs (SPEC §13). The checker's
//! programs never are (the parser bounds the syntax tree); this guards generated IR too.

use super::{Decay, Expr, ExprKind, Program, Rule, ScoreEntry, SlaKind};
use crate::source::Span;

/// Deeper than any checked program: the parser's 256 levels, plus the wrappers lowering adds
/// (`ToNumber`, narrowing), with room to spare.
pub const MAX_DEPTH: usize = 1024;

/// The depth of `e` (a leaf is 1).
pub fn depth(e: &Expr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(e, 1)];
    while let Some((e, d)) = stack.pop() {
        deepest = deepest.max(d);
        for_each_child(e, |c| stack.push((c, d + 1)));
    }
    deepest
}

/// The span of the first expression of `program` deeper than [`MAX_DEPTH`], if any.
pub fn too_deep(program: &Program) -> Option<Span> {
    let mut exprs: Vec<&Expr> = program.defs.iter().map(|d| &d.expr).collect();
    for s in &program.scores {
        for entry in &s.entries {
            let items = match entry {
                ScoreEntry::Item(i) => std::slice::from_ref(i),
                ScoreEntry::Group { items, .. } => items.as_slice(),
            };
            for i in items {
                match &i.rule {
                    Rule::Always => {}
                    Rule::When(c) => exprs.push(c),
                    Rule::Per { x, .. } => exprs.push(x),
                }
            }
        }
        if let Some(Decay { since, .. }) = &s.decay {
            exprs.push(since);
        }
    }
    exprs.extend(
        program
            .grades
            .iter()
            .flat_map(|g| g.arms.iter().map(|a| &a.cond)),
    );
    for sla in &program.slas {
        match &sla.kind {
            SlaKind::Deadline {
                population,
                from,
                until,
                ..
            } => exprs.extend([population, from, until]),
            SlaKind::Condition {
                population,
                require,
                ..
            } => exprs.extend([population, require]),
            SlaKind::Volume { population, by, .. } => exprs.extend([population, by]),
        }
    }
    exprs.extend(
        program
            .tests
            .iter()
            .flat_map(|t| t.expects.iter().map(|e| &e.expr)),
    );
    exprs
        .into_iter()
        .find(|e| depth(e) > MAX_DEPTH)
        .map(|e| e.span)
}

fn for_each_child<'e>(e: &'e Expr, mut f: impl FnMut(&'e Expr)) {
    use ExprKind::*;
    match &e.kind {
        Const(_)
        | Field(_)
        | Def(_)
        | Score(_)
        | Grade(_)
        | Stage
        | Elem { .. }
        | ElemField { .. }
        | Now => {}
        ToNumber(x) | Neg(x) | Not(x) | IsPresent(x) | IsMissing(x) | Matches(x, _) => f(x),
        And(a, b)
        | Or(a, b)
        | Arith(_, a, b)
        | Cmp(_, a, b)
        | StartsWith(a, b)
        | EndsWith(a, b)
        | Coalesce(a, b)
        | Within(a, b) => {
            f(a);
            f(b);
        }
        In { x, list, .. } => {
            f(x);
            f(list);
        }
        ListContains { list, arg, .. } => {
            f(list);
            f(arg);
        }
        TextContains { subject, arg, .. } => {
            f(subject);
            f(arg);
        }
        If(c, t, o) => {
            f(c);
            f(t);
            f(o);
        }
        ListLit(items) | Call(_, items) => items.iter().for_each(f),
        Agg { list, cond, .. } => {
            f(list);
            if let Some(c) = cond {
                f(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Ty;
    use crate::value::Value;

    fn leaf() -> Expr {
        Expr {
            kind: ExprKind::Const(Value::Bool(true)),
            ty: Ty::Bool,
            span: Span::default(),
        }
    }

    #[test]
    fn measures_without_recursion() {
        let mut e = leaf();
        for _ in 0..100_000 {
            e = Expr {
                kind: ExprKind::Not(Box::new(e)),
                ty: Ty::Bool,
                span: Span::default(),
            };
        }
        assert_eq!(depth(&e), 100_001);
        let pair = Expr {
            kind: ExprKind::And(Box::new(leaf()), Box::new(leaf())),
            ty: Ty::Bool,
            span: Span::default(),
        };
        assert_eq!(depth(&pair), 2);
        // Dropping a tree this deep recurses too: take it apart by hand.
        while let ExprKind::Not(inner) = e.kind {
            e = *inner;
        }
    }
}
