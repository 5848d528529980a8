//! The sub-expressions of an expression, for the passes that look for the names it uses.

use super::{Expr, ExprKind};

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
