//! Operator edge cases of the interpreter, on hand-built IR.

use super::testkit::*;
use crate::ir::{
    AggOp, ArithOp::*, CmpOp::*, ExprKind, Func, Pattern, Quant, RecordField, RecordType, Ty,
};
use crate::time::{MS_PER_DAY, MS_PER_HOUR};
use crate::value::Value;
use std::sync::Arc;

fn truth(e: crate::ir::Expr) -> bool {
    match eval_ok(&e) {
        Value::Bool(v) => v,
        v => panic!("not a bool: {v:?}"),
    }
}

#[test]
fn int_arithmetic_is_checked() {
    assert_eq!(eval_ok(&arith(AddInt, int(2), int(3))), Value::Int(5));
    assert_eq!(eval_ok(&arith(MulInt, int(-4), int(3))), Value::Int(-12));
    let err = eval(&arith(MulInt, int(i64::MAX), int(2))).unwrap_err();
    assert_eq!(err.message, "integer overflow in `9223372036854775807 * 2`");
    assert!(eval(&arith(AddInt, int(i64::MAX), int(1))).is_err());
    assert!(eval(&arith(SubInt, int(i64::MIN), int(1))).is_err());
    assert_eq!(
        eval_ok(&arith(SubInt, int(i64::MIN), int(-1))),
        Value::Int(i64::MIN + 1)
    );
    let neg = ex(ExprKind::Neg(bx(int(i64::MIN))), Ty::Int);
    assert_eq!(
        eval(&neg).unwrap_err().message,
        "integer overflow in `-(-9223372036854775808)`"
    );
    let abs = call(Func::AbsInt, vec![int(i64::MIN)], Ty::Int);
    assert!(eval(&abs).is_err());
    assert_eq!(
        eval_ok(&call(Func::AbsInt, vec![int(-7)], Ty::Int)),
        Value::Int(7)
    );
}

#[test]
fn number_arithmetic_is_ieee() {
    assert_eq!(
        eval_ok(&arith(AddNum, num(0.1), num(0.2))),
        Value::Number(0.1 + 0.2)
    );
    assert_eq!(
        eval_ok(&arith(DivNum, num(1.0), num(0.0))),
        Value::Number(f64::INFINITY)
    );
    assert_eq!(
        eval_ok(&arith(DivNum, num(-1.0), num(0.0))),
        Value::Number(f64::NEG_INFINITY)
    );
    let Value::Number(nan) = eval_ok(&arith(DivNum, num(0.0), num(0.0))) else {
        panic!()
    };
    assert!(nan.is_nan());
    // NaN is not equal to itself, unequal to everything, and unordered.
    let nan_e = || arith(DivNum, num(0.0), num(0.0));
    assert!(!truth(cmp(Eq, nan_e(), nan_e())));
    assert!(truth(cmp(Ne, nan_e(), nan_e())));
    assert!(!truth(cmp(Lt, nan_e(), num(1.0))));
    assert!(!truth(cmp(Ge, nan_e(), num(1.0))));
    let to_num = ex(ExprKind::ToNumber(bx(int(3))), Ty::Number);
    assert_eq!(
        eval_ok(&arith(DivNum, to_num, num(2.0))),
        Value::Number(1.5)
    );
}

#[test]
fn rounding_functions() {
    let f = |func, x: f64| eval_ok(&call(func, vec![num(x)], Ty::Number));
    assert_eq!(f(Func::Round, 2.5), Value::Number(3.0));
    assert_eq!(f(Func::Round, -2.5), Value::Number(-3.0));
    assert_eq!(f(Func::Round, 0.49999999999999994), Value::Number(0.0));
    assert_eq!(f(Func::Floor, -0.5), Value::Number(-1.0));
    assert_eq!(f(Func::Ceil, -0.5), Value::Number(-0.0));
    assert_eq!(f(Func::AbsNum, -2.0), Value::Number(2.0));
    let min = call(Func::MinNum, vec![num(1.0), num(-1.0)], Ty::Number);
    assert_eq!(eval_ok(&min), Value::Number(-1.0));
    let max = call(Func::MaxInt, vec![int(1), int(-1)], Ty::Int);
    assert_eq!(eval_ok(&max), Value::Int(1));
}

