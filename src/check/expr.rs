//! Typing and lowering of expressions: literals, names, logic with narrowing, arithmetic, `if`,
//! `??` and list literals. Comparisons and tests are in `ops`, calls in `calls`.

use super::cx::{a_ty, error_expr, mk, Cx};
use super::narrow::facts;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::ir::{self, ArithOp, ExprKind, Ty};
use crate::syntax::ast::{self, BinOp, PathRoot, UnOp};
use crate::value::Value;

impl Cx<'_> {
    /// Types and lowers `e`. The result may be optional (`T?`): callers that need a value use
    /// [`Cx::value`].
    pub fn expr(&mut self, e: &ast::Expr) -> ir::Expr {
        crate::stack::deep(|| self.expr_node(e))
    }

    /// [`Cx::expr`] of one node; its recursion goes back through [`Cx::expr`].
    fn expr_node(&mut self, e: &ast::Expr) -> ir::Expr {
        use ast::ExprKind as A;
        let span = e.span;
        match &e.kind {
            A::Int(i) => mk(ExprKind::Const(Value::Int(*i)), Ty::Int, span),
            A::Number(x) => mk(ExprKind::Const(Value::Number(*x)), Ty::Number, span),
            A::Str(s) => mk(ExprKind::Const(Value::str(s)), Ty::String, span),
            A::Bool(b) => mk(ExprKind::Const(Value::Bool(*b)), Ty::Bool, span),
            A::Duration(ms) => mk(ExprKind::Const(Value::Duration(*ms)), Ty::Duration, span),
            A::Now => mk(ExprKind::Now, Ty::Timestamp, span),
            A::It => self.it(span),
            A::Name(id) => self.name(id),
            A::Path {
                root: PathRoot::It,
                field,
                ..
            } => self.it_field(field, span),
            A::Path {
                root: PathRoot::Lead,
                field,
                ..
            } => self.lead_name(field, span),
            A::List(items) => self.list_lit(items, span),
            A::Unary(UnOp::Not, x) => {
                let x = self.cond(x);
                mk(ExprKind::Not(Box::new(x)), Ty::Bool, span)
            }
            A::Unary(UnOp::Neg, x) => self.neg(x, span),
            A::Binary(BinOp::And, a, b) => self.logic(true, a, b, span),
            A::Binary(BinOp::Or, a, b) => self.logic(false, a, b, span),
            A::Binary(BinOp::Coalesce, a, b) => self.coalesce(a, b, span),
            A::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b) => {
                self.arith(*op, a, b, span)
            }
            A::Binary(op, a, b) => self.compare(*op, a, b, span),
            A::In { x, list, negated } => self.membership(x, list, *negated, span),
            A::Has { list, value } => self.has(list, value, span),
            A::Contains {
                subject,
                quant,
                arg,
            } => self.contains(subject, *quant, arg, span),
            A::StartsWith(s, x) => self.text_test(true, s, x, span),
            A::EndsWith(s, x) => self.text_test(false, s, x, span),
            A::Matches(s, p) => self.matches(s, p, span),
            A::IsPresent(x) => {
                let x = self.expr(x);
                mk(ExprKind::IsPresent(Box::new(x)), Ty::Bool, span)
            }
            A::IsMissing(x) => {
                let x = self.expr(x);
                mk(ExprKind::IsMissing(Box::new(x)), Ty::Bool, span)
            }
            A::Within(t, d) => self.within(t, d, span),
            A::If {
                cond,
                then,
                otherwise,
            } => self.if_expr(cond, then, otherwise, span),
            A::Call { func, args } => self.call(func, args, span),
            A::Where { .. } => {
                let text = self.text(span);
                self.error(
                    Diagnostic::error(
                        Code::WhereMisplaced,
                        span,
                        format!(
                            "`{text}` is outside an aggregate: `where` is only allowed as the first argument of one"
                        ),
                    )
                    .label("`where` outside an aggregate")
                    .with_help(format!(
                        "wrap it in an aggregate, such as `count({text})` or `any({text})`; the others are \
                         `all(…)`, `earliest(…)`, `latest(…)` and `decayed_count(…)`"
                    )),
                );
                error_expr(span)
            }
        }
    }

    /// An expression whose value is needed: an unguarded `T?` is reported.
    pub fn value(&mut self, e: &ast::Expr) -> ir::Expr {
        let x = self.expr(e);
        self.require_present(x)
    }

    /// A condition: a present `bool`.
    pub fn cond(&mut self, e: &ast::Expr) -> ir::Expr {
        let x = self.value(e);
        if x.ty.is_error() || x.ty == Ty::Bool {
            return x;
        }
        let mut d = self.mismatch(&x, "a `bool`", "a condition");
        if let Some(help) = condition_help(&self.text(x.span), &x.ty) {
            d = d.with_help(help);
        }
        self.error(d);
        ir::Expr { ty: Ty::Error, ..x }
    }

    /// Reports a `T?` (and types it as an error, so nothing cascades).
    pub fn require_present(&mut self, e: ir::Expr) -> ir::Expr {
        let Ty::Optional(inner) = &e.ty else {
            return e;
        };
        let text = self.text(e.span);
        let subject = grouped(&text);
        let default = default_literal(inner);
        self.error(
            Diagnostic::error(
                Code::TypeOptional,
                e.span,
                format!("`{text}` may be missing (it is {})", a_ty(&e.ty)),
            )
            .label(format!("has type `{}`", e.ty))
            .with_help(format!(
                "write `{subject} is present and …` or give a default: `{subject} ?? {default}`"
            )),
        );
        ir::Expr { ty: Ty::Error, ..e }
    }

    /// `e` when its type passes `ok`, else a mismatch error: "`visits` is an `int`, but `role`
    /// must be `want`" (`want` with its article and backticks: "a `string`").
    pub fn expect(
        &mut self,
        e: ir::Expr,
        ok: impl Fn(&Ty) -> bool,
        want: &str,
        role: &str,
    ) -> ir::Expr {
        if e.ty.is_error() || ok(&e.ty) {
            return e;
        }
        let d = self.mismatch(&e, want, role);
        self.error(d);
        ir::Expr { ty: Ty::Error, ..e }
    }

    fn mismatch(&self, e: &ir::Expr, want: &str, role: &str) -> Diagnostic {
        Diagnostic::error(
            Code::TypeMismatch,
            e.span,
            format!(
                "`{}` is {}, but {role} must be {want}",
                self.text(e.span),
                a_ty(&e.ty)
            ),
        )
        .label(format!("this has type `{}`", e.ty))
    }

    /// A mismatch between two operands: the primary label on `b`, a secondary one on `a`. The
    /// message names both (see [`Cx::described`]).
    pub fn mismatch2(&mut self, message: String, a: &ir::Expr, b: &ir::Expr, help: Option<String>) {
        let mut d = Diagnostic::error(Code::TypeMismatch, b.span, message)
            .label(format!("this has type `{}`", b.ty))
            .with_secondary(a.span, format!("this has type `{}`", a.ty));
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.error(d);
    }

    /// `a and b` (`conj`) or `a or b`: `b` is checked with what `a` proves.
    fn logic(
        &mut self,
        conj: bool,
        a: &ast::Expr,
        b: &ast::Expr,
        span: crate::source::Span,
    ) -> ir::Expr {
        let a = self.cond(a);
        let f = facts(&a, self.depth());
        let mark = self.present.len();
        self.present
            .extend(if conj { f.when_true } else { f.when_false });
        let b = self.cond(b);
        self.present.truncate(mark);
        let (a, b) = (Box::new(a), Box::new(b));
        let kind = if conj {
            ExprKind::And(a, b)
        } else {
            ExprKind::Or(a, b)
        };
        mk(kind, Ty::Bool, span)
    }

    fn if_expr(
        &mut self,
        cond: &ast::Expr,
        then: &ast::Expr,
        otherwise: &ast::Expr,
        span: crate::source::Span,
    ) -> ir::Expr {
        let c = self.cond(cond);
        let f = facts(&c, self.depth());
        let mark = self.present.len();
        self.present.extend(f.when_true);
        let t = self.expr(then);
        self.present.truncate(mark);
        self.present.extend(f.when_false);
        let o = self.expr(otherwise);
        self.present.truncate(mark);
        let (t, o, ty) = self.join(t, o, "the branches of `if`");
        mk(
            ExprKind::If(Box::new(c), Box::new(t), Box::new(o)),
            ty,
            span,
        )
    }

    /// `x ?? d`. A left side that is never missing is a warning and lowers to the left side.
    fn coalesce(&mut self, a: &ast::Expr, b: &ast::Expr, span: crate::source::Span) -> ir::Expr {
        let l = self.expr(a);
        let r = self.expr(b);
        if l.ty.is_error() || r.ty.is_error() {
            return error_expr(span);
        }
        let Ty::Optional(base) = l.ty.clone() else {
            let text = self.text(l.span);
            self.error(
                Diagnostic::warning(
                    Code::TypeNotOptional,
                    l.span,
                    format!("`{text}` is never missing here, so `??` has no effect"),
                )
                .label(format!("has type `{}`", l.ty))
                .with_help(format!("remove `?? {}`", self.text(r.span))),
            );
            return l;
        };
        let lb = ir::Expr { ty: *base, ..l };
        let (lb, r, ty) = self.join(lb, r, "the two sides of `??`");
        match lb.kind {
            // `int? ?? number`: convert the present int, keep the number default.
            ExprKind::ToNumber(inner) => {
                let opt = ir::Expr {
                    ty: inner.ty.clone().optional(),
                    ..(*inner).clone()
                };
                let test = mk(ExprKind::IsPresent(Box::new(opt)), Ty::Bool, inner.span);
                let conv = mk(ExprKind::ToNumber(inner), Ty::Number, lb.span);
                mk(
                    ExprKind::If(Box::new(test), Box::new(conv), Box::new(r)),
                    ty,
                    span,
                )
            }
            kind => {
                let l = ir::Expr {
                    kind,
                    ty: lb.ty.optional(),
                    span: lb.span,
                };
                mk(ExprKind::Coalesce(Box::new(l), Box::new(r)), ty, span)
            }
        }
    }

    /// The common type of two values that may each be the result (branches of `if`, `??`):
    /// ints widen to numbers, a string literal joins an enum it belongs to, enums and strings
    /// join as `string`. Optional when either side is.
    pub fn join(&mut self, a: ir::Expr, b: ir::Expr, what: &str) -> (ir::Expr, ir::Expr, Ty) {
        if a.ty.is_error() || b.ty.is_error() {
            return (a, b, Ty::Error);
        }
        let optional = a.ty.is_optional() || b.ty.is_optional();
        let (ta, tb) = (a.ty.base().clone(), b.ty.base().clone());
        let wrap = |t: Ty| if optional { t.optional() } else { t };
        if ta == tb {
            return (a, b, wrap(ta));
        }
        match (&ta, &tb) {
            (Ty::Int, Ty::Number) if !a.ty.is_optional() => (to_number(a), b, wrap(Ty::Number)),
            (Ty::Number, Ty::Int) if !b.ty.is_optional() => (a, to_number(b), wrap(Ty::Number)),
            (Ty::Enum(e), Ty::String) if is_str_literal(&b) => {
                let fits = string_literal(&b).is_some_and(|s| e.index_of(s).is_some());
                let ty = if fits { ta.clone() } else { Ty::String };
                let b = if fits { ir::Expr { ty: ta, ..b } } else { b };
                (a, b, wrap(ty))
            }
            (Ty::String, Ty::Enum(e)) if is_str_literal(&a) => {
                let fits = string_literal(&a).is_some_and(|s| e.index_of(s).is_some());
                let ty = if fits { tb.clone() } else { Ty::String };
                let a = if fits { ir::Expr { ty: tb, ..a } } else { a };
                (a, b, wrap(ty))
            }
            _ if ta.is_stringy() && tb.is_stringy() => (a, b, wrap(Ty::String)),
            (Ty::List(x), Ty::List(_)) if x.is_error() => (a, b, wrap(tb)),
            (Ty::List(_), Ty::List(y)) if y.is_error() => (a, b, wrap(ta)),
            _ => {
                let help = if ta.is_numeric() && tb.is_numeric() {
                    let int = if a.ty.is_optional() { &a } else { &b };
                    format!(
                        "give the `int?` a default first: `{} ?? 0`",
                        self.text(int.span)
                    )
                } else {
                    format!("{what} must have one type")
                };
                let message = format!(
                    "{what} have different types: {} and {}",
                    self.described(&a),
                    self.described(&b)
                );
                self.mismatch2(message, &a, &b, Some(help));
                (a, b, Ty::Error)
            }
        }
    }

    fn neg(&mut self, x: &ast::Expr, span: crate::source::Span) -> ir::Expr {
        let x = self.value(x);
        let x = self.expect(
            x,
            |t| matches!(t, Ty::Int | Ty::Number | Ty::Duration),
            "an `int`, a `number` or a `duration`",
            "the operand of `-`",
        );
        let ty = x.ty.clone();
        mk(ExprKind::Neg(Box::new(x)), ty, span)
    }

    fn arith(
        &mut self,
        op: BinOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: crate::source::Span,
    ) -> ir::Expr {
        let l = self.value(a);
        let r = self.value(b);
        if l.ty.is_error() || r.ty.is_error() {
            return error_expr(span);
        }
        use Ty::*;
        let num = |t: &Ty| t.is_numeric();
        let (aop, ty, l, r) = match (op, &l.ty, &r.ty) {
            (BinOp::Add, Int, Int) => (ArithOp::AddInt, Int, l, r),
            (BinOp::Sub, Int, Int) => (ArithOp::SubInt, Int, l, r),
            (BinOp::Mul, Int, Int) => (ArithOp::MulInt, Int, l, r),
            (BinOp::Add, x, y) if num(x) && num(y) => {
                (ArithOp::AddNum, Number, to_number(l), to_number(r))
            }
            (BinOp::Sub, x, y) if num(x) && num(y) => {
                (ArithOp::SubNum, Number, to_number(l), to_number(r))
            }
            (BinOp::Mul, x, y) if num(x) && num(y) => {
                (ArithOp::MulNum, Number, to_number(l), to_number(r))
            }
            (BinOp::Div, x, y) if num(x) && num(y) => {
                (ArithOp::DivNum, Number, to_number(l), to_number(r))
            }
            (BinOp::Add, Timestamp, Duration) => (ArithOp::AddTsDur, Timestamp, l, r),
            (BinOp::Sub, Timestamp, Duration) => (ArithOp::SubTsDur, Timestamp, l, r),
            (BinOp::Sub, Timestamp, Timestamp) => (ArithOp::SubTsTs, Duration, l, r),
            (BinOp::Add, Duration, Duration) => (ArithOp::AddDur, Duration, l, r),
            (BinOp::Sub, Duration, Duration) => (ArithOp::SubDur, Duration, l, r),
            (BinOp::Mul, Duration, y) if num(y) => (ArithOp::MulDurNum, Duration, l, to_number(r)),
            // `2 * 30d`: the duration goes first in the IR.
            (BinOp::Mul, x, Duration) if num(x) => (ArithOp::MulDurNum, Duration, r, to_number(l)),
            (BinOp::Add, x, y) if x.is_stringy() && y.is_stringy() => {
                (ArithOp::Concat, String, l, r)
            }
            _ => {
                let (lt, rt) = (self.text(l.span), self.text(r.span));
                let help = match (op, &l.ty, &r.ty) {
                    (BinOp::Add, Duration, Timestamp) => {
                        Some(format!("write the timestamp first: `{rt} + {lt}`"))
                    }
                    (BinOp::Add, Timestamp, Timestamp) => Some(format!(
                        "subtract timestamps to get a duration: `{lt} - {rt}`"
                    )),
                    (BinOp::Div, Duration, _) => Some(format!(
                        "convert the duration to a number first: `days({lt})`, `hours({lt})` or `minutes({lt})`"
                    )),
                    (_, x, String) | (_, String, x) if x.is_numeric() && number_in_quotes(&l, &r).is_some() => {
                        number_in_quotes(&l, &r).map(|n| format!("write the number without quotes: `{n}`"))
                    }
                    _ => Some(arith_help(op).to_string()),
                };
                let message = format!(
                    "cannot apply `{}` to {} and {}",
                    op.as_str(),
                    self.described(&l),
                    self.described(&r)
                );
                self.mismatch2(message, &l, &r, help);
                return error_expr(span);
            }
        };
        mk(ExprKind::Arith(aop, Box::new(l), Box::new(r)), ty, span)
    }

    /// `[a, b, …]`: present scalars of one type (ints widen to numbers; enums and strings join
    /// as strings). `[]` has element type `Ty::Error`, which fits any list.
    pub fn list_lit(&mut self, items: &[ast::Expr], span: crate::source::Span) -> ir::Expr {
        let mut elems = Vec::with_capacity(items.len());
        let mut ty: Option<Ty> = None;
        let mut mixed = false;
        for item in items {
            let e = self.value(item);
            let e = self.expect(
                e,
                |t| !matches!(t, Ty::List(_) | Ty::Records(_)),
                "a single value",
                "a list element",
            );
            if !e.ty.is_error() {
                ty = match ty {
                    None => Some(e.ty.clone()),
                    Some(t) if t == e.ty => Some(t),
                    Some(t) if t.is_numeric() && e.ty.is_numeric() => Some(Ty::Number),
                    Some(t) if t.is_stringy() && e.ty.is_stringy() => Some(Ty::String),
                    Some(t) => {
                        let message = format!(
                            "the list `{}` mixes types: `{}` is {}, the elements before it are `{t}` values",
                            self.text(span),
                            self.text(e.span),
                            a_ty(&e.ty)
                        );
                        self.error(
                            Diagnostic::error(Code::TypeMismatch, e.span, message)
                                .label(format!("this has type `{}`", e.ty))
                                .with_help("a list holds values of one type"),
                        );
                        mixed = true;
                        Some(t)
                    }
                };
            }
            elems.push(e);
        }
        let ty = ty.unwrap_or(Ty::Error);
        if ty == Ty::Number {
            elems = elems.into_iter().map(to_number).collect();
        }
        // A list of mixed types is reported once, here; its uses do not report it again.
        let list_ty = if mixed {
            Ty::Error
        } else {
            Ty::List(Box::new(ty))
        };
        mk(ExprKind::ListLit(elems), list_ty, span)
    }
}

