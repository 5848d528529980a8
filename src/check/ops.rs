//! Comparisons and tests: `==`…`>=`, `in`, `L "lit"`, `contains`, `starts with`, `ends with`,
//! `matches`, `within`; enum literals checked against their enum (docs/language.md, "Types" and "Expressions").

use super::cx::{a_ty, mk, Cx};
use super::expr::{grouped, is_str_literal, number_in_quotes, string_literal, to_number};
use crate::diag::Code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::ir::{self, CmpOp, EnumType, ExprKind, Pattern, Quant, Ty};
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, Quantifier};
use crate::value::Value;
use std::sync::Arc;

impl Cx<'_> {
    pub fn compare(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, span: Span) -> ir::Expr {
        let cop = match op {
            BinOp::Eq => CmpOp::Eq,
            BinOp::Ne => CmpOp::Ne,
            BinOp::Lt => CmpOp::Lt,
            BinOp::Le => CmpOp::Le,
            BinOp::Gt => CmpOp::Gt,
            _ => CmpOp::Ge,
        };
        let ordering = !matches!(cop, CmpOp::Eq | CmpOp::Ne);
        let mut l = self.value(a);
        let mut r = self.value(b);
        let done = |l, r| mk(ExprKind::Cmp(cop, Box::new(l), Box::new(r)), Ty::Bool, span);
        if l.ty.is_error() || r.ty.is_error() {
            return done(l, r);
        }
        match (l.ty.clone(), r.ty.clone()) {
            (x, y) if x == y && !matches!(x, Ty::Bool | Ty::List(_) | Ty::Records(_)) => {}
            (x, y) if x.is_numeric() && y.is_numeric() => {
                l = to_number(l);
                r = to_number(r);
            }
            (Ty::Enum(e), Ty::String) if is_str_literal(&r) => {
                r = self.enum_literal(&e, &l, r, Some(op));
            }
            (Ty::String, Ty::Enum(e)) if is_str_literal(&l) => {
                l = self.enum_literal(&e, &r, l, Some(op));
            }
            (x, y) if x.is_stringy() && y.is_stringy() => {
                if ordering && (matches!(x, Ty::Enum(_)) || matches!(y, Ty::Enum(_))) {
                    let (enum_side, other) = if matches!(x, Ty::Enum(_)) {
                        (&l, &r)
                    } else {
                        (&r, &l)
                    };
                    let example = match &enum_side.ty {
                        Ty::Enum(e) => e.values.first().cloned().unwrap_or_default(),
                        _ => String::new(),
                    };
                    let message = format!(
                        "cannot order {} against {}: only values of one enum are ordered",
                        self.described(enum_side),
                        self.described(other)
                    );
                    let help = format!(
                        "compare it with one of its values in quotes: `{} {} {example:?}`",
                        grouped(&self.text(enum_side.span)),
                        op.as_str()
                    );
                    self.mismatch2(message, &l, &r, Some(help));
                }
            }
            (Ty::Bool, Ty::Bool) => {
                if ordering {
                    let message = format!(
                        "cannot order `{}` and `{}` with `{}`: `bool` values have no order",
                        self.text(l.span),
                        self.text(r.span),
                        op.as_str()
                    );
                    self.mismatch2(message, &l, &r, Some("use `==` or `!=`".into()));
                }
            }
            (x, y) => {
                let message = format!(
                    "cannot compare {} with {}",
                    self.described(&l),
                    self.described(&r)
                );
                let help = compare_help(&l, &x, &r, &y);
                self.mismatch2(message, &l, &r, help);
            }
        }
        done(l, r)
    }

    /// Checks a string literal against the enum `e` that `subject` has, and gives it the enum
    /// type. `op` is the comparison, if any: for an ordering of `stage`, a detour has no position
    /// and is rejected too.
    pub fn enum_literal(
        &mut self,
        e: &Arc<EnumType>,
        subject: &ir::Expr,
        lit: ir::Expr,
        op: Option<BinOp>,
    ) -> ir::Expr {
        let ordering = op.is_some_and(|op| !matches!(op, BinOp::Eq | BinOp::Ne));
        let Some(s) = string_literal(&lit) else {
            return lit;
        };
        let subject_text = self.text(subject.span);
        match e.index_of(s) {
            Some(i) => {
                if let Some(n) = e.stage_path_len.filter(|n| ordering && i >= *n) {
                    let path = e.values[..n].join(" -> ");
                    let op = op.map_or("", BinOp::as_str);
                    self.error(
                        Diagnostic::error(
                            Code::TypeEnumValue,
                            lit.span,
                            format!(
                                "cannot order `{subject_text}` against the detour `{s:?}` with `{op}`: a detour has no position on the stage path"
                            ),
                        )
                        .label("a detour is not before or after anything")
                        .with_help(format!(
                            "compare a detour with `==` or `!=`; the path is {path}"
                        )),
                    );
                    return ir::Expr {
                        ty: Ty::Error,
                        ..lit
                    };
                }
                ir::Expr {
                    ty: Ty::Enum(e.clone()),
                    ..lit
                }
            }
            None => {
                let suggestion = e
                    .values
                    .iter()
                    .find(|v| v.eq_ignore_ascii_case(s))
                    .map(String::as_str)
                    .or_else(|| did_you_mean(s, e.values.iter().map(String::as_str)));
                let help = match suggestion {
                    Some(v) => format!("did you mean `{v:?}`?"),
                    None => format!("the values are {}", value_list(e)),
                };
                self.error(
                    Diagnostic::error(
                        Code::TypeEnumValue,
                        lit.span,
                        // `stage` names its type itself; other subjects are followed by it.
                        if e.stage_path_len.is_some() {
                            format!("`{s:?}` is not a value of `{subject_text}`")
                        } else {
                            format!(
                                "`{s:?}` is not a value of `{subject_text}`, {}",
                                a_ty(&subject.ty)
                            )
                        },
                    )
                    .label("not one of its values")
                    .with_secondary(subject.span, format!("this has type `{}`", subject.ty))
                    .with_help(help),
                );
                ir::Expr {
                    ty: Ty::Error,
                    ..lit
                }
            }
        }
    }

    /// Fits one value to the element type `want` of a list (`subject` is what the enum is
    /// named after in messages). `Err` when the types do not fit.
    fn fit_scalar(
        &mut self,
        x: ir::Expr,
        want: &Ty,
        subject: &ir::Expr,
    ) -> Result<ir::Expr, ir::Expr> {
        if x.ty.is_error() || want.is_error() || x.ty == *want {
            return Ok(x);
        }
        match (&x.ty, want) {
            (Ty::Int, Ty::Number) => Ok(to_number(x)),
            (Ty::String, Ty::Enum(e)) if is_str_literal(&x) => {
                Ok(self.enum_literal(e, subject, x, None))
            }
            (a, b) if a.is_stringy() && b.is_stringy() => Ok(x),
            _ => Err(x),
        }
    }

    /// `x in L` / `x not in L`.
    pub fn membership(
        &mut self,
        x: &ast::Expr,
        list: &ast::Expr,
        negated: bool,
        span: Span,
    ) -> ir::Expr {
        let x = self.value(x);
        let list = self.value(list);
        let (x, list) = self.fit_member(x, list, "in");
        mk(
            ExprKind::In {
                x: Box::new(x),
                list: Box::new(list),
                negated,
            },
            Ty::Bool,
            span,
        )
    }

    /// Makes `x` and the elements of `list` agree (for `in` and `contains`).
    fn fit_member(&mut self, x: ir::Expr, list: ir::Expr, op: &str) -> (ir::Expr, ir::Expr) {
        let side = if op == "in" { "right" } else { "left" };
        let list = self.expect_list(list, op, side);
        let Ty::List(elem) = list.ty.clone() else {
            return (x, list);
        };
        if x.ty.is_error() {
            return (x, list);
        }
        if let ExprKind::ListLit(items) = list.kind {
            // A literal list adapts to the value: `source in ["organic", "event"]`.
            let (x, target) = match (&x.ty, elem.as_ref()) {
                (Ty::Int, Ty::Number) => (to_number(x), Ty::Number),
                _ => {
                    let t = x.ty.clone();
                    (x, t)
                }
            };
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match self.fit_scalar(item, &target, &x) {
                    Ok(i) => out.push(i),
                    Err(i) => {
                        let message = format!(
                            "`{op}` compares {} with the list element {}",
                            self.described(&x),
                            self.described(&i)
                        );
                        let help = number_in_quotes(&x, &i)
                            .map(|n| format!("write the number without quotes: `{n}`"));
                        self.mismatch2(message, &x, &i, help);
                        out.push(i);
                    }
                }
            }
            let list = mk(
                ExprKind::ListLit(out),
                Ty::List(Box::new(target)),
                list.span,
            );
            return (x, list);
        }
        match self.fit_scalar(x, &elem, &list) {
            Ok(x) => (x, list),
            Err(x) => {
                let message = format!(
                    "{} cannot be an element of {}, whose elements are `{elem}` values",
                    self.described(&x),
                    self.described(&list)
                );
                self.mismatch2(message, &list, &x, None);
                (x, list)
            }
        }
    }

    /// A list of values (not records), on the `side` ("left", "right") of `op`.
    fn expect_list(&mut self, list: ir::Expr, op: &str, side: &str) -> ir::Expr {
        match &list.ty {
            Ty::List(_) | Ty::Error => list,
            Ty::Records(_) => {
                let text = self.text(list.span);
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        list.span,
                        format!("`{op}` needs a list of values, but `{text}` holds records"),
                    )
                    .label(format!("this has type `{}`", list.ty))
                    .with_help(format!("test its elements with `any({text} where …)`")),
                );
                ir::Expr {
                    ty: Ty::Error,
                    ..list
                }
            }
            _ => {
                let role = format!("the {side} side of `{op}`");
                let want = if op == "contains" {
                    "a list or a `string`"
                } else {
                    "a list"
                };
                self.expect(list, |_| false, want, &role)
            }
        }
    }

    /// `list_field "lit"`: sugar for `"lit" in list_field`.
    pub fn has(&mut self, list: &ast::Expr, value: &ast::StrLit, span: Span) -> ir::Expr {
        let l = self.value(list);
        if !matches!(l.ty, Ty::List(_) | Ty::Records(_) | Ty::Error) {
            let text = self.text(l.span);
            self.error(
                Diagnostic::error(
                    Code::TypeMismatch,
                    l.span,
                    format!(
                        "`{text} {:?}` tests a list, but `{text}` is {}",
                        value.value,
                        a_ty(&l.ty)
                    ),
                )
                .label(format!("this has type `{}`", l.ty))
                .with_help(format!(
                    "to search text, write `{text} contains {:?}`; to compare, `{text} == {:?}`",
                    value.value, value.value
                )),
            );
            return mk(ExprKind::Const(Value::Bool(false)), Ty::Bool, span);
        }
        let x = mk(
            ExprKind::Const(Value::str(&value.value)),
            Ty::String,
            value.span,
        );
        let (x, l) = self.fit_member(x, l, "in");
        mk(
            ExprKind::In {
                x: Box::new(x),
                list: Box::new(l),
                negated: false,
            },
            Ty::Bool,
            span,
        )
    }

    /// `a contains [any|all] b`: list membership when `a` is a list, text search when a string.
    pub fn contains(
        &mut self,
        subject: &ast::Expr,
        quant: Quantifier,
        arg: &ast::Expr,
        span: Span,
    ) -> ir::Expr {
        let s = self.value(subject);
        let a = self.value(arg);
        let quant = match quant {
            Quantifier::One => Quant::One,
            Quantifier::Any => Quant::Any,
            Quantifier::All => Quant::All,
        };
        let bool_expr = |kind| mk(kind, Ty::Bool, span);
        match s.ty.clone() {
            Ty::List(elem) => {
                let (s, a) = if quant == Quant::One {
                    let (a, s) = self.fit_member(a, s, "contains");
                    (s, a)
                } else {
                    let a = self.fit_list(a, &elem, &s);
                    (s, a)
                };
                bool_expr(ExprKind::ListContains {
                    list: Box::new(s),
                    quant,
                    arg: Box::new(a),
                })
            }
            t if t.is_stringy() || t.is_error() => {
                let a = if quant == Quant::One {
                    self.expect(
                        a,
                        Ty::is_stringy,
                        "a `string`",
                        "the text that `contains` looks for",
                    )
                } else {
                    self.expect(
                        a,
                        |t| matches!(t, Ty::List(e) if e.is_stringy() || e.is_error()),
                        "a `list of string`",
                        "the texts that `contains any` and `contains all` look for",
                    )
                };
                bool_expr(ExprKind::TextContains {
                    subject: Box::new(s),
                    quant,
                    arg: Box::new(a),
                })
            }
            _ => {
                let s = self.expect_list(s, "contains", "left");
                bool_expr(ExprKind::TextContains {
                    subject: Box::new(s),
                    quant,
                    arg: Box::new(a),
                })
            }
        }
    }

    /// The list argument of `contains any/all` on a list with elements `elem`.
    fn fit_list(&mut self, a: ir::Expr, elem: &Ty, subject: &ir::Expr) -> ir::Expr {
        let a = self.expect_list(a, "contains", "right");
        let Ty::List(ae) = a.ty.clone() else {
            return a;
        };
        if let ExprKind::ListLit(items) = a.kind {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match self.fit_scalar(item, elem, subject) {
                    Ok(i) => out.push(i),
                    Err(i) => {
                        let message = format!(
                            "`contains` looks for {} in {}, whose elements are `{elem}` values",
                            self.described(&i),
                            self.described(subject)
                        );
                        let help = number_in_quotes(subject, &i)
                            .map(|n| format!("write the number without quotes: `{n}`"));
                        self.mismatch2(message, subject, &i, help);
                        out.push(i);
                    }
                }
            }
            return mk(
                ExprKind::ListLit(out),
                Ty::List(Box::new(elem.clone())),
                a.span,
            );
        }
        let fits = *ae == *elem || ae.is_error() || (ae.is_stringy() && elem.is_stringy());
        if !fits {
            let message = format!(
                "`contains` looks for the elements of {} in {}, whose elements are `{elem}` values",
                self.described(&a),
                self.described(subject)
            );
            self.mismatch2(message, subject, &a, None);
        }
        a
    }

    /// `s starts with x` (`start`) or `s ends with x`: case-insensitive text tests.
    pub fn text_test(&mut self, start: bool, s: &ast::Expr, x: &ast::Expr, span: Span) -> ir::Expr {
        let op = if start { "starts with" } else { "ends with" };
        let s = self.value(s);
        let s = self.expect(
            s,
            Ty::is_stringy,
            "a `string`",
            &format!("the left side of `{op}`"),
        );
        let x = self.value(x);
        let x = self.expect(
            x,
            Ty::is_stringy,
            "a `string`",
            &format!("the right side of `{op}`"),
        );
        let kind = if start {
            ExprKind::StartsWith(Box::new(s), Box::new(x))
        } else {
            ExprKind::EndsWith(Box::new(s), Box::new(x))
        };
        mk(kind, Ty::Bool, span)
    }

    /// `s matches "regex"`: the pattern is a literal, compiled now.
    pub fn matches(&mut self, s: &ast::Expr, p: &ast::Expr, span: Span) -> ir::Expr {
        let s = self.value(s);
        let s = self.expect(
            s,
            Ty::is_stringy,
            "a `string`",
            "the left side of `matches`",
        );
        let ast::ExprKind::Str(source) = &p.kind else {
            self.error(
                Diagnostic::error(
                    Code::LiteralRequired,
                    p.span,
                    format!(
                        "the pattern of `matches` must be a string literal, not `{}`",
                        self.text(p.span)
                    ),
                )
                .with_help(
                    "write the pattern in quotes, such as `title matches \"^(vp|head)\"`; it is compiled when the rules are checked",
                ),
            );
            return mk(ExprKind::Const(Value::Bool(false)), Ty::Bool, span);
        };
        match regex::Regex::new(source) {
            Ok(regex) => {
                let pattern = Pattern {
                    source: source.clone(),
                    regex: Arc::new(regex),
                };
                mk(ExprKind::Matches(Box::new(s), pattern), Ty::Bool, span)
            }
            Err(e) => {
                self.error(
                    Diagnostic::error(
                        Code::LiteralInvalid,
                        p.span,
                        format!("invalid regular expression `{}`", self.text(p.span)),
                    )
                    .with_help(regex_error_text(&e)),
                );
                mk(ExprKind::Const(Value::Bool(false)), Ty::Bool, span)
            }
        }
    }

    /// `t within d`.
    pub fn within(&mut self, t: &ast::Expr, d: &ast::Expr, span: Span) -> ir::Expr {
        let t = self.value(t);
        let t = self.expect(
            t,
            |t| *t == Ty::Timestamp,
            "a `timestamp`",
            "the left side of `within`",
        );
        let d = self.value(d);
        let d = self.expect(
            d,
            |t| *t == Ty::Duration,
            "a `duration`",
            "the right side of `within`",
        );
        mk(ExprKind::Within(Box::new(t), Box::new(d)), Ty::Bool, span)
    }
}