#[test]
fn time_arithmetic_leap_days_and_negative_durations() {
    let leap = arith(SubTsTs, ts("2024-03-01"), ts("2024-02-28"));
    assert_eq!(eval_ok(&leap), Value::Duration(2 * MS_PER_DAY));
    let plain = arith(SubTsTs, ts("2026-03-01"), ts("2026-02-28"));
    assert_eq!(eval_ok(&plain), Value::Duration(MS_PER_DAY));
    let back = arith(SubTsTs, ts("2026-02-28"), ts("2026-03-01"));
    assert_eq!(eval_ok(&back), Value::Duration(-MS_PER_DAY));
    let days = call(Func::Days, vec![back], Ty::Number);
    assert_eq!(eval_ok(&days), Value::Number(-1.0));
    let hours = call(Func::Hours, vec![dur(90 * 60_000)], Ty::Number);
    assert_eq!(eval_ok(&hours), Value::Number(1.5));
    let minutes = call(Func::Minutes, vec![dur(90_000)], Ty::Number);
    assert_eq!(eval_ok(&minutes), Value::Number(1.5));
    let add = arith(AddTsDur, ts("2024-02-28T12:00:00Z"), dur(MS_PER_DAY));
    assert_eq!(eval_ok(&add), Value::Timestamp(t("2024-02-29T12:00:00Z")));
    let sub = arith(SubTsDur, ts("2024-03-01"), dur(-MS_PER_HOUR));
    assert_eq!(eval_ok(&sub), Value::Timestamp(t("2024-03-01T01:00:00Z")));
    let far = ex(ExprKind::Const(Value::Timestamp(i64::MAX)), Ty::Timestamp);
    assert!(eval(&arith(AddTsDur, far.clone(), dur(1))).is_err());
    let min_ts = ex(ExprKind::Const(Value::Timestamp(i64::MIN)), Ty::Timestamp);
    assert!(eval(&arith(SubTsTs, far, min_ts)).is_err());
    assert!(eval(&arith(AddDur, dur(i64::MAX), dur(1))).is_err());
    let neg = ex(ExprKind::Neg(bx(dur(i64::MIN))), Ty::Duration);
    assert!(eval(&neg).is_err());
    assert!(eval(&call(Func::AbsDur, vec![dur(i64::MIN)], Ty::Duration)).is_err());
    assert_eq!(
        eval_ok(&arith(MulDurNum, dur(3), num(0.5))),
        Value::Duration(2)
    );
    assert_eq!(
        eval_ok(&arith(MulDurNum, num(0.5), dur(-3))),
        Value::Duration(-2)
    );
    assert!(eval(&arith(MulDurNum, dur(i64::MAX), num(2.0))).is_err());
}

#[test]
fn within_is_a_window_ending_now() {
    let w = |at: &str, d: i64| truth(ex(ExprKind::Within(bx(ts(at)), bx(dur(d))), Ty::Bool));
    assert!(w("2026-10-02", 30 * MS_PER_DAY), "exactly 30 days ago");
    assert!(!w("2026-10-01T23:59:59.999Z", 30 * MS_PER_DAY));
    assert!(w("2026-11-01", 0), "now itself");
    assert!(
        !w("2026-11-01T00:00:00.001Z", 30 * MS_PER_DAY),
        "the future is not within"
    );
    assert!(
        !w("2026-10-31", -MS_PER_DAY),
        "negative window holds nothing"
    );
    let ancient = ex(ExprKind::Const(Value::Timestamp(i64::MIN)), Ty::Timestamp);
    let e = ex(ExprKind::Within(bx(ancient), bx(dur(i64::MAX))), Ty::Bool);
    assert_eq!(
        eval_ok(&e),
        Value::Bool(false),
        "no overflow at the extremes"
    );
}

#[test]
fn strings_compare_by_bytes_and_concat() {
    assert!(
        truth(cmp(Lt, s("B"), s("a"))),
        "byte order: uppercase first"
    );
    assert!(truth(cmp(Lt, s(""), s("a"))));
    assert!(truth(cmp(Lt, s("z"), s("é"))));
    assert!(truth(cmp(Eq, s(""), s(""))));
    assert_eq!(eval_ok(&arith(Concat, s("A"), s("2"))), Value::str("A2"));
    assert_eq!(eval_ok(&arith(Concat, s(""), s(""))), Value::str(""));
    assert!(truth(cmp(Lt, ts("2024-02-29"), ts("2024-03-01"))));
    assert!(truth(cmp(Ge, dur(-1), dur(-1))));
    assert!(truth(cmp(Le, int(i64::MIN), int(i64::MAX))));
}

