//! Expressions: pest pairs → `ast::Expr`, with precedence from a Pratt table (docs/language.md, "Operator precedence").
//!
//! The grammar gives an expression as a flat run of operands and operators; the Pratt parser
//! here builds the tree. It is pest's algorithm (same precedences, same associativity) with two
//! changes for untrusted input (SPEC §13): a chain of one `and` or `or` is collected flat and
//! built as a balanced tree when long (a generated 20,000-term `or` is about 30 levels deep,
//! not 20,000, so no pass over the tree runs out of stack), and the tree's depth is bounded
//! ([`MAX_TREE_DEPTH`]): a deeper expression is `smql::syntax::too_deep`, refused before it is
//! built.

use super::build::Ctx;
use super::literal;
use super::Rule;
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{BinOp, Expr, ExprKind, PathRoot, Quantifier, StrLit, UnOp};
use pest::iterators::Pair;
use std::iter::Peekable;

/// The deepest expression tree the parser builds, counting one level per operator of a chain
/// other than `and`/`or` (`a + b + c` is two levels deep): far from the stack's end for every
/// recursive pass (checker, lints, lowering, both evaluators, the JIT), in debug builds too.
pub(crate) const MAX_TREE_DEPTH: usize = 256;

/// `and`/`or` chains up to this many operands are built left-nested, as written (`(a or b) or
/// c`); longer ones as a balanced tree of such chains.
const FLAT_CHAIN: usize = 16;