/// How to fix a comparison of two types that never compare: a number, date or boolean written
/// as a string, a duration without its unit.
fn compare_help(l: &ir::Expr, x: &Ty, r: &ir::Expr, y: &Ty) -> Option<String> {
    let literal = string_literal(l)
        .or_else(|| string_literal(r))
        .map(str::trim);
    let other = if string_literal(l).is_some() { y } else { x };
    match (other, literal) {
        (t, Some(_)) if t.is_numeric() => {
            number_in_quotes(l, r).map(|n| format!("write the number without quotes: `{n}`"))
        }
        (Ty::Timestamp, Some(s)) if crate::time::parse_date(s).is_some() => {
            Some(format!("write a date: `date({s:?})`"))
        }
        (Ty::Timestamp, Some(s)) if crate::time::parse_datetime(s).is_some() => {
            Some(format!("write an instant: `datetime({s:?})`"))
        }
        (Ty::Bool, Some(s @ ("true" | "false"))) => Some(format!("write `{s}` without quotes")),
        _ => match (x, y) {
            (Ty::Duration, t) | (t, Ty::Duration) if t.is_numeric() => {
                Some("give the number a unit to make it a duration: `30m`, `2h`, `3d`".into())
            }
            (Ty::Timestamp, Ty::Duration) | (Ty::Duration, Ty::Timestamp) => {
                Some("to test how long ago a timestamp was, write `t within 30d`".into())
            }
            _ => None,
        },
    }
}

/// The regex crate's message, which draws its own caret line, flattened to one help line.
fn regex_error_text(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text
        .lines()
        .map(str::trim)
        .rfind(|l| l.starts_with("error:"))
        .map(|l| l.trim_start_matches("error:").trim().to_string());
    match last {
        Some(msg) => format!("the pattern is not valid Rust `regex` syntax: {msg}"),
        None => format!(
            "the pattern is not valid Rust `regex` syntax: {}",
            text.trim()
        ),
    }
}

fn value_list(e: &EnumType) -> String {
    let shown: Vec<String> = e
        .values
        .iter()
        .take(12)
        .map(|v| format!("`{v:?}`"))
        .collect();
    let more = if e.values.len() > 12 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}
