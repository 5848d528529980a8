//! Unit tests of the parser: precedence, sugar, contextual keywords, continuation lines,
//! literals, attributes, every declaration form, spans, and error recovery.

mod decls;
mod errors;
mod exprs;

use super::*;
use crate::diag::Code;
use crate::source::Span;
use ast::*;

pub(super) fn parse(text: &str) -> (SourceMap, ast::File, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let f = sources.add("t.smql", text);
    let (file, diagnostics) = parse_file(&sources, f);
    (sources, file, diagnostics)
}

/// Parses text that must be free of errors.
pub(super) fn parse_ok(text: &str) -> (SourceMap, ast::File) {
    let (sources, file, diagnostics) = parse(text);
    let messages: Vec<_> = diagnostics.iter().map(|d| &d.message).collect();
    assert!(messages.is_empty(), "{text}\n{messages:?}");
    (sources, file)
}

pub(super) fn codes_of(text: &str) -> Vec<Code> {
    parse(text).2.iter().map(|d| d.code).collect()
}

/// The expression of the single definition in `x = EXPR`.
pub(super) fn expr(src: &str) -> Expr {
    let (_, file) = parse_ok(&format!("x = {src}\n"));
    match file.items.into_iter().next() {
        Some(Item::Def(d)) => d.expr,
        other => panic!("not a definition: {other:?}"),
    }
}

/// An S-expression of an expression, to check its shape.
pub(super) fn sexp(e: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(sexp).collect::<Vec<_>>().join(" ");
    match &e.kind {
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Number(x) => format!("{x:?}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Duration(ms) => format!("{ms}ms"),
        ExprKind::Now => "now".into(),
        ExprKind::It => "it".into(),
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Path { root, field, .. } => format!("{root:?}.{}", field.name),
        ExprKind::List(items) => format!("[{}]", list(items)),
        ExprKind::Unary(UnOp::Not, x) => format!("(not {})", sexp(x)),
        ExprKind::Unary(UnOp::Neg, x) => format!("(neg {})", sexp(x)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", op.as_str(), sexp(a), sexp(b)),
        ExprKind::In { x, list, negated } => {
            let op = if *negated { "not-in" } else { "in" };
            format!("({op} {} {})", sexp(x), sexp(list))
        }
        ExprKind::Has { list, value } => format!("(has {} {:?})", sexp(list), value.value),
        ExprKind::Contains {
            subject,
            quant,
            arg,
        } => format!("(contains-{quant:?} {} {})", sexp(subject), sexp(arg)),
        ExprKind::StartsWith(a, b) => format!("(starts {} {})", sexp(a), sexp(b)),
        ExprKind::EndsWith(a, b) => format!("(ends {} {})", sexp(a), sexp(b)),
        ExprKind::Matches(a, b) => format!("(matches {} {})", sexp(a), sexp(b)),
        ExprKind::IsPresent(x) => format!("(present {})", sexp(x)),
        ExprKind::IsMissing(x) => format!("(missing {})", sexp(x)),
        ExprKind::Within(a, b) => format!("(within {} {})", sexp(a), sexp(b)),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => format!("(if {} {} {})", sexp(cond), sexp(then), sexp(otherwise)),
        ExprKind::Call { func, args } => format!("({} {})", func.name, list(args)),
        ExprKind::Where { list, cond } => format!("(where {} {})", sexp(list), sexp(cond)),
    }
}

pub(super) fn shape(src: &str) -> String {
    sexp(&expr(src))
}
