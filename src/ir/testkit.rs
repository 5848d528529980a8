//! Builders of hand-made IR for unit tests that need no parser or checker (evaluation, lints,
//! reports). One argument order throughout: the operator or function first, as in the
//! [`ExprKind`] variant it builds (`cmp(op, a, b)`, `arith(op, a, b)`, `call(f, args, ty)`).
//! Spans are empty; the lint tests print a source text on top of this to get real ones.

use super::*;
use crate::source::Span;
use crate::value::Value;
use std::sync::Arc;

pub(crate) fn sp() -> Span {
    Span::default()
}

pub(crate) fn ex(kind: ExprKind, ty: Ty) -> Expr {
    Expr {
        kind,
        ty,
        span: sp(),
    }
}

pub(crate) fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

// Constants, named after the value they hold.

pub(crate) fn int(i: i64) -> Expr {
    ex(ExprKind::Const(Value::Int(i)), Ty::Int)
}
pub(crate) fn num(x: f64) -> Expr {
    ex(ExprKind::Const(Value::Number(x)), Ty::Number)
}
pub(crate) fn s(text: &str) -> Expr {
    ex(ExprKind::Const(Value::str(text)), Ty::String)
}
pub(crate) fn b(v: bool) -> Expr {
    ex(ExprKind::Const(Value::Bool(v)), Ty::Bool)
}
pub(crate) fn ts(iso: &str) -> Expr {
    ex(ExprKind::Const(Value::Timestamp(t(iso))), Ty::Timestamp)
}
pub(crate) fn dur(ms: i64) -> Expr {
    ex(ExprKind::Const(Value::Duration(ms)), Ty::Duration)
}
/// The missing value of `ty?` (compare [`is_missing`], the test).
pub(crate) fn missing(ty: Ty) -> Expr {
    ex(ExprKind::Const(Value::Missing), ty.optional())
}
pub(crate) fn strs(items: &[&str]) -> Expr {
    ex(
        ExprKind::ListLit(items.iter().map(|i| s(i)).collect()),
        Ty::List(Box::new(Ty::String)),
    )
}

/// A timestamp from RFC 3339 or `YYYY-MM-DD`.
pub(crate) fn t(iso: &str) -> i64 {
    crate::time::parse_timestamp(iso).unwrap_or_else(|| panic!("bad test timestamp {iso}"))
}

/// The instant every expression test runs at: 2026-11-01T00:00:00Z.
pub(crate) fn now() -> i64 {
    t("2026-11-01")
}

// Operators and references, named after the `ExprKind` they build.

pub(crate) fn arith(op: ArithOp, a: Expr, b: Expr) -> Expr {
    use ArithOp::*;
    let ty = match op {
        AddInt | SubInt | MulInt => Ty::Int,
        AddNum | SubNum | MulNum | DivNum => Ty::Number,
        AddTsDur | SubTsDur => Ty::Timestamp,
        SubTsTs | AddDur | SubDur | MulDurNum => Ty::Duration,
        Concat => Ty::String,
    };
    ex(ExprKind::Arith(op, bx(a), bx(b)), ty)
}
pub(crate) fn cmp(op: CmpOp, a: Expr, b: Expr) -> Expr {
    ex(ExprKind::Cmp(op, bx(a), bx(b)), Ty::Bool)
}
pub(crate) fn and(a: Expr, b: Expr) -> Expr {
    ex(ExprKind::And(bx(a), bx(b)), Ty::Bool)
}
pub(crate) fn or(a: Expr, b: Expr) -> Expr {
    ex(ExprKind::Or(bx(a), bx(b)), Ty::Bool)
}
pub(crate) fn not(a: Expr) -> Expr {
    ex(ExprKind::Not(bx(a)), Ty::Bool)
}
pub(crate) fn is_present(a: Expr) -> Expr {
    ex(ExprKind::IsPresent(bx(a)), Ty::Bool)
}
pub(crate) fn is_missing(a: Expr) -> Expr {
    ex(ExprKind::IsMissing(bx(a)), Ty::Bool)
}
/// `x in [items]` (or `not in`), the list typed by `x`'s base type.
pub(crate) fn in_list(x: Expr, items: Vec<Expr>, negated: bool) -> Expr {
    let ty = x.ty.base().clone();
    let list = ex(ExprKind::ListLit(items), Ty::List(Box::new(ty)));
    ex(
        ExprKind::In {
            x: bx(x),
            list: bx(list),
            negated,
        },
        Ty::Bool,
    )
}
/// `list "v"`: the list holds the string `v`.
pub(crate) fn member(list: Expr, v: &str) -> Expr {
    ex(
        ExprKind::In {
            x: bx(s(v)),
            list: bx(list),
            negated: false,
        },
        Ty::Bool,
    )
}
pub(crate) fn call(f: Func, args: Vec<Expr>, ty: Ty) -> Expr {
    ex(ExprKind::Call(f, args), ty)
}
pub(crate) fn field(i: u32, ty: Ty) -> Expr {
    ex(ExprKind::Field(FieldId(i)), ty)
}
pub(crate) fn def(i: u32, ty: Ty) -> Expr {
    ex(ExprKind::Def(DefId(i)), ty)
}
/// A reference to definition `i`, a segment (a boolean definition).
pub(crate) fn segment(i: u32) -> Expr {
    def(i, Ty::Bool)
}

// Types and values.

pub(crate) fn enum_ty(values: &[&str], stage_path_len: Option<usize>) -> Ty {
    Ty::Enum(Arc::new(EnumType {
        values: values.iter().map(|v| v.to_string()).collect(),
        stage_path_len,
    }))
}
pub(crate) fn list(items: Vec<Value>) -> Value {
    Value::List(Arc::from(items))
}
pub(crate) fn record(items: Vec<Value>) -> Value {
    Value::Record(Arc::from(items))
}

// Programs and their parts.

/// Schema fields read from the columns of their own names.
pub(crate) fn fields(spec: &[(&str, Ty)]) -> Vec<Field> {
    spec.iter()
        .map(|(name, ty)| Field::new(name, name, ty.clone(), sp()))
        .collect()
}

/// A program with these fields and nothing else.
pub(crate) fn program(spec: &[(&str, Ty)]) -> Program {
    program_of(fields(spec))
}

/// A program with these schema fields and nothing else.
pub(crate) fn program_of(fields: Vec<Field>) -> Program {
    Program {
        schema: Schema::new(fields, None),
        defs: Vec::new(),
        scores: Vec::new(),
        grades: Vec::new(),
        stages: None,
        slas: Vec::new(),
        tests: Vec::new(),
        order: Vec::new(),
        names: Names::default(),
    }
}

/// `name = expr`, or `name when expr` when `expr` is boolean.
pub(crate) fn def_node(name: &str, expr: Expr) -> Def {
    Def {
        allow: Vec::new(),
        name: name.to_string(),
        is_segment: expr.ty == Ty::Bool,
        expr,
        doc: None,
        span: sp(),
    }
}

pub(crate) fn when(points: f64, source: &str, cond: Expr) -> ScoreItem {
    ScoreItem {
        points,
        rule: Rule::When(cond),
        source: source.into(),
        span: sp(),
    }
}

pub(crate) fn per(points: f64, source: &str, x: Expr, up_to: Option<f64>) -> ScoreItem {
    ScoreItem {
        points,
        rule: Rule::Per { x, up_to },
        source: source.into(),
        span: sp(),
    }
}