/// Binding powers, lowest first, as pest's `PrattParser` numbers them (10 per level).
fn binding(rule: Rule) -> Option<(Fix, u32)> {
    Some(match rule {
        Rule::op_where => (Fix::Infix(Assoc::Left), 10),
        Rule::op_or => (Fix::Infix(Assoc::Left), 20),
        Rule::op_and => (Fix::Infix(Assoc::Left), 30),
        Rule::op_not => (Fix::Prefix, 40),
        Rule::op_eq
        | Rule::op_ne
        | Rule::op_lt
        | Rule::op_le
        | Rule::op_gt
        | Rule::op_ge
        | Rule::op_in
        | Rule::op_not_in
        | Rule::op_contains
        | Rule::op_contains_any
        | Rule::op_contains_all
        | Rule::op_starts_with
        | Rule::op_ends_with
        | Rule::op_matches
        | Rule::op_within => (Fix::Infix(Assoc::Left), 50),
        Rule::op_is_present | Rule::op_is_missing | Rule::op_has => (Fix::Postfix, 50),
        Rule::op_coalesce => (Fix::Infix(Assoc::Right), 60),
        Rule::op_add | Rule::op_sub => (Fix::Infix(Assoc::Left), 70),
        Rule::op_mul | Rule::op_div => (Fix::Infix(Assoc::Left), 80),
        Rule::op_neg => (Fix::Prefix, 90),
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Assoc {
    Left,
    Right,
}

#[derive(Clone, Copy, PartialEq)]
enum Fix {
    Prefix,
    Infix(Assoc),
    Postfix,
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

/// An expression and the depth of its tree (a leaf is 1).
pub(super) struct Built {
    pub expr: Expr,
    pub depth: usize,
}

/// `and` or `or` operands collected flat: `(op, operands)`.
type Chain = (BinOp, Vec<Built>);

fn fold_chain(op: BinOp, mut items: Vec<Built>) -> Built {
    if items.len() > FLAT_CHAIN {
        let right = items.split_off(items.len() / 2);
        let (l, r) = (fold_chain(op, items), fold_chain(op, right));
        return join(op, l, r);
    }
    let mut items = items.into_iter();
    let Some(mut acc) = items.next() else {
        return leaf(ExprKind::Bool(false), Span::default());
    };
    for item in items {
        acc = join(op, acc, item);
    }
    acc
}

fn join(op: BinOp, l: Built, r: Built) -> Built {
    let depth = 1 + l.depth.max(r.depth);
    let span = l.expr.span.to(r.expr.span);
    Built {
        expr: Expr {
            kind: ExprKind::Binary(op, boxed(l.expr), boxed(r.expr)),
            span,
        },
        depth,
    }
}

fn leaf(kind: ExprKind, span: Span) -> Built {
    Built {
        expr: Expr { kind, span },
        depth: 1,
    }
}

type Pairs<'i> = Peekable<pest::iterators::Pairs<'i, Rule>>;

impl Ctx<'_> {
    /// Builds an expression from a `Rule::expr` pair.
    pub(super) fn expr(&self, pair: Pair<'_, Rule>) -> Expr {
        self.expr_built(pair).expr
    }

    pub(super) fn expr_built(&self, pair: Pair<'_, Rule>) -> Built {
        let span = self.span(&pair);
        if self.too_deep.get() {
            return leaf(ExprKind::Bool(false), span);
        }
        let mut pairs = pair.into_inner().peekable();
        let built = self.pratt(&mut pairs, 0, 1);
        if self.too_deep.get() {
            // Refused: no pass gets a truncated tree to report more about.
            return leaf(ExprKind::Bool(false), span);
        }
        built
    }

    /// Refuses a tree deeper than [`MAX_TREE_DEPTH`] (once per declaration): from here on every
    /// builder returns at once with a stand-in.
    fn deep(&self, built: Built) -> Built {
        if built.depth <= MAX_TREE_DEPTH || self.too_deep.get() {
            return built;
        }
        self.too_deep.set(true);
        let span = built.expr.span;
        self.error(
            Diagnostic::error(
                Code::SyntaxTooDeep,
                span,
                format!("expression nested more than {MAX_TREE_DEPTH} levels deep"),
            )
            .label("this expression")
            .with_help(format!(
                "an expression may be {MAX_TREE_DEPTH} operators deep (a limit against hostile \
                 rule files; a chain like `a + b + c` counts one level per operator, an \
                 `and` or `or` chain does not); split it into several definitions"
            )),
        );
        leaf(ExprKind::Bool(false), span)
    }

    /// pest's Pratt loop: operands and operators binding tighter than `rbp`. `level` counts the
    /// recursion, which grows with the tree's depth.
    fn pratt(&self, pairs: &mut Pairs<'_>, rbp: u32, level: usize) -> Built {
        let Some(first) = pairs.next() else {
            return leaf(ExprKind::Bool(false), Span::default());
        };
        let first_span = self.span(&first);
        if level > MAX_TREE_DEPTH {
            return self.deep(Built {
                expr: Expr {
                    kind: ExprKind::Bool(false),
                    span: first_span,
                },
                depth: level,
            });
        }
        let mut lhs = match binding(first.as_rule()) {
            Some((Fix::Prefix, prec)) => {
                let rhs = self.pratt(pairs, prec - 1, level + 1);
                let depth = rhs.depth + 1;
                self.deep(Built {
                    expr: self.prefix(first, rhs.expr),
                    depth,
                })
            }
            _ => self.primary(first),
        };
        let mut chain: Option<Chain> = None;
        while !self.too_deep.get() {
            let Some((fix, prec)) = pairs.peek().and_then(|p| binding(p.as_rule())) else {
                break;
            };
            if prec <= rbp {
                break;
            }
            let Some(op) = pairs.next() else { break };
            let logic = match op.as_rule() {
                Rule::op_or => Some(BinOp::Or),
                Rule::op_and => Some(BinOp::And),
                _ => None,
            };
            if let (Some(logic), Fix::Infix(_)) = (logic, fix) {
                let rhs = self.pratt(pairs, prec, level + 1);
                match &mut chain {
                    Some((o, items)) if *o == logic => items.push(rhs),
                    _ => {
                        let lhs_done = self.finish(&mut chain, lhs);
                        chain = Some((logic, vec![lhs_done, rhs]));
                        lhs = leaf(ExprKind::Bool(false), first_span);
                    }
                }
                continue;
            }
            lhs = self.finish(&mut chain, lhs);
            lhs = match fix {
                Fix::Infix(assoc) => {
                    let rbp = if assoc == Assoc::Left { prec } else { prec - 1 };
                    let rhs = self.pratt(pairs, rbp, level + 1);
                    let depth = 1 + lhs.depth.max(rhs.depth);
                    Built {
                        expr: Self::infix(lhs.expr, op, rhs.expr),
                        depth,
                    }
                }
                _ => {
                    let depth = lhs.depth + 1;
                    Built {
                        expr: self.postfix(lhs.expr, op),
                        depth,
                    }
                }
            };
            lhs = self.deep(lhs);
        }
        self.finish(&mut chain, lhs)
    }

    /// The expression so far: the open `and`/`or` chain built, or `lhs` when there is none.
    fn finish(&self, chain: &mut Option<Chain>, lhs: Built) -> Built {
        match chain.take() {
            Some((op, items)) => self.deep(fold_chain(op, items)),
            None => lhs,
        }
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

    fn primary(&self, pair: Pair<'_, Rule>) -> Built {
        let span = self.span(&pair);
        let text = pair.as_str();
        // The deepest of the sub-expressions built here.
        let mut below = 0;
        let mut sub = |p: Pair<'_, Rule>| {
            let b = self.expr_built(p);
            below = below.max(b.depth);
            b.expr
        };
        let kind = match pair.as_rule() {
            Rule::paren => {
                // The span of a parenthesized expression includes its parentheses, so that
                // slicing the source by span gives balanced text.
                let inner = pair.into_inner().next().map(|e| self.expr_built(e));
                return match inner {
                    Some(b) => Built {
                        expr: Expr {
                            kind: b.expr.kind,
                            span,
                        },
                        depth: b.depth,
                    },
                    None => leaf(ExprKind::Bool(false), span),
                };
            }
            Rule::if_expr => {
                let mut parts = pair
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::expr)
                    .map(|p| boxed(sub(p)));
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(cond), Some(then), Some(otherwise)) => ExprKind::If {
                        cond,
                        then,
                        otherwise,
                    },
                    _ => ExprKind::Bool(false),
                }
            }
            Rule::list => ExprKind::List(pair.into_inner().map(&mut sub).collect()),
            Rule::call => {
                let mut inner = pair.into_inner();
                let func = match inner.next() {
                    Some(p) => self.ident(p),
                    None => return leaf(ExprKind::Bool(false), span),
                };
                let args = inner.map(&mut sub).collect();
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
                    _ => return leaf(ExprKind::Bool(false), span),
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
        self.deep(Built {
            expr: Expr { kind, span },
            depth: below + 1,
        })
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
