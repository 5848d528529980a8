//! Narrowing of optionals (docs/language.md, "Types"): which values a condition proves present.
//!
//! A condition is read on the lowered IR: `x is present` proves `x` when true, `x is missing`
//! proves it when false, `not` swaps the two, `a and b` proves what either proves when true (and
//! what both prove when false), `a or b` the converse. The checker adds the proven places while
//! it checks the right side of `and`/`or` and the branches of `if`, and drops them afterwards, so
//! narrowing flows left to right and never crosses a definition.

use crate::ir::{self, ExprKind};

/// A value that can be narrowed: a field, a definition, `stage` or a field of a `where` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Field(u32),
    Def(u32),
    Stage,
    /// `depth` counts enclosing `where`s from the outermost (0), so a place keeps its meaning
    /// inside nested `where`s, where IR levels are relative.
    Elem {
        depth: u32,
        index: u32,
    },
}

/// The place an expression reads, if it is a plain read. `depth` is the number of enclosing
/// `where`s at the expression.
pub(crate) fn place(e: &ir::Expr, depth: u32) -> Option<Place> {
    match e.kind {
        ExprKind::Field(id) => Some(Place::Field(id.0)),
        ExprKind::Def(id) => Some(Place::Def(id.0)),
        ExprKind::Stage => Some(Place::Stage),
        ExprKind::ElemField { level, index } => depth
            .checked_sub(level + 1)
            .map(|d| Place::Elem { depth: d, index }),
        _ => None,
    }
}

/// What a condition proves present when it is true and when it is false.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Facts {
    pub when_true: Vec<Place>,
    pub when_false: Vec<Place>,
}

pub(crate) fn facts(e: &ir::Expr, depth: u32) -> Facts {
    match &e.kind {
        ExprKind::IsPresent(x) => Facts {
            when_true: place(x, depth).into_iter().collect(),
            when_false: Vec::new(),
        },
        ExprKind::IsMissing(x) => Facts {
            when_true: Vec::new(),
            when_false: place(x, depth).into_iter().collect(),
        },
        ExprKind::Not(x) => {
            let f = facts(x, depth);
            Facts {
                when_true: f.when_false,
                when_false: f.when_true,
            }
        }
        ExprKind::And(a, b) => {
            let (fa, fb) = (facts(a, depth), facts(b, depth));
            Facts {
                when_true: union(fa.when_true, fb.when_true),
                when_false: intersection(fa.when_false, &fb.when_false),
            }
        }
        ExprKind::Or(a, b) => {
            let (fa, fb) = (facts(a, depth), facts(b, depth));
            Facts {
                when_true: intersection(fa.when_true, &fb.when_true),
                when_false: union(fa.when_false, fb.when_false),
            }
        }
        _ => Facts::default(),
    }
}

fn union(mut a: Vec<Place>, b: Vec<Place>) -> Vec<Place> {
    for p in b {
        if !a.contains(&p) {
            a.push(p);
        }
    }
    a
}

fn intersection(mut a: Vec<Place>, b: &[Place]) -> Vec<Place> {
    a.retain(|p| b.contains(p));
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Expr, FieldId, Ty};
    use crate::source::Span;

    fn e(kind: ExprKind) -> Expr {
        Expr {
            kind,
            ty: Ty::Bool,
            span: Span::default(),
        }
    }
    fn field(i: u32) -> Box<Expr> {
        Box::new(Expr {
            kind: ExprKind::Field(FieldId(i)),
            ty: Ty::Int.optional(),
            span: Span::default(),
        })
    }

    #[test]
    fn present_and_missing() {
        let f = facts(&e(ExprKind::IsPresent(field(1))), 0);
        assert_eq!(f.when_true, vec![Place::Field(1)]);
        assert!(f.when_false.is_empty());
        let f = facts(&e(ExprKind::IsMissing(field(1))), 0);
        assert_eq!(f.when_false, vec![Place::Field(1)]);
    }

    #[test]
    fn not_swaps_and_combines() {
        let not_missing = e(ExprKind::Not(Box::new(e(ExprKind::IsMissing(field(2))))));
        assert_eq!(facts(&not_missing, 0).when_true, vec![Place::Field(2)]);
        let both = e(ExprKind::And(
            Box::new(e(ExprKind::IsPresent(field(1)))),
            Box::new(e(ExprKind::IsPresent(field(2)))),
        ));
        assert_eq!(
            facts(&both, 0).when_true,
            vec![Place::Field(1), Place::Field(2)]
        );
        // `x is present or y is present` proves neither.
        let either = e(ExprKind::Or(
            Box::new(e(ExprKind::IsPresent(field(1)))),
            Box::new(e(ExprKind::IsPresent(field(2)))),
        ));
        assert!(facts(&either, 0).when_true.is_empty());
        // `x is missing or y is missing` false proves both.
        let none = e(ExprKind::Or(
            Box::new(e(ExprKind::IsMissing(field(1)))),
            Box::new(e(ExprKind::IsMissing(field(2)))),
        ));
        assert_eq!(
            facts(&none, 0).when_false,
            vec![Place::Field(1), Place::Field(2)]
        );
    }

    #[test]
    fn element_places_are_absolute() {
        let x = Expr {
            kind: ExprKind::ElemField { level: 0, index: 3 },
            ty: Ty::Int.optional(),
            span: Span::default(),
        };
        assert_eq!(place(&x, 2), Some(Place::Elem { depth: 1, index: 3 }));
        assert_eq!(place(&x, 0), None);
    }
}