/// Wraps an `int` in `ToNumber` (other types pass through).
pub(crate) fn to_number(e: ir::Expr) -> ir::Expr {
    if e.ty == Ty::Int {
        let span = e.span;
        mk(ExprKind::ToNumber(Box::new(e)), Ty::Number, span)
    } else {
        e
    }
}

/// The text of a string literal.
pub(crate) fn string_literal(e: &ir::Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Const(Value::Str(s)) => Some(s),
        _ => None,
    }
}

pub(crate) fn is_str_literal(e: &ir::Expr) -> bool {
    string_literal(e).is_some()
}

/// What an arithmetic operator applies to, for the help of a mismatch.
fn arith_help(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => {
            "`+` adds numbers, durations, or a duration to a timestamp, and joins strings"
        }
        BinOp::Sub => {
            "`-` subtracts numbers, durations, or a duration from a timestamp, and gives the \
             duration between two timestamps"
        }
        BinOp::Mul => "`*` multiplies numbers, or a duration by a number",
        _ => "`/` divides numbers",
    }
}

/// The number inside a string literal on either side (`"3"` next to an `int`), for the help
/// "write the number without quotes".
pub(crate) fn number_in_quotes<'e>(a: &'e ir::Expr, b: &'e ir::Expr) -> Option<&'e str> {
    [a, b]
        .into_iter()
        .filter_map(string_literal)
        .map(str::trim)
        .find(|s| s.parse::<f64>().is_ok_and(f64::is_finite))
}

