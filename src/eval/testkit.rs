//! Small builders for hand-made IR in unit tests (the checker is not needed to test evaluation).

use super::{eval_expr, EvalError, LeadValues};
use crate::ir::*;
use crate::source::Span;
use crate::value::Value;
use std::sync::Arc;

pub fn sp() -> Span {
    Span::default()
}

pub fn ex(kind: ExprKind, ty: Ty) -> Expr {
    Expr {
        kind,
        ty,
        span: sp(),
    }
}

pub fn int(i: i64) -> Expr {
    ex(ExprKind::Const(Value::Int(i)), Ty::Int)
}
pub fn num(x: f64) -> Expr {
    ex(ExprKind::Const(Value::Number(x)), Ty::Number)
}
pub fn s(text: &str) -> Expr {
    ex(ExprKind::Const(Value::str(text)), Ty::String)
}
pub fn b(v: bool) -> Expr {
    ex(ExprKind::Const(Value::Bool(v)), Ty::Bool)
}
pub fn ts(iso: &str) -> Expr {
    ex(ExprKind::Const(Value::Timestamp(t(iso))), Ty::Timestamp)
}
pub fn dur(ms: i64) -> Expr {
    ex(ExprKind::Const(Value::Duration(ms)), Ty::Duration)
}
pub fn missing(ty: Ty) -> Expr {
    ex(ExprKind::Const(Value::Missing), ty.optional())
}
pub fn strs(items: &[&str]) -> Expr {
    ex(
        ExprKind::ListLit(items.iter().map(|i| s(i)).collect()),
        Ty::List(Box::new(Ty::String)),
    )
}

/// A timestamp from RFC 3339 or `YYYY-MM-DD`.
pub fn t(iso: &str) -> i64 {
    crate::time::parse_timestamp(iso).unwrap_or_else(|| panic!("bad test timestamp {iso}"))
}

pub fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

pub fn arith(op: ArithOp, a: Expr, b: Expr) -> Expr {
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
pub fn cmp(op: CmpOp, a: Expr, b: Expr) -> Expr {
    ex(ExprKind::Cmp(op, bx(a), bx(b)), Ty::Bool)
}
pub fn and(a: Expr, c: Expr) -> Expr {
    ex(ExprKind::And(bx(a), bx(c)), Ty::Bool)
}
pub fn or(a: Expr, c: Expr) -> Expr {
    ex(ExprKind::Or(bx(a), bx(c)), Ty::Bool)
}
pub fn call(f: Func, args: Vec<Expr>, ty: Ty) -> Expr {
    ex(ExprKind::Call(f, args), ty)
}
pub fn field(i: u32, ty: Ty) -> Expr {
    ex(ExprKind::Field(FieldId(i)), ty)
}
pub fn def(i: u32, ty: Ty) -> Expr {
    ex(ExprKind::Def(DefId(i)), ty)
}
pub fn enum_ty(values: &[&str], stage_path_len: Option<usize>) -> Ty {
    Ty::Enum(Arc::new(EnumType {
        values: values.iter().map(|v| v.to_string()).collect(),
        stage_path_len,
    }))
}
pub fn list(items: Vec<Value>) -> Value {
    Value::List(Arc::from(items))
}
pub fn record(items: Vec<Value>) -> Value {
    Value::Record(Arc::from(items))
}

/// A program with these fields and nothing else.
pub fn program(fields: &[(&str, Ty)]) -> Program {
    Program {
        schema: Schema {
            fields: fields
                .iter()
                .map(|(name, ty)| Field {
                    name: name.to_string(),
                    column: name.to_string(),
                    ty: ty.clone(),
                    doc: None,
                    span: sp(),
                })
                .collect(),
            key: None,
        },
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

pub fn def_node(name: &str, expr: Expr) -> Def {
    Def {
        allow: Vec::new(),
        name: name.to_string(),
        is_segment: expr.ty == Ty::Bool,
        expr,
        doc: None,
        span: sp(),
    }
}

pub fn when(points: f64, source: &str, cond: Expr) -> ScoreItem {
    ScoreItem {
        points,
        rule: Rule::When(cond),
        source: source.into(),
        span: sp(),
    }
}

pub fn per(points: f64, source: &str, x: Expr, up_to: Option<f64>) -> ScoreItem {
    ScoreItem {
        points,
        rule: Rule::Per { x, up_to },
        source: source.into(),
        span: sp(),
    }
}

/// The instant every expression test runs at: 2026-11-01T00:00:00Z.
pub fn now() -> i64 {
    t("2026-11-01")
}

/// Evaluates a closed expression (no fields) at [`now`].
pub fn eval(e: &Expr) -> Result<Value, EvalError> {
    let p = program(&[]);
    eval_expr(&p, e, &[], &LeadValues::empty(&p), now())
}

pub fn eval_ok(e: &Expr) -> Value {
    eval(e).unwrap_or_else(|err| panic!("evaluation failed: {}", err.message))
}