#[test]
fn enums_and_stages_compare_by_position() {
    let source = enum_ty(&["organic", "paid", "event"], None);
    let e = |v: &str| ex(ExprKind::Const(Value::str(v)), source.clone());
    assert!(
        truth(cmp(Lt, e("paid"), e("event"))),
        "declared order, not byte order"
    );
    assert!(truth(cmp(Gt, e("paid"), s("organic"))));
    let stage = enum_ty(&["Lead", "MQL", "SQL", "Disqualified"], Some(3));
    let st = |v: &str| ex(ExprKind::Const(Value::str(v)), stage.clone());
    assert!(truth(cmp(Ge, st("SQL"), st("MQL"))));
    assert!(!truth(cmp(Ge, st("Lead"), st("MQL"))));
    for op in [Lt, Le, Gt, Ge] {
        assert!(!truth(cmp(op, st("Disqualified"), st("Lead"))), "{op:?}");
        assert!(!truth(cmp(op, st("MQL"), st("Disqualified"))), "{op:?}");
        assert!(
            !truth(cmp(op, st("Disqualified"), st("Disqualified"))),
            "{op:?}"
        );
    }
    assert!(truth(cmp(Eq, st("Disqualified"), st("Disqualified"))));
    assert!(truth(cmp(Ne, st("Disqualified"), st("Lead"))));
    // A missing stage equals nothing present.
    assert!(!truth(cmp(Eq, missing(stage.clone()), st("Lead"))));
}

#[test]
fn logic_short_circuits_past_errors() {
    let boom = || cmp(Eq, arith(MulInt, int(i64::MAX), int(2)), int(0));
    assert!(!truth(and(b(false), boom())));
    assert!(truth(or(b(true), boom())));
    assert!(eval(&and(b(true), boom())).is_err());
    let pick = ex(
        ExprKind::If(
            bx(b(true)),
            bx(int(1)),
            bx(arith(MulInt, int(i64::MAX), int(2))),
        ),
        Ty::Int,
    );
    assert_eq!(eval_ok(&pick), Value::Int(1));
    let not = ex(ExprKind::Not(bx(b(false))), Ty::Bool);
    assert!(truth(not));
}

#[test]
fn missing_values_and_coalesce() {
    let m = || missing(Ty::Int);
    let co = ex(ExprKind::Coalesce(bx(m()), bx(int(0))), Ty::Int);
    assert_eq!(eval_ok(&co), Value::Int(0));
    let present = ex(
        ExprKind::Coalesce(bx(int(5)), bx(arith(MulInt, int(i64::MAX), int(2)))),
        Ty::Int,
    );
    assert_eq!(eval_ok(&present), Value::Int(5), "default not evaluated");
    assert!(truth(ex(ExprKind::IsMissing(bx(m())), Ty::Bool)));
    assert!(!truth(ex(ExprKind::IsPresent(bx(m())), Ty::Bool)));
    assert!(
        truth(ex(ExprKind::IsPresent(bx(s(""))), Ty::Bool)),
        "an empty string is present"
    );
}

#[test]
fn membership_is_exact() {
    let isin = |x, l, negated| {
        truth(ex(
            ExprKind::In {
                x: bx(x),
                list: bx(l),
                negated,
            },
            Ty::Bool,
        ))
    };
    assert!(isin(s("US"), strs(&["US", "CA"]), false));
    assert!(
        !isin(s("us"), strs(&["US", "CA"]), false),
        "membership is case-sensitive"
    );
    assert!(isin(s("us"), strs(&["US"]), true));
    assert!(!isin(s(""), strs(&[]), false));
    let lc = |l, quant, arg| {
        truth(ex(
            ExprKind::ListContains {
                list: bx(l),
                quant,
                arg: bx(arg),
            },
            Ty::Bool,
        ))
    };
    assert!(lc(strs(&["a", "b"]), Quant::One, s("b")));
    assert!(lc(strs(&["a", "b"]), Quant::Any, strs(&["x", "a"])));
    assert!(!lc(strs(&["a", "b"]), Quant::Any, strs(&[])));
    assert!(lc(strs(&["a", "b"]), Quant::All, strs(&["b", "a"])));
    assert!(lc(strs(&[]), Quant::All, strs(&[])), "all of nothing holds");
    assert!(!lc(strs(&["a"]), Quant::All, strs(&["a", "B"])));
}

