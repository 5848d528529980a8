//! Function calls (docs/language.md, "Operator precedence"): scalar functions, `date`/`datetime` literals folded to timestamps,
//! and the list aggregates with their `where` scope.

use super::cx::{a_ty, error_expr, mk, Cx, Elem, Scope};
use super::expr::to_number;
use crate::diag::Code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::ir::{self, AggOp, ExprKind, Func, Ty};
use crate::source::Span;
use crate::syntax::ast;
use crate::value::Value;

/// Every function with how it is called, for arity errors and "did you mean".
const SIGNATURES: &[(&str, usize, &str)] = &[
    ("lower", 1, "lower(text)"),
    ("upper", 1, "upper(text)"),
    ("trim", 1, "trim(text)"),
    ("len", 1, "len(text or list)"),
    ("domain", 1, "domain(email)"),
    ("min", 2, "min(a, b)"),
    ("max", 2, "max(a, b)"),
    ("abs", 1, "abs(x)"),
    ("round", 1, "round(x)"),
    ("floor", 1, "floor(x)"),
    ("ceil", 1, "ceil(x)"),
    ("days", 1, "days(duration)"),
    ("hours", 1, "hours(duration)"),
    ("minutes", 1, "minutes(duration)"),
    ("date", 1, "date(\"YYYY-MM-DD\")"),
    ("datetime", 1, "datetime(\"YYYY-MM-DDTHH:MM:SSZ\")"),
    ("count", 1, "count(L) or count(L where C)"),
    ("any", 1, "any(L where C)"),
    ("all", 1, "all(L where C)"),
    ("earliest", 1, "earliest(L where C)"),
    ("latest", 1, "latest(L where C)"),
    ("decayed_count", 2, "decayed_count(L where C, HALF_LIFE)"),
];

