//! How deep a program's expressions are, measured without recursion: every pass over the IR
//! (both evaluators, the JIT's code generation, the explainer) recurses on it, so a program
//! deeper than [`MAX_DEPTH`] is refused before any of them runs (SPEC §13). The checker's
//! programs never are (the parser bounds the syntax tree); this guards generated IR too.

use super::{Expr, Program};
use crate::source::Span;

/// Deeper than any checked program: the parser's 256 levels, plus the wrappers lowering adds
/// (`ToNumber`, narrowing), with room to spare.
pub const MAX_DEPTH: usize = 1024;

/// The depth of `e` (a leaf is 1).
pub fn depth(e: &Expr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(e, 1)];
    let mut children = Vec::new();
    while let Some((e, d)) = stack.pop() {
        deepest = deepest.max(d);
        e.push_children(&mut children);
        stack.extend(children.drain(..).map(|c| (c, d + 1)));
    }
    deepest
}

/// The span of the first expression of `program` deeper than [`MAX_DEPTH`], if any.
pub fn too_deep(program: &Program) -> Option<Span> {
    program
        .exprs()
        .into_iter()
        .find(|e| depth(e) > MAX_DEPTH)
        .map(|e| e.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ExprKind, Ty};
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