#[test]
fn text_search_is_case_insensitive() {
    let tc = |subj, quant, arg| {
        truth(ex(
            ExprKind::TextContains {
                subject: bx(subj),
                quant,
                arg: bx(arg),
            },
            Ty::Bool,
        ))
    };
    assert!(tc(s("VP Marketing"), Quant::One, s("vp")));
    assert!(tc(s("VP Marketing"), Quant::Any, strs(&["ceo", "vp"])));
    assert!(!tc(s("VP Marketing"), Quant::Any, strs(&[])));
    assert!(tc(s("VP Marketing"), Quant::All, strs(&["MARK", "vp "])));
    assert!(!tc(s("VP Marketing"), Quant::All, strs(&["vp", "sales"])));
    assert!(tc(s("ΟΔΥΣΣΕΥΣ"), Quant::One, s("σσευς")));
    assert!(tc(s(""), Quant::One, s("")));
    let sw = ex(ExprKind::StartsWith(bx(s("Ärger")), bx(s("äR"))), Ty::Bool);
    assert!(truth(sw));
    let ew = ex(
        ExprKind::EndsWith(bx(s("x@GMAIL.com")), bx(s("@gmail.COM"))),
        Ty::Bool,
    );
    assert!(truth(ew));
    let pattern = |p: &str| Pattern {
        source: p.into(),
        regex: Arc::new(regex::Regex::new(p).unwrap()),
    };
    assert!(
        !truth(ex(
            ExprKind::Matches(bx(s("CTO")), pattern("^cto$")),
            Ty::Bool
        )),
        "regex is case-sensitive"
    );
    assert!(truth(ex(
        ExprKind::Matches(bx(s("CTO")), pattern("(?i)^cto$")),
        Ty::Bool
    )));
}

#[test]
fn string_functions() {
    let f = |func, x: &str| eval_ok(&call(func, vec![s(x)], Ty::String));
    assert_eq!(f(Func::Lower, "STRAẞE"), Value::str("straße"));
    assert_eq!(
        f(Func::Upper, "straße"),
        Value::str("STRASSE"),
        "full uppercase mapping"
    );
    assert_eq!(f(Func::Trim, "  a b \t"), Value::str("a b"));
    assert_eq!(f(Func::Domain, "Ana@Gmail.com"), Value::str("gmail.com"));
    assert_eq!(f(Func::LenStr, "héllo"), Value::Int(5));
    assert_eq!(f(Func::LenStr, ""), Value::Int(0));
    let len = call(Func::LenList, vec![strs(&[])], Ty::Int);
    assert_eq!(eval_ok(&len), Value::Int(0));
}

fn events_ty() -> Ty {
    Ty::Records(Arc::new(RecordType {
        fields: vec![
            RecordField {
                name: "type".into(),
                ty: Ty::String,
            },
            RecordField {
                name: "at".into(),
                ty: Ty::Timestamp.optional(),
            },
        ],
    }))
}

fn events(items: &[(&str, Option<&str>)]) -> crate::ir::Expr {
    let v = list(
        items
            .iter()
            .map(|(ty, at)| {
                record(vec![
                    Value::str(ty),
                    at.map_or(Value::Missing, |a| Value::Timestamp(t(a))),
                ])
            })
            .collect(),
    );
    ex(ExprKind::Const(v), events_ty())
}

fn is_visit() -> crate::ir::Expr {
    cmp(
        Eq,
        ex(ExprKind::ElemField { level: 0, index: 0 }, Ty::String),
        s("visit"),
    )
}

fn agg(
    op: AggOp,
    l: crate::ir::Expr,
    cond: Option<crate::ir::Expr>,
    half_life_ms: Option<i64>,
) -> Value {
    let ty = match op {
        AggOp::Count => Ty::Int,
        AggOp::Any | AggOp::All => Ty::Bool,
        AggOp::DecayedCount { .. } => Ty::Number,
        _ => Ty::Timestamp.optional(),
    };
    eval_ok(&ex(
        ExprKind::Agg {
            op,
            list: bx(l),
            cond: cond.map(bx),
            half_life_ms,
        },
        ty,
    ))
}