impl Cx<'_> {
    pub fn call(&mut self, func: &ast::Ident, args: &[ast::Expr], span: Span) -> ir::Expr {
        let name = func.name.as_str();
        let Some(&(_, arity, signature)) = SIGNATURES.iter().find(|(n, _, _)| *n == name) else {
            let mut d = Diagnostic::error(
                Code::CallUnknownFunction,
                func.span,
                format!("unknown function `{name}`"),
            );
            d = match did_you_mean(name, SIGNATURES.iter().map(|(n, _, _)| *n)) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!(
                    "the functions are {}",
                    SIGNATURES
                        .iter()
                        .map(|(n, _, _)| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            self.error(d);
            self.check_args_loosely(args);
            return error_expr(span);
        };
        if args.len() != arity {
            let plural = if arity == 1 { "" } else { "s" };
            self.error(
                Diagnostic::error(
                    Code::CallArity,
                    span,
                    format!(
                        "`{}`: `{name}` takes {arity} argument{plural}, found {}",
                        self.text(span),
                        args.len()
                    ),
                )
                .with_help(format!("write `{signature}`")),
            );
            self.check_args_loosely(args);
            return error_expr(span);
        }
        match name {
            "count" | "any" | "all" | "earliest" | "latest" | "decayed_count" => {
                self.aggregate(name, args, span)
            }
            "date" | "datetime" => self.date_literal(name == "date", &args[0], span),
            _ => self.scalar_call(name, args, span),
        }
    }

    /// Arguments of a call that is already reported: checked for their own errors only.
    fn check_args_loosely(&mut self, args: &[ast::Expr]) {
        for a in args {
            if !matches!(a.kind, ast::ExprKind::Where { .. }) {
                self.expr(a);
            }
        }
    }

    fn scalar_call(&mut self, name: &str, args: &[ast::Expr], span: Span) -> ir::Expr {
        let a = self.value(&args[0]);
        let call = |f, args, ty| mk(ExprKind::Call(f, args), ty, span);
        let role = format!("the argument of `{name}`");
        match name {
            "lower" | "upper" | "trim" | "domain" => {
                let a = self.expect(a, Ty::is_stringy, "a `string`", &role);
                let f = match name {
                    "lower" => Func::Lower,
                    "upper" => Func::Upper,
                    "trim" => Func::Trim,
                    _ => Func::Domain,
                };
                call(f, vec![a], Ty::String)
            }
            "len" => {
                let f = match &a.ty {
                    Ty::List(_) | Ty::Records(_) => Func::LenList,
                    _ => Func::LenStr,
                };
                let a = self.expect(
                    a,
                    |t| t.is_stringy() || matches!(t, Ty::List(_) | Ty::Records(_)),
                    "a `string` or a list",
                    &role,
                );
                call(f, vec![a], Ty::Int)
            }
            "min" | "max" => {
                let b = self.value(&args[1]);
                if a.ty.is_error() || b.ty.is_error() {
                    return error_expr(span);
                }
                let min = name == "min";
                let (f, ty, a, b) = match (&a.ty, &b.ty) {
                    (Ty::Int, Ty::Int) => {
                        (if min { Func::MinInt } else { Func::MaxInt }, Ty::Int, a, b)
                    }
                    (x, y) if x.is_numeric() && y.is_numeric() => (
                        if min { Func::MinNum } else { Func::MaxNum },
                        Ty::Number,
                        to_number(a),
                        to_number(b),
                    ),
                    (Ty::Timestamp, Ty::Timestamp) => (
                        if min { Func::MinTs } else { Func::MaxTs },
                        Ty::Timestamp,
                        a,
                        b,
                    ),
                    (Ty::Duration, Ty::Duration) => (
                        if min { Func::MinDur } else { Func::MaxDur },
                        Ty::Duration,
                        a,
                        b,
                    ),
                    _ => {
                        let msg = format!(
                            "`{name}` needs two numbers, two timestamps or two durations, but its arguments are {} and {}",
                            self.described(&a),
                            self.described(&b)
                        );
                        self.mismatch2(msg, &a, &b, None);
                        return error_expr(span);
                    }
                };
                call(f, vec![a, b], ty)
            }
            "abs" => {
                let (f, ty) = match a.ty {
                    Ty::Int => (Func::AbsInt, Ty::Int),
                    Ty::Duration => (Func::AbsDur, Ty::Duration),
                    _ => (Func::AbsNum, Ty::Number),
                };
                let a = self.expect(
                    a,
                    |t| matches!(t, Ty::Int | Ty::Number | Ty::Duration),
                    "an `int`, a `number` or a `duration`",
                    &role,
                );
                call(f, vec![a], ty)
            }
            "round" | "floor" | "ceil" => {
                let a = self.expect(a, Ty::is_numeric, "an `int` or a `number`", &role);
                let f = match name {
                    "round" => Func::Round,
                    "floor" => Func::Floor,
                    _ => Func::Ceil,
                };
                call(f, vec![to_number(a)], Ty::Number)
            }
            _ => {
                let a = self.expect(a, |t| *t == Ty::Duration, "a `duration`", &role);
                let f = match name {
                    "days" => Func::Days,
                    "hours" => Func::Hours,
                    _ => Func::Minutes,
                };
                call(f, vec![a], Ty::Number)
            }
        }
    }

    /// `date("YYYY-MM-DD")` / `datetime("…")`, validated and folded to a constant.
    fn date_literal(&mut self, date: bool, arg: &ast::Expr, span: Span) -> ir::Expr {
        let (name, example) = if date {
            ("date", "date(\"2026-11-01\")")
        } else {
            ("datetime", "datetime(\"2026-11-01T09:30:00Z\")")
        };
        let ast::ExprKind::Str(text) = &arg.kind else {
            self.expr(arg);
            self.error(
                Diagnostic::error(
                    Code::LiteralRequired,
                    arg.span,
                    format!(
                        "`{name}` takes a string literal, not `{}`",
                        self.text(arg.span)
                    ),
                )
                .with_help(format!("write the instant in quotes: `{example}`")),
            );
            return error_expr(span);
        };
        let parsed = if date {
            crate::time::parse_date(text)
        } else {
            crate::time::parse_datetime(text)
        };
        match parsed {
            Some(ms) => mk(ExprKind::Const(Value::Timestamp(ms)), Ty::Timestamp, span),
            None => {
                let help = if date && text.len() > 10 {
                    format!("`date` takes a day `YYYY-MM-DD`; for an instant write `datetime({text:?})`")
                } else if !date && crate::time::parse_date(text).is_some() {
                    format!("`datetime` takes an instant with a time and zone; for a day write `date({text:?})`")
                } else if date {
                    format!("write a calendar day as `YYYY-MM-DD`: `{example}`")
                } else {
                    format!("write an RFC 3339 instant with a time zone: `{example}`")
                };
                self.error(
                    Diagnostic::error(
                        Code::LiteralInvalid,
                        arg.span,
                        format!("invalid {name} `{text}`"),
                    )
                    .with_help(help),
                );
                error_expr(span)
            }
        }
    }

    /// `count`, `any`, `all`, `earliest`, `latest`, `decayed_count`.
    fn aggregate(&mut self, name: &str, args: &[ast::Expr], span: Span) -> ir::Expr {
        let (list_ast, cond_ast) = match &args[0].kind {
            ast::ExprKind::Where { list, cond } => (list.as_ref(), Some(cond.as_ref())),
            _ => (&args[0], None),
        };
        let list = self.value(list_ast);
        let elem = match &list.ty {
            Ty::List(t) => Elem::Scalar((**t).clone()),
            Ty::Records(r) => Elem::Record(r.clone()),
            Ty::Error => return error_expr(span),
            t => {
                let msg = format!(
                    "`{name}` needs a list, but `{}` is {}",
                    self.text(list.span),
                    a_ty(t)
                );
                self.error(
                    Diagnostic::error(Code::TypeMismatch, list.span, msg)
                        .label(format!("this has type `{t}`")),
                );
                return error_expr(span);
            }
        };
        let list_text = self.text(list.span);
        if cond_ast.is_none() && name != "count" {
            self.error(
                Diagnostic::error(
                    Code::CallArity,
                    args[0].span,
                    format!("`{name}({list_text})` needs a condition"),
                )
                .with_help(format!("write `{name}({list_text} where …)`")),
            );
            return error_expr(span);
        }
        let at_field = if matches!(name, "earliest" | "latest" | "decayed_count") {
            let at = match &elem {
                Elem::Record(r) => r.field("at").filter(|&i| r.fields[i].ty == Ty::Timestamp),
                Elem::Scalar(_) => None,
            };
            if at.is_none() {
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        list.span,
                        format!(
                            "`{name}` needs records with a timestamp field `at`, but `{list_text}` is {}",
                            a_ty(&list.ty)
                        ),
                    )
                    .label(format!("this has type `{}`", list.ty))
                    .with_help("declare the list as `list of { …, at: timestamp }`"),
                );
            }
            at
        } else {
            None
        };
        let cond = cond_ast.map(|c| {
            self.elems.push(Scope {
                elem,
                list: list_text.clone(),
            });
            let c = self.cond(c);
            self.elems.pop();
            Box::new(c)
        });
        let half_life_ms = if name == "decayed_count" {
            self.half_life(&args[1])
        } else {
            None
        };
        let at = at_field.map(|i| i as u32);
        let (op, ty) = match (name, at) {
            ("count", _) => (AggOp::Count, Ty::Int),
            ("any", _) => (AggOp::Any, Ty::Bool),
            ("all", _) => (AggOp::All, Ty::Bool),
            ("earliest", Some(at_field)) => {
                (AggOp::Earliest { at_field }, Ty::Timestamp.optional())
            }
            ("latest", Some(at_field)) => (AggOp::Latest { at_field }, Ty::Timestamp.optional()),
            ("decayed_count", Some(at_field)) => (AggOp::DecayedCount { at_field }, Ty::Number),
            _ => return error_expr(span),
        };
        if name == "decayed_count" && half_life_ms.is_none() {
            return error_expr(span);
        }
        mk(
            ExprKind::Agg {
                op,
                list: Box::new(list),
                cond,
                half_life_ms,
            },
            ty,
            span,
        )
    }

    /// The half-life of `decayed_count`: a positive duration literal.
    fn half_life(&mut self, arg: &ast::Expr) -> Option<i64> {
        match arg.kind {
            ast::ExprKind::Duration(ms) if ms > 0 => Some(ms),
            ast::ExprKind::Duration(_) => {
                self.error(
                    Diagnostic::error(
                        Code::LiteralInvalid,
                        arg.span,
                        format!(
                            "the half-life `{}` of `decayed_count` must be longer than zero",
                            self.text(arg.span)
                        ),
                    )
                    .with_help("write a positive duration such as `14d`"),
                );
                None
            }
            _ => {
                self.expr(arg);
                self.error(
                    Diagnostic::error(
                        Code::LiteralRequired,
                        arg.span,
                        format!(
                            "the half-life of `decayed_count` must be a duration literal, not `{}`",
                            self.text(arg.span)
                        ),
                    )
                    .with_help("write it as `14d`, `12h` or `2w`"),
                );
                None
            }
        }
    }
}
