//! Expressions: pest pairs → `ast::Expr`, with precedence from a Pratt table (docs/language.md, "Operator precedence").

use super::build::Ctx;
use super::literal;
use super::Rule;
use crate::syntax::ast::{BinOp, Expr, ExprKind, PathRoot, Quantifier, StrLit, UnOp};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

/// Lowest precedence first, as docs/language.md, "Operator precedence", lists it; `where` binds loosest of all, so that in
/// `count(L where a and b)` the condition is `a and b`.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    use Assoc::{Left, Right};
    PrattParser::new()
        .op(Op::infix(Rule::op_where, Left))
        .op(Op::infix(Rule::op_or, Left))
        .op(Op::infix(Rule::op_and, Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Left)
            | Op::infix(Rule::op_ne, Left)
            | Op::infix(Rule::op_lt, Left)
            | Op::infix(Rule::op_le, Left)
            | Op::infix(Rule::op_gt, Left)
            | Op::infix(Rule::op_ge, Left)
            | Op::infix(Rule::op_in, Left)
            | Op::infix(Rule::op_not_in, Left)
            | Op::infix(Rule::op_contains, Left)
            | Op::infix(Rule::op_contains_any, Left)
            | Op::infix(Rule::op_contains_all, Left)
            | Op::infix(Rule::op_starts_with, Left)
            | Op::infix(Rule::op_ends_with, Left)
            | Op::infix(Rule::op_matches, Left)
            | Op::infix(Rule::op_within, Left)
            | Op::postfix(Rule::op_is_present)
            | Op::postfix(Rule::op_is_missing)
            | Op::postfix(Rule::op_has))
        .op(Op::infix(Rule::op_coalesce, Right))
        .op(Op::infix(Rule::op_add, Left) | Op::infix(Rule::op_sub, Left))
        .op(Op::infix(Rule::op_mul, Left) | Op::infix(Rule::op_div, Left))
        .op(Op::prefix(Rule::op_neg))
});

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Ctx<'_> {
    /// Builds an expression from a `Rule::expr` pair.
    pub(super) fn expr(&self, pair: Pair<'_, Rule>) -> Expr {
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| self.prefix(op, rhs))
            .map_postfix(|lhs, op| self.postfix(lhs, op))
            .map_infix(|lhs, op, rhs| Self::infix(lhs, op, rhs))
            .parse(pair.into_inner())
    }

    fn prefix(&self, op: Pair<'_, Rule>, rhs: Expr) -> Expr {
        let span = self.span(&op).to(rhs.span);
        if op.as_rule() == Rule::op_not {
            return Expr {
                kind: ExprKind::Unary(UnOp::Not, boxed(rhs)),
                span,
            };
        }
        // `-3` is the literal -3 (not a negation of 3), unless the operand is parenthesized.
        let literal = self.starts_with_digit(rhs.span.start as usize);
        let kind = match rhs.kind {
            ExprKind::Int(n) if literal => ExprKind::Int(-n),
            ExprKind::Number(x) if literal => ExprKind::Number(-x),
            ExprKind::Duration(ms) if literal => ExprKind::Duration(-ms),
            _ => ExprKind::Unary(UnOp::Neg, boxed(rhs)),
        };
        Expr { kind, span }
    }

    fn postfix(&self, lhs: Expr, op: Pair<'_, Rule>) -> Expr {
        let span = lhs.span.to(self.span(&op));
        let kind = match op.as_rule() {
            Rule::op_is_present => ExprKind::IsPresent(boxed(lhs)),
            Rule::op_is_missing => ExprKind::IsMissing(boxed(lhs)),
            _ => {
                // op_has wraps one string literal.
                let value = match op.into_inner().next() {
                    Some(s) => self.str_lit(s),
                    None => StrLit {
                        value: String::new(),
                        span,
                    },
                };
                ExprKind::Has {
                    list: boxed(lhs),
                    value,
                }
            }
        };
        Expr { kind, span }
    }

    fn infix(lhs: Expr, op: Pair<'_, Rule>, rhs: Expr) -> Expr {
        let span = lhs.span.to(rhs.span);
        let rule = op.as_rule();
        let (lhs, rhs) = (boxed(lhs), boxed(rhs));
        if let Some(op) = binary_op(rule) {
            return Expr {
                kind: ExprKind::Binary(op, lhs, rhs),
                span,
            };
        }
        let kind = match rule {
            Rule::op_where => ExprKind::Where {
                list: lhs,
                cond: rhs,
            },
            Rule::op_in | Rule::op_not_in => ExprKind::In {
                negated: rule == Rule::op_not_in,
                x: lhs,
                list: rhs,
            },
            Rule::op_contains | Rule::op_contains_any | Rule::op_contains_all => {
                ExprKind::Contains {
                    subject: lhs,
                    quant: match rule {
                        Rule::op_contains_any => Quantifier::Any,
                        Rule::op_contains_all => Quantifier::All,
                        _ => Quantifier::One,
                    },
                    arg: rhs,
                }
            }
            Rule::op_starts_with => ExprKind::StartsWith(lhs, rhs),
            Rule::op_ends_with => ExprKind::EndsWith(lhs, rhs),
            Rule::op_matches => ExprKind::Matches(lhs, rhs),
            // The Pratt table lists no other infix rule: op_within.
            _ => ExprKind::Within(lhs, rhs),
        };
        Expr { kind, span }
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::paren => {
                // The span of a parenthesized expression includes its parentheses, so that
                // slicing the source by span gives balanced text.
                let inner = pair.into_inner().next().map(|e| self.expr(e));
                return match inner {
                    Some(e) => Expr { kind: e.kind, span },
                    None => Expr {
                        kind: ExprKind::Bool(false),
                        span,
                    },
                };
            }
            Rule::if_expr => {
                let mut parts = pair
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::expr)
                    .map(|p| boxed(self.expr(p)));
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(cond), Some(then), Some(otherwise)) => ExprKind::If {
                        cond,
                        then,
                        otherwise,
                    },
                    _ => ExprKind::Bool(false),
                }
            }
            Rule::list => ExprKind::List(pair.into_inner().map(|p| self.expr(p)).collect()),
            Rule::call => {
                let mut inner = pair.into_inner();
                let func = match inner.next() {
                    Some(p) => self.ident(p),
                    None => return self.placeholder(span),
                };
                let args = inner.map(|p| self.expr(p)).collect();
                ExprKind::Call { func, args }
            }
            Rule::path => {
                let mut inner = pair.into_inner();
                match (inner.next(), inner.next()) {
                    (Some(root), Some(field)) => ExprKind::Path {
                        root: if root.as_rule() == Rule::kw_it {
                            PathRoot::It
                        } else {
                            PathRoot::Lead
                        },
                        root_span: self.span(&root),
                        field: self.ident(field),
                    },
                    _ => return self.placeholder(span),
                }
            }
            Rule::kw_now => ExprKind::Now,
            Rule::kw_it => ExprKind::It,
            Rule::boolean => ExprKind::Bool(text == "true"),
            Rule::percent => ExprKind::Number(
                self.ok(literal::number_or_percent(text, span))
                    .unwrap_or(0.0),
            ),
            Rule::duration => {
                ExprKind::Duration(self.ok(literal::duration(text, span)).unwrap_or(0))
            }
            Rule::number => ExprKind::Number(self.ok(literal::number(text, span)).unwrap_or(0.0)),
            Rule::int => ExprKind::Int(self.ok(literal::int(text, span)).unwrap_or(0)),
            Rule::string => ExprKind::Str(self.str_lit(pair).value),
            _ => ExprKind::Name(self.ident(pair)),
        };
        Expr { kind, span }
    }

    /// Stands in where the grammar guarantees a node that the tree lacks: unreachable for trees
    /// that pest built from this grammar, it keeps the builder free of panics.
    fn placeholder(&self, span: crate::source::Span) -> Expr {
        Expr {
            kind: ExprKind::Bool(false),
            span,
        }
    }
}

fn binary_op(rule: Rule) -> Option<BinOp> {
    Some(match rule {
        Rule::op_or => BinOp::Or,
        Rule::op_and => BinOp::And,
        Rule::op_eq => BinOp::Eq,
        Rule::op_ne => BinOp::Ne,
        Rule::op_lt => BinOp::Lt,
        Rule::op_le => BinOp::Le,
        Rule::op_gt => BinOp::Gt,
        Rule::op_ge => BinOp::Ge,
        Rule::op_coalesce => BinOp::Coalesce,
        Rule::op_add => BinOp::Add,
        Rule::op_sub => BinOp::Sub,
        Rule::op_mul => BinOp::Mul,
        Rule::op_div => BinOp::Div,
        _ => return None,
    })
}