#[test]
fn aggregates_over_records() {
    let evs = || {
        events(&[
            ("visit", Some("2026-11-01")),
            ("form", Some("2026-10-01")),
            ("visit", Some("2026-10-18")),
            ("visit", None),
        ])
    };
    assert_eq!(agg(AggOp::Count, evs(), None, None), Value::Int(4));
    assert_eq!(
        agg(AggOp::Count, evs(), Some(is_visit()), None),
        Value::Int(3)
    );
    assert_eq!(
        agg(AggOp::Any, evs(), Some(is_visit()), None),
        Value::Bool(true)
    );
    assert_eq!(
        agg(AggOp::All, evs(), Some(is_visit()), None),
        Value::Bool(false)
    );
    let at = AggOp::Earliest { at_field: 1 };
    assert_eq!(
        agg(at, evs(), Some(is_visit()), None),
        Value::Timestamp(t("2026-10-18"))
    );
    let at = AggOp::Latest { at_field: 1 };
    assert_eq!(
        agg(at, evs(), None, None),
        Value::Timestamp(t("2026-11-01"))
    );
    // 1 (today) + 0.5 (one half-life ago); the visit without a time counts nothing.
    let dc = AggOp::DecayedCount { at_field: 1 };
    assert_eq!(
        agg(dc, evs(), Some(is_visit()), Some(14 * MS_PER_DAY)),
        Value::Number(1.5)
    );
}

#[test]
fn aggregates_over_empty_lists() {
    let none = || events(&[]);
    assert_eq!(
        agg(AggOp::Count, none(), Some(is_visit()), None),
        Value::Int(0)
    );
    assert_eq!(
        agg(AggOp::Any, none(), Some(is_visit()), None),
        Value::Bool(false)
    );
    assert_eq!(
        agg(AggOp::All, none(), Some(is_visit()), None),
        Value::Bool(true)
    );
    assert_eq!(
        agg(AggOp::Earliest { at_field: 1 }, none(), None, None),
        Value::Missing
    );
    let dc = AggOp::DecayedCount { at_field: 1 };
    assert_eq!(agg(dc, none(), None, Some(MS_PER_DAY)), Value::Number(0.0));
}

#[test]
fn future_events_count_fully_and_nested_wheres_see_outer_elements() {
    let dc = AggOp::DecayedCount { at_field: 1 };
    let future = events(&[("visit", Some("2026-12-01"))]);
    assert_eq!(agg(dc, future, None, Some(MS_PER_DAY)), Value::Number(1.0));
    // count(events where any(events where it.type == outer.type and …)): each element sees
    // itself at level 1 inside the inner where.
    let same_type = cmp(
        Eq,
        ex(ExprKind::ElemField { level: 0, index: 0 }, Ty::String),
        ex(ExprKind::ElemField { level: 1, index: 0 }, Ty::String),
    );
    let inner = ex(
        ExprKind::Agg {
            op: AggOp::Count,
            list: bx(events(&[("visit", None), ("visit", None), ("form", None)])),
            cond: Some(bx(same_type)),
            half_life_ms: None,
        },
        Ty::Int,
    );
    let outer_cond = cmp(Ge, inner, int(2));
    let evs = events(&[("visit", None), ("form", None), ("visit", None)]);
    assert_eq!(
        agg(AggOp::Count, evs, Some(outer_cond), None),
        Value::Int(2)
    );
}

#[test]
fn scalar_list_elements() {
    let l = strs(&["a", "bb", ""]);
    let long = cmp(
        Ge,
        call(
            Func::LenStr,
            vec![ex(ExprKind::Elem { level: 0 }, Ty::String)],
            Ty::Int,
        ),
        int(1),
    );
    assert_eq!(agg(AggOp::Count, l, Some(long), None), Value::Int(2));
}

#[test]
fn inconsistent_ir_is_an_internal_error_not_a_panic() {
    let e = ex(ExprKind::Elem { level: 3 }, Ty::String);
    assert!(eval(&e).unwrap_err().message.starts_with("internal:"));
    let e = field(9, Ty::Int);
    assert!(eval(&e).unwrap_err().message.starts_with("internal:"));
    let e = arith(AddInt, s("a"), int(1));
    assert!(eval(&e).unwrap_err().message.starts_with("internal:"));
    let e = call(Func::Lower, vec![], Ty::String);
    assert!(eval(&e).unwrap_err().message.starts_with("internal:"));
}