/// `(a + b)` for a text with spaces, so that a help's example reads as intended.
pub(crate) fn grouped(text: &str) -> String {
    if text.contains(' ') && !(text.starts_with('(') && text.ends_with(')')) {
        format!("({text})")
    } else {
        text.to_string()
    }
}

/// How to turn `text`, of type `ty`, into a condition: "compare it: `visits > 0`".
fn condition_help(text: &str, ty: &Ty) -> Option<String> {
    let x = grouped(text);
    Some(match ty {
        Ty::Int | Ty::Number => format!("compare it: `{x} > 0`"),
        Ty::String => format!("compare it: `{x} == \"…\"`, or search it: `{x} contains \"…\"`"),
        Ty::Enum(e) => match e.values.first() {
            Some(v) => format!("compare it: `{x} == {v:?}`"),
            None => return None,
        },
        Ty::Timestamp => format!("compare it: `{x} within 30d` or `{x} > date(\"2026-01-01\")`"),
        Ty::Duration => format!("compare it: `{x} > 1h`"),
        Ty::List(_) => format!("test it: `{x} contains …` or `count({text}) > 0`"),
        Ty::Records(_) => format!("test its elements: `any({text} where …)`"),
        _ => return None,
    })
}

/// A default a user could write for a missing value of this type, for help texts.
fn default_literal(t: &Ty) -> String {
    match t {
        Ty::Int | Ty::Number => "0".into(),
        Ty::String => "\"\"".into(),
        Ty::Bool => "false".into(),
        Ty::Timestamp => "now".into(),
        Ty::Duration => "0s".into(),
        Ty::Enum(e) => e.values.first().map_or("\"\"".into(), |v| format!("{v:?}")),
        _ => "…".into(),
    }
}
